#include "s3/bucket.h"

namespace hivekeeper::s3 {
namespace {

bool is_unreserved_in_url(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

std::string_view trim_slashes(std::string_view text) {
  while (!text.empty() && text.front() == '/') text.remove_prefix(1);
  while (!text.empty() && text.back() == '/') text.remove_suffix(1);
  return text;
}

}  // namespace

std::string endpoint_of(const BucketConfig& config) {
  std::string endpoint = config.endpoint;
  if (endpoint.empty()) endpoint = "https://s3." + config.region + ".amazonaws.com";
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  return endpoint;
}

std::string percent_encode(std::string_view text, bool keep_slash) {
  static constexpr char kHexDigits[] = "0123456789ABCDEF";
  std::string encoded;
  encoded.reserve(text.size());
  for (const char c : text) {
    if (is_unreserved_in_url(c) || (keep_slash && c == '/')) {
      encoded += c;
    } else {
      const auto byte = static_cast<unsigned char>(c);
      encoded += '%';
      encoded += kHexDigits[byte >> 4];
      encoded += kHexDigits[byte & 0xF];
    }
  }
  return encoded;
}

std::string full_key(const BucketConfig& config, std::string_view key) {
  const std::string_view prefix = trim_slashes(config.prefix);
  while (!key.empty() && key.front() == '/') key.remove_prefix(1);
  if (prefix.empty()) return std::string(key);
  return std::string(prefix) + "/" + std::string(key);
}

std::string relative_key(const BucketConfig& config, std::string_view full) {
  const std::string_view prefix = trim_slashes(config.prefix);
  if (prefix.empty()) return std::string(full);
  if (full.size() <= prefix.size() || full.substr(0, prefix.size()) != prefix ||
      full[prefix.size()] != '/') {
    return {};
  }
  return std::string(full.substr(prefix.size() + 1));
}

std::string object_url(const BucketConfig& config, std::string_view full, std::string_view query) {
  const std::string endpoint = endpoint_of(config);
  std::string url;
  if (config.force_path_style) {
    url = endpoint + "/" + percent_encode(config.bucket, false);
    if (full.empty()) return query.empty() ? url : url + "?" + std::string(query);
    url += "/";
  } else {
    const auto scheme_end = endpoint.find("://");
    const std::size_t host_start = scheme_end == std::string::npos ? 0 : scheme_end + 3;
    url = endpoint.substr(0, host_start) + config.bucket + "." + endpoint.substr(host_start) + "/";
  }
  url += percent_encode(full, true);
  if (!query.empty()) url += "?" + std::string(query);
  return url;
}

}  // namespace hivekeeper::s3
