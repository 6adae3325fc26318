// Helpers for the age tests: whole-buffer encryption and decryption through the streaming
// classes, fed in pieces of a chosen size so chunk boundaries fall everywhere.
#pragma once

#include <algorithm>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include "crypto/age.h"
#include "support/test_support.h"

namespace hivekeeper::crypto::testing {

inline std::string pseudo_random_bytes(std::size_t size, unsigned seed = 13) {
  std::mt19937 generator(seed);
  std::string bytes(size, '\0');
  for (char& byte : bytes) byte = static_cast<char>(generator() & 0xff);
  return bytes;
}

inline std::string age_encrypt(const AgeRecipients& recipients, std::string_view plain,
                               std::size_t piece = 7777) {
  std::string cipher;
  AgeEncryptor encryptor(recipients, [&](std::string_view bytes) { cipher.append(bytes); });
  for (std::size_t at = 0; at < plain.size(); at += piece)
    encryptor.write(plain.substr(at, std::min(piece, plain.size() - at)));
  encryptor.finish();
  return cipher;
}

struct AgeDecryption {
  std::string plain;  // everything the sink received
  std::size_t sink_calls = 0;
  std::uint64_t plaintext_bytes = 0;
  std::optional<Error> error;
};

inline AgeDecryption age_decrypt(const AgeIdentities& identities, std::string_view cipher,
                                 std::size_t piece = 5003) {
  AgeDecryption result;
  result.error = hivekeeper::testing::error_from([&] {
    AgeDecryptor decryptor(identities, [&](std::string_view bytes) {
      result.plain.append(bytes);
      ++result.sink_calls;
    });
    try {
      for (std::size_t at = 0; at < cipher.size(); at += piece)
        decryptor.write(cipher.substr(at, std::min(piece, cipher.size() - at)));
      decryptor.finish();
    } catch (...) {
      result.plaintext_bytes = decryptor.plaintext_bytes();
      throw;
    }
    result.plaintext_bytes = decryptor.plaintext_bytes();
  });
  return result;
}

}  // namespace hivekeeper::crypto::testing
