// spec.storage and spec.encryption: parsed with their defaults, and the rules the schema cannot
// say (a secret from env or file, not both; kmsKeyId only with aws:kms; a passphrase alone; a
// restore needs a key) refused with the field's path.
#include "manifest/offsite.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "manifest/manifest.h"
#include "support/test_support.h"

namespace hivekeeper::manifest {
namespace {

using hivekeeper::testing::error_from;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string backup_with(const std::string& spec) {
  return "apiVersion: hivekeeper.io/v1\nkind: BackupJob\nmetadata: {name: offsite}\nspec:\n"
         "  environment: prod\n" +
         spec;
}

std::string restore_with(const std::string& spec) {
  return "apiVersion: hivekeeper.io/v1\nkind: RestoreJob\nmetadata: {name: offsite}\nspec:\n"
         "  environment: prod\n" +
         spec;
}

constexpr const char* kBucket =
    "  storage:\n"
    "    s3:\n"
    "      bucket: beelab-backups\n"
    "      prefix: prod/\n"
    "      accessKeyIdFrom: {env: AWS_ACCESS_KEY_ID}\n"
    "      secretAccessKeyFrom: {file: /run/secrets/s3}\n";

std::vector<std::string> details_of(const std::string& text) {
  const auto error = error_from([&] { parse_manifest(text, "job.yaml"); });
  if (!error) return {"accepted"};
  return error->details();
}

TEST(StorageSpec, ABucketWithTheDefaults) {
  const Manifest manifest = parse_manifest(backup_with(kBucket), "job.yaml");
  ASSERT_TRUE(manifest.storage.s3.has_value());
  const S3Storage& s3 = *manifest.storage.s3;
  EXPECT_EQ(s3.bucket, "beelab-backups");
  EXPECT_EQ(s3.region, "us-east-1");
  EXPECT_EQ(s3.effective_endpoint(), "https://s3.us-east-1.amazonaws.com");
  EXPECT_EQ(s3.max_parts, 10000);
  EXPECT_FALSE(s3.force_path_style);
  EXPECT_EQ(s3.access_key_id_from.env, "AWS_ACCESS_KEY_ID");
  EXPECT_EQ(s3.secret_access_key_from.file, "/run/secrets/s3");
  EXPECT_EQ(s3.url(), "s3://beelab-backups/prod/");
  EXPECT_TRUE(manifest.storage.keep_local);
}

TEST(StorageSpec, NoStorageIsTheLocalDirectoryAlone) {
  const Manifest manifest = parse_manifest(backup_with(""), "job.yaml");
  EXPECT_FALSE(manifest.storage.s3.has_value());
  EXPECT_FALSE(manifest.encryption.age.has_value());
}

TEST(StorageSpec, RefusesWhatTheSchemaCannotSay) {
  EXPECT_THAT(details_of(backup_with("  storage: {keepLocal: false}\n")),
              ElementsAre(HasSubstr("spec.storage.keepLocal: false needs spec.storage.s3")));
  EXPECT_THAT(details_of(backup_with(std::string(kBucket) + "      kmsKeyId: alias/backups\n")),
              ElementsAre("spec.storage.s3.kmsKeyId: only with serverSideEncryption: aws:kms"));
  EXPECT_THAT(details_of(backup_with("  storage:\n    s3:\n      bucket: beelab-backups\n"
                                     "      accessKeyIdFrom: {env: A, file: /a}\n"
                                     "      secretAccessKeyFrom: {}\n")),
              ElementsAre("spec.storage.s3.accessKeyIdFrom: give env or file, not both",
                          "spec.storage.s3.secretAccessKeyFrom: give env or file"));
}

TEST(StorageSpec, TheSchemaRefusesABadBucketNameAndAnUnknownEncryption) {
  const auto details = details_of(backup_with(
      "  storage:\n    s3:\n      bucket: Bad_Bucket\n      serverSideEncryption: rot13\n"
      "      accessKeyIdFrom: {env: A}\n      secretAccessKeyFrom: {env: B}\n"));
  ASSERT_EQ(details.size(), 2u);
  EXPECT_THAT(details[0], HasSubstr("spec.storage.s3.bucket"));
  EXPECT_THAT(details[1], HasSubstr("spec.storage.s3.serverSideEncryption"));
}

TEST(EncryptionSpec, ABackupEncryptsToRecipientsOrAPassphraseNotBoth) {
  const Manifest manifest = parse_manifest(
      backup_with("  encryption:\n    age:\n      recipients: "
                  "[age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p]\n"),
      "job.yaml");
  ASSERT_TRUE(manifest.encryption.age.has_value());
  EXPECT_THAT(manifest.encryption.age->recipients, ElementsAre(HasSubstr("age1ql3z7")));
  EXPECT_THAT(details_of(backup_with("  encryption:\n    age: {}\n")),
              ElementsAre(HasSubstr("give recipients, recipientsFile or passphraseFrom")));
  EXPECT_THAT(details_of(backup_with("  encryption:\n    age:\n      recipientsFile: /keys\n"
                                     "      passphraseFrom: {env: PASSPHRASE}\n")),
              ElementsAre(HasSubstr("spec.encryption.age.passphraseFrom: not with recipients")));
}

TEST(EncryptionSpec, ARestoreNeedsAnIdentityOrAPassphrase) {
  EXPECT_THAT(details_of(restore_with("  encryption:\n    age: {}\n")),
              ElementsAre("spec.encryption.age: give identityFrom or passphraseFrom"));
  const Manifest manifest = parse_manifest(
      restore_with("  encryption:\n    age:\n      identityFrom: {file: /run/secrets/age}\n"),
      "job.yaml");
  ASSERT_TRUE(manifest.encryption.age->identity_from.has_value());
  EXPECT_EQ(manifest.encryption.age->identity_from->file, "/run/secrets/age");
  // A restore decrypts: recipients are a backup's field.
  EXPECT_THAT(details_of(restore_with("  encryption:\n    age:\n      recipients: []\n")),
              ElementsAre(HasSubstr("spec.encryption.age.recipients: unknown field")));
}

}  // namespace
}  // namespace hivekeeper::manifest
