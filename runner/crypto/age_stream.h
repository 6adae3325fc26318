// Streaming age v1 encryption and decryption (c2sp.org/age): bytes go in by write() in any
// pieces, the other side comes out of a ByteSink in 64 KiB chunks. Memory stays at about two
// chunks whatever the file size.
//
// The decryptor only ever hands the sink whole chunks whose Poly1305 tag verified, and it holds
// the final chunk back until finish(), where a missing last-chunk flag means the file was cut
// short. Callers must still treat everything the sink received as provisional until finish()
// returns: a truncated or tampered file is only known to be bad at its end.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "crypto/age_keys.h"

namespace hivekeeper::crypto {

using ByteSink = std::function<void(std::string_view)>;

inline constexpr std::size_t kAgeChunkSize = 64 * 1024;
inline constexpr std::size_t kAgePayloadNonceSize = 16;

// True when the bytes begin with the age v1 version line.
bool starts_like_age(std::string_view first_bytes);

class AgeEncryptor {
 public:
  // Writes the header and payload nonce to `out` at once. Throws invalid_input
  // AgeRecipientInvalid when there is no recipient, or a passphrase next to X25519 recipients
  // (age requires a passphrase stanza to be the only one).
  AgeEncryptor(const AgeRecipients& recipients, ByteSink out);
  ~AgeEncryptor();
  AgeEncryptor(const AgeEncryptor&) = delete;
  AgeEncryptor& operator=(const AgeEncryptor&) = delete;

  void write(std::string_view plain);
  void finish();  // seals the last chunk; call exactly once

 private:
  void seal_chunk(bool last);

  ByteSink out_;
  std::unique_ptr<ChaChaPoly> payload_;
  std::string pending_;  // plaintext of the chunk being filled
  std::string sealed_;
  std::uint64_t chunk_index_ = 0;
  bool finished_ = false;
};

class AgeDecryptor {
 public:
  AgeDecryptor(const AgeIdentities& identities, ByteSink out);
  ~AgeDecryptor();
  AgeDecryptor(const AgeDecryptor&) = delete;
  AgeDecryptor& operator=(const AgeDecryptor&) = delete;

  // Throws job_failed AgeDecryptFailed as soon as the header is bad, no identity matches, or a
  // chunk fails authentication; after that the decryptor only throws.
  void write(std::string_view cipher);
  // Verifies the last chunk and the end of the file; throws AgeDecryptFailed when truncated.
  void finish();
  std::uint64_t plaintext_bytes() const { return plaintext_bytes_; }

 private:
  enum class Stage { header, nonce, payload, finished, failed };

  void take_header_bytes(std::string_view& cipher);
  void open_header();
  void take_payload_bytes(std::string_view cipher);
  void open_chunk(std::string_view sealed, bool at_end);
  void open_final_chunk(std::string_view sealed);
  [[noreturn]] void fail(const std::string& message);

  AgeIdentities identities_;
  ByteSink out_;
  Stage stage_ = Stage::header;
  std::string header_;
  std::string file_key_;
  std::string nonce_;
  std::unique_ptr<ChaChaPoly> payload_;
  std::string sealed_;  // ciphertext not yet opened: at most one chunk and one byte
  std::string plain_;
  std::uint64_t chunk_index_ = 0;
  std::uint64_t plaintext_bytes_ = 0;
};

}  // namespace hivekeeper::crypto
