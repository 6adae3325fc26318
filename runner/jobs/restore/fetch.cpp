#include "jobs/restore/fetch.h"

#include <spdlog/spdlog.h>

#include "archive/atomic_file.h"
#include "common/error.h"
#include "common/text.h"
#include "store/encryption.h"
#include "store/local_store.h"
#include "store/naming.h"

namespace hivekeeper::jobs {
namespace {

std::string plain_name(const std::string& name) {
  return name.ends_with(".age") ? name.substr(0, name.size() - 4) : name;
}

}  // namespace

FetchedCopies::FetchedCopies(const store::BackupStore& store,
                             const std::filesystem::path& directory,
                             std::optional<crypto::AgeIdentities> identities)
    : store_(store), directory_(directory), identities_(std::move(identities)) {}

const std::filesystem::path& FetchedCopies::folder() {
  if (!folder_.empty()) return folder_;
  folder_ = directory_ / (std::string(kFetchFolderPrefix) + random_token());
  remove_folder_.emplace(
      [folder = folder_] {
        std::error_code error;
        std::filesystem::remove_all(folder, error);
      },
      /*self_contained=*/true);
  if (const std::error_code error =
          archive::create_directories(folder_, archive::kPrivateModes.directory))
    throw job_failed("OutputDirectoryUnusable",
                     "cannot create " + folder_.string() + " for the copies from " +
                         store_.describe() + ": " + error.message(),
                     "check that the backup directory is writable");
  return folder_;
}

std::filesystem::path FetchedCopies::copy(const store::BackupStore& from, const std::string& name) {
  const std::filesystem::path to = folder() / plain_name(name);
  spdlog::info("{} {} from {}", name.ends_with(".age") ? "decrypting" : "fetching", name,
               from.describe());
  if (!store::copy_decrypted(from, name, to, identities_))
    throw invalid_input("BackupNotFound", "the backup " + name + " is not in " + from.describe(),
                        "`hivekeeper list` lists the sets there");
  return to;
}

RestoreSource FetchedCopies::fetch(const RestoreSource& source) {
  const bool in_store = !source.name.empty() && source.directory == directory_;
  const bool encrypted = source.name.ends_with(".age");
  if (!encrypted && (!in_store || store_.is_local())) return source;
  // A path given with a slash is read from its own folder.
  const store::LocalDirectoryStore beside(source.directory);
  const store::BackupStore& from = in_store ? store_ : beside;
  const std::filesystem::path copied = copy(from, source.name);
  if (const auto parsed = store::parse_backup_file_name(source.name)) {
    const std::string metadata = store::metadata_file_name(*parsed);
    if (!std::filesystem::exists(folder() / metadata))
      (void)store::copy_decrypted(from, metadata, folder() / metadata, std::nullopt);
  }
  return {copied, folder(), copied.filename().string()};
}

std::filesystem::path FetchedCopies::fetch_file(const std::string& name) {
  if (store_.is_local() && !name.ends_with(".age")) return store_.path_of(name);
  return copy(store_, name);
}

RestorePlan with_fetched_sources(RestorePlan plan, FetchedCopies& copies) {
  plan.database = copies.fetch(plan.database);
  if (plan.media) plan.media = copies.fetch(*plan.media);
  return plan;
}

}  // namespace hivekeeper::jobs
