#include "common/secret.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "common/error.h"

namespace hivekeeper {

std::string read_file_text(const std::string& path, const std::string& field) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw invalid_input("SecretMissing", "cannot read " + path + " (" + field + ")",
                        "mount it there (a Secret, a ConfigMap), readable by the runner's user");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string read_secret(const std::string& env, const std::string& file, const std::string& field,
                        bool trim_newline) {
  std::string value;
  if (!env.empty()) {
    const char* set = std::getenv(env.c_str());
    if (set == nullptr)
      throw invalid_input(
          "SecretMissing",
          field + ".env names " + env + ", which is not set in the runner's environment",
          "set it (from a Secret: env valueFrom secretKeyRef) or use " + field + ".file");
    value = set;
  } else {
    value = read_file_text(file, field + ".file");
  }
  if (trim_newline) {
    if (value.ends_with("\r\n"))
      value.resize(value.size() - 2);
    else if (value.ends_with('\n'))
      value.pop_back();
  }
  if (value.empty())
    throw invalid_input("SecretMissing", field + " is empty", "put the secret's value there");
  return value;
}

}  // namespace hivekeeper
