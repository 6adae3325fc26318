// Everything a backup will do, decided before any file is opened: which database, which pg_dump
// options, whether media come along, which file names. A pure function of the spec, the facts of
// the target (target/target.h) and the clock; the restore's safety backup is planned here too.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "archive/compression.h"
#include "manifest/manifest.h"
#include "store/naming.h"
#include "target/target.h"

namespace hivekeeper::jobs {

using store::Clock;

struct BackupPlan {
  std::string job_name;
  manifest::Environment environment = manifest::Environment::dev;
  std::string project;
  std::string prefix;
  postgres::DatabaseIdentity database;
  target::Location database_location;
  std::optional<target::Location> media_location;  // nullopt: no media
  std::vector<std::string> pg_dump_options;
  manifest::DumpSpec dump;  // the job builds pg_dump's argv from it once it knows the transport
  archive::Compression database_compression = archive::Compression::gzip;
  int database_level = 6;
  archive::Compression media_compression = archive::Compression::gzip;
  int media_level = 6;
  std::filesystem::path output_directory;
  std::string timestamp;
  store::BackupFileNames files;
  bool pre_restore = false;
  bool encrypted = false;  // spec.encryption.age: the dump and media files end in .age
  Clock::time_point start;

  bool has_media() const { return media_location.has_value(); }
};

BackupPlan plan_backup(const manifest::Manifest& manifest, const target::TargetFacts& target,
                       Clock::time_point now);
// The same for a BackupSpec that is not a manifest's: a restore's safety backup, named
// <prefix>_<env>_pre-restore_...
BackupPlan plan_backup(const std::string& job_name, const manifest::BackupSpec& spec,
                       const target::TargetFacts& target, Clock::time_point now, bool pre_restore);

// PLAN, or the same a second later (and so on) while any of its file names is among TAKEN: a
// set is never replaced, and two backups in one second (the second waited for the first's
// lock) both keep theirs.
BackupPlan with_free_names(BackupPlan plan, const std::vector<std::string>& taken);

}  // namespace hivekeeper::jobs
