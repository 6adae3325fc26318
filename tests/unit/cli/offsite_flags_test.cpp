// The off-site flags of the seed's usage (`backup prod --media --s3-bucket B`, `restore dev FILE
// --age-identity key.txt`) mean the manifest fields they stand for, checked as a manifest's are.
#include "cli/offsite_flags.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "manifest/manifest.h"
#include "support/test_support.h"

namespace hivekeeper::cli {
namespace {

using hivekeeper::testing::error_from;
using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

manifest::Manifest manifest_of(const std::string& kind, const std::vector<std::string>& arguments) {
  const Invocation invocation = parse_arguments(arguments);
  json spec = {{"environment", invocation.operands.at(0)}};
  if (kind == "RestoreJob") spec["source"] = json::object();
  add_offsite_flags(invocation, spec);
  return manifest::parse_manifest(json{{"apiVersion", manifest::kApiVersion},
                                       {"kind", kind},
                                       {"metadata", {{"name", "flags"}}},
                                       {"spec", spec}}
                                      .dump(),
                                  "the command line");
}

TEST(OffsiteFlags, BucketFlagsBecomeSpecStorageWithKeysFromTheEnvironment) {
  const auto parsed = manifest_of(
      "BackupJob", {"backup", "prod", "--media", "--s3-bucket", "beelab-backups", "--s3-endpoint",
                    "http://minio:9000", "--s3-region", "eu-central-1", "--s3-prefix",
                    "beelab/prod", "--s3-path-style", "--no-keep-local"});
  ASSERT_TRUE(parsed.storage.s3);
  const auto& s3 = *parsed.storage.s3;
  EXPECT_EQ(s3.bucket, "beelab-backups");
  EXPECT_EQ(s3.endpoint, "http://minio:9000");
  EXPECT_EQ(s3.region, "eu-central-1");
  EXPECT_EQ(s3.prefix, "beelab/prod/");
  EXPECT_TRUE(s3.force_path_style);
  EXPECT_EQ(s3.access_key_id_from.env, "AWS_ACCESS_KEY_ID");
  EXPECT_EQ(s3.secret_access_key_from.env, "AWS_SECRET_ACCESS_KEY");
  EXPECT_FALSE(parsed.storage.keep_local);
  EXPECT_FALSE(parsed.encryption.age);
}

TEST(OffsiteFlags, AgeRecipientsForABackupAndAnIdentityForARestore) {
  const auto backup =
      manifest_of("BackupJob", {"backup", "prod", "--age-recipient",
                                "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p",
                                "--age-recipients-file", "/keys/recipients.txt"});
  ASSERT_TRUE(backup.encryption.age);
  EXPECT_THAT(backup.encryption.age->recipients,
              ElementsAre("age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p"));
  EXPECT_EQ(backup.encryption.age->recipients_file, "/keys/recipients.txt");
  EXPECT_FALSE(backup.storage.s3);
  EXPECT_TRUE(backup.storage.keep_local);

  const auto restore =
      manifest_of("RestoreJob", {"restore", "dev", "--age-identity", "/secrets/age/key.txt"});
  ASSERT_TRUE(restore.encryption.age && restore.encryption.age->identity_from);
  EXPECT_EQ(restore.encryption.age->identity_from->file, "/secrets/age/key.txt");
}

TEST(OffsiteFlags, NoFlagsLeaveTheSpecAsItWas) {
  json spec = {{"environment", "prod"}};
  add_offsite_flags(parse_arguments({"backup", "prod", "--media"}), spec);
  EXPECT_EQ(spec, (json{{"environment", "prod"}}));
}

TEST(OffsiteFlags, BadValuesAreRefusedAsInvalidInput) {
  const auto bad_bucket = error_from(
      [] { manifest_of("BackupJob", {"backup", "prod", "--s3-bucket", "Not_A_Bucket"}); });
  ASSERT_TRUE(bad_bucket);
  EXPECT_EQ(bad_bucket->exit_code(), 2);
  EXPECT_THAT(bad_bucket->describe(), HasSubstr("bucket"));

  const auto detail_alone =
      error_from([] { parse_arguments({"backup", "prod", "--s3-endpoint", "http://s3:9000"}); });
  ASSERT_TRUE(detail_alone);
  EXPECT_THAT(detail_alone->describe(), HasSubstr("need --s3-bucket"));

  const auto identity_on_backup =
      error_from([] { parse_arguments({"backup", "prod", "--age-identity", "key.txt"}); });
  ASSERT_TRUE(identity_on_backup);
  EXPECT_THAT(identity_on_backup->describe(), HasSubstr("does not apply to backup"));
}

TEST(OffsiteFlags, PruneTakesAnUploadGraceAndTheBucket) {
  const Invocation invocation = parse_arguments(
      {"prune", "prod", "--keep-last", "3", "--s3-bucket", "b-1", "--upload-grace", "0h"});
  EXPECT_EQ(invocation.upload_grace, "0h");
  EXPECT_EQ(invocation.s3_bucket, "b-1");
}

}  // namespace
}  // namespace hivekeeper::cli
