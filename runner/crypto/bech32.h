// Bech32 (BIP 173, the original checksum constant, not Bech32m) as age uses it for its keys:
// "age1..." recipients and "AGE-SECRET-KEY-1..." identities. Unlike BIP 173 there is no length
// limit, and the human-readable part is returned in lower case.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hivekeeper::crypto {

struct Bech32Data {
  std::string hrp;                  // lower case, e.g. "age" or "age-secret-key-"
  std::vector<unsigned char> data;  // the 8-bit payload
};

// Null when the text is not valid Bech32: mixed case, a character outside the alphabet, a bad
// checksum, or a payload whose bits do not regroup into whole bytes without padding bits set.
std::optional<Bech32Data> bech32_decode(std::string_view text);

// Lower-case encoding; the caller upper-cases it for identities.
std::string bech32_encode(std::string_view hrp, const std::vector<unsigned char>& data);

}  // namespace hivekeeper::crypto
