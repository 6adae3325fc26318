// Logging: spdlog to stderr, as text for people or one JSON object per line for log collectors
// (--log-format json). Standard output is kept for the job's one-line summary. Every message
// passes through redact_secrets() in the sink, the one place where secrets are masked.
#pragma once

#include <string>
#include <string_view>

namespace hivekeeper {

enum class LogFormat { text, json };

void configure_logging(LogFormat format, bool verbose);

// Masks the value in password=..., PGPASSWORD=..., POSTGRES_PASSWORD=..., and the password part
// of postgresql://user:password@host URLs.
std::string redact_secrets(std::string_view text);

}  // namespace hivekeeper
