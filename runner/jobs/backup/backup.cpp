#include "jobs/backup/backup.h"

#include <future>
#include <map>
#include <memory>
#include <optional>

#include <spdlog/spdlog.h>

#include "archive/byte_pipe.h"
#include "archive/media_archive.h"
#include "archive/sha256.h"
#include "common/error.h"
#include "jobs/backup/dump_database.h"
#include "jobs/backup/expected_sizes.h"
#include "jobs/maintenance/prune.h"
#include "jobs/progress.h"
#include "store/encryption.h"

namespace hivekeeper::jobs {
namespace {

struct MediaResult {
  std::unique_ptr<archive::ArtifactWriter> writer;
  archive::WrittenFile file;
  archive::MediaArchiveStats stats;
  std::optional<archive::WrittenFile> encrypted;
};

// A new artifact NAME in the store, encrypted on the way when there are recipients.
std::unique_ptr<archive::ArtifactSink> create_artifact(
    store::BackupStore& store, const std::string& name,
    const std::optional<crypto::AgeRecipients>& recipients) {
  auto sink = store.create(name);
  if (!recipients) return sink;
  return std::make_unique<store::EncryptingSink>(*recipients, std::move(sink));
}

// The stored file of an encrypted artifact; nullopt for a plain one.
std::optional<archive::WrittenFile> sealed(archive::ArtifactWriter& writer) {
  if (auto* encrypting = dynamic_cast<store::EncryptingSink*>(&writer.sink()))
    return encrypting->seal();
  return std::nullopt;
}

// The media .tgz (or .tar.zst) from the tar stream the target yields.
MediaResult archive_media(const BackupPlan& plan, const target::Target& target,
                          store::BackupStore& store, archive::BytePipe& pipe,
                          ProgressCounter& progress,
                          const std::optional<crypto::AgeRecipients>& recipients) {
  MediaResult result;
  result.writer = archive::make_artifact_writer(
      plan.media_compression, create_artifact(store, plan.files.media, recipients),
      plan.media_level, compression_threads());
  result.stats = archive::pump(
      pipe,
      [&](archive::BytePipe& out) {
        target.read_media(out, [&](std::size_t bytes) { progress.add(bytes); });
      },
      [&](archive::BytePipe& in) {
        return archive::rewrite_volume_tar(in, *result.writer, plan.media_level);
      });
  progress.finish();
  result.file = result.writer->finish();
  result.encrypted = sealed(*result.writer);
  return result;
}

// All the dump's rows, for the status (and the metrics made from it).
std::uint64_t total_rows(const std::map<std::string, std::uint64_t>& row_counts) {
  std::uint64_t rows = 0;
  for (const auto& [table, count] : row_counts) rows += count;
  return rows;
}

status::Artifact to_artifact(const std::string& kind, const archive::WrittenFile& file) {
  return {kind, file.path.string(), file.bytes, file.sha256};
}

}  // namespace

WrittenBackupSet write_backup_set(const BackupPlan& planned, const target::Target& target,
                                  store::BackupStore& store, ProgressBoard& progress,
                                  const std::optional<crypto::AgeRecipients>& recipients) {
  const std::vector<std::string> names = store.names();
  const BackupPlan plan = with_free_names(planned, names);
  const ExpectedSizes expected = expected_sizes(plan, names, store, target.commands());
  const std::string role = plan.pre_restore ? "safety " : "";
  ProgressCounter& database_progress = progress.start(role + "database", expected.database);
  ProgressCounter* media_progress =
      plan.has_media() ? &progress.start(role + "media", expected.media) : nullptr;
  // No earlier set to say how much media there are: measured beside the backup, not before it
  // (kept even when the media finish first: the final status then says what was expected).
  std::future<void> measured;
  if (media_progress && !expected.media)
    measured = std::async(std::launch::async, [&target, media_progress] {
      if (const auto size = target.measure_media())
        media_progress->expect({size->first, size->second});
    });

  archive::BytePipe media_pipe;
  std::future<MediaResult> media;
  if (plan.has_media())
    media = std::async(std::launch::async, [&] {
      return archive_media(plan, target, store, media_pipe, *media_progress, recipients);
    });
  DatabaseDump dump;
  try {
    dump = dump_database(
        target.commands(), plan,
        [&] { return create_artifact(store, plan.files.database, recipients); }, database_progress);
  } catch (...) {
    if (media.valid()) {
      media_pipe.cancel(
          std::make_exception_ptr(job_failed("Cancelled", "cancelled: the database dump failed")));
      media.wait();  // its writer abandons the partial archive
    }
    throw;
  }
  std::optional<MediaResult> media_result;
  if (media.valid()) media_result = media.get();

  WrittenBackupSet set;
  BackupOutcome& outcome = set.outcome;
  outcome.database_file = dump.file;
  outcome.database_encrypted = sealed(*dump.writer);
  outcome.server_version = dump.scanner.server_version();
  outcome.pg_dump_version = dump.scanner.pg_dump_version();
  outcome.row_counts = dump.scanner.row_counts();
  outcome.sql_bytes = dump.sql_bytes;
  std::vector<archive::ArtifactSink*> artifacts = {&dump.writer->sink()};
  if (media_result) {
    outcome.media_file = media_result->file;
    outcome.media_stats = media_result->stats;
    outcome.media_encrypted = media_result->encrypted;
    artifacts.push_back(&media_result->writer->sink());
  }
  outcome.end = Clock::now();
  set.metadata = backup_metadata(plan, outcome).dump(2) + "\n";
  set.metadata_location = store.commit_set(artifacts, plan.files.metadata, set.metadata);

  spdlog::info("database: {} compressed into {} ({} tables)", human_bytes(dump.file.bytes),
               plan.files.database, outcome.row_counts.size());
  if (outcome.media_file)
    spdlog::info("media: {} files, {} compressed into {}", outcome.media_stats.files,
                 human_bytes(outcome.media_file->bytes), plan.files.media);
  return set;
}

std::vector<status::Artifact> backup_set_artifacts(const WrittenBackupSet& set,
                                                   const std::string& role) {
  std::vector<status::Artifact> artifacts;
  const auto& outcome = set.outcome;
  artifacts.push_back(
      to_artifact(role + "database", outcome.database_encrypted.value_or(outcome.database_file)));
  if (outcome.media_file)
    artifacts.push_back(
        to_artifact(role + "media", outcome.media_encrypted.value_or(*outcome.media_file)));
  archive::Sha256 metadata_sha256;
  metadata_sha256.update(set.metadata);
  artifacts.push_back({role + "metadata", set.metadata_location, set.metadata.size(),
                       metadata_sha256.hex_digest()});
  return artifacts;
}

void run_backup(const manifest::Manifest& manifest, const target::Target& target,
                store::BackupStore& store, status::StatusReporter& status,
                store::JournalWriter& journal) {
  const BackupPlan plan = plan_backup(manifest, target.facts(), Clock::now());
  spdlog::info("backing up database {} from {}{}", plan.database.name, target.describe(),
               plan.media_location
                   ? " and media " + plan.media_location->first + " " + plan.media_location->second
                   : "");
  ProgressBoard progress(status);
  const WrittenBackupSet set =
      write_backup_set(plan, target, store, progress, store::age_recipients(manifest.encryption));
  const auto& [kind, where] = plan.database_location;
  status.update([&](status::JobStatus& job) {
    for (auto& artifact : backup_set_artifacts(set, "")) job.artifacts.push_back(artifact);
    job.details["database"] = {{"name", plan.database.name},
                               {kind, where},
                               {"serverVersion", set.outcome.server_version},
                               {"tables", set.outcome.row_counts.size()},
                               {"rows", total_rows(set.outcome.row_counts)}};
  });
  // A failed backup never gets here, so it prunes nothing.
  if (const auto& policy = manifest.backup.retention) {
    const std::string made = plan.files.metadata.substr(0, plan.files.metadata.size() - 5);
    const auto pruned =
        prune_sets(store, *policy, {plan.environment, plan.prefix, made, false, &journal});
    spdlog::info("retention: {} sets deleted, {} kept", pruned.deleted.size(),
                 pruned.decisions.size() - pruned.deleted.size());
    status.update([&](status::JobStatus& job) { job.details["pruned"] = pruned.deleted; });
  }
}

}  // namespace hivekeeper::jobs
