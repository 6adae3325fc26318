// s3/digests: the hashes a request body travels with. S3 checks each one it receives: the
// x-amz-content-sha256 that SigV4 signs, Content-MD5, and x-amz-checksum-sha256; an ETag that
// differs from the MD5 tells us the server stored other bytes than we sent.
#pragma once

#include <string>
#include <string_view>

namespace hivekeeper::s3 {

struct BodyDigests {
  std::string md5_hex, md5_base64, sha256_hex, sha256_base64;
};

BodyDigests digests_of(std::string_view body);

// The same digests of a body that arrives in pieces (a part spooled to disk).
class BodyDigester {
 public:
  BodyDigester();
  ~BodyDigester();
  BodyDigester(const BodyDigester&) = delete;
  BodyDigester& operator=(const BodyDigester&) = delete;

  void update(std::string_view bytes);
  // The digests of everything since the last finish(); starts over.
  BodyDigests finish();

 private:
  void* md5_;     // EVP_MD_CTX*
  void* sha256_;  // EVP_MD_CTX*
};

// Hex SHA-256 of the empty body, the payload hash of GET, HEAD and DELETE.
inline constexpr std::string_view kEmptyBodySha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

}  // namespace hivekeeper::s3
