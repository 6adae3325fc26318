// Finishing what a killed job left (issue 11). A job killed outright (SIGKILL: the OOM killer,
// `docker kill`, a lost node) runs none of its cleanups; its journal (store/journal.h) says what
// it had begun. The next job to hold the backup directory's lock, or `hivekeeper recover`, reads
// it and, in this order:
//   1. removes the killed run's helper containers (by their hivekeeper.io/run label), so nothing
//      of the killed job still writes to the media; then what a killed drill created: its scratch
//      database (Docker mode; in direct mode it is named for a person to drop) and its scratch
//      volume or folder;
//   2. puts the media right: staging and old-content folders go; if the swap was half done, the
//      entries already moved in go and the old ones come back (as a failed swap does); if it had
//      moved everything in, only the old content is deleted;
//   3. starts the services it stopped, now that the media are whole again;
//   4. removes the partial files (.NAME.partial-TOKEN) in the directory;
//   5. marks the killed job's status Failed with reason Killed, naming what was recovered
//      (unless it had already reached Succeeded or Failed);
//   6. removes the journal.
// Each step is idempotent, so a recovery that fails (or is itself killed) keeps the journal and
// the next attempt starts over. The decisions are pure functions, tested without Docker.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "status/status.h"
#include "store/journal.h"
#include "target/recovery.h"

namespace hivekeeper::jobs {

// Step 2's decision from what the media hold now.
target::MediaSteps plan_media_recovery(const std::string& staging, const std::string& old,
                                       const target::MediaState& state);

// A status file's "status" block as a JobStatus (the inverse of status::render), so that the
// killed job's record is finished with the same lifecycle functions as any other.
status::JobStatus status_from_block(const nlohmann::json& block);

// "RestoreJob restore-prod (run 1a2b..., started ... on host, pid 7)".
std::string killed_job_description(const store::JournalJob& job);

// Recovers what the journal in DIRECTORY describes; false when there is none. The caller holds the
// directory's lock. Throws RecoveryFailed (keeping the journal) when a step fails.
bool recover_killed_job(const std::filesystem::path& directory);

// `hivekeeper recover`: waits for the directory's lock like any job, then recovers. True when
// there was something to recover.
bool run_recover(const std::filesystem::path& directory);

}  // namespace hivekeeper::jobs
