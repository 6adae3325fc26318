#include "metrics/pushgateway.h"

#include <algorithm>
#include <cctype>

namespace hivekeeper::metrics {
namespace {

bool plain(const std::string& value) {
  return !value.empty() && std::all_of(value.begin(), value.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '.' || c == '_' || c == '~' || c == '-';
  });
}

std::string base64url(const std::string& data) {
  static constexpr const char* kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    const unsigned n = (static_cast<unsigned char>(data[i]) << 16) |
                       (static_cast<unsigned char>(data[i + 1]) << 8) |
                       static_cast<unsigned char>(data[i + 2]);
    for (const int shift : {18, 12, 6, 0}) out += kAlphabet[(n >> shift) & 63];
  }
  const std::size_t rest = data.size() - i;
  if (rest == 0) return out.empty() ? "=" : out;  // the Pushgateway spells "" as "="
  unsigned n = static_cast<unsigned char>(data[i]) << 16;
  if (rest == 2) n |= static_cast<unsigned char>(data[i + 1]) << 8;
  out += kAlphabet[(n >> 18) & 63];
  out += kAlphabet[(n >> 12) & 63];
  out += rest == 2 ? kAlphabet[(n >> 6) & 63] : '=';
  out += '=';
  return out;
}

}  // namespace

std::string textfile_text(const nlohmann::json& document, const JobIdentity& job,
                          std::string_view previous) {
  const Labels labels = identity_labels(job);
  // Never succeeded as far as this file knows: 0, so that "no success for 26 h" fires.
  const double carried = find_sample(previous, series(kLastSuccess, labels)).value_or(0);
  return render_text(job_metrics(document, labels, carried));
}

Push push_for(const nlohmann::json& document, const JobIdentity& job,
              const std::string& group_job) {
  Push push;
  push.method = succeeded(document) ? "PUT" : "POST";
  push.path = "/metrics" + grouping_segment("job", group_job) +
              grouping_segment("hivekeeper_job", job.name) +
              grouping_segment("environment", job.environment);
  push.body = render_text(job_metrics(document, {{"kind", job.kind}}, std::nullopt));
  return push;
}

std::string grouping_segment(const std::string& label, const std::string& value) {
  if (plain(value)) return "/" + label + "/" + value;
  return "/" + label + "@base64/" + base64url(value);
}

}  // namespace hivekeeper::metrics
