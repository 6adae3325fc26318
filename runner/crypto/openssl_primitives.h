// The few OpenSSL 3 primitives the age format is built from, behind plain functions: X25519,
// HKDF-SHA-256, HMAC-SHA-256, scrypt, ChaCha20-Poly1305 and the CSPRNG. A failure of OpenSSL
// itself (not of an authentication check) throws Error reason CryptoLibraryFailed.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

struct evp_cipher_ctx_st;

namespace hivekeeper::crypto {

using X25519Key = std::array<unsigned char, 32>;
using SymmetricKey = std::array<unsigned char, 32>;
using AeadNonce = std::array<unsigned char, 12>;

inline constexpr std::size_t kAeadTagSize = 16;

std::string random_bytes(std::size_t count);

// HKDF-Extract then HKDF-Expand to 32 bytes (RFC 5869); an empty salt is the RFC's default.
SymmetricKey hkdf_sha256(std::string_view ikm, std::string_view salt, std::string_view info);
SymmetricKey hmac_sha256(const SymmetricKey& key, std::string_view message);

X25519Key x25519_public_key(const X25519Key& secret);
// Null when the peer share is a low-order point (the shared secret would be all zero).
std::optional<X25519Key> x25519_shared_secret(const X25519Key& secret, const X25519Key& peer);

// RFC 7914 with N = 2^log2_n, r = 8, p = 1, 32 bytes out; memory needed is 2^log2_n KiB.
SymmetricKey scrypt_key(std::string_view passphrase, std::string_view salt, int log2_n);

// ChaCha20-Poly1305 with one key and a fresh nonce per message; keeps one OpenSSL context so a
// stream of chunks does not set the key up again for each.
class ChaChaPoly {
 public:
  explicit ChaChaPoly(const SymmetricKey& key);
  ~ChaChaPoly();
  ChaChaPoly(const ChaChaPoly&) = delete;
  ChaChaPoly& operator=(const ChaChaPoly&) = delete;

  // Replaces `sealed` with ciphertext || 16-byte tag.
  void seal(const AeadNonce& nonce, std::string_view plain, std::string& sealed);
  // Replaces `plain` with the plaintext; false (and `plain` cleared) when the tag does not verify.
  bool open(const AeadNonce& nonce, std::string_view sealed, std::string& plain);

 private:
  evp_cipher_ctx_st* context_;
};

}  // namespace hivekeeper::crypto
