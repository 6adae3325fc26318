// The Prometheus text exposition format (version 0.0.4), as the node-exporter textfile collector
// and the Pushgateway read it: "# HELP", "# TYPE", then one sample a line. Pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hivekeeper::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>;  // in the order written

struct Sample {
  Labels labels;
  double value = 0;
};

struct MetricFamily {
  std::string name;
  std::string help;
  std::string type = "gauge";
  std::vector<Sample> samples;
};

// A label value between double quotes: backslash, double quote and line feed escaped.
std::string escape_label_value(std::string_view value);
// A HELP text: backslash and line feed escaped.
std::string escape_help(std::string_view help);
// Shortest exact decimal; NaN, +Inf, -Inf as Prometheus spells them.
std::string format_value(double value);
// `name{a="1",b="2"}` (just the name without labels).
std::string series(const std::string& name, const Labels& labels);

// Families without samples are left out.
std::string render_text(const std::vector<MetricFamily>& families);

// The value of the sample SERIES (as series() writes it) in TEXT, an exposition this program
// wrote before; nullopt when absent or unreadable.
std::optional<double> find_sample(std::string_view text, std::string_view series);

}  // namespace hivekeeper::metrics
