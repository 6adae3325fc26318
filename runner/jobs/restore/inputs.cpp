#include "jobs/restore/inputs.h"

#include <future>

#include <spdlog/spdlog.h>

#include "archive/file_reader.h"
#include "common/error.h"
#include "jobs/progress.h"
#include "postgres/dump_checker.h"
#include "postgres/dump_scanner.h"
#include "store/local_store.h"

namespace hivekeeper::jobs {
namespace {

using nlohmann::json;

void require_file(const std::filesystem::path& path, const std::string& what) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error))
    throw invalid_input("BackupNotFound",
                        "the " + what + " backup " + path.string() + " does not exist",
                        "a bare name is looked up in the backup directory (spec.source.directory, "
                        "default backups/django); `ls " +
                            path.parent_path().string() + "` lists what is there");
}

std::optional<store::SetMetadata> metadata_of(const RestoreSource& source,
                                              const std::string& what) {
  require_file(source.file, what);
  return store::find_set_metadata(store::LocalDirectoryStore(source.directory), source.name);
}

}  // namespace

void check_sha256(const std::filesystem::path& file,
                  const std::optional<store::SetMetadata>& metadata, const std::string& actual) {
  if (!metadata || metadata->sha256.empty() || metadata->sha256 == actual) return;
  throw job_failed("ChecksumMismatch",
                   file.filename().string() + " does not match its metadata " +
                       std::filesystem::path(metadata->location).filename().string() + " (sha256 " +
                       actual + ", recorded " + metadata->sha256 +
                       "): the file was damaged or replaced; nothing was restored",
                   "restore another backup; if the file was changed on purpose, move the "
                   "metadata file aside");
}

bool check_dump(const std::filesystem::path& file,
                const std::optional<store::SetMetadata>& metadata,
                const archive::ReadProgress& on_read) {
  postgres::DumpChecker checker;
  postgres::DumpScanner scanner;
  std::optional<Error> refused;
  const auto digest = archive::read_compressed_file(
      file,
      [&](std::string_view sql) {
        scanner.feed(sql);
        if (refused) return;
        try {
          checker.feed(sql);
        } catch (const Error& error) {
          refused = error;
        }
      },
      on_read);
  check_sha256(file, metadata, digest.sha256);
  if (!refused) {
    try {
      checker.finish();
    } catch (const Error& error) {
      refused = error;
    }
  }
  if (refused) throw *refused;
  return scanner.complete();
}

RestoreInputs check_inputs(const RestorePlan& plan, status::StatusReporter& status,
                           ProgressBoard& progress) {
  RestoreInputs inputs;
  inputs.database_metadata = metadata_of(plan.database, "database");
  if (plan.media) inputs.media_metadata = metadata_of(*plan.media, "media");
  status.update([&](status::JobStatus& job) {
    job.details["source"] = {
        {"database", plan.database.file.string()},
        {"media", plan.media ? json(plan.media->file.string()) : json(nullptr)},
        {"metadata",
         inputs.database_metadata ? json(inputs.database_metadata->location) : json(nullptr)}};
  });
  ProgressCounter& dump_check = progress.start_reading("check database", plan.database.file);
  ProgressCounter* media_check =
      plan.media ? &progress.start_reading("check media", plan.media->file) : nullptr;
  // Two files, one core each: nothing else runs before the load, so they are read side by side.
  std::future<archive::MediaArchiveContents> media;
  if (plan.media)
    media = std::async(std::launch::async, [&] {
      // Hivekeeper's archives (those with metadata) never have a top folder to strip.
      auto contents = archive::inspect_media_archive(plan.media->file, !inputs.media_metadata,
                                                     counting(*media_check));
      media_check->finish();
      return contents;
    });
  check_dump(plan.database.file, inputs.database_metadata, counting(dump_check));
  dump_check.finish();
  if (plan.media) {
    inputs.media = media.get();
    check_sha256(plan.media->file, inputs.media_metadata, inputs.media->file.sha256);
    spdlog::info("media archive checked: {} entries, {}{}", inputs.media->tree.entries(),
                 human_bytes(inputs.media->content_bytes),
                 inputs.media->stripped_top_folder.empty()
                     ? ""
                     : ", top folder " + inputs.media->stripped_top_folder + "/ stripped");
  }
  return inputs;
}

}  // namespace hivekeeper::jobs
