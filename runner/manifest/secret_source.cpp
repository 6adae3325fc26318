#include "manifest/secret_source.h"

namespace hivekeeper::manifest {

std::optional<SecretSource> secret_source_at(const nlohmann::json& object, const char* key) {
  if (!object.is_object() || !object.contains(key) || !object[key].is_object()) return std::nullopt;
  const nlohmann::json& source = object[key];
  const auto text = [&](const char* name) {
    return source.contains(name) && source[name].is_string() ? source[name].get<std::string>()
                                                             : std::string();
  };
  return SecretSource{text("env"), text("file")};
}

void check_secret_source(const std::optional<SecretSource>& secret, const std::string& field,
                         std::vector<std::string>& errors) {
  if (!secret) return;
  if (secret->empty()) errors.push_back(field + ": give env or file");
  if (!secret->env.empty() && !secret->file.empty())
    errors.push_back(field + ": give env or file, not both");
}

}  // namespace hivekeeper::manifest
