// Everything a restore will do, decided before anything is touched: which files (`latest`, a
// name in the backup directory, or a path) for the database and the media, whether the schema is
// reset, which services are stopped, and the safety backup's names. A pure function of the
// manifest, the target's facts, the backup directory's listing and the clock.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "jobs/backup/plan.h"
#include "manifest/manifest.h"
#include "store/naming.h"
#include "target/target.h"

namespace hivekeeper::jobs {

// A file to restore: where it is read, and the store whose metadata describes it (the backup
// directory, or the folder of a file named by path).
struct RestoreSource {
  std::filesystem::path file;
  std::filesystem::path directory;
  std::string name;  // file name within DIRECTORY
};

struct RestorePlan {
  std::string job_name;
  manifest::Environment environment = manifest::Environment::dev;
  RestoreSource database;
  std::optional<RestoreSource> media;
  bool reset = false;
  bool terminate_connections = false;
  int lock_timeout_seconds = 60;
  manifest::QuiesceSpec quiesce;
  std::optional<BackupPlan> safety_backup;  // nullopt: spec.safetyBackup is false
};

// True when the plan needs the backup directory's listing (`latest` is asked for).
bool restore_needs_listing(const manifest::RestoreSpec& spec);

// NAMES: the backup directory's listing (may be empty unless restore_needs_listing).
RestorePlan plan_restore(const manifest::Manifest& manifest, const target::TargetFacts& target,
                         const std::vector<std::string>& names, Clock::time_point now);

// "latest" -> the newest of KIND in NAMES; a value with a slash -> that path; else a name in
// DIRECTORY. Throws NoBackupFound when latest finds nothing.
RestoreSource resolve_source(const std::string& requested, const std::filesystem::path& directory,
                             const std::vector<std::string>& names, const std::string& prefix,
                             manifest::Environment environment, store::ArtifactKind kind);

}  // namespace hivekeeper::jobs
