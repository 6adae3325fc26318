#include "notify/signature.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <format>
#include <stdexcept>

namespace hivekeeper::notify {

std::string hmac_sha256_hex(std::string_view key, std::string_view message) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  // An empty key is a valid HMAC key; OpenSSL wants a non-null pointer for it.
  static const unsigned char no_key = 0;
  const void* key_data = key.empty() ? &no_key : static_cast<const void*>(key.data());
  if (HMAC(EVP_sha256(), key_data, static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest,
           &length) == nullptr)
    throw std::runtime_error("OpenSSL could not compute an HMAC-SHA256");
  std::string hex;
  hex.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) hex += std::format("{:02x}", digest[i]);
  return hex;
}

std::vector<std::string> signature_headers(std::string_view secret, long long unix_seconds,
                                           std::string_view body) {
  const std::string timestamp = std::to_string(unix_seconds);
  std::string signed_text = timestamp + ".";
  signed_text.append(body);
  return {std::string(kTimestampHeader) + ": " + timestamp,
          std::string(kSignatureHeader) + ": sha256=" + hmac_sha256_hex(secret, signed_text)};
}

}  // namespace hivekeeper::notify
