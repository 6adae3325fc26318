// Turns manifest text (YAML, or JSON, which YAML reads too) into a JSON document, remembering on
// which line each field stood so that validation errors can point at it. Plain scalars become typed
// values as Kubernetes tooling reads them (true/false and YAML 1.1's yes/no/on/off, integers,
// floats, null); quoted scalars stay strings (`name: "123"` is a string, `volume: 123` a number).
#pragma once

#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace hivekeeper::manifest {

struct SourceDocument {
  nlohmann::json value;
  std::map<std::string, int> lines;  // field path ("spec.media") -> 1-based line
};

// Throws hivekeeper::Error (invalid input) with the line and column of a syntax error.
SourceDocument parse_yaml_or_json(std::string_view text, const std::string& source_name);

}  // namespace hivekeeper::manifest
