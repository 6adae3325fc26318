// The BackupJob, step by step:
//   1. plan every name from the target's facts (target/target.h) and the clock
//   2. dump the database (jobs/backup/dump_database.h) and, at the same time, archive the media
//      (Target::read_media, rewritten into a .tgz by archive/media_archive.h)
//   3. write the metadata, then commit the set through the store, metadata last; on any failure
//      none of its files is left
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "crypto/age_keys.h"
#include "jobs/backup/metadata.h"
#include "jobs/backup/plan.h"
#include "jobs/progress.h"
#include "manifest/manifest.h"
#include "status/status.h"
#include "store/backup_store.h"
#include "store/journal.h"
#include "target/target.h"

namespace hivekeeper::jobs {

struct WrittenBackupSet {
  BackupOutcome outcome;
  std::string metadata_location;
  std::string metadata;  // the file's content
};

// Steps 2-3 for a plan already made; the restore's safety backup runs this too. RECIPIENTS: the
// plan's files are encrypted to them (plan.encrypted). Its phases report on PROGRESS.
WrittenBackupSet write_backup_set(const BackupPlan& plan, const target::Target& target,
                                  store::BackupStore& store, ProgressBoard& progress,
                                  const std::optional<crypto::AgeRecipients>& recipients = {});

// The set's files as status artifacts; `role` prefixes their kind ("" or "safety-").
std::vector<status::Artifact> backup_set_artifacts(const WrittenBackupSet& set,
                                                   const std::string& role);

// Throws hivekeeper::Error on failure, after removing every partial file. Fills the status. With
// spec.retention, prunes after the set is committed, announcing each deletion in JOURNAL.
void run_backup(const manifest::Manifest& manifest, const target::Target& target,
                store::BackupStore& store, status::StatusReporter& status,
                store::JournalWriter& journal);

}  // namespace hivekeeper::jobs
