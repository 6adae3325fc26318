// The text exposition format: label values and HELP escaped as Prometheus reads them, values
// spelt exactly, families without samples left out, and a sample found again in a file written
// before.
#include "metrics/exposition.h"

#include <limits>

#include <gtest/gtest.h>

namespace hivekeeper::metrics {
namespace {

TEST(Exposition, LabelValuesEscapeBackslashQuoteAndNewline) {
  EXPECT_EQ(escape_label_value("plain-name.1"), "plain-name.1");
  EXPECT_EQ(escape_label_value(R"(a\b"c)"), R"(a\\b\"c)");
  EXPECT_EQ(escape_label_value("two\nlines"), "two\\nlines");
}

TEST(Exposition, HelpEscapesBackslashAndNewlineButNotQuotes) {
  EXPECT_EQ(escape_help("say \"hi\"\\\n"), "say \"hi\"\\\\\\n");
}

TEST(Exposition, ValuesAreExactAndSpecialValuesSpeltAsPrometheusDoes) {
  EXPECT_EQ(format_value(1764472500), "1764472500");
  EXPECT_EQ(format_value(0), "0");
  EXPECT_EQ(format_value(12.5), "12.5");
  EXPECT_EQ(format_value(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(format_value(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(format_value(std::numeric_limits<double>::quiet_NaN()), "NaN");
}

TEST(Exposition, RendersHelpTypeAndSamplesAndSkipsEmptyFamilies) {
  const std::vector<MetricFamily> families = {
      {"a_total", "First\nline.", "gauge", {{{{"job", "x\"y"}}, 1}, {{}, 2}}},
      {"b", "Nothing to say.", "gauge", {}},
  };
  EXPECT_EQ(render_text(families),
            "# HELP a_total First\\nline.\n"
            "# TYPE a_total gauge\n"
            "a_total{job=\"x\\\"y\"} 1\n"
            "a_total 2\n");
}

TEST(Exposition, FindsASampleByItsExactSeries) {
  const Labels labels = {{"hivekeeper_job", "nightly"}, {"environment", "prod"}};
  const std::string text =
      "# HELP s x\n# TYPE s gauge\n"
      "s{hivekeeper_job=\"nightly-2\",environment=\"prod\"} 5\n"
      "s{hivekeeper_job=\"nightly\",environment=\"prod\"} 1764472500\n"
      "s_other{hivekeeper_job=\"nightly\",environment=\"prod\"} 7\n";
  EXPECT_EQ(find_sample(text, series("s", labels)), 1764472500);
  EXPECT_EQ(find_sample(text, series("s", {{"hivekeeper_job", "other"}})), std::nullopt);
  EXPECT_EQ(find_sample("", series("s", labels)), std::nullopt);
}

TEST(Exposition, AnUnreadableValueIsNotFound) {
  EXPECT_EQ(find_sample("s{a=\"1\"} garbage\n", "s{a=\"1\"}"), std::nullopt);
  EXPECT_EQ(find_sample("s{a=\"1\"} 3 1700000000000\n", "s{a=\"1\"}"), 3);  // with a timestamp
}

}  // namespace
}  // namespace hivekeeper::metrics
