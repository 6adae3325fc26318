#include "jobs/backup.h"

#include <unistd.h>

#include <algorithm>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <thread>

#include <spdlog/spdlog.h>

#include "archive/byte_pipe.h"
#include "archive/gzip_writer.h"
#include "archive/lz4_decoder.h"
#include "archive/media_archive.h"
#include "archive/media_directory.h"
#include "archive/sha256.h"
#include "common/error.h"
#include "common/interrupt.h"
#include "common/text.h"
#include "jobs/direct_server.h"
#include "jobs/discovery.h"
#include "jobs/metadata.h"
#include "jobs/plan.h"
#include "jobs/progress.h"
#include "postgres/dump_scanner.h"
#include "postgres/pg_dump.h"

namespace hivekeeper::jobs {
namespace {

// Where the helper container mounts the media volume; the archive's top folder is stripped.
constexpr std::size_t kStderrKept = 16 * 1024;

unsigned compression_threads() {
  // Capped: each thread keeps compressed blocks in flight, and peak memory must stay bounded
  // on a large host whose container sees every core.
  return std::clamp(std::thread::hardware_concurrency(), 1u, 4u);
}

std::filesystem::path artifact_path(const BackupPlan& plan, const std::string& file) {
  return plan.output_directory / file;
}

// Each artifact stays under its temporary name until every step has succeeded.
struct DatabaseDump {
  std::unique_ptr<archive::ParallelGzipWriter> writer;
  archive::WrittenFile file;
  postgres::DumpScanner scanner;
};

// Raised, and caught by dump_database_with_fallback, when pg_dump lacks LZ4 support.
constexpr const char* kLz4Unsupported = "Lz4Unsupported";

DatabaseDump dump_database(const DatabaseCommands& commands, const BackupPlan& plan,
                           postgres::Transport transport, ProgressCounter& progress) {
  DatabaseDump dump;
  dump.writer = std::make_unique<archive::ParallelGzipWriter>(
      artifact_path(plan, plan.files.database), plan.compression_level, compression_threads());
  archive::ParallelGzipWriter& writer = *dump.writer;
  std::string errors;
  const auto take_sql = [&](std::string_view sql) {
    dump.scanner.feed(sql);
    writer.write(sql);
  };
  archive::Lz4FrameDecoder lz4(take_sql);
  const auto argv =
      postgres::pg_dump_command(plan.dump, plan.database.name, plan.database.user, transport);
  const int exit_code = commands.run(
      argv,
      [&](std::string_view bytes) {
        progress.add(bytes.size());
        if (transport == postgres::Transport::lz4)
          lz4.feed(bytes);
        else
          take_sql(bytes);
      },
      [&](std::string_view bytes) {
        if (errors.size() < kStderrKept)
          errors.append(bytes.substr(0, kStderrKept - errors.size()));
      });

  std::string first_error;
  for (std::size_t start = 0; start < errors.size();) {
    const std::size_t end = std::min(errors.find('\n', start), errors.size());
    const std::string_view line(errors.data() + start, end - start);
    if (!line.empty()) {
      spdlog::warn("pg_dump: {}", line);
      if (postgres::is_lz4_unsupported_line(line))
        throw job_failed(kLz4Unsupported, "pg_dump in " + commands.where + " has no LZ4");
      if (first_error.empty() && postgres::is_pg_dump_error_line(line)) first_error = line;
    }
    start = end + 1;
  }
  const std::string where = "database " + plan.database.name + " in " + commands.where;
  const bool in_container = !commands.by_hand.empty();
  const auto by_hand = [&](const std::string& command) {
    return in_container ? "`" + commands.by_hand + command + "`" : "`" + command + "` beside it";
  };
  if (exit_code != 0 || !first_error.empty())
    throw job_failed(
        "DumpFailed",
        "pg_dump of " + where + " failed (exit code " + std::to_string(exit_code) + ")" +
            (first_error.empty() ? "" : ": " + first_error),
        first_error.find("does not exist") != std::string::npos
            ? std::string("check spec.database.name / spec.database.user") +
                  (in_container ? " against the container's POSTGRES_DB / POSTGRES_USER"
                                : " (spec.target.postgres)") +
                  " (" + by_hand("psql -U " + plan.database.user + " -l") + " lists the databases)"
            : "run the same pg_dump by hand to see the full output: " +
                  by_hand("pg_dump -U " + plan.database.user + " " + plan.database.name +
                          " > /dev/null"));
  if (!dump.scanner.complete())
    throw job_failed("DumpIncomplete",
                     "pg_dump of " + where +
                         " exited 0 but its output is incomplete (no \"dump complete\" trailer)",
                     "check the database server's log");
  if (transport == postgres::Transport::lz4) lz4.finish();
  dump.file = writer.finish();
  return dump;
}

// pg_dump 16 and later compress with LZ4 in the container, so a third of the bytes cross the
// exec stream; an older pg_dump, or one built without LZ4, sends plain SQL.
DatabaseDump dump_database_with_fallback(const DatabaseCommands& commands, const BackupPlan& plan,
                                         ProgressCounter& progress) {
  std::string version;
  commands.run(
      {"pg_dump", "--version"}, [&](std::string_view bytes) { version.append(bytes); },
      [](std::string_view) {});
  // Beside the runner there is no exec stream to spare: LZ4 would only cost CPU.
  const auto transport = commands.through_exec_stream
                             ? postgres::transport_for(postgres::pg_dump_major_version(version))
                             : postgres::Transport::plain;
  spdlog::debug("{}; output crosses the exec stream as {}", version.substr(0, version.find('\n')),
                transport == postgres::Transport::lz4 ? "LZ4" : "plain SQL");
  try {
    return dump_database(commands, plan, transport, progress);
  } catch (const Error& error) {
    if (error.reason() != kLz4Unsupported) throw;
    spdlog::info("pg_dump has no LZ4 support; dumping as plain SQL");
    return dump_database(commands, plan, postgres::Transport::plain, progress);
  }
}

struct MediaResult {
  std::unique_ptr<archive::ParallelGzipWriter> writer;
  archive::WrittenFile file;
  archive::MediaArchiveStats stats;
};

// The media .tgz from a tar stream that PRODUCE pushes into PIPE on another thread.
MediaResult archive_media(const BackupPlan& plan, archive::BytePipe& pipe,
                          ProgressCounter& progress,
                          const std::function<void(archive::BytePipe&)>& produce) {
  MediaResult result;
  result.writer = std::make_unique<archive::ParallelGzipWriter>(
      artifact_path(plan, plan.files.media), plan.compression_level, compression_threads());
  auto producer = std::async(std::launch::async, [&] {
    try {
      produce(pipe);
      pipe.close();
    } catch (...) {
      pipe.fail(std::current_exception());
    }
  });
  try {
    result.stats = archive::rewrite_volume_tar(pipe, *result.writer, plan.compression_level);
  } catch (...) {
    pipe.cancel(std::current_exception());
    producer.wait();
    throw;
  }
  producer.get();
  progress.finish();
  result.file = result.writer->finish();
  return result;
}

MediaResult archive_volume(const docker::Client& docker, const BackupPlan& plan,
                           archive::BytePipe& pipe, ProgressCounter& progress) {
  const std::string helper_name = "hivekeeper-media-" + plan.timestamp + "-" + random_token();
  const nlohmann::json config = docker::volume_helper_config(
      plan.database_container.image_id, plan.media_volume, "media-reader", /*read_only=*/true,
      {"true"}, {{"hivekeeper.io/job", plan.job_name}});
  // Never started: the engine mounts the volume for the archive request alone.
  const std::string helper = docker.create_container(helper_name, config);
  ScopedCleanup remove_helper([&] { docker.remove_container(helper); });
  return archive_media(plan, pipe, progress, [&](archive::BytePipe& out) {
    docker.download_archive(helper, docker::kHelperVolumeMount, [&](std::string_view bytes) {
      progress.add(bytes.size());
      out.push(bytes);
    });
  });
}

MediaResult archive_directory(const BackupPlan& plan, archive::BytePipe& pipe,
                              ProgressCounter& progress) {
  archive::require_media_directory(plan.media_directory);
  return archive_media(plan, pipe, progress, [&](archive::BytePipe& out) {
    archive::write_directory_tar(plan.media_directory, "media", out,
                                 [&](std::size_t bytes) { progress.add(bytes); });
  });
}

status::Artifact to_artifact(const std::string& kind, const archive::WrittenFile& file) {
  return {kind, file.path.string(), file.bytes, file.sha256};
}

}  // namespace

WrittenBackupSet write_backup_set(const BackupPlan& plan, const docker::Client& docker) {
  return write_backup_set(plan, commands_in_container(docker, plan.database_container), &docker);
}

WrittenBackupSet write_backup_set(const BackupPlan& plan, const DatabaseCommands& commands,
                                  const docker::Client* docker) {
  std::error_code directory_error;
  std::filesystem::create_directories(plan.output_directory, directory_error);
  if (directory_error)
    throw job_failed("OutputDirectoryUnusable",
                     "cannot create the backup directory " + plan.output_directory.string() + ": " +
                         directory_error.message(),
                     "check spec.output.directory and the bind mount of ./backups/django");

  ProgressCounter database_progress("database");
  ProgressCounter media_progress("media");
  std::vector<const ProgressCounter*> counters = {&database_progress};
  if (plan.has_media()) counters.push_back(&media_progress);
  std::optional<ProgressReporter> reporter(std::in_place, counters, std::chrono::seconds(5));

  archive::BytePipe media_pipe;
  std::future<MediaResult> media;
  if (!plan.media_volume.empty())
    media = std::async(std::launch::async,
                       [&] { return archive_volume(*docker, plan, media_pipe, media_progress); });
  else if (!plan.media_directory.empty())
    media = std::async(std::launch::async,
                       [&] { return archive_directory(plan, media_pipe, media_progress); });
  DatabaseDump dump;
  try {
    dump = dump_database_with_fallback(commands, plan, database_progress);
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
  reporter.reset();

  WrittenBackupSet set;
  BackupOutcome& outcome = set.outcome;
  outcome.database_file = dump.file;
  outcome.server_version = dump.scanner.server_version();
  outcome.pg_dump_version = dump.scanner.pg_dump_version();
  outcome.row_counts = dump.scanner.row_counts();
  if (media_result) {
    outcome.media_file = media_result->file;
    outcome.media_stats = media_result->stats;
  }
  outcome.end = Clock::now();
  set.metadata_path = artifact_path(plan, plan.files.metadata);
  set.metadata = backup_metadata(plan, outcome).dump(2) + "\n";

  // Everything is written; now move the set into place, metadata last. Should a rename fail or a
  // signal arrive in between, the files already renamed are removed again: a set is whole or
  // absent.
  std::vector<std::filesystem::path> committed;
  bool complete = false;
  ScopedCleanup undo_partial_set([&] {
    if (complete) return;
    for (const auto& path : committed) std::filesystem::remove(path);
  });
  dump.writer->commit();
  committed.push_back(dump.file.path);
  if (media_result) {
    media_result->writer->commit();
    committed.push_back(media_result->file.path);
  }
  archive::write_file_atomically(set.metadata_path, set.metadata);
  complete = true;

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
  artifacts.push_back(to_artifact((role + "database").c_str(), set.outcome.database_file));
  if (set.outcome.media_file)
    artifacts.push_back(to_artifact((role + "media").c_str(), *set.outcome.media_file));
  archive::Sha256 metadata_sha256;
  metadata_sha256.update(set.metadata);
  artifacts.push_back({role + "metadata", set.metadata_path.string(), set.metadata.size(),
                       metadata_sha256.hex_digest()});
  return artifacts;
}

namespace {

void report_backup(status::StatusReporter& status, const WrittenBackupSet& set,
                   const BackupPlan& plan) {
  const auto [kind, where] = plan.database_location();
  status.update([&](status::JobStatus& job) {
    for (auto& artifact : backup_set_artifacts(set, "")) job.artifacts.push_back(artifact);
    job.details["database"] = {{"name", plan.database.name},
                               {kind, where},
                               {"serverVersion", set.outcome.server_version},
                               {"tables", set.outcome.row_counts.size()}};
  });
}

// Direct mode: no Docker. The server is checked before anything is written (DirectServer),
// pg_dump runs beside the runner, and the media come from a mounted directory.
void run_direct_backup(const manifest::Manifest& manifest, status::StatusReporter& status) {
  const DirectServer server(*manifest.backup.target.postgres);
  const BackupPlan plan = plan_backup(manifest, server.as_discovered(), Clock::now());
  spdlog::info(
      "backing up database {} from server {} (PostgreSQL {}){}", plan.database.name,
      server.address(), server.info().version,
      plan.media_directory.empty() ? "" : " and media directory " + plan.media_directory.string());
  const WrittenBackupSet set = write_backup_set(plan, server.commands(), nullptr);
  report_backup(status, set, plan);
}

}  // namespace

void run_backup(const manifest::Manifest& manifest, const docker::Client& docker,
                status::StatusReporter& status) {
  if (manifest.backup.target.postgres) return run_direct_backup(manifest, status);
  const Discovered found = discover(docker, manifest.backup);
  const BackupPlan plan = plan_backup(manifest, found, Clock::now());
  spdlog::info("backing up database {} from container {} (project {}){}", plan.database.name,
               plan.database_container.name, plan.project.empty() ? "-" : plan.project,
               plan.media_volume.empty() ? "" : " and media volume " + plan.media_volume);
  const WrittenBackupSet set = write_backup_set(plan, docker);
  report_backup(status, set, plan);
}

}  // namespace hivekeeper::jobs
