// validate_against_schema on small schemas: every supported keyword, the paths it reports, and
// the refusal of keywords it does not implement.
#include "manifest/json_schema.h"

#include <fstream>
#include <stdexcept>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace hivekeeper::manifest {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

// "path: message" for each violation, in order, to compare in one assertion.
std::vector<std::string> violations(const json& document, const json& schema) {
  std::vector<std::string> lines;
  for (const auto& violation : validate_against_schema(document, schema))
    lines.push_back(format_violation(violation, nullptr));
  return lines;
}

TEST(ValidateAgainstSchema, TypeMismatchNamesBothTypes) {
  EXPECT_THAT(violations(json(true), json{{"type", "string"}}),
              ElementsAre("(document): expected string, got boolean"));
  EXPECT_THAT(violations(json::array(), json{{"type", "object"}}),
              ElementsAre("(document): expected object, got array"));
  EXPECT_THAT(violations(json(nullptr), json{{"type", "boolean"}}),
              ElementsAre("(document): expected boolean, got null"));
}

// JSON has one number type: 123 where a string belongs is "a number" to whoever wrote it.
TEST(ValidateAgainstSchema, AnyNumberIsReportedAsNumber) {
  EXPECT_THAT(violations(json(123), json{{"type", "string"}}),
              ElementsAre("(document): expected string, got number"));
  EXPECT_THAT(violations(json(1.5), json{{"type", "integer"}}),
              ElementsAre("(document): expected integer, got number"));
}

TEST(ValidateAgainstSchema, IntegerSatisfiesNumber) {
  EXPECT_THAT(violations(json(3), json{{"type", "number"}}), IsEmpty());
  EXPECT_THAT(violations(json(3), json{{"type", "integer"}}), IsEmpty());
}

TEST(ValidateAgainstSchema, TypeErrorHidesTheOtherChecksOfThatValue) {
  EXPECT_THAT(violations(json(5), json{{"type", "string"}, {"enum", {"a"}}, {"minLength", 3}}),
              ::testing::SizeIs(1));
}

TEST(ValidateAgainstSchema, EnumListsTheAllowedValues) {
  EXPECT_THAT(violations(json("staging"), json{{"enum", {"dev", "prod"}}}),
              ElementsAre("(document): must be one of dev, prod, got \"staging\""));
  EXPECT_THAT(violations(json(3), json{{"enum", {1, 2}}}),
              ElementsAre("(document): must be one of 1, 2, got 3"));
  EXPECT_THAT(violations(json("prod"), json{{"enum", {"dev", "prod"}}}), IsEmpty());
}

TEST(ValidateAgainstSchema, PatternMismatchQuotesTheValue) {
  const json schema = {{"type", "string"}, {"pattern", "^[a-z]+$"}};
  EXPECT_THAT(violations(json("ab_c"), schema),
              ElementsAre("(document): \"ab_c\" does not match ^[a-z]+$"));
  EXPECT_THAT(violations(json("abc"), schema), IsEmpty());
}

TEST(ValidateAgainstSchema, PatternIsSearchedNotAnchored) {
  EXPECT_THAT(violations(json("x-abc-y"), json{{"pattern", "abc"}}), IsEmpty());
}

TEST(ValidateAgainstSchema, MinimumAndMaximumAreInclusive) {
  const json schema = {{"type", "integer"}, {"minimum", 1}, {"maximum", 9}};
  EXPECT_THAT(violations(json(0), schema), ElementsAre("(document): must be at least 1, got 0"));
  EXPECT_THAT(violations(json(10), schema), ElementsAre("(document): must be at most 9, got 10"));
  EXPECT_THAT(violations(json(1), schema), IsEmpty());
  EXPECT_THAT(violations(json(9), schema), IsEmpty());
}

TEST(ValidateAgainstSchema, MinLengthSaysEmptyForTheEmptyString) {
  const json schema = {{"type", "string"}, {"minLength", 3}};
  EXPECT_THAT(violations(json(""), schema), ElementsAre("(document): must not be empty"));
  EXPECT_THAT(violations(json("ab"), schema),
              ElementsAre("(document): must be at least 3 characters"));
  EXPECT_THAT(violations(json("abc"), schema), IsEmpty());
}

TEST(ValidateAgainstSchema, MaxLength) {
  EXPECT_THAT(violations(json("abcd"), json{{"maxLength", 3}}),
              ElementsAre("(document): must be at most 3 characters"));
  EXPECT_THAT(violations(json("abc"), json{{"maxLength", 3}}), IsEmpty());
}

TEST(ValidateAgainstSchema, ItemPathsCarryTheIndex) {
  const json schema =
      json::parse(R"({"type": "object", "properties": {"spec": {"type": "object", "properties":
      {"dump": {"type": "object", "properties": {"excludeTables": {"type": "array",
        "items": {"type": "string", "minLength": 1}}}}}}}})");
  EXPECT_THAT(
      violations(json::parse(R"({"spec": {"dump": {"excludeTables": ["audit", "", true]}}})"),
                 schema),
      ElementsAre("spec.dump.excludeTables[1]: must not be empty",
                  "spec.dump.excludeTables[2]: expected string, got boolean"));
}

TEST(ValidateAgainstSchema, RequiredFieldsAreReportedUnderTheirParent) {
  const json schema = json::parse(R"({"type": "object", "required": ["spec"], "properties": {"spec":
      {"type": "object", "required": ["environment", "target"]}}})");
  EXPECT_THAT(violations(json::parse(R"({"spec": {}})"), schema),
              ElementsAre("spec.environment: required field is missing",
                          "spec.target: required field is missing"));
  EXPECT_THAT(violations(json::object(), schema), ElementsAre("spec: required field is missing"));
}

TEST(ValidateAgainstSchema, AdditionalPropertiesAsSchemaChecksEveryExtraField) {
  const json schema = json::parse(R"({"type": "object", "properties": {"labels": {"type": "object",
      "additionalProperties": {"type": "string"}}}})");
  EXPECT_THAT(
      violations(json::parse(R"({"labels": {"app": "beelab", "tier": ["web"], "on": false}})"),
                 schema),
      ElementsAre("labels.on: expected string, got boolean",
                  "labels.tier: expected string, got array"));
}

TEST(ValidateAgainstSchema, AdditionalPropertiesFalseSuggestsACloseName) {
  const json schema = json::parse(R"({"type": "object", "additionalProperties": false,
      "properties": {"media": {}, "dump": {}}})");
  EXPECT_THAT(violations(json::parse(R"({"medai": 1})"), schema),
              ElementsAre("medai: unknown field (did you mean \"media\"?)"));
  EXPECT_THAT(violations(json::parse(R"({"compression": 1})"), schema),
              ElementsAre("compression: unknown field; known fields: dump, media"));
}

TEST(ValidateAgainstSchema, AdditionalPropertiesDefaultToAllowed) {
  EXPECT_THAT(violations(json::parse(R"({"anything": [1, 2]})"), json{{"type", "object"}}),
              IsEmpty());
}

TEST(ValidateAgainstSchema, UnsupportedKeywordIsAProgrammingError) {
  try {
    validate_against_schema(json("x"), json{{"type", "string"}, {"format", "hostname"}});
    FAIL() << "an unsupported keyword was accepted";
  } catch (const std::logic_error& error) {
    EXPECT_STREQ(error.what(), "manifest schema uses unsupported keyword 'format'");
  }
}

TEST(ValidateAgainstSchema, UnsupportedKeywordInANestedSchemaIsAProgrammingError) {
  const json schema =
      json::parse(R"({"type": "object", "properties": {"a": {"oneOf": [{"type": "string"}]}}})");
  EXPECT_THROW(validate_against_schema(json::parse(R"({"a": "x"})"), schema), std::logic_error);
}

TEST(FormatViolation, AppendsTheLocationWhenKnown) {
  const SchemaViolation violation{"spec.media.volume", "expected string, got number"};
  EXPECT_EQ(format_violation(violation, [](const std::string&) { return std::string("line 12"); }),
            "spec.media.volume: expected string, got number (line 12)");
  EXPECT_EQ(format_violation(violation, [](const std::string&) { return std::string(); }),
            "spec.media.volume: expected string, got number");
}

// The validator only meets a subschema when the document has that field, so a keyword it does
// not implement could sit unnoticed in a rarely used field. Visit every subschema of the real
// schema here instead, with a null value, so that each one at least reports its type.
void visit_subschemas(const json& schema, const std::string& where, int& visited) {
  ++visited;
  const auto result =
      validate_against_schema(json(nullptr), schema);  // throws on an unknown keyword
  if (schema.contains("type")) {
    ASSERT_EQ(result.size(), 1u) << where;
    EXPECT_EQ(result[0].message, "expected " + schema["type"].get<std::string>() + ", got null")
        << where;
  }
  if (schema.contains("properties"))
    for (const auto& [name, child] : schema["properties"].items())
      visit_subschemas(child, where + "." + name, visited);
  if (schema.contains("items")) visit_subschemas(schema["items"], where + "[]", visited);
  if (schema.contains("additionalProperties") && schema["additionalProperties"].is_object())
    visit_subschemas(schema["additionalProperties"], where + ".*", visited);
}

TEST(ValidateAgainstSchema, EverySubschemaOfTheBackupJobSchemaUsesOnlySupportedKeywords) {
  std::ifstream file(std::string(HIVEKEEPER_SOURCE_DIR) +
                     "/manifests/schema/backupjob.schema.json");
  ASSERT_TRUE(file.is_open());
  const json schema = json::parse(file);
  int visited = 0;
  visit_subschemas(schema, "(root)", visited);
  EXPECT_GE(visited, 30);  // the schema has about three dozen; a walk that stopped early is caught
}

}  // namespace
}  // namespace hivekeeper::manifest
