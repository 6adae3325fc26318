#include "crypto/bech32.h"

#include <cstdint>

namespace hivekeeper::crypto {
namespace {

constexpr std::string_view kBech32Alphabet = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
constexpr std::uint32_t kBech32Constant = 1;  // Bech32m would be 0x2bc830a3

std::uint32_t bech32_polymod(const std::vector<unsigned char>& values) {
  static const std::uint32_t generator[5] = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd,
                                             0x2a1462b3};
  std::uint32_t checksum = 1;
  for (unsigned char value : values) {
    std::uint32_t top = checksum >> 25;
    checksum = ((checksum & 0x1ffffff) << 5) ^ value;
    for (int i = 0; i < 5; ++i)
      if ((top >> i) & 1) checksum ^= generator[i];
  }
  return checksum;
}

std::vector<unsigned char> bech32_hrp_expand(std::string_view hrp) {
  std::vector<unsigned char> expanded;
  for (char c : hrp) expanded.push_back(static_cast<unsigned char>(c) >> 5);
  expanded.push_back(0);
  for (char c : hrp) expanded.push_back(static_cast<unsigned char>(c) & 31);
  return expanded;
}

// Regroups bits; with pad=false leftover bits must be fewer than from_bits and all zero.
std::optional<std::vector<unsigned char>> bech32_regroup_bits(const std::vector<unsigned char>& in,
                                                              int from_bits, int to_bits,
                                                              bool pad) {
  std::uint32_t accumulator = 0;
  int bits = 0;
  const std::uint32_t max_value = (1u << to_bits) - 1;
  std::vector<unsigned char> out;
  for (unsigned char value : in) {
    accumulator = (accumulator << from_bits) | value;
    bits += from_bits;
    while (bits >= to_bits) {
      bits -= to_bits;
      out.push_back(static_cast<unsigned char>((accumulator >> bits) & max_value));
    }
  }
  if (pad) {
    if (bits > 0)
      out.push_back(static_cast<unsigned char>((accumulator << (to_bits - bits)) & max_value));
  } else if (bits >= from_bits || ((accumulator << (to_bits - bits)) & max_value) != 0) {
    return std::nullopt;
  }
  return out;
}

}  // namespace

std::optional<Bech32Data> bech32_decode(std::string_view text) {
  bool has_lower = false;
  bool has_upper = false;
  std::string lowered;
  for (char c : text) {
    if (c < 33 || c > 126) return std::nullopt;
    if (c >= 'a' && c <= 'z') has_lower = true;
    if (c >= 'A' && c <= 'Z') {
      has_upper = true;
      c = static_cast<char>(c - 'A' + 'a');
    }
    lowered += c;
  }
  if (has_lower && has_upper) return std::nullopt;
  const auto separator = lowered.rfind('1');
  if (separator == std::string::npos || separator == 0 || separator + 7 > lowered.size())
    return std::nullopt;
  Bech32Data result;
  result.hrp = lowered.substr(0, separator);
  std::vector<unsigned char> values = bech32_hrp_expand(result.hrp);
  std::vector<unsigned char> five_bit;
  for (std::size_t i = separator + 1; i < lowered.size(); ++i) {
    const auto position = kBech32Alphabet.find(lowered[i]);
    if (position == std::string_view::npos) return std::nullopt;
    values.push_back(static_cast<unsigned char>(position));
    five_bit.push_back(static_cast<unsigned char>(position));
  }
  if (bech32_polymod(values) != kBech32Constant) return std::nullopt;
  five_bit.resize(five_bit.size() - 6);  // the checksum
  auto bytes = bech32_regroup_bits(five_bit, 5, 8, false);
  if (!bytes) return std::nullopt;
  result.data = std::move(*bytes);
  return result;
}

std::string bech32_encode(std::string_view hrp, const std::vector<unsigned char>& data) {
  std::string lowered_hrp;
  for (char c : hrp) lowered_hrp += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  std::vector<unsigned char> five_bit = *bech32_regroup_bits(data, 8, 5, true);
  std::vector<unsigned char> values = bech32_hrp_expand(lowered_hrp);
  values.insert(values.end(), five_bit.begin(), five_bit.end());
  values.insert(values.end(), 6, 0);
  const std::uint32_t checksum = bech32_polymod(values) ^ kBech32Constant;
  std::string text = lowered_hrp + "1";
  for (unsigned char value : five_bit) text += kBech32Alphabet[value];
  for (int i = 0; i < 6; ++i) text += kBech32Alphabet[(checksum >> (5 * (5 - i))) & 31];
  return text;
}

}  // namespace hivekeeper::crypto
