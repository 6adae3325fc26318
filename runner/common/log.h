// Logging: spdlog to stderr, as text for people or one JSON object per line for log collectors
// (--log-format json). Standard output is kept for the job's one-line summary. Every message
// passes through redact_secrets() in the sink, the one place where secrets are masked.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hivekeeper {

enum class LogFormat { text, json };

void configure_logging(LogFormat format, bool verbose);

// A terminal's live lines (jobs/progress.h): LINES are drawn under the log and redrawn in place on
// each call; a message logged meanwhile appears above them. Lines are cut to the terminal's width,
// since a wrapped line could not be redrawn in place. keep_live_lines() leaves the last ones on
// the screen as ordinary lines and draws no more.
void show_live_lines(const std::vector<std::string>& lines);
void keep_live_lines();

// LINE (one JSON document, no newline) written whole to stderr, never interleaved with a message.
void write_stderr_line(const std::string& line);

// Masks the value in password=..., PGPASSWORD=..., POSTGRES_PASSWORD=..., and the password part
// of postgresql://user:password@host URLs.
std::string redact_secrets(std::string_view text);

}  // namespace hivekeeper
