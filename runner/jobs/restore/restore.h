// The RestoreJob, step by step (jobs/restore/restore.cpp lists them in this order):
//   1. plan the files (`latest`, a name, a path) and the safety backup's names
//      (jobs/restore/plan.h); check the dump's checksum and read the whole media archive,
//      refusing unsafe entries (jobs/restore/inputs.h). Nothing has changed yet.
//   2. make the database ready (started if stopped) and stop the services to quiesce
//      (Target::prepare_restore); they start again when the job ends, whatever the outcome
//   3. take the safety backup of what is about to be overwritten (<prefix>_<env>_pre-restore_...)
//   4. stream the dump into psql inside one transaction (postgres/load.h) while the media are
//      staged beside their current content and verified; compare the row counts
//      (jobs/restore/row_counts.h); COMMIT only if all of it holds
//   5. swap the staged media in
// In direct mode step 2 has nothing to start or stop, psql and pg_dump run beside the runner, and
// the media are staged and swapped in the mounted directory spec.media.path (target/).
#pragma once

#include <string>

#include "manifest/manifest.h"
#include "status/status.h"
#include "store/backup_store.h"
#include "store/journal.h"
#include "target/target.h"

namespace hivekeeper::jobs {

// What a completed restore put in place and took first, for its record
// (store/restore_records.h). "" where there was none.
struct RestoreOutcome {
  std::string database;
  std::string media;
  std::string safety_database;
  std::string safety_media;
};

// JOURNAL gets a record before each step a killed job would leave half done (jobs/recover.h).
RestoreOutcome run_restore(const manifest::Manifest& manifest, target::Target& target,
                           store::BackupStore& store, status::StatusReporter& status,
                           store::JournalWriter& journal);

}  // namespace hivekeeper::jobs
