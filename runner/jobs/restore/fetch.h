// What a restore, a drill or a verify reads when the artifacts are not plain local files: a set
// in a bucket, or encrypted with age. The chosen artifacts and their set's metadata are copied
// (streamed, never held in memory; decrypted on the way) into a private folder in the local
// directory, then checked and restored exactly as local files are: the sha256 against the
// metadata and the whole dump before anything is touched, so a wrong key or a truncated or
// tampered file fails before that too. The folder goes when the job ends; a SIGKILL leaves it for
// the next job's recovery (its name holds .partial-).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "common/interrupt.h"
#include "crypto/age_keys.h"
#include "jobs/restore/plan.h"
#include "store/backup_store.h"

namespace hivekeeper::jobs {

inline constexpr std::string_view kFetchFolderPrefix = ".hivekeeper-fetch.partial-";

class FetchedCopies {
 public:
  // DIRECTORY: the local directory, where the folder is made (only once a copy is needed).
  FetchedCopies(const store::BackupStore& store, const std::filesystem::path& directory,
                std::optional<crypto::AgeIdentities> identities);
  FetchedCopies(const FetchedCopies&) = delete;
  FetchedCopies& operator=(const FetchedCopies&) = delete;

  // SOURCE where it can be read: as it is when it is a plain file of a local store (or outside
  // DIRECTORY, a path given with a slash), else a copy with its set's metadata beside it.
  RestoreSource fetch(const RestoreSource& source);
  // The store's NAME where it can be read; throws BackupNotFound when the store has none.
  std::filesystem::path fetch_file(const std::string& name);

 private:
  const std::filesystem::path& folder();
  std::filesystem::path copy(const store::BackupStore& from, const std::string& name);

  const store::BackupStore& store_;
  std::filesystem::path directory_;
  std::optional<crypto::AgeIdentities> identities_;
  std::filesystem::path folder_;
  std::optional<ScopedCleanup> remove_folder_;
};

// PLAN with its database and media sources fetched.
RestorePlan with_fetched_sources(RestorePlan plan, FetchedCopies& copies);

}  // namespace hivekeeper::jobs
