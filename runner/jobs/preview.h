// --dry-run of a backup or a restore: every check that only reads, and on standard output exactly
// what the job would do (the files it would write and delete, the services it would stop, the
// safety backup it would take). No lock, no status file, no helper container, nothing written.
// Throws BackupWouldFail / RestoreWouldFail (exit 1) naming every check that failed.
#pragma once

#include "manifest/manifest.h"

namespace hivekeeper::jobs {

void preview_backup(const manifest::Manifest& manifest);
// ONCE: a manifest run with `run -f`, which a record of a completed restore answers
// (store/restore_records.h); the dry run then says the restore would do nothing.
void preview_restore(const manifest::Manifest& manifest, bool once);

}  // namespace hivekeeper::jobs
