// The DrillJob (`hivekeeper drill ENV [SET|latest]`): proof that a backup set restores, without
// touching the live database or media. Step by step (jobs/drill/drill.cpp lists them in order):
//   1. plan: the set, its files, the scratch names (jobs/drill/plan.h)
//   2. check the inputs as a restore does: the dump read whole (sha256 against the metadata, every
//      line as psql would read it: a hostile dump is refused here as in a restore), the media
//      archive read whole and judged entry by entry (jobs/restore/inputs.h, archive/)
//   3. create the scratch database on the same server and the scratch media place (a new volume,
//      or a folder under the backup directory in direct mode), journalled first so that a killed
//      drill's are removed by the next job (jobs/recover.h); load the dump into the database in
//      one transaction, row counts checked against the metadata, and commit it there; meanwhile
//      stage the media into their place and read every file back against the archive
//   4. Django's migrations: the rows restored against the dump's COPY block; for information,
//      what the live database has that the backup lacks (a read-only query)
//   5. drop the scratch database and place, record the verdict (verified/<set>.json: `list`
//      shows it, `prune` keeps the newest set that passed), report the timings
// A problem with the set (a damaged or hostile file, row counts, a staging mismatch, migrations
// that did not load) does not stop the other checks; the drill then fails (exit 1) naming each.
// A failure to create or drop the scratch things fails it without a verdict on the set.
#pragma once

#include "manifest/manifest.h"
#include "status/status.h"
#include "store/backup_store.h"
#include "store/journal.h"
#include "target/target.h"

namespace hivekeeper::jobs {

void run_drill(const manifest::Manifest& manifest, target::Target& target,
               store::BackupStore& store, status::StatusReporter& status,
               store::JournalWriter& journal);

// spec.dryRun (`drill --dry-run`): checks what can be checked without changing anything and
// prints on standard output what the drill would do; takes no lock, writes no status or record,
// creates no database, volume or folder. Throws DrillWouldFail naming every check that failed.
void preview_drill(const manifest::Manifest& manifest);

}  // namespace hivekeeper::jobs
