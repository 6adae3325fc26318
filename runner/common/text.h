// Small text helpers: "did you mean" suggestions for misspelt fields, commands and options,
// random tokens for names that concurrent jobs must not share, and the bounded buffer that keeps
// what a child process says on stderr.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace hivekeeper {

// Levenshtein distance.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate nearest to `word` within `max_distance` edits, or "" when none is that close.
// Leading dashes are ignored on both sides, so "--projct" finds "--project".
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates,
                          std::size_t max_distance = 2);

// 16 random hex digits. Helper containers, staging folders, temporary files and server sessions
// carry one: two jobs on one engine can start in the same second, and inside a container every
// job is PID 1, so neither the time nor the PID tells them apart.
std::string random_token();

// How much of a tool's stderr a job keeps for its messages: enough for every line pg_dump or
// psql writes before it stops, bounded whatever the tool prints.
inline constexpr std::size_t kStderrKept = 64 * 1024;

// Appends BYTES to TEXT up to LIMIT bytes in all; the rest is dropped.
void append_capped(std::string& text, std::string_view bytes, std::size_t limit = kStderrKept);

}  // namespace hivekeeper
