// The BackupJob, step by step:
//   1. discover the database container (and media volume) and plan every name
//   2. dump the database (pg_dump in its container, through exec) and, at the same time, archive
//      the media volume (the engine's archive endpoint on a never-started helper container)
//   3. check pg_dump's exit code and stderr, and that the dump is complete
//   4. write the metadata, then move all files into place; on any failure none is left
#pragma once

#include <filesystem>
#include <string>

#include "docker/client.h"
#include "jobs/database_commands.h"
#include "jobs/metadata.h"
#include "jobs/plan.h"
#include "manifest/manifest.h"
#include "status/status.h"

namespace hivekeeper::jobs {

struct WrittenBackupSet {
  BackupOutcome outcome;
  std::filesystem::path metadata_path;
  std::string metadata;  // the file's content
};

// Steps 2-4 for a plan already made; the restore's safety backup runs this too.
WrittenBackupSet write_backup_set(const BackupPlan& plan, const docker::Client& docker);
// The same with pg_dump run by COMMANDS; DOCKER (for the media volume) may be null when the plan
// has no media.
WrittenBackupSet write_backup_set(const BackupPlan& plan, const DatabaseCommands& commands,
                                  const docker::Client* docker);

// The set's files as status artifacts; `role` prefixes their kind ("" or "safety-").
std::vector<status::Artifact> backup_set_artifacts(const WrittenBackupSet& set,
                                                   const std::string& role);

// Throws hivekeeper::Error on failure, after removing every partial file. Fills the status.
void run_backup(const manifest::Manifest& manifest, const docker::Client& docker,
                status::StatusReporter& status);

}  // namespace hivekeeper::jobs
