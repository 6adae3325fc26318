// The maintenance commands on a backup directory: list, verify and prune. Each works on the store
// alone (no database, no engine), writes its status next to the jobs' (status/verify-<env>.json,
// status/prune-<env>.json) and returns what cli/ prints. Prune waits for the directory's lock like
// any job and first finishes what a killed job left; list and verify only read (verify writes its
// records atomically), so they never wait for a running backup.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "jobs/maintenance/inventory.h"
#include "jobs/maintenance/prune.h"

namespace hivekeeper::jobs {

struct StoreScope {
  std::string directory = "backups/django";
  bool group_readable = false;
  std::optional<manifest::Environment> environment;  // nullopt: both
  std::string prefix;                                // "": every prefix
  manifest::StorageSpec
      storage;  // -f MANIFEST's spec.storage: a bucket is listed, verified, pruned
  manifest::EncryptionSpec encryption;  // the keys verify opens encrypted sets with
};

std::vector<SetSummary> list_sets(const StoreScope& scope);
// Uploads killed backups left open in the scope's bucket (none for a directory).
std::vector<store::UnfinishedUpload> list_unfinished_uploads(const StoreScope& scope);

// Verifies the sets SELECTOR picks (store/backup_sets.h select_sets) and records each result.
std::vector<store::Verification> run_verify(const StoreScope& scope, const std::string& selector);

// SCOPE.environment must be set.
// UPLOAD_GRACE: unfinished uploads older than this are aborted (PruneRequest).
PruneOutcome run_prune(const StoreScope& scope, const manifest::RetentionPolicy& policy,
                       bool dry_run,
                       const manifest::CalendarDuration& upload_grace = kUnfinishedUploadAge);

}  // namespace hivekeeper::jobs
