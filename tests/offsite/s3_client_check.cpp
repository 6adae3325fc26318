// The S3 client against moto_server, a real S3 API server: objects, listings of many pages, a
// multipart upload read back (and by the reference client, in the suite), an object the
// reference client wrote, wrong credentials, a missing bucket. Run by
// tests/integration/s3_client_against_moto.sh, which starts the servers; the environment it
// passes (S3_TEST_ENDPOINT, S3_TEST_AUTH_ENDPOINT with IAM checks on, S3_TEST_FAULT_ENDPOINT,
// S3_TEST_BUCKET, S3_TEST_ACCESS_KEY_ID, S3_TEST_SECRET_ACCESS_KEY, S3_TEST_PREFIX, S3_TEST_WORK,
// S3_TEST_REFERENCE_KEY, S3_TEST_REFERENCE_SHA256) is required: without it the program fails.
#include <cstdio>

#include <gtest/gtest.h>

#include "s3/client.h"
#include "s3/multipart_upload.h"
#include "s3_check_support.h"

namespace hivekeeper::s3::check {
namespace {

TEST(S3AgainstMoto, PutHeadGetListDelete) {
  Client client(bucket(env("S3_TEST_ENDPOINT"), "objects"), good_credentials());
  const std::string body = "{\"set\": \"prod_2026-11-30\", \"note\": \"ä ö\"}";
  client.put_object("sets/a b+c.json", body);
  const auto head = client.head_object("sets/a b+c.json");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->size, body.size());
  EXPECT_EQ(head->etag.size(), 32U);
  EXPECT_GT(head->last_modified.time_since_epoch().count(), 0);
  std::string read;
  client.get_object("sets/a b+c.json", [&](std::string_view bytes) { read += bytes; });
  EXPECT_EQ(read, body);
  client.put_object("sets/empty", "");
  EXPECT_EQ(client.head_object("sets/empty")->size, 0U);
  const auto listed = client.list_objects("sets/");
  ASSERT_EQ(listed.size(), 2U);
  EXPECT_EQ(listed[0].key, "sets/a b+c.json");
  EXPECT_EQ(listed[0].size, body.size());
  EXPECT_EQ(listed[1].key, "sets/empty");
  client.delete_object("sets/a b+c.json");
  EXPECT_FALSE(client.head_object("sets/a b+c.json"));
  std::string message;
  EXPECT_EQ(
      reason_of([&] { client.get_object("sets/a b+c.json", [](std::string_view) {}); }, &message),
      "S3NoSuchKey");
  EXPECT_NE(message.find("sets/a b+c.json"), std::string::npos) << message;
  EXPECT_EQ(client.list_objects("sets/").size(), 1U);
}

TEST(S3AgainstMoto, ListingReadsEveryPagePast1000Keys) {
  Client client(bucket(env("S3_TEST_ENDPOINT"), "listing"), good_credentials());
  constexpr int kKeys = 1234;
  const auto start = Clock::now();
  for (int i = 0; i < kKeys; ++i) {
    char key[32];
    std::snprintf(key, sizeof key, "many/%05d", i);
    client.put_object(key, std::to_string(i));
  }
  const double put_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const auto listed = client.list_objects("many/");
  ASSERT_EQ(listed.size(), static_cast<std::size_t>(kKeys));
  for (int i = 0; i < kKeys; ++i) {
    char key[32];
    std::snprintf(key, sizeof key, "many/%05d", i);
    ASSERT_EQ(listed[i].key, key);
    ASSERT_EQ(listed[i].size, std::to_string(i).size());
  }
  std::printf(
      "[ figures  ] %d small PutObjects in %.1f s (%.0f requests/s, one kept-alive "
      "connection); listed in pages of 1000\n",
      kKeys, put_seconds, kKeys / put_seconds);
}

TEST(S3AgainstMoto, MultipartUploadOf25MiBReadsBackTheSameBytes) {
  Client client(bucket(env("S3_TEST_ENDPOINT"), "multipart"), good_credentials());
  const std::uint64_t size = 25 * kMiB + 123;
  const Written written = upload(client, "reference/multipart.bin", size, 25);
  EXPECT_EQ(written.info.size, size);
  EXPECT_EQ(written.info.etag.substr(written.info.etag.size() - 2), "-6") << written.info.etag;
  const auto start = Clock::now();
  std::uint64_t read_size = 0;
  EXPECT_EQ(sha256_of_object(client, "reference/multipart.bin", &read_size), written.sha256);
  const double read_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  EXPECT_EQ(read_size, size);
  EXPECT_TRUE(client.list_multipart_uploads("").empty());
  std::printf(
      "[ figures  ] multipart upload of %.1f MiB in 6 parts of 5 MiB: %.1f MiB/s; "
      "read back at %.1f MiB/s\n",
      size / double(kMiB), size / double(kMiB) / written.seconds,
      size / double(kMiB) / read_seconds);
  write_work_file("multipart.key", client.config().prefix + "/reference/multipart.bin");
  write_work_file("multipart.sha256", written.sha256);
}

TEST(S3AgainstMoto, ReadsWhatTheReferenceClientWrote) {
  ASSERT_FALSE(env("S3_TEST_REFERENCE_KEY").empty()) << "the suite uploads it with aws s3 cp";
  BucketConfig config = bucket(env("S3_TEST_ENDPOINT"), "");
  config.prefix = "";
  Client client(config, good_credentials());
  const auto head = client.head_object(env("S3_TEST_REFERENCE_KEY"));
  ASSERT_TRUE(head);
  std::uint64_t size = 0;
  EXPECT_EQ(sha256_of_object(client, env("S3_TEST_REFERENCE_KEY"), &size),
            env("S3_TEST_REFERENCE_SHA256"));
  EXPECT_EQ(size, head->size);
}

// Against the moto_server with IAM checks on (S3_TEST_AUTH_ENDPOINT): the right key works, so a
// refusal below is the signature's doing.
TEST(S3AgainstMoto, WrongCredentialsAreAccessDeniedWithoutShowingTheSecret) {
  Client right(bucket(env("S3_TEST_AUTH_ENDPOINT"), "denied"), good_credentials());
  right.put_object("probe", "signed with the IAM user's key");
  ASSERT_TRUE(right.head_object("probe"));
  const std::string wrong_secret = "wrong-secret-Zq8v1Xk2";
  Client wrong_secret_client(bucket(env("S3_TEST_AUTH_ENDPOINT"), "denied"),
                             {env("S3_TEST_ACCESS_KEY_ID"), wrong_secret});
  std::string message;
  EXPECT_EQ(reason_of([&] { wrong_secret_client.put_object("x", "y"); }, &message),
            "S3AccessDenied");
  EXPECT_NE(message.find("SignatureDoesNotMatch"), std::string::npos) << message;
  EXPECT_NE(message.find("accessKeyIdFrom/secretAccessKeyFrom"), std::string::npos) << message;
  EXPECT_EQ(message.find(wrong_secret), std::string::npos) << message;
  EXPECT_EQ(message.find(env("S3_TEST_SECRET_ACCESS_KEY")), std::string::npos) << message;
  std::printf("[ message  ] %s\n", message.c_str());
  EXPECT_EQ(reason_of([&] { wrong_secret_client.head_object("probe"); }), "S3AccessDenied");
  Client unknown_key_client(bucket(env("S3_TEST_AUTH_ENDPOINT"), "denied"),
                            {"AKIAUNKNOWNKEY000000", wrong_secret});
  EXPECT_EQ(reason_of([&] { unknown_key_client.put_object("x", "y"); }, &message),
            "S3AccessDenied");
  EXPECT_NE(message.find("InvalidAccessKeyId"), std::string::npos) << message;
}

TEST(S3AgainstMoto, MissingBucketSaysSo) {
  BucketConfig config = bucket(env("S3_TEST_ENDPOINT"), "nothing");
  config.bucket = "no-such-bucket-here";
  Client client(config, good_credentials());
  std::string message;
  EXPECT_EQ(reason_of([&] { client.list_objects(""); }, &message), "S3NoSuchBucket");
  EXPECT_NE(message.find("no-such-bucket-here"), std::string::npos) << message;
  EXPECT_NE(message.find("spec.storage.s3.bucket"), std::string::npos) << message;
  EXPECT_EQ(reason_of([&] { client.put_object("k", "v"); }), "S3NoSuchBucket");
  std::printf("[ message  ] %s\n", message.c_str());
}

}  // namespace
}  // namespace hivekeeper::s3::check
