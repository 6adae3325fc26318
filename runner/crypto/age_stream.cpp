#include "crypto/age_stream.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <stdexcept>

#include "common/error.h"

namespace hivekeeper::crypto {
namespace {

constexpr std::size_t kAgeSealedChunkSize = kAgeChunkSize + kAeadTagSize;
constexpr std::string_view kHeaderMacInfo = "header";
constexpr std::string_view kPayloadKeyInfo = "payload";

// 11-byte big-endian chunk counter, then 0x01 for the last chunk and 0x00 before it.
AeadNonce chunk_nonce(std::uint64_t index, bool last) {
  AeadNonce nonce{};
  for (int i = 0; i < 8; ++i) nonce[10 - i] = static_cast<unsigned char>(index >> (8 * i));
  nonce[11] = last ? 1 : 0;
  return nonce;
}

std::string_view symmetric_key_bytes(const SymmetricKey& key) {
  return {reinterpret_cast<const char*>(key.data()), key.size()};
}

SymmetricKey header_mac(std::string_view file_key, std::string_view header_for_mac) {
  return hmac_sha256(hkdf_sha256(file_key, {}, kHeaderMacInfo), header_for_mac);
}

void check_age_recipients(const AgeRecipients& recipients) {
  const char* hint = "set spec.encryption.age: recipients (age1...) or a passphrase, not both";
  if (recipients.x25519.empty() && !recipients.passphrase)
    throw invalid_input("AgeRecipientInvalid", "age encryption has no recipient and no passphrase",
                        hint);
  if (!recipients.x25519.empty() && recipients.passphrase)
    throw invalid_input("AgeRecipientInvalid",
                        "an age passphrase cannot be combined with X25519 recipients in one file "
                        "(age requires a passphrase stanza to be the only one)",
                        hint);
  if (recipients.passphrase && recipients.passphrase->empty())
    throw invalid_input("AgeRecipientInvalid", "the age passphrase is empty", hint);
  if (recipients.scrypt_log2_n < 10 || recipients.scrypt_log2_n > kAgeMaxScryptLog2N)
    throw invalid_input("AgeRecipientInvalid",
                        "the scrypt work factor 2^" + std::to_string(recipients.scrypt_log2_n) +
                            " is outside 2^10..2^" + std::to_string(kAgeMaxScryptLog2N),
                        hint);
}

}  // namespace

bool starts_like_age(std::string_view first_bytes) {
  return first_bytes.substr(0, kAgeVersionLine.size()) == kAgeVersionLine;
}

AgeEncryptor::AgeEncryptor(const AgeRecipients& recipients, ByteSink out) : out_(std::move(out)) {
  check_age_recipients(recipients);
  std::string file_key = random_bytes(kAgeFileKeySize);
  std::vector<AgeStanza> stanzas;
  if (recipients.passphrase)
    stanzas.push_back(
        wrap_file_key_scrypt(file_key, *recipients.passphrase, recipients.scrypt_log2_n));
  for (const X25519Key& recipient : recipients.x25519)
    stanzas.push_back(wrap_file_key_x25519(file_key, recipient));
  std::string header = encode_age_header_for_mac(stanzas);
  const SymmetricKey mac = header_mac(file_key, header);
  header += " " + base64_encode_unpadded(symmetric_key_bytes(mac)) + "\n";
  const std::string nonce = random_bytes(kAgePayloadNonceSize);
  payload_ = std::make_unique<ChaChaPoly>(hkdf_sha256(file_key, nonce, kPayloadKeyInfo));
  OPENSSL_cleanse(file_key.data(), file_key.size());
  pending_.reserve(kAgeChunkSize);
  sealed_.reserve(kAgeSealedChunkSize);
  out_(header + nonce);
}

AgeEncryptor::~AgeEncryptor() {
  OPENSSL_cleanse(pending_.data(), pending_.size());
}

void AgeEncryptor::write(std::string_view plain) {
  if (finished_) throw std::logic_error("AgeEncryptor::write after finish");
  while (!plain.empty()) {
    // A full chunk is sealed only once more data follows: the last chunk must carry the flag,
    // and it may be full but never empty (unless the whole payload is).
    if (pending_.size() == kAgeChunkSize) seal_chunk(false);
    const std::size_t taken = std::min(kAgeChunkSize - pending_.size(), plain.size());
    pending_.append(plain.substr(0, taken));
    plain.remove_prefix(taken);
  }
}

void AgeEncryptor::finish() {
  if (finished_) return;
  seal_chunk(true);
  finished_ = true;
}

void AgeEncryptor::seal_chunk(bool last) {
  payload_->seal(chunk_nonce(chunk_index_++, last), pending_, sealed_);
  pending_.clear();
  out_(sealed_);
}

AgeDecryptor::AgeDecryptor(const AgeIdentities& identities, ByteSink out)
    : identities_(identities), out_(std::move(out)) {}

AgeDecryptor::~AgeDecryptor() {
  OPENSSL_cleanse(file_key_.data(), file_key_.size());
  OPENSSL_cleanse(plain_.data(), plain_.size());
}

void AgeDecryptor::fail(const std::string& message) {
  stage_ = Stage::failed;
  throw job_failed("AgeDecryptFailed", message,
                   "nothing decrypted from this file may be used; fetch an intact copy of the "
                   "backup set");
}

void AgeDecryptor::write(std::string_view cipher) {
  if (stage_ == Stage::failed) fail("the age file already failed to decrypt");
  if (stage_ == Stage::finished) fail("bytes were written after the end of the age file");
  try {
    if (stage_ == Stage::header) take_header_bytes(cipher);
    if (stage_ != Stage::header) take_payload_bytes(cipher);
  } catch (const Error&) {
    stage_ = Stage::failed;
    throw;
  }
}

void AgeDecryptor::take_header_bytes(std::string_view& cipher) {
  // A few KiB at a time, so a large first write is not copied whole into the header buffer.
  constexpr std::size_t kHeaderStep = 4096;
  while (!cipher.empty()) {
    const std::size_t taken =
        std::min({kHeaderStep, kAgeMaxHeaderSize + 1 - header_.size(), cipher.size()});
    header_.append(cipher.substr(0, taken));
    cipher.remove_prefix(taken);
    auto end = find_age_header_end(header_);
    if (!end) continue;
    std::string after_header = header_.substr(*end);
    header_.resize(*end);
    open_header();
    stage_ = Stage::nonce;
    take_payload_bytes(after_header);
    return;
  }
}

void AgeDecryptor::open_header() {
  const AgeHeader header = parse_age_header(header_);
  file_key_ = unwrap_file_key(header.stanzas, identities_);
  const SymmetricKey mac =
      header_mac(file_key_, std::string_view(header_).substr(0, header.mac_input_size));
  if (CRYPTO_memcmp(mac.data(), header.mac.data(), mac.size()) != 0)
    fail("header MAC mismatch: the age header was changed or damaged after it was written");
  header_.clear();
  header_.shrink_to_fit();
}

void AgeDecryptor::take_payload_bytes(std::string_view cipher) {
  if (stage_ == Stage::nonce) {
    const std::size_t taken = std::min(kAgePayloadNonceSize - nonce_.size(), cipher.size());
    nonce_.append(cipher.substr(0, taken));
    cipher.remove_prefix(taken);
    if (nonce_.size() < kAgePayloadNonceSize) return;
    payload_ = std::make_unique<ChaChaPoly>(hkdf_sha256(file_key_, nonce_, kPayloadKeyInfo));
    OPENSSL_cleanse(file_key_.data(), file_key_.size());
    sealed_.reserve(kAgeSealedChunkSize + 1);
    plain_.reserve(kAgeChunkSize);
    stage_ = Stage::payload;
  }
  while (!cipher.empty()) {
    // A chunk is known not to be the last once one byte more has arrived after it.
    const std::size_t taken = std::min(kAgeSealedChunkSize + 1 - sealed_.size(), cipher.size());
    sealed_.append(cipher.substr(0, taken));
    cipher.remove_prefix(taken);
    if (sealed_.size() == kAgeSealedChunkSize + 1) {
      open_chunk(std::string_view(sealed_).substr(0, kAgeSealedChunkSize), false);
      sealed_.erase(0, kAgeSealedChunkSize);
    }
  }
}

void AgeDecryptor::open_chunk(std::string_view sealed, bool at_end) {
  if (at_end) return open_final_chunk(sealed);
  const std::uint64_t index = chunk_index_;
  if (!payload_->open(chunk_nonce(index, false), sealed, plain_)) {
    if (payload_->open(chunk_nonce(index, true), sealed, plain_))
      fail("chunk " + std::to_string(index) +
           " is marked as the last, but more data follows it: the file was tampered with");
    fail("chunk " + std::to_string(index) +
         " failed authentication: the file is damaged or was tampered with");
  }
  out_(plain_);
  plaintext_bytes_ += plain_.size();
  ++chunk_index_;
}

void AgeDecryptor::open_final_chunk(std::string_view sealed) {
  const std::uint64_t index = chunk_index_;
  const std::string truncated = "the file is truncated after " + std::to_string(plaintext_bytes_) +
                                " bytes of plaintext (its last chunk is missing)";
  if (sealed.empty()) fail(truncated);
  if (!payload_->open(chunk_nonce(index, true), sealed, plain_)) {
    if (sealed.size() == kAgeSealedChunkSize &&
        payload_->open(chunk_nonce(index, false), sealed, plain_))
      fail(truncated);
    fail("chunk " + std::to_string(index) +
         " failed authentication: the file is damaged or was tampered with (or cut inside that "
         "chunk)");
  }
  if (plain_.empty() && index > 0)
    fail("chunk " + std::to_string(index) +
         " is an empty last chunk, which age forbids: the file was tampered with");
  out_(plain_);
  plaintext_bytes_ += plain_.size();
  ++chunk_index_;
}

void AgeDecryptor::finish() {
  if (stage_ == Stage::failed) fail("the age file already failed to decrypt");
  if (stage_ == Stage::finished) return;
  try {
    if (stage_ == Stage::header) {
      if (!header_.empty()) find_age_header_end(header_);  // a clearer error when not age at all
      fail("the age header is malformed: the file ends after " + std::to_string(header_.size()) +
           " bytes, before its header is complete");
    }
    if (stage_ == Stage::nonce)
      fail("the age file is truncated: it ends inside the 16-byte payload nonce");
    open_chunk(sealed_, true);
    stage_ = Stage::finished;
  } catch (const Error&) {
    stage_ = Stage::failed;
    throw;
  }
}

}  // namespace hivekeeper::crypto
