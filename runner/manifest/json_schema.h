// Validates a JSON document against the manifest's JSON Schema and returns every violation with
// the field's path, so a user fixes a manifest in one pass. It implements the subset of JSON
// Schema that manifests/schema/ uses (type, properties, required, additionalProperties, enum,
// pattern, minLength, maxLength, minimum, maximum, items); a schema keyword outside that subset
// is a programming error and throws, so the schema and this validator cannot drift apart quietly.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace hivekeeper::manifest {

struct SchemaViolation {
  std::string path;     // "spec.media.volume"; "" for the document itself
  std::string message;  // "expected string, got number"
};

// Where a path came from in the source text, when known: "line 12". May return "".
using LocationLookup = std::function<std::string(const std::string& path)>;

std::vector<SchemaViolation> validate_against_schema(const nlohmann::json& document,
                                                     const nlohmann::json& schema);

// "spec.media.volume: expected string, got number (line 12)"
std::string format_violation(const SchemaViolation& violation, const LocationLookup& location);

}  // namespace hivekeeper::manifest
