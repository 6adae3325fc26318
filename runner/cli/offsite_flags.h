// The off-site flags as the manifest fields they stand for: --s3-* become spec.storage.s3 (the
// keys read from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, as aws-cli reads them),
// --no-keep-local spec.storage.keepLocal, --age-* spec.encryption.age. The manifest's schema and
// rules then check them as they check any manifest.
#pragma once

#include <nlohmann/json.hpp>

#include "cli/args.h"

namespace hivekeeper::cli {

// Adds spec.storage and spec.encryption to SPEC for the flags INVOCATION has (none: unchanged).
void add_offsite_flags(const Invocation& invocation, nlohmann::json& spec);

}  // namespace hivekeeper::cli
