#include "manifest/yaml_to_json.h"

#include <regex>

#include <yaml-cpp/yaml.h>

#include "common/error.h"

namespace hivekeeper::manifest {
namespace {

using nlohmann::json;

json scalar_to_json(const YAML::Node& node) {
  const std::string& text = node.Scalar();
  if (node.Tag() == "!" || node.Tag() == "tag:yaml.org,2002:str") return text;  // quoted
  static const std::regex null_re("^(~|null|Null|NULL|)$");
  // yes/no/on/off too, as YAML 1.1 reads them, like kubectl and PyYAML: `enabled: yes` is
  // meant as a boolean, and turning it into the string "yes" would only produce a type error.
  static const std::regex bool_true_re("^(true|True|TRUE|yes|Yes|YES|on|On|ON)$");
  static const std::regex bool_false_re("^(false|False|FALSE|no|No|NO|off|Off|OFF)$");
  static const std::regex int_re("^[-+]?[0-9]+$");
  static const std::regex float_re("^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$");
  if (std::regex_match(text, null_re)) return nullptr;
  if (std::regex_match(text, bool_true_re)) return true;
  if (std::regex_match(text, bool_false_re)) return false;
  try {
    if (std::regex_match(text, int_re)) return std::stoll(text);
    if (std::regex_match(text, float_re)) return std::stod(text);
  } catch (const std::out_of_range&) {
    return text;  // too large for a number: leave it to the schema to say it is not one
  }
  return text;
}

json convert(const YAML::Node& node, const std::string& path, const std::string& source_name,
             SourceDocument& out) {
  if (node.Mark().line >= 0) out.lines.emplace(path, node.Mark().line + 1);
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return nullptr;
    case YAML::NodeType::Scalar:
      return scalar_to_json(node);
    case YAML::NodeType::Sequence: {
      json array = json::array();
      for (std::size_t i = 0; i < node.size(); ++i)
        array.push_back(convert(node[i], path + "[" + std::to_string(i) + "]", source_name, out));
      return array;
    }
    case YAML::NodeType::Map: {
      json object = json::object();
      for (const auto& entry : node) {
        const std::string key = entry.first.Scalar();
        const std::string child = path.empty() ? key : path + "." + key;
        if (object.contains(key))
          throw invalid_input("InvalidManifest",
                              source_name + ": field " + child + " is given twice (line " +
                                  std::to_string(entry.first.Mark().line + 1) + ")");
        out.lines.emplace(child, entry.first.Mark().line + 1);
        object[key] = convert(entry.second, child, source_name, out);
      }
      return object;
    }
  }
  return nullptr;
}

}  // namespace

SourceDocument parse_yaml_or_json(std::string_view text, const std::string& source_name) {
  SourceDocument document;
  try {
    const YAML::Node root = YAML::Load(std::string(text));
    document.value = convert(root, "", source_name, document);
  } catch (const YAML::Exception& error) {
    throw invalid_input("InvalidManifest",
                        source_name + " is not valid YAML or JSON: " + error.msg + " (line " +
                            std::to_string(error.mark.line + 1) + ", column " +
                            std::to_string(error.mark.column + 1) + ")",
                        "check the indentation and quoting around that line");
  }
  if (!document.value.is_object())
    throw invalid_input("InvalidManifest", source_name +
                                               " does not hold a manifest (expected a mapping with "
                                               "apiVersion, kind, metadata and spec)");
  return document;
}

}  // namespace hivekeeper::manifest
