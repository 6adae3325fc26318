// Off-site copies as the manifest states them: spec.storage (an S3-compatible bucket besides or
// instead of the local directory) and spec.encryption (age). Plain values; where secrets are
// (never the secrets themselves, which are read when the job runs).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "manifest/secret_source.h"

namespace hivekeeper::manifest {

struct S3Storage {
  std::string endpoint;  // "" = https://s3.<region>.amazonaws.com
  std::string region = "us-east-1";
  std::string bucket;
  std::string prefix;  // "" or ending in '/'
  bool force_path_style = false;
  std::string storage_class;           // "" = the bucket's default
  std::string server_side_encryption;  // "", "AES256" or "aws:kms"
  std::string kms_key_id;
  std::string ca_file;
  int max_parts = 10000;
  SecretSource access_key_id_from;
  SecretSource secret_access_key_from;

  std::string effective_endpoint() const {
    return endpoint.empty() ? "https://s3." + region + ".amazonaws.com" : endpoint;
  }
  // s3://bucket/prefix, for messages and the status (holds no secret).
  std::string url() const { return "s3://" + bucket + "/" + prefix; }
};

struct StorageSpec {
  std::optional<S3Storage> s3;
  bool keep_local = true;  // BackupJob only: the set stays in the local directory too
};

struct AgeSpec {
  std::vector<std::string> recipients;          // age1... (BackupJob)
  std::string recipients_file;                  // BackupJob
  std::optional<SecretSource> identity_from;    // RestoreJob, DrillJob
  std::optional<SecretSource> passphrase_from;  // any kind
};

struct EncryptionSpec {
  std::optional<AgeSpec> age;
};

StorageSpec storage_from(const nlohmann::json& storage);
EncryptionSpec encryption_from(const nlohmann::json& encryption);

// What the schema cannot say; FIELD is the path of the object ("spec.storage"). WRITES: the job
// encrypts (BackupJob) rather than decrypts.
std::vector<std::string> storage_errors(const StorageSpec& storage, const std::string& field,
                                        bool writes);
std::vector<std::string> encryption_errors(const EncryptionSpec& encryption,
                                           const std::string& field, bool writes);

}  // namespace hivekeeper::manifest
