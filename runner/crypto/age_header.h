// The textual header of an age v1 file (c2sp.org/age): the version line, recipient stanzas
// ("-> type args" and a base64 body wrapped at 64 columns) and the MAC line. Parsing is strict,
// as the spec requires of decoders: canonical unpadded base64, no CR, no empty arguments, a body
// that ends with a line shorter than 64 columns. The MAC itself is checked by the caller, which
// holds the file key.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hivekeeper::crypto {

inline constexpr std::string_view kAgeVersionLine = "age-encryption.org/v1\n";
// Headers are a few hundred bytes per recipient; anything larger is not a file we wrote or read.
inline constexpr std::size_t kAgeMaxHeaderSize = 1 << 20;

struct AgeStanza {
  std::vector<std::string> arguments;  // arguments[0] is the type, e.g. "X25519"
  std::string body;                    // decoded
};

struct AgeHeader {
  std::vector<AgeStanza> stanzas;
  std::string mac;                 // 32 bytes, decoded
  std::size_t mac_input_size = 0;  // the MAC covers header text [0, mac_input_size): up to "---"
};

// Standard alphabet, no padding. Decoding rejects padding, other characters and non-canonical
// trailing bits.
std::string base64_encode_unpadded(std::string_view bytes);
std::optional<std::string> base64_decode_strict(std::string_view text);

// The size of the header at the start of `bytes` (through the LF of the "---" line), or null
// when the MAC line has not arrived yet. Throws AgeDecryptFailed as soon as the bytes cannot be
// the start of an age v1 header.
std::optional<std::size_t> find_age_header_end(std::string_view bytes);

// Parses a whole header (as delimited by find_age_header_end); throws AgeDecryptFailed.
AgeHeader parse_age_header(std::string_view header);

// The header text up to and including "---", which the MAC is computed over; the writer appends
// " " + base64(MAC) + "\n".
std::string encode_age_header_for_mac(const std::vector<AgeStanza>& stanzas);

}  // namespace hivekeeper::crypto
