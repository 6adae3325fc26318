// s3/bucket: where a bucket's objects are, as plain functions: the configuration (the manifest's
// spec.storage.s3), the object URL in path style or virtual-hosted style, the key encoding SigV4
// expects, and the prefix every key of this bucket lives under.
#pragma once

#include <string>
#include <string_view>

namespace hivekeeper::s3 {

// Never logged and never part of an error message.
struct Credentials {
  std::string access_key_id, secret_access_key;
};

struct BucketConfig {
  std::string endpoint;  // "https://s3.eu-central-1.amazonaws.com", "http://minio:9000"; "" = AWS
  std::string region = "us-east-1";
  std::string bucket;
  std::string prefix;  // "backups/prod": every key lives under "backups/prod/"
  bool force_path_style = false;
  std::string storage_class;           // "" = the bucket's default
  std::string server_side_encryption;  // "", "AES256", "aws:kms"
  std::string kms_key_id;
  std::string ca_file;
  int max_parts = 10000;
};

// The endpoint without a trailing slash; AWS's regional endpoint when none is configured.
std::string endpoint_of(const BucketConfig& config);

// RFC 3986 percent-encoding of everything but the unreserved characters (A-Z a-z 0-9 - . _ ~),
// keeping '/' when `keep_slash` (object keys in paths; not query values).
std::string percent_encode(std::string_view text, bool keep_slash);

// The prefix joined to a key with exactly one '/', and the way back ("" when `full_key` is not
// under the prefix).
std::string full_key(const BucketConfig& config, std::string_view key);
std::string relative_key(const BucketConfig& config, std::string_view full_key);

// The URL of the bucket (empty `full_key`) or of one object, with `query` ("uploads",
// "partNumber=2&uploadId=...", already encoded) appended. Path style: endpoint/bucket/key;
// virtual-hosted style: scheme://bucket.host/key.
std::string object_url(const BucketConfig& config, std::string_view full_key,
                       std::string_view query = {});

}  // namespace hivekeeper::s3
