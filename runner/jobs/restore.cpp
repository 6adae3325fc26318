#include "jobs/restore.h"

#include <unistd.h>

#include <functional>
#include <future>
#include <memory>
#include <optional>

#include <spdlog/spdlog.h>

#include "archive/file_reader.h"
#include "archive/media_restore.h"
#include "common/error.h"
#include "common/interrupt.h"
#include "common/text.h"
#include "jobs/backup.h"
#include "jobs/direct_server.h"
#include "jobs/discovery.h"
#include "jobs/naming.h"
#include "jobs/plan.h"
#include "jobs/progress.h"
#include "jobs/restore_database.h"
#include "jobs/restore_media.h"
#include "jobs/restore_plan.h"

namespace hivekeeper::jobs {
namespace {

using nlohmann::json;

constexpr auto kDatabaseStartTimeout = std::chrono::seconds(120);

void check_sha256(const std::filesystem::path& file, const std::optional<SetMetadata>& metadata,
                  const std::string& actual) {
  if (!metadata || metadata->sha256.empty() || metadata->sha256 == actual) return;
  throw job_failed("ChecksumMismatch",
                   file.filename().string() + " does not match its metadata " +
                       metadata->path.filename().string() + " (sha256 " + actual + ", recorded " +
                       metadata->sha256 +
                       "): the file was damaged or replaced; nothing was restored",
                   "restore another backup; if the file was changed on purpose, move the "
                   "metadata file aside");
}

std::vector<docker::Container> services_to_quiesce(const docker::Client& docker,
                                                   const std::string& project,
                                                   const manifest::QuiesceSpec& quiesce,
                                                   const docker::Container& database) {
  std::vector<docker::Container> found;
  if (quiesce.services.empty()) return found;
  const auto containers = docker.list_containers(
      {{"label", {std::string(docker::kComposeProjectLabel) + "=" + project}}});
  for (const auto& service : quiesce.services) {
    bool any = false;
    for (const auto& container : containers) {
      const auto label = container.labels.find(docker::kComposeServiceLabel);
      const auto oneoff = container.labels.find(docker::kComposeOneoffLabel);
      if (label == container.labels.end() || label->second != service) continue;
      if (oneoff != container.labels.end() && oneoff->second == "True") continue;
      if (container.id == database.id)
        throw invalid_input("InvalidQuiesce",
                            "spec.quiesce.services names " + service +
                                ", the database itself; the restore needs it running",
                            "list only the app's services, e.g. [web, worker]");
      any = true;
      if (container.running()) found.push_back(container);
    }
    if (!any)
      throw job_failed("ServiceNotFound",
                       "spec.quiesce.services names " + service + ", but Compose project " +
                           project + " has no such service",
                       "`docker compose ps -a` lists the services");
  }
  return found;
}

json row_count_report(const LoadResult& load, const std::optional<SetMetadata>& metadata,
                      std::vector<std::string>& mismatches) {
  const bool from_metadata = metadata && !metadata->row_counts.empty();
  const auto& expected = from_metadata ? metadata->row_counts : load.dump_rows;
  std::uint64_t rows = 0;
  for (const auto& [table, count] : expected) {
    const auto loaded = load.loaded_rows.find(table);
    const std::uint64_t got = loaded == load.loaded_rows.end() ? 0 : loaded->second;
    rows += got;
    if (loaded == load.loaded_rows.end() || got != count)
      mismatches.push_back(table + ": " + std::to_string(got) + " rows loaded, " +
                           std::to_string(count) + " expected");
  }
  return {{"checkedAgainst", from_metadata ? "metadata" : "dump"},
          {"tables", expected.size()},
          {"rows", rows},
          {"mismatches", mismatches}};
}

// What the restore's steps 1-5 see of the target, whichever mode found it.
struct RestoreTarget {
  const DatabaseCommands& commands;
  Discovered discovered;  // the database (container or server) and the media volume, if any
  std::function<WrittenBackupSet(const BackupPlan&)> write_backup;
  std::function<std::unique_ptr<MediaReplacement>(const std::string& unique_suffix)> media;
};

struct RestoreInputs {
  RestoreSources sources;
  std::optional<archive::MediaArchiveContents> media;
};

// Step 1's file half: which files, and are they whole and safe. Nothing is touched yet.
RestoreInputs check_inputs(const manifest::RestoreSpec& spec, const std::string& prefix,
                           status::StatusReporter& status) {
  if (prefix.empty() && (spec.source.database == "latest" || spec.source.media == "latest"))
    throw invalid_input("PrefixUnknown",
                        "cannot pick the latest backup: no file name prefix (spec.source.prefix) "
                        "and no Compose project to default to",
                        "set spec.source.prefix (or --prefix), or name the file");
  RestoreInputs inputs{load_sources(spec, prefix), std::nullopt};
  const RestoreSources& sources = inputs.sources;
  status.update([&](status::JobStatus& job) {
    job.details["source"] = {
        {"database", sources.database_file.string()},
        {"media", sources.media_file ? json(sources.media_file->string()) : json(nullptr)},
        {"metadata", sources.database_metadata ? json(sources.database_metadata->path.string())
                                               : json(nullptr)}};
  });
  if (sources.database_metadata && !sources.database_metadata->sha256.empty())
    check_sha256(sources.database_file, sources.database_metadata,
                 archive::digest_file(sources.database_file).sha256);
  if (sources.media_file) {
    // Hivekeeper's archives (those with metadata) never have a top folder to strip.
    inputs.media = archive::inspect_media_archive(*sources.media_file, !sources.media_metadata);
    check_sha256(*sources.media_file, sources.media_metadata, inputs.media->file.sha256);
    spdlog::info("media archive checked: {} entries, {}{}", inputs.media->entries.size(),
                 human_bytes(inputs.media->content_bytes),
                 inputs.media->stripped_top_folder.empty()
                     ? ""
                     : ", top folder " + inputs.media->stripped_top_folder + "/ stripped");
  }
  return inputs;
}

// Steps 3-5, the same in both modes.
void restore_into(const manifest::Manifest& manifest, const RestoreInputs& inputs,
                  const RestoreTarget& target, status::StatusReporter& status) {
  const manifest::RestoreSpec& spec = manifest.restore;
  const RestoreSources& sources = inputs.sources;
  const auto& media = inputs.media;
  const DatabaseIdentity& database = target.discovered.database;

  // 3. The safety backup of what is about to be overwritten.
  if (spec.safety_backup) {
    const BackupPlan plan = plan_backup(manifest.name, backup_spec_for(spec), target.discovered,
                                        Clock::now(), /*pre_restore=*/true);
    spdlog::info("safety backup first: {}", plan.files.database);
    const WrittenBackupSet set = target.write_backup(plan);
    status.update([&](status::JobStatus& job) {
      for (auto& artifact : backup_set_artifacts(set, "safety-")) job.artifacts.push_back(artifact);
      job.details["safetyBackup"] = {
          {"database", set.outcome.database_file.path.string()},
          {"media",
           set.outcome.media_file ? json(set.outcome.media_file->path.string()) : json(nullptr)}};
    });
  }

  // 4. Load and stage; commit only when both hold.
  const auto sessions = other_sessions(target.commands, database, spec.terminate_connections);
  for (const auto& session : sessions)
    spdlog::warn("another session is connected to {}: pid {} user {} application \"{}\" ({}){}",
                 database.name, session.pid, session.user, session.application, session.state,
                 spec.terminate_connections ? ""
                                            : "; the restore fails if it holds a lock for "
                                              "longer than lockTimeoutSeconds");
  status.update([&](status::JobStatus& job) {
    json others = json::array();
    for (const auto& session : sessions)
      others.push_back({{"pid", session.pid},
                        {"user", session.user},
                        {"application", session.application},
                        {"state", session.state},
                        {"terminated", spec.terminate_connections}});
    job.details["otherSessions"] = others;
  });
  postgres::RestoreSqlOptions options;
  options.reset = spec.reset;
  options.lock_timeout_seconds = spec.lock_timeout_seconds;
  const auto version =
      query_database(target.commands, database, "SELECT current_setting('server_version_num')");
  options.server_version_num = version.empty() ? 0 : std::stoi(version.front().front());

  std::unique_ptr<MediaReplacement> staging;
  std::future<void> staged;
  if (media) {
    staging = target.media(backup_timestamp(Clock::now()) + "-" + random_token());
    staged = std::async(std::launch::async, [&] { staging->stage(*sources.media_file, *media); });
  }
  const auto wait_for_staging = [&] {
    if (staged.valid()) staged.wait();
  };
  DatabaseLoad load(target.commands, database, options);
  LoadResult loaded;
  try {
    loaded =
        load.load(sources.database_file,
                  sources.database_metadata ? sources.database_metadata->sha256 : std::string());
  } catch (...) {
    wait_for_staging();
    throw;
  }
  std::vector<std::string> mismatches;
  const json row_counts = row_count_report(loaded, sources.database_metadata, mismatches);
  if (!mismatches.empty()) {
    load.roll_back();
    wait_for_staging();
    throw job_failed("RowCountMismatch",
                     std::to_string(mismatches.size()) +
                         " tables did not load the rows the backup holds (first: " +
                         mismatches.front() + "); the transaction was rolled back",
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
  {
    IrreversibleStep commit_step;  // a SIGTERM now waits for the COMMIT and its record
    load.commit();
    status.update([&](status::JobStatus& job) {
      const auto [kind, where] =
          database_location(target.discovered.database_container, target.discovered.server);
      job.details["database"] = {{"name", database.name},
                                 {kind, where},
                                 {"reset", spec.reset},
                                 {"ownershipStatementsSkipped", loaded.statements_skipped},
                                 {"rowCounts", row_counts}};
    });
  }
  spdlog::info("database {} restored: {} tables, {} rows ({} of SQL); row counts match the {}",
               database.name, row_counts["tables"].get<std::size_t>(),
               row_counts["rows"].get<std::uint64_t>(), human_bytes(loaded.sql_bytes),
               row_counts["checkedAgainst"].get<std::string>());

  // 5. The media swap, after the database is in.
  if (staging) {
    try {
      IrreversibleStep swap_step;
      staging->swap();
    } catch (const Error& error) {
      throw job_failed(
          "MediaSwapFailed",
          std::string("the database was restored, but the media were not: ") + error.what(),
          error.hint());
    }
    const auto [kind, where] = media_location(target.discovered.media_volume, spec.media_path);
    spdlog::info("media {} {} replaced: {} entries, {}", kind, where, media->entries.size(),
                 human_bytes(media->content_bytes));
    status.update([&](status::JobStatus& job) {
      job.details["media"] = {{kind, where},
                              {"entries", media->entries.size()},
                              {"contentBytes", media->content_bytes},
                              {"strippedTopFolder", media->stripped_top_folder}};
    });
  }
}

// Direct mode: the server checked first (reachable, not newer than the client tools), psql and
// pg_dump beside the runner, the media in a mounted directory. Nothing to start or quiesce.
void run_direct_restore(const manifest::Manifest& manifest, status::StatusReporter& status) {
  const manifest::RestoreSpec& spec = manifest.restore;
  if (!spec.source.media.empty() && spec.media_path.empty())
    throw invalid_input("MediaPathMissing",
                        "spec.source.media names media to restore, but direct mode has no "
                        "volume to restore them into",
                        "set spec.media.path to the mounted media directory");
  const DirectServer server(*spec.target.postgres);
  const RestoreInputs inputs = check_inputs(spec, spec.source.prefix, status);
  spdlog::info("restoring {} into database {} on server {} (PostgreSQL {}){}",
               inputs.sources.database_file.string(), server.database().name, server.address(),
               server.info().version,
               inputs.sources.media_file ? " and " + inputs.sources.media_file->string() +
                                               " into directory " + spec.media_path
                                         : "");
  const RestoreTarget target{
      server.commands(), server.as_discovered(),
      [&](const BackupPlan& plan) { return write_backup_set(plan, server.commands(), nullptr); },
      [&](const std::string& suffix) -> std::unique_ptr<MediaReplacement> {
        return std::make_unique<DirectoryStaging>(spec.media_path, suffix);
      }};
  restore_into(manifest, inputs, target, status);
}

}  // namespace

void run_restore(const manifest::Manifest& manifest, const docker::Client& docker,
                 status::StatusReporter& status) {
  const manifest::RestoreSpec& spec = manifest.restore;
  if (spec.target.postgres) return run_direct_restore(manifest, status);

  // 1. Everything that can refuse the restore comes before anything changes.
  const Discovered found = discover(docker, backup_spec_for(spec), /*database_must_run=*/false);
  const RestoreInputs inputs =
      check_inputs(spec, !spec.source.prefix.empty() ? spec.source.prefix : found.project, status);
  spdlog::info(
      "restoring {} into database {} of container {}{}", inputs.sources.database_file.string(),
      found.database.name, found.database_container.name,
      inputs.sources.media_file
          ? " and " + inputs.sources.media_file->string() + " into volume " + found.media_volume
          : "");

  // 2. The containers: the database up, the app quiet.
  const docker::Container database = ensure_database_ready(docker, found.database_container,
                                                           found.database, kDatabaseStartTimeout);
  const auto quiesced = services_to_quiesce(docker, found.project, spec.quiesce, database);
  std::vector<std::string> quiesced_names;
  ScopedCleanup restart_services([&] {
    for (const auto& container : quiesced_names) {
      try {
        docker.start_container(container);
        spdlog::info("started {} again", container);
      } catch (const Error& error) {
        spdlog::error("could not start {} again: {}; start it with `docker start {}`", container,
                      error.what(), container);
      }
    }
  });
  for (const auto& container : quiesced) {
    spdlog::info("stopping {} for the restore", container.name);
    docker.stop_container(container.id, spec.quiesce.stop_timeout_seconds);
    quiesced_names.push_back(container.name);
  }
  status.update([&](status::JobStatus& job) { job.details["quiesced"] = quiesced_names; });

  Discovered current = found;
  current.database_container = database;
  const DatabaseCommands commands = commands_in_container(docker, database);
  const RestoreTarget target{commands, current,
                             [&](const BackupPlan& plan) { return write_backup_set(plan, docker); },
                             [&](const std::string& suffix) -> std::unique_ptr<MediaReplacement> {
                               return std::make_unique<MediaStaging>(docker, database.image_id,
                                                                     found.media_volume, suffix);
                             }};
  restore_into(manifest, inputs, target, status);
}

}  // namespace hivekeeper::jobs
