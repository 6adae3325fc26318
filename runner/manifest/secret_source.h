// Where a secret is, as every manifest field ending in From says it ({env: NAME} or {file: PATH},
// exactly one): the S3 keys, age identities and passphrases, webhook URLs and signing secrets,
// a Pushgateway URL. Only the place; the secret is read when the job runs (common/secret.h).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace hivekeeper::manifest {

struct SecretSource {
  std::string env;
  std::string file;
  bool empty() const { return env.empty() && file.empty(); }
};

// OBJECT[KEY] as a SecretSource; nullopt when OBJECT has no KEY.
std::optional<SecretSource> secret_source_at(const nlohmann::json& object, const char* key);

// What the schema cannot say of SECRET (FIELD names it in the messages): neither or both given.
void check_secret_source(const std::optional<SecretSource>& secret, const std::string& field,
                         std::vector<std::string>& errors);

}  // namespace hivekeeper::manifest
