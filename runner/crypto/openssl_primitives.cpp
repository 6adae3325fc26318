#include "crypto/openssl_primitives.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>

#include <memory>

#include "common/error.h"

namespace hivekeeper::crypto {
namespace {

[[noreturn]] void throw_openssl_failure(const std::string& what) {
  throw job_failed("CryptoLibraryFailed", "OpenSSL could not " + what,
                   "check that the OpenSSL 3 library in the image provides the default provider");
}

struct KdfContextFree {
  void operator()(EVP_KDF_CTX* context) const { EVP_KDF_CTX_free(context); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct PkeyContextFree {
  void operator()(EVP_PKEY_CTX* context) const { EVP_PKEY_CTX_free(context); }
};
using OwnedKdfContext = std::unique_ptr<EVP_KDF_CTX, KdfContextFree>;
using OwnedPkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

OwnedKdfContext fetch_kdf(const char* name) {
  EVP_KDF* kdf = EVP_KDF_fetch(nullptr, name, nullptr);
  if (kdf == nullptr) throw_openssl_failure(std::string("find the ") + name + " KDF");
  OwnedKdfContext context(EVP_KDF_CTX_new(kdf));
  EVP_KDF_free(kdf);
  if (!context) throw_openssl_failure(std::string("start the ") + name + " KDF");
  return context;
}

// OSSL_PARAM wants non-const pointers even for inputs it only reads.
void* ossl_param_bytes(std::string_view bytes) {
  return const_cast<char*>(bytes.data());
}

OwnedPkey x25519_private(const X25519Key& secret) {
  OwnedPkey key(
      EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nullptr, secret.data(), secret.size()));
  if (!key) throw_openssl_failure("load an X25519 private key");
  return key;
}

}  // namespace

std::string random_bytes(std::size_t count) {
  std::string bytes(count, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(count)) != 1)
    throw_openssl_failure("draw random bytes");
  return bytes;
}

SymmetricKey hkdf_sha256(std::string_view ikm, std::string_view salt, std::string_view info) {
  OwnedKdfContext context = fetch_kdf("HKDF");
  char digest[] = "SHA256";
  OSSL_PARAM params[5];
  int count = 0;
  params[count++] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0);
  params[count++] =
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, ossl_param_bytes(ikm), ikm.size());
  if (!salt.empty())
    params[count++] =
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, ossl_param_bytes(salt), salt.size());
  params[count++] =
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, ossl_param_bytes(info), info.size());
  params[count] = OSSL_PARAM_construct_end();
  SymmetricKey key{};
  if (EVP_KDF_derive(context.get(), key.data(), key.size(), params) != 1)
    throw_openssl_failure("derive an HKDF-SHA-256 key");
  return key;
}

SymmetricKey hmac_sha256(const SymmetricKey& key, std::string_view message) {
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  if (mac == nullptr) throw_openssl_failure("find HMAC");
  EVP_MAC_CTX* context = EVP_MAC_CTX_new(mac);
  EVP_MAC_free(mac);
  if (context == nullptr) throw_openssl_failure("start HMAC");
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                         OSSL_PARAM_construct_end()};
  SymmetricKey tag{};
  std::size_t length = 0;
  const bool ok = EVP_MAC_init(context, key.data(), key.size(), params) == 1 &&
                  EVP_MAC_update(context, reinterpret_cast<const unsigned char*>(message.data()),
                                 message.size()) == 1 &&
                  EVP_MAC_final(context, tag.data(), &length, tag.size()) == 1 &&
                  length == tag.size();
  EVP_MAC_CTX_free(context);
  if (!ok) throw_openssl_failure("compute HMAC-SHA-256");
  return tag;
}

X25519Key x25519_public_key(const X25519Key& secret) {
  OwnedPkey key = x25519_private(secret);
  X25519Key public_key{};
  std::size_t length = public_key.size();
  if (EVP_PKEY_get_raw_public_key(key.get(), public_key.data(), &length) != 1 ||
      length != public_key.size())
    throw_openssl_failure("compute an X25519 public key");
  return public_key;
}

std::optional<X25519Key> x25519_shared_secret(const X25519Key& secret, const X25519Key& peer) {
  OwnedPkey own = x25519_private(secret);
  OwnedPkey other(EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, nullptr, peer.data(), peer.size()));
  if (!other) throw_openssl_failure("load an X25519 public key");
  std::unique_ptr<EVP_PKEY_CTX, PkeyContextFree> context(EVP_PKEY_CTX_new(own.get(), nullptr));
  if (!context || EVP_PKEY_derive_init(context.get()) != 1 ||
      EVP_PKEY_derive_set_peer(context.get(), other.get()) != 1)
    throw_openssl_failure("start an X25519 key agreement");
  X25519Key shared{};
  std::size_t length = shared.size();
  // OpenSSL refuses to derive an all-zero secret (a low-order peer point), as age requires.
  if (EVP_PKEY_derive(context.get(), shared.data(), &length) != 1 || length != shared.size())
    return std::nullopt;
  const X25519Key zero{};
  if (CRYPTO_memcmp(shared.data(), zero.data(), shared.size()) == 0) return std::nullopt;
  return shared;
}

SymmetricKey scrypt_key(std::string_view passphrase, std::string_view salt, int log2_n) {
  OwnedKdfContext context = fetch_kdf("SCRYPT");
  std::uint64_t n = std::uint64_t{1} << log2_n;
  std::uint32_t r = 8;
  std::uint32_t p = 1;
  // scrypt needs 128 * r * N bytes; OpenSSL's default ceiling (32 MiB) is below age's usual N.
  std::uint64_t max_memory = 128 * std::uint64_t{r} * n + (std::uint64_t{1} << 20);
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD, ossl_param_bytes(passphrase),
                                        passphrase.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, ossl_param_bytes(salt), salt.size()),
      OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n),
      OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r),
      OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p),
      OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, &max_memory),
      OSSL_PARAM_construct_end()};
  SymmetricKey key{};
  if (EVP_KDF_derive(context.get(), key.data(), key.size(), params) != 1)
    throw_openssl_failure("derive an scrypt key (work factor 2^" + std::to_string(log2_n) + ")");
  return key;
}

// The key is set up once; each message then only sets its nonce and direction.
ChaChaPoly::ChaChaPoly(const SymmetricKey& key) : context_(EVP_CIPHER_CTX_new()) {
  if (context_ == nullptr ||
      EVP_CipherInit_ex2(context_, EVP_chacha20_poly1305(), key.data(), nullptr, 1, nullptr) != 1)
    throw_openssl_failure("start ChaCha20-Poly1305");
}

ChaChaPoly::~ChaChaPoly() {
  EVP_CIPHER_CTX_free(context_);  // clears the key schedule
}

void ChaChaPoly::seal(const AeadNonce& nonce, std::string_view plain, std::string& sealed) {
  sealed.resize(plain.size() + kAeadTagSize);
  auto* out = reinterpret_cast<unsigned char*>(sealed.data());
  int written = 0;
  int final_written = 0;
  const bool ok =
      EVP_CipherInit_ex2(context_, nullptr, nullptr, nonce.data(), 1, nullptr) == 1 &&
      EVP_EncryptUpdate(context_, out, &written,
                        reinterpret_cast<const unsigned char*>(plain.data()),
                        static_cast<int>(plain.size())) == 1 &&
      EVP_EncryptFinal_ex(context_, out + written, &final_written) == 1 &&
      EVP_CIPHER_CTX_ctrl(context_, EVP_CTRL_AEAD_GET_TAG, kAeadTagSize, out + plain.size()) == 1;
  if (!ok) throw_openssl_failure("encrypt with ChaCha20-Poly1305");
}

bool ChaChaPoly::open(const AeadNonce& nonce, std::string_view sealed, std::string& plain) {
  plain.clear();
  if (sealed.size() < kAeadTagSize) return false;
  const std::size_t length = sealed.size() - kAeadTagSize;
  plain.resize(length);
  auto* out = reinterpret_cast<unsigned char*>(plain.data());
  auto* tag = const_cast<char*>(sealed.data() + length);
  int written = 0;
  int final_written = 0;
  if (EVP_CipherInit_ex2(context_, nullptr, nullptr, nonce.data(), 0, nullptr) != 1 ||
      EVP_DecryptUpdate(context_, out, &written,
                        reinterpret_cast<const unsigned char*>(sealed.data()),
                        static_cast<int>(length)) != 1 ||
      EVP_CIPHER_CTX_ctrl(context_, EVP_CTRL_AEAD_SET_TAG, kAeadTagSize, tag) != 1)
    throw_openssl_failure("decrypt with ChaCha20-Poly1305");
  if (EVP_DecryptFinal_ex(context_, out + written, &final_written) != 1) {
    OPENSSL_cleanse(plain.data(), plain.size());
    plain.clear();
    return false;
  }
  return true;
}

}  // namespace hivekeeper::crypto
