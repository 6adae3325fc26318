#include "store/open_store.h"

#include "common/secret.h"
#include "store/bucket_store.h"
#include "store/local_store.h"
#include "store/mirrored_store.h"

namespace hivekeeper::store {

s3::BucketConfig bucket_config(const manifest::S3Storage& storage) {
  s3::BucketConfig config;
  config.endpoint = storage.effective_endpoint();
  config.region = storage.region;
  config.bucket = storage.bucket;
  config.prefix = storage.prefix;
  while (config.prefix.ends_with('/')) config.prefix.pop_back();
  config.force_path_style = storage.force_path_style;
  config.storage_class = storage.storage_class;
  config.server_side_encryption = storage.server_side_encryption;
  config.kms_key_id = storage.kms_key_id;
  config.ca_file = storage.ca_file;
  config.max_parts = storage.max_parts;
  return config;
}

s3::Credentials read_credentials(const manifest::S3Storage& storage) {
  return {read_secret(storage.access_key_id_from.env, storage.access_key_id_from.file,
                      "spec.storage.s3.accessKeyIdFrom"),
          read_secret(storage.secret_access_key_from.env, storage.secret_access_key_from.file,
                      "spec.storage.s3.secretAccessKeyFrom")};
}

std::unique_ptr<BackupStore> open_store(const manifest::StorageSpec& storage,
                                        const std::filesystem::path& directory, bool group_readable,
                                        bool writes) {
  auto local = std::make_unique<LocalDirectoryStore>(directory, group_readable);
  if (!storage.s3) return local;
  auto bucket = std::make_unique<BucketStore>(bucket_config(*storage.s3),
                                              read_credentials(*storage.s3), directory);
  if (writes && storage.keep_local)
    return std::make_unique<MirroredStore>(std::move(local), std::move(bucket));
  return bucket;
}

}  // namespace hivekeeper::store
