#include "s3/digests.h"

#include <openssl/evp.h>

#include "common/error.h"

namespace hivekeeper::s3 {
namespace {

std::string digest_bytes(const EVP_MD* algorithm, std::string_view body) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(body.data(), body.size(), digest, &length, algorithm, nullptr) != 1) {
    throw job_failed("S3DigestFailed", "OpenSSL could not hash a request body",
                     "check the OpenSSL installation (MD5 must be available)");
  }
  return std::string(reinterpret_cast<const char*>(digest), length);
}

std::string hex_of(std::string_view bytes) {
  static constexpr char kDigestHexDigits[] = "0123456789abcdef";
  std::string hex;
  for (const char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    hex += kDigestHexDigits[byte >> 4];
    hex += kDigestHexDigits[byte & 0xF];
  }
  return hex;
}

std::string base64_of(std::string_view bytes) {
  std::string encoded(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()),
                                     reinterpret_cast<const unsigned char*>(bytes.data()),
                                     static_cast<int>(bytes.size()));
  encoded.resize(static_cast<std::size_t>(length));
  return encoded;
}

}  // namespace

namespace {

EVP_MD_CTX* started_digest(const EVP_MD* algorithm) {
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  if (context == nullptr || EVP_DigestInit_ex(context, algorithm, nullptr) != 1) {
    EVP_MD_CTX_free(context);
    throw job_failed("S3DigestFailed", "OpenSSL could not start a digest",
                     "check the OpenSSL installation (MD5 must be available)");
  }
  return context;
}

std::string finished_digest(void* context, const EVP_MD* algorithm) {
  auto* digest_context = static_cast<EVP_MD_CTX*>(context);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(digest_context, digest, &length) != 1 ||
      EVP_DigestInit_ex(digest_context, algorithm, nullptr) != 1)
    throw job_failed("S3DigestFailed", "OpenSSL could not finish a digest",
                     "check the OpenSSL installation");
  return std::string(reinterpret_cast<const char*>(digest), length);
}

}  // namespace

BodyDigester::BodyDigester()
    : md5_(started_digest(EVP_md5())), sha256_(started_digest(EVP_sha256())) {}

BodyDigester::~BodyDigester() {
  EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(md5_));
  EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(sha256_));
}

void BodyDigester::update(std::string_view bytes) {
  if (EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(md5_), bytes.data(), bytes.size()) != 1 ||
      EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(sha256_), bytes.data(), bytes.size()) != 1)
    throw job_failed("S3DigestFailed", "OpenSSL could not hash a request body",
                     "check the OpenSSL installation");
}

BodyDigests BodyDigester::finish() {
  const std::string md5 = finished_digest(md5_, EVP_md5());
  const std::string sha256 = finished_digest(sha256_, EVP_sha256());
  return {.md5_hex = hex_of(md5),
          .md5_base64 = base64_of(md5),
          .sha256_hex = hex_of(sha256),
          .sha256_base64 = base64_of(sha256)};
}

BodyDigests digests_of(std::string_view body) {
  const std::string md5 = digest_bytes(EVP_md5(), body);
  const std::string sha256 = digest_bytes(EVP_sha256(), body);
  return {.md5_hex = hex_of(md5),
          .md5_base64 = base64_of(md5),
          .sha256_hex = hex_of(sha256),
          .sha256_base64 = base64_of(sha256)};
}

}  // namespace hivekeeper::s3
