// Pruning a backup directory by a retention policy (jobs/maintenance/retention.h decides): the
// sets not kept are deleted whole, each set's metadata first, so a set never looks whole when it
// is not; a SIGTERM waits until the set in hand is gone. The caller holds the store's lock, except
// for a dry run, which deletes nothing.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "jobs/maintenance/retention.h"
#include "manifest/duration.h"
#include "store/backup_store.h"
#include "store/journal.h"

namespace hivekeeper::jobs {

// An upload that started this long before the prune is a killed job's, not one a backup on
// another host is still making (a bucket has no lock across hosts). prune --upload-grace changes
// it.
inline constexpr manifest::CalendarDuration kUnfinishedUploadAge{.hours = 1};

struct PruneRequest {
  manifest::Environment environment = manifest::Environment::dev;
  std::string prefix;     // "" = every prefix, each its own series
  std::string just_made;  // the set a backup just made, never deleted
  bool dry_run = false;
  // Where each set's files are announced before they go, so that a killed prune is finished by
  // the next job (jobs/recover.h); nullptr for none.
  store::JournalWriter* journal = nullptr;
  // Unfinished uploads older than this are aborted.
  manifest::CalendarDuration upload_grace = kUnfinishedUploadAge;
};

struct PruneOutcome {
  std::vector<RetentionDecision> decisions;  // every set of the environment, newest first
  std::vector<std::string> deleted;          // the sets deleted (a dry run: none)
  // Uploads killed backups left open in a bucket, aborted (a dry run: would be).
  std::vector<std::string> aborted_uploads;
};

PruneOutcome prune_sets(store::BackupStore& store, const manifest::RetentionPolicy& policy,
                        const PruneRequest& request);

// {"kind":"PrunePlan"|"PruneResult","policy",...,"items":[{"name","kind","action","reasons"}]}
nlohmann::json prune_json(const PruneOutcome& outcome, const manifest::RetentionPolicy& policy,
                          bool dry_run);

}  // namespace hivekeeper::jobs
