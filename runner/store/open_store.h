// The store a job's manifest names: the local directory, a bucket (spec.storage.s3 with
// keepLocal: false, and every read from a bucket), or both (keepLocal, the default). The local
// directory always holds the lock, the journal and status/.
#pragma once

#include <memory>

#include "manifest/manifest.h"
#include "s3/bucket.h"
#include "store/backup_store.h"

namespace hivekeeper::store {

s3::BucketConfig bucket_config(const manifest::S3Storage& storage);
// Reads the keys from where the manifest says (environment or mounted Secret).
s3::Credentials read_credentials(const manifest::S3Storage& storage);

// DIRECTORY: the local directory (the manifest's, or --directory).
std::unique_ptr<BackupStore> open_store(const manifest::StorageSpec& storage,
                                        const std::filesystem::path& directory, bool group_readable,
                                        bool writes);

}  // namespace hivekeeper::store
