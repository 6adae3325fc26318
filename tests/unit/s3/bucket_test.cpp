// s3/bucket: object URLs in both styles, the key encoding SigV4 signs, and the prefix.
#include "s3/bucket.h"

#include <gtest/gtest.h>

namespace hivekeeper::s3 {
namespace {

BucketConfig bucket_at(std::string endpoint, bool path_style, std::string prefix = "") {
  BucketConfig config;
  config.endpoint = std::move(endpoint);
  config.bucket = "hive-backups";
  config.force_path_style = path_style;
  config.prefix = std::move(prefix);
  return config;
}

TEST(S3Bucket, PathStyleNamesTheBucketInThePath) {
  const BucketConfig config = bucket_at("http://moto:5000/", true);
  EXPECT_EQ(object_url(config, "prod/db.sql.gz"), "http://moto:5000/hive-backups/prod/db.sql.gz");
  EXPECT_EQ(object_url(config, "", "list-type=2&prefix=prod"),
            "http://moto:5000/hive-backups?list-type=2&prefix=prod");
  EXPECT_EQ(object_url(config, "k", "uploads"), "http://moto:5000/hive-backups/k?uploads");
}

TEST(S3Bucket, VirtualHostedStyleNamesTheBucketInTheHost) {
  const BucketConfig config = bucket_at("https://s3.eu-central-1.amazonaws.com", false);
  EXPECT_EQ(object_url(config, "prod/db.sql.gz"),
            "https://hive-backups.s3.eu-central-1.amazonaws.com/prod/db.sql.gz");
  EXPECT_EQ(object_url(config, "", "list-type=2"),
            "https://hive-backups.s3.eu-central-1.amazonaws.com/?list-type=2");
}

TEST(S3Bucket, NoEndpointMeansTheRegionsAwsEndpoint) {
  BucketConfig config = bucket_at("", false);
  config.region = "eu-west-1";
  EXPECT_EQ(endpoint_of(config), "https://s3.eu-west-1.amazonaws.com");
  EXPECT_EQ(object_url(config, "a"), "https://hive-backups.s3.eu-west-1.amazonaws.com/a");
}

TEST(S3Bucket, KeysArePercentEncodedButKeepTheirSlashes) {
  EXPECT_EQ(percent_encode("prod/db_2026-11-30.sql.gz~", true), "prod/db_2026-11-30.sql.gz~");
  EXPECT_EQ(percent_encode("a b+c=d&e?f#g%h", true), "a%20b%2Bc%3Dd%26e%3Ff%23g%25h");
  EXPECT_EQ(percent_encode("ä/ö", true), "%C3%A4/%C3%B6");
  EXPECT_EQ(percent_encode("a/b", false), "a%2Fb");
  EXPECT_EQ(percent_encode(std::string("\0\xff", 2), true), "%00%FF");
  const BucketConfig config = bucket_at("http://moto:5000", true);
  EXPECT_EQ(object_url(config, "set 1/ü.json"),
            "http://moto:5000/hive-backups/set%201/%C3%BC.json");
}

TEST(S3Bucket, PrefixIsJoinedWithExactlyOneSlash) {
  for (const std::string prefix : {"backups/prod", "backups/prod/", "/backups/prod/"}) {
    const BucketConfig config = bucket_at("http://moto:5000", true, prefix);
    EXPECT_EQ(full_key(config, "set.json"), "backups/prod/set.json") << prefix;
    EXPECT_EQ(full_key(config, "/set.json"), "backups/prod/set.json") << prefix;
    EXPECT_EQ(relative_key(config, "backups/prod/set.json"), "set.json") << prefix;
    EXPECT_EQ(relative_key(config, "backups/production/set.json"), "") << prefix;
    EXPECT_EQ(relative_key(config, "backups/prod"), "") << prefix;
  }
  const BucketConfig no_prefix = bucket_at("http://moto:5000", true);
  EXPECT_EQ(full_key(no_prefix, "set.json"), "set.json");
  EXPECT_EQ(relative_key(no_prefix, "a/set.json"), "a/set.json");
}

}  // namespace
}  // namespace hivekeeper::s3
