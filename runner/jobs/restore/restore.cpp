#include "jobs/restore/restore.h"

#include <future>
#include <memory>
#include <optional>
#include <set>
#include <tuple>
#include <utility>

#include <spdlog/spdlog.h>

#include "archive/media_directory.h"
#include "common/error.h"
#include "common/interrupt.h"
#include "common/text.h"
#include "jobs/backup/backup.h"
#include "jobs/progress.h"
#include "jobs/restore/fetch.h"
#include "jobs/restore/inputs.h"
#include "jobs/restore/plan.h"
#include "jobs/restore/row_counts.h"
#include "postgres/load.h"
#include "postgres/queries.h"
#include "store/encryption.h"
#include "store/local_store.h"

namespace hivekeeper::jobs {
namespace {

using nlohmann::json;

// Step 3; returns the safety backup's database and media files.
std::pair<std::string, std::string> take_safety_backup(const BackupPlan& plan,
                                                       const target::Target& target,
                                                       store::BackupStore& store,
                                                       status::StatusReporter& status,
                                                       ProgressBoard& progress) {
  spdlog::info("safety backup first: {}", plan.files.database);
  const WrittenBackupSet set = write_backup_set(plan, target, store, progress);
  status.update([&](status::JobStatus& job) {
    for (auto& artifact : backup_set_artifacts(set, "safety-")) job.artifacts.push_back(artifact);
    job.details["safetyBackup"] = {
        {"database", set.outcome.database_file.path.string()},
        {"media",
         set.outcome.media_file ? json(set.outcome.media_file->path.string()) : json(nullptr)}};
  });
  return {set.outcome.database_file.path.string(),
          set.outcome.media_file ? set.outcome.media_file->path.string() : ""};
}

// Step 4's start: who else is connected (ended first with --terminate-connections).
void report_other_sessions(const RestorePlan& plan, const target::Target& target,
                           status::StatusReporter& status) {
  const auto& database = target.facts().database;
  const auto sessions =
      postgres::other_sessions(target.commands(), database, plan.terminate_connections);
  for (const auto& session : sessions)
    spdlog::warn("another session is connected to {}: pid {} user {} application \"{}\" ({}){}",
                 database.name, session.pid, session.user, session.application, session.state,
                 plan.terminate_connections ? ""
                                            : "; the restore fails if it holds a lock for "
                                              "longer than lockTimeoutSeconds");
  status.update([&](status::JobStatus& job) {
    json others = json::array();
    for (const auto& session : sessions)
      others.push_back({{"pid", session.pid},
                        {"user", session.user},
                        {"application", session.application},
                        {"state", session.state},
                        {"terminated", plan.terminate_connections}});
    job.details["otherSessions"] = others;
  });
}

// Step 4: the load and the staging side by side; returns with the transaction committed and
// the media staged (in STAGING), or throws with it rolled back.
void load_and_stage(const RestorePlan& plan, const RestoreInputs& inputs,
                    const target::Target& target, target::MediaReplacement* staging,
                    status::StatusReporter& status, ProgressBoard& progress) {
  const auto& database = target.facts().database;
  postgres::RestoreSqlOptions options;
  options.reset = plan.reset;
  options.lock_timeout_seconds = plan.lock_timeout_seconds;
  options.server_version_num = postgres::server_version_num(target.commands(), database);

  ProgressCounter& database_progress = progress.start_reading("database", plan.database.file);
  std::future<void> staged;
  if (staging) {
    ProgressCounter& media = progress.start_reading("media", plan.media->file);
    staged = std::async(std::launch::async, [&] {
      staging->stage(plan.media->file, *inputs.media, counting(media));
      media.finish();
    });
  }
  // Whatever happens to the load, the staging thread ends before its staging folder goes.
  const auto wait_for_staging = [&] {
    if (staged.valid()) staged.wait();
  };
  postgres::DatabaseLoad load(target.commands(), database, options);
  postgres::LoadResult loaded;
  try {
    loaded = load.load(plan.database.file,
                       inputs.database_metadata ? inputs.database_metadata->sha256 : "",
                       counting(database_progress));
    database_progress.finish();
  } catch (...) {
    wait_for_staging();
    throw;
  }
  const RowCountCheck rows =
      check_row_counts(loaded.loaded_rows, loaded.dump_rows, inputs.database_metadata);
  if (!rows.mismatches.empty()) {
    load.roll_back();
    wait_for_staging();
    throw job_failed("RowCountMismatch",
                     std::to_string(rows.mismatches.size()) +
                         " tables did not load the rows the backup holds (first: " +
                         rows.mismatches.front() + "); the transaction was rolled back",
                     "the dump and its metadata disagree; restore another backup");
  }
  if (staged.valid()) {
    try {
      staged.get();
    } catch (...) {
      load.roll_back();
      throw;
    }
  }
  IrreversibleStep commit_step;  // a SIGTERM now waits for the COMMIT and its record
  load.commit();
  status.update([&](status::JobStatus& job) {
    const auto& [kind, where] = target.facts().database_location;
    job.details["database"] = {{"name", database.name},
                               {kind, where},
                               {"reset", plan.reset},
                               {"ownershipStatementsSkipped", loaded.statements_skipped},
                               {"rowCounts", rows.report}};
  });
  spdlog::info("database {} restored: {} tables, {} rows ({} of SQL); row counts match the {}",
               database.name, rows.report["tables"].get<std::size_t>(),
               rows.report["rows"].get<std::uint64_t>(), human_bytes(loaded.sql_bytes),
               rows.report["checkedAgainst"].get<std::string>());
}

// Step 5.
void swap_media(target::MediaReplacement& staging, const archive::MediaArchiveContents& media,
                const target::Target& target, status::StatusReporter& status) {
  try {
    IrreversibleStep swap_step;
    staging.swap();
  } catch (const Error& error) {
    throw job_failed(
        "MediaSwapFailed",
        std::string("the database was restored, but the media were not: ") + error.what(),
        error.hint());
  }
  const auto& [kind, where] = *target.facts().media_location;
  spdlog::info("media {} {} replaced: {} entries, {}", kind, where, media.tree.entries(),
               human_bytes(media.content_bytes));
  status.update([&](status::JobStatus& job) {
    job.details["media"] = {{kind, where},
                            {"entries", media.tree.entries()},
                            {"contentBytes", media.content_bytes},
                            {"strippedTopFolder", media.stripped_top_folder}};
  });
}

// The journal's records (store/journal.h): what a job killed in the next step would leave.
json media_journal_record(const target::Target& target, const std::string& suffix) {
  const auto& [kind, where] = *target.facts().media_location;
  store::JournalMedia media;
  if (kind == "volume") {
    media.volume = where;
    media.image = target.facts().helper_image;
  } else {
    media.directory = where;
  }
  media.staging = std::string(archive::kStagingPrefix) + suffix;
  media.old = std::string(archive::kOldContentPrefix) + suffix;
  return store::media_record(media);
}

json swap_journal_record(const std::string& suffix) {
  return store::swap_record(std::string(archive::kStagingPrefix) + suffix);
}

}  // namespace

RestoreOutcome run_restore(const manifest::Manifest& manifest, target::Target& target,
                           store::BackupStore& store, status::StatusReporter& status,
                           store::JournalWriter& journal) {
  // 1. Everything that can refuse the restore comes before anything changes.
  RestorePlan planned = plan_restore(
      manifest, target.facts(),
      restore_needs_listing(manifest.restore) ? store.names() : std::vector<std::string>{},
      Clock::now());
  FetchedCopies copies(store, manifest.restore.source.directory,
                       store::age_identities(manifest.encryption));
  planned = with_fetched_sources(std::move(planned), copies);
  const RestorePlan& plan = planned;
  ProgressBoard progress(status);
  const RestoreInputs inputs = check_inputs(plan, status, progress);
  const auto& media_location = target.facts().media_location;
  spdlog::info("restoring {} into database {} of {}{}", plan.database.file.string(),
               target.facts().database.name, target.describe(),
               plan.media ? " and " + plan.media->file.string() + " into " + media_location->first +
                                " " + media_location->second
                          : "");

  // 2. The database up, the app quiet.
  const auto quiesced =
      target.prepare_restore(plan.quiesce, [&](const std::vector<std::string>& containers) {
        journal.append(store::services_record(target.facts().project, containers));
      });
  status.update([&](status::JobStatus& job) { job.details["quiesced"] = quiesced; });

  // 3. The safety backup of what is about to be overwritten.
  RestoreOutcome outcome{plan.database.file.string(), plan.media ? plan.media->file.string() : "",
                         "", ""};
  // A restore from a bucket keeps its safety backup in the local directory, beside the lock.
  store::LocalDirectoryStore directory(manifest.restore.source.directory,
                                       manifest.restore.source.group_readable);
  if (plan.safety_backup)
    std::tie(outcome.safety_database, outcome.safety_media) = take_safety_backup(
        *plan.safety_backup, target, store.is_local() ? store : directory, status, progress);

  // 4. Load and stage; commit only when both hold.
  report_other_sessions(plan, target, status);
  std::unique_ptr<target::MediaReplacement> staging;
  const std::string suffix = store::backup_timestamp(Clock::now()) + "-" + random_token();
  if (plan.media) {
    journal.append(media_journal_record(target, suffix));
    staging = target.replace_media(suffix);
  }
  load_and_stage(plan, inputs, target, staging.get(), status, progress);

  // 5. The media swap, after the database is in.
  if (staging) {
    journal.append(swap_journal_record(suffix));
    swap_media(*staging, *inputs.media, target, status);
  }
  return outcome;
}

}  // namespace hivekeeper::jobs
