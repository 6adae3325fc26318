// Secrets the manifest points at ({env: NAME} or {file: PATH}): S3 keys, age identities and
// passphrases. Read when the job runs, never logged, never part of an error message.
#pragma once

#include <string>

namespace hivekeeper {

// The value of the environment variable ENV, else the content of FILE (one trailing newline
// dropped when TRIM_NEWLINE). FIELD names the manifest field in errors ("spec.storage.s3.
// accessKeyIdFrom"). Throws SecretMissing (invalid input) when the variable is unset, the file
// unreadable or the value empty.
std::string read_secret(const std::string& env, const std::string& file, const std::string& field,
                        bool trim_newline = true);

// The whole content of PATH, which FIELD names; throws SecretMissing (invalid input) when it
// cannot be read.
std::string read_file_text(const std::string& path, const std::string& field);

}  // namespace hivekeeper
