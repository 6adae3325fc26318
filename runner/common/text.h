// Small text helpers: "did you mean" suggestions for misspelt fields, commands and options, and
// random tokens for names that concurrent jobs must not share.
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

}  // namespace hivekeeper
