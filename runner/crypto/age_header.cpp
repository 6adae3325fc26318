#include "crypto/age_header.h"

#include <algorithm>

#include "common/error.h"

namespace hivekeeper::crypto {
namespace {

constexpr std::string_view kAgeBase64Alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::size_t kStanzaLineColumns = 64;
constexpr std::size_t kMacBase64Length = 43;  // 32 bytes, unpadded

int age_base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

bool is_age_base64_line(std::string_view line) {
  for (char c : line)
    if (age_base64_value(c) < 0) return false;
  return true;
}

[[noreturn]] void throw_bad_header(const std::string& detail) {
  throw job_failed("AgeDecryptFailed", "the age header is malformed: " + detail,
                   "the file is not a complete age v1 file or it was damaged; check that the "
                   "right object was given and that it was copied whole");
}

std::vector<std::string_view> split_header_lines(std::string_view header) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start < header.size()) {
    const auto end = header.find('\n', start);
    if (end == std::string_view::npos) throw_bad_header("the last line has no line feed");
    lines.push_back(header.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

std::vector<std::string> parse_stanza_arguments(std::string_view line, std::size_t line_number) {
  std::vector<std::string> arguments;
  std::string_view rest = line.substr(3);  // after "-> "
  while (true) {
    const auto space = rest.find(' ');
    std::string_view argument = rest.substr(0, space);
    if (argument.empty())
      throw_bad_header("line " + std::to_string(line_number) + " has an empty stanza argument");
    for (char c : argument)
      if (c < 0x21 || c > 0x7e)
        throw_bad_header("line " + std::to_string(line_number) +
                         " has a character that is not printable ASCII in a stanza argument");
    arguments.emplace_back(argument);
    if (space == std::string_view::npos) break;
    rest = rest.substr(space + 1);
  }
  return arguments;
}

// Reads one stanza starting at lines[index] ("-> ..."); advances index past its body.
AgeStanza parse_stanza(const std::vector<std::string_view>& lines, std::size_t& index) {
  const std::size_t first_line = index + 1;
  AgeStanza stanza{parse_stanza_arguments(lines[index], first_line), {}};
  ++index;
  std::string body_text;
  while (true) {
    if (index >= lines.size())
      throw_bad_header("the stanza on line " + std::to_string(first_line) + " has no final line");
    std::string_view line = lines[index++];
    if (line.size() > kStanzaLineColumns || !is_age_base64_line(line))
      throw_bad_header("line " + std::to_string(index) +
                       " is not a stanza body line (at most 64 base64 characters)");
    body_text += line;
    if (line.size() < kStanzaLineColumns) break;
  }
  auto body = base64_decode_strict(body_text);
  if (!body)
    throw_bad_header("the stanza on line " + std::to_string(first_line) +
                     " has a body that is not canonical base64");
  stanza.body = std::move(*body);
  return stanza;
}

}  // namespace

std::string base64_encode_unpadded(std::string_view bytes) {
  std::string text;
  text.reserve((bytes.size() * 4 + 2) / 3);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const unsigned group = (static_cast<unsigned char>(bytes[i]) << 16) |
                           (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                           static_cast<unsigned char>(bytes[i + 2]);
    for (int shift = 18; shift >= 0; shift -= 6) text += kAgeBase64Alphabet[(group >> shift) & 63];
  }
  const std::size_t left = bytes.size() - i;
  if (left == 0) return text;
  unsigned group = static_cast<unsigned char>(bytes[i]) << 16;
  if (left == 2) group |= static_cast<unsigned char>(bytes[i + 1]) << 8;
  text += kAgeBase64Alphabet[(group >> 18) & 63];
  text += kAgeBase64Alphabet[(group >> 12) & 63];
  if (left == 2) text += kAgeBase64Alphabet[(group >> 6) & 63];
  return text;
}

std::optional<std::string> base64_decode_strict(std::string_view text) {
  if (text.size() % 4 == 1) return std::nullopt;
  std::string bytes;
  bytes.reserve(text.size() * 3 / 4);
  unsigned accumulator = 0;
  int bits = 0;
  for (char c : text) {
    const int value = age_base64_value(c);
    if (value < 0) return std::nullopt;
    accumulator = (accumulator << 6) | static_cast<unsigned>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes += static_cast<char>((accumulator >> bits) & 0xff);
    }
  }
  // Canonical encodings leave the unused low bits of the last character zero.
  if ((accumulator & ((1u << bits) - 1)) != 0) return std::nullopt;
  return bytes;
}

std::optional<std::size_t> find_age_header_end(std::string_view bytes) {
  const std::size_t compared = std::min(bytes.size(), kAgeVersionLine.size());
  if (bytes.substr(0, compared) != kAgeVersionLine.substr(0, compared)) {
    constexpr std::string_view kAnyVersionPrefix = "age-encryption.org/";
    if (bytes.substr(0, kAnyVersionPrefix.size()) == kAnyVersionPrefix)
      throw_bad_header("the file is of an age format version other than v1");
    throw_bad_header("the file does not start with \"age-encryption.org/v1\"");
  }
  std::size_t line_start = 0;
  while (line_start < bytes.size()) {
    const auto end = bytes.find('\n', line_start);
    if (end == std::string_view::npos) break;
    if (bytes.substr(line_start, 3) == "---") return end + 1;
    line_start = end + 1;
  }
  if (bytes.size() > kAgeMaxHeaderSize)
    throw_bad_header("no \"---\" MAC line in the first " + std::to_string(kAgeMaxHeaderSize) +
                     " bytes");
  return std::nullopt;
}

AgeHeader parse_age_header(std::string_view header) {
  const std::vector<std::string_view> lines = split_header_lines(header);
  if (lines.empty() || std::string(lines[0]) + "\n" != kAgeVersionLine)
    throw_bad_header("the first line is not \"age-encryption.org/v1\"");
  AgeHeader parsed;
  std::size_t index = 1;
  std::size_t offset = kAgeVersionLine.size();
  while (index < lines.size() && lines[index].substr(0, 3) == "-> ") {
    const std::size_t first = index;
    parsed.stanzas.push_back(parse_stanza(lines, index));
    for (std::size_t i = first; i < index; ++i) offset += lines[i].size() + 1;
  }
  if (parsed.stanzas.empty()) throw_bad_header("there is no recipient stanza");
  if (index + 1 != lines.size() || lines[index].substr(0, 3) != "---")
    throw_bad_header("line " + std::to_string(index + 1) +
                     " is neither a stanza (\"-> \") nor the MAC line (\"--- \")");
  std::string_view mac_line = lines[index];
  auto mac = mac_line.size() == 4 + kMacBase64Length && mac_line[3] == ' '
                 ? base64_decode_strict(mac_line.substr(4))
                 : std::nullopt;
  if (!mac || mac->size() != 32)
    throw_bad_header("the MAC line is not \"--- \" and 43 characters of canonical base64");
  parsed.mac = std::move(*mac);
  parsed.mac_input_size = offset + 3;
  return parsed;
}

std::string encode_age_header_for_mac(const std::vector<AgeStanza>& stanzas) {
  std::string text(kAgeVersionLine);
  for (const AgeStanza& stanza : stanzas) {
    text += "->";
    for (const std::string& argument : stanza.arguments) text += " " + argument;
    text += "\n";
    const std::string body = base64_encode_unpadded(stanza.body);
    std::size_t start = 0;
    // Full 64-column lines, then a shorter (possibly empty) final line.
    while (body.size() - start >= kStanzaLineColumns) {
      text += body.substr(start, kStanzaLineColumns) + "\n";
      start += kStanzaLineColumns;
    }
    text += body.substr(start) + "\n";
  }
  text += "---";
  return text;
}

}  // namespace hivekeeper::crypto
