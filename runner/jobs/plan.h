// Everything a backup will do, decided before any file is opened: which container, which
// database, which pg_dump command, which volume, which file names. A pure function of the
// manifest, what discovery found and the clock.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "docker/objects.h"
#include "jobs/discovery.h"
#include "jobs/naming.h"
#include "manifest/manifest.h"

namespace hivekeeper::jobs {

// Where a job's data lives, for the status and the metadata: ("container", name) or, in direct
// mode, ("server", host:port); ("volume", name) or, in direct mode, ("directory", path).
using Location = std::pair<std::string, std::string>;
Location database_location(const docker::Container& container, const std::string& server);
Location media_location(const std::string& volume, const std::filesystem::path& directory);

struct BackupPlan {
  std::string job_name;
  manifest::Environment environment = manifest::Environment::dev;
  std::string project;
  std::string prefix;
  docker::Container database_container;  // Docker mode
  std::string database_server;           // direct mode: host:port
  DatabaseIdentity database;
  std::vector<std::string> pg_dump_options;
  manifest::DumpSpec dump;  // the job builds pg_dump's argv from it once it knows the transport
  int compression_level = 6;
  std::string media_volume;               // "" = no volume
  std::filesystem::path media_directory;  // direct mode: a mounted directory; "" = none
  bool has_media() const { return !media_volume.empty() || !media_directory.empty(); }
  Location database_location() const {
    return jobs::database_location(database_container, database_server);
  }
  Location media_location() const { return jobs::media_location(media_volume, media_directory); }
  std::filesystem::path output_directory;
  std::string timestamp;
  BackupFileNames files;
  Clock::time_point start;
};

BackupPlan plan_backup(const manifest::Manifest& manifest, const Discovered& found,
                       Clock::time_point now);
// The same for a BackupSpec that is not a manifest's: a restore's safety backup, named
// <prefix>_<env>_pre-restore_...
BackupPlan plan_backup(const std::string& job_name, const manifest::BackupSpec& spec,
                       const Discovered& found, Clock::time_point now, bool pre_restore);

}  // namespace hivekeeper::jobs
