#include "metrics/exposition.h"

#include <charconv>
#include <cmath>
#include <format>

namespace hivekeeper::metrics {

std::string escape_label_value(std::string_view value) {
  std::string escaped;
  escaped.reserve(value.size());
  for (const char c : value) {
    if (c == '\\')
      escaped += "\\\\";
    else if (c == '"')
      escaped += "\\\"";
    else if (c == '\n')
      escaped += "\\n";
    else
      escaped += c;
  }
  return escaped;
}

std::string escape_help(std::string_view help) {
  std::string escaped;
  for (const char c : help) {
    if (c == '\\')
      escaped += "\\\\";
    else if (c == '\n')
      escaped += "\\n";
    else
      escaped += c;
  }
  return escaped;
}

std::string format_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  return std::format("{}", value);
}

std::string series(const std::string& name, const Labels& labels) {
  if (labels.empty()) return name;
  std::string text = name + "{";
  for (std::size_t i = 0; i < labels.size(); ++i)
    text += (i ? "," : "") + labels[i].first + "=\"" + escape_label_value(labels[i].second) + "\"";
  return text + "}";
}

std::string render_text(const std::vector<MetricFamily>& families) {
  std::string text;
  for (const auto& family : families) {
    if (family.samples.empty()) continue;
    text += "# HELP " + family.name + " " + escape_help(family.help) + "\n";
    text += "# TYPE " + family.name + " " + family.type + "\n";
    for (const auto& sample : family.samples)
      text += series(family.name, sample.labels) + " " + format_value(sample.value) + "\n";
  }
  return text;
}

std::optional<double> find_sample(std::string_view text, std::string_view series) {
  for (std::size_t start = 0; start < text.size();) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(start, end - start);
    start = end + 1;
    if (!line.starts_with(series) || line.size() <= series.size() + 1 || line[series.size()] != ' ')
      continue;
    std::string_view number = line.substr(series.size() + 1);
    if (const auto space = number.find(' '); space != std::string_view::npos)
      number = number.substr(0, space);  // an optional timestamp follows
    double value = 0;
    const auto [at, error] = std::from_chars(number.data(), number.data() + number.size(), value);
    if (error == std::errc() && at == number.data() + number.size()) return value;
    return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace hivekeeper::metrics
