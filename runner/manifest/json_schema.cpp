#include "manifest/json_schema.h"

#include "common/text.h"

#include <algorithm>
#include <cmath>
#include <regex>
#include <set>
#include <stdexcept>

namespace hivekeeper::manifest {
namespace {

using nlohmann::json;

const std::set<std::string> kSupportedKeywords = {
    "$schema", "$id",        "title",     "description",
    "type",    "properties", "required",  "additionalProperties",
    "enum",    "pattern",    "minLength", "maxLength",
    "minimum", "maximum",    "items",     "default",
    "examples"};

std::string json_type_name(const json& value) {
  switch (value.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return "boolean";
    // "got number" reads better than "got integer", and JSON itself has one number type.
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
      return "number";
    case json::value_t::string:
      return "string";
    case json::value_t::array:
      return "array";
    case json::value_t::object:
      return "object";
    default:
      return "unknown";
  }
}

bool matches_type(const json& value, const std::string& type) {
  if (type == "number") return value.is_number();
  if (type == "integer")
    return value.is_number_integer() ||
           (value.is_number_float() && value.get<double>() == std::floor(value.get<double>()));
  return json_type_name(value) == type;
}

std::string join_path(const std::string& parent, const std::string& child) {
  return parent.empty() ? child : parent + "." + child;
}

std::string render_enum(const json& values) {
  std::string text;
  for (const auto& value : values) {
    if (!text.empty()) text += ", ";
    text += value.is_string() ? value.get<std::string>() : value.dump();
  }
  return text;
}

class Validator {
 public:
  std::vector<SchemaViolation> violations;

  void check(const json& value, const json& schema, const std::string& path) {
    for (const auto& [keyword, ignored] : schema.items()) {
      if (!kSupportedKeywords.count(keyword))
        throw std::logic_error("manifest schema uses unsupported keyword '" + keyword + "'");
    }
    if (schema.contains("type") && !matches_type(value, schema["type"].get<std::string>())) {
      add(path, "expected " + schema["type"].get<std::string>() + ", got " + json_type_name(value));
      return;  // further checks would only repeat the type error
    }
    if (schema.contains("enum") &&
        std::find(schema["enum"].begin(), schema["enum"].end(), value) == schema["enum"].end()) {
      add(path, "must be one of " + render_enum(schema["enum"]) + ", got " + value.dump());
    }
    if (value.is_string()) check_string(value.get<std::string>(), schema, path);
    if (value.is_number()) check_number(value, schema, path);
    if (value.is_object()) check_object(value, schema, path);
    if (value.is_array() && schema.contains("items")) {
      for (std::size_t i = 0; i < value.size(); ++i)
        check(value[i], schema["items"], path + "[" + std::to_string(i) + "]");
    }
  }

 private:
  void add(const std::string& path, std::string message) {
    violations.push_back({path, std::move(message)});
  }

  void check_string(const std::string& text, const json& schema, const std::string& path) {
    if (schema.contains("minLength") && text.size() < schema["minLength"].get<std::size_t>())
      add(path, text.empty() ? "must not be empty"
                             : "must be at least " + schema["minLength"].dump() + " characters");
    if (schema.contains("maxLength") && text.size() > schema["maxLength"].get<std::size_t>())
      add(path, "must be at most " + schema["maxLength"].dump() + " characters");
    if (schema.contains("pattern")) {
      const auto pattern = schema["pattern"].get<std::string>();
      if (!std::regex_search(text, std::regex(pattern, std::regex::ECMAScript)))
        add(path, "\"" + text + "\" does not match " + pattern);
    }
  }

  void check_number(const json& value, const json& schema, const std::string& path) {
    if (schema.contains("minimum") && value.get<double>() < schema["minimum"].get<double>())
      add(path, "must be at least " + schema["minimum"].dump() + ", got " + value.dump());
    if (schema.contains("maximum") && value.get<double>() > schema["maximum"].get<double>())
      add(path, "must be at most " + schema["maximum"].dump() + ", got " + value.dump());
  }

  void check_object(const json& object, const json& schema, const std::string& path) {
    const json no_properties = json::object();
    const json& properties = schema.contains("properties") ? schema["properties"] : no_properties;
    if (schema.contains("required")) {
      for (const auto& name : schema["required"]) {
        if (!object.contains(name.get<std::string>()))
          add(join_path(path, name.get<std::string>()), "required field is missing");
      }
    }
    for (const auto& [name, value] : object.items()) {
      const std::string child = join_path(path, name);
      if (properties.contains(name)) {
        check(value, properties[name], child);
        continue;
      }
      const json additional = schema.value("additionalProperties", json(true));
      if (additional.is_object()) {
        check(value, additional, child);
      } else if (additional == false) {
        add(child, unknown_field_message(name, properties));
      }
    }
  }

  static std::string unknown_field_message(const std::string& name, const json& properties) {
    std::vector<std::string> known_fields;
    for (const auto& [known, ignored] : properties.items()) known_fields.push_back(known);
    const std::string best = closest_match(name, known_fields);
    std::string message = "unknown field";
    if (!best.empty()) {
      message += " (did you mean \"" + best + "\"?)";
    } else if (!known_fields.empty()) {
      std::string list;
      for (const auto& known : known_fields) list += (list.empty() ? "" : ", ") + known;
      message += "; known fields: " + list;
    }
    return message;
  }
};

}  // namespace

std::vector<SchemaViolation> validate_against_schema(const nlohmann::json& document,
                                                     const nlohmann::json& schema) {
  Validator validator;
  validator.check(document, schema, "");
  return validator.violations;
}

std::string format_violation(const SchemaViolation& violation, const LocationLookup& location) {
  std::string text =
      (violation.path.empty() ? "(document)" : violation.path) + ": " + violation.message;
  if (location) {
    const std::string where = location(violation.path);
    if (!where.empty()) text += " (" + where + ")";
  }
  return text;
}

}  // namespace hivekeeper::manifest
