// Small text helpers shared by the parsers: "did you mean" suggestions for misspelt fields,
// commands and options.
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

}  // namespace hivekeeper
