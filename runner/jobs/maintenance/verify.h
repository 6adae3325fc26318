// `hivekeeper verify`: proves a set would restore as far as reading its files can. The metadata
// agrees with the files (every artifact it lists exists with its size and sha256; its prefix,
// environment and timestamp are the name's), each dump decompresses whole, passes the restore's
// dump checker and ends with pg_dump's trailer, and the media archive reads to its end with every
// entry safe. A seed-made set has no metadata: its streams are checked alone. Every problem is
// collected, none stops the others; the result is recorded as verified/<set>.json.
#pragma once

#include <filesystem>
#include <optional>

#include "crypto/age_keys.h"
#include "store/backup_sets.h"
#include "store/backup_store.h"
#include "store/verification.h"

namespace hivekeeper::jobs {

// FETCH_DIRECTORY: where a bucket's or encrypted files are copied to be read (the local backup
// directory); IDENTITIES open the encrypted ones.
store::Verification verify_set(const store::BackupStore& store, const store::BackupSet& set,
                               const std::filesystem::path& fetch_directory,
                               const std::optional<crypto::AgeIdentities>& identities);

}  // namespace hivekeeper::jobs
