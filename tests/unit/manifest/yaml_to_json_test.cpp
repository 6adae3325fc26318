// parse_yaml_or_json: YAML 1.2 core-schema scalars and the line of every field.
#include "manifest/yaml_to_json.h"

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace hivekeeper::manifest {
namespace {

using hivekeeper::testing::error_from;
using nlohmann::json;

json value_of(const std::string& yaml) {
  return parse_yaml_or_json(yaml, "test.yaml").value["v"];
}

TEST(ParseYamlOrJson, QuotedScalarsStayStrings) {
  EXPECT_EQ(value_of("v: \"123\""), json("123"));
  EXPECT_EQ(value_of("v: 'true'"), json("true"));
  EXPECT_EQ(value_of("v: \"null\""), json("null"));
}

TEST(ParseYamlOrJson, PlainScalarsFollowTheCoreSchema) {
  EXPECT_EQ(value_of("v: 123"), json(123));
  EXPECT_TRUE(value_of("v: 123").is_number_integer());
  EXPECT_EQ(value_of("v: -7"), json(-7));
  EXPECT_EQ(value_of("v: 1.5"), json(1.5));
  EXPECT_TRUE(value_of("v: 1.5").is_number_float());
  EXPECT_EQ(value_of("v: true"), json(true));
  EXPECT_EQ(value_of("v: False"), json(false));
  EXPECT_EQ(value_of("v: ~"), json(nullptr));
  EXPECT_EQ(value_of("v:"), json(nullptr));
}

// As kubectl and PyYAML read them: `enabled: yes` is meant as a boolean.
TEST(ParseYamlOrJson, Yaml11YesNoOnOffAreBooleans) {
  EXPECT_EQ(value_of("v: yes"), json(true));
  EXPECT_EQ(value_of("v: On"), json(true));
  EXPECT_EQ(value_of("v: NO"), json(false));
  EXPECT_EQ(value_of("v: off"), json(false));
  EXPECT_EQ(value_of("v: \"yes\""), json("yes"));
  EXPECT_EQ(value_of("v: y"), json("y"));
}

TEST(ParseYamlOrJson, IntegerTooLargeForANumberStaysAString) {
  EXPECT_EQ(value_of("v: 99999999999999999999999"), json("99999999999999999999999"));
}

TEST(ParseYamlOrJson, RemembersTheLineOfEveryField) {
  const SourceDocument document =
      parse_yaml_or_json("a: 1\nb:\n  c:\n    - x\n    - y\n", "test.yaml");
  EXPECT_EQ(document.lines.at("a"), 1);
  EXPECT_EQ(document.lines.at("b"), 2);
  EXPECT_EQ(document.lines.at("b.c"), 3);
  EXPECT_EQ(document.lines.at("b.c[0]"), 4);
  EXPECT_EQ(document.lines.at("b.c[1]"), 5);
}

TEST(ParseYamlOrJson, ReadsJson) {
  const SourceDocument document = parse_yaml_or_json("{\"a\": {\"b\": [1, \"2\"]}}", "test.json");
  EXPECT_EQ(document.value, json::parse(R"({"a": {"b": [1, "2"]}})"));
}

TEST(ParseYamlOrJson, SyntaxErrorNamesSourceLineAndColumn) {
  const auto error =
      error_from([] { parse_yaml_or_json("a: 1\nkey: value: other\n", "test.yaml"); });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->reason(), "InvalidManifest");
  EXPECT_EQ(error->exit_code(), 2);
  EXPECT_STREQ(error->what(),
               "test.yaml is not valid YAML or JSON: illegal map value (line 2, column 11)");
}

}  // namespace
}  // namespace hivekeeper::manifest
