#include "manifest/offsite.h"

namespace hivekeeper::manifest {
namespace {

using nlohmann::json;

std::string text_at(const json& object, const char* key, std::string fallback = {}) {
  return object.contains(key) ? object[key].get<std::string>() : fallback;
}

}  // namespace

StorageSpec storage_from(const json& storage) {
  StorageSpec result;
  result.keep_local = storage.value("keepLocal", result.keep_local);
  if (!storage.contains("s3")) return result;
  const json& s3 = storage["s3"];
  S3Storage bucket;
  bucket.endpoint = text_at(s3, "endpoint");
  while (bucket.endpoint.ends_with('/')) bucket.endpoint.pop_back();
  bucket.region = text_at(s3, "region", bucket.region);
  bucket.bucket = text_at(s3, "bucket");
  bucket.prefix = text_at(s3, "prefix");
  bucket.force_path_style = s3.value("forcePathStyle", false);
  bucket.storage_class = text_at(s3, "storageClass");
  bucket.server_side_encryption = text_at(s3, "serverSideEncryption");
  bucket.kms_key_id = text_at(s3, "kmsKeyId");
  bucket.ca_file = text_at(s3, "caFile");
  bucket.max_parts = s3.value("maxParts", bucket.max_parts);
  bucket.access_key_id_from = secret_source_at(s3, "accessKeyIdFrom").value_or(SecretSource{});
  bucket.secret_access_key_from =
      secret_source_at(s3, "secretAccessKeyFrom").value_or(SecretSource{});
  result.s3 = bucket;
  return result;
}

EncryptionSpec encryption_from(const json& encryption) {
  EncryptionSpec result;
  if (!encryption.contains("age")) return result;
  const json& age = encryption["age"];
  AgeSpec spec;
  spec.recipients = age.value("recipients", std::vector<std::string>{});
  spec.recipients_file = text_at(age, "recipientsFile");
  spec.identity_from = secret_source_at(age, "identityFrom");
  spec.passphrase_from = secret_source_at(age, "passphraseFrom");
  result.age = spec;
  return result;
}

std::vector<std::string> storage_errors(const StorageSpec& storage, const std::string& field,
                                        bool writes) {
  std::vector<std::string> errors;
  if (writes && !storage.keep_local && !storage.s3)
    errors.push_back(field +
                     ".keepLocal: false needs spec.storage.s3, or the set would be kept nowhere");
  if (!storage.s3) return errors;
  const S3Storage& s3 = *storage.s3;
  check_secret_source(s3.access_key_id_from, field + ".s3.accessKeyIdFrom", errors);
  check_secret_source(s3.secret_access_key_from, field + ".s3.secretAccessKeyFrom", errors);
  if (!s3.kms_key_id.empty() && s3.server_side_encryption != "aws:kms")
    errors.push_back(field + ".s3.kmsKeyId: only with serverSideEncryption: aws:kms");
  return errors;
}

std::vector<std::string> encryption_errors(const EncryptionSpec& encryption,
                                           const std::string& field, bool writes) {
  std::vector<std::string> errors;
  if (!encryption.age) return errors;
  const AgeSpec& age = *encryption.age;
  const std::string at = field + ".age";
  check_secret_source(age.passphrase_from, at + ".passphraseFrom", errors);
  check_secret_source(age.identity_from, at + ".identityFrom", errors);
  const bool has_keys = !age.recipients.empty() || !age.recipients_file.empty();
  if (writes && !has_keys && !age.passphrase_from)
    errors.push_back(at + ": give recipients, recipientsFile or passphraseFrom");
  // The age format allows a passphrase (scrypt) recipient only as a file's single recipient.
  if (writes && has_keys && age.passphrase_from)
    errors.push_back(at +
                     ".passphraseFrom: not with recipients (age encrypts to a passphrase "
                     "alone); use one of them");
  if (!writes && !age.identity_from && !age.passphrase_from)
    errors.push_back(at + ": give identityFrom or passphraseFrom");
  return errors;
}

}  // namespace hivekeeper::manifest
