#include "common/text.h"

#include <algorithm>
#include <format>
#include <random>

namespace hivekeeper {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string closest_match(std::string_view word, const std::vector<std::string>& candidates,
                          std::size_t max_distance) {
  auto bare = [](std::string_view text) {
    while (text.starts_with('-')) text.remove_prefix(1);
    return text;
  };
  std::string best;
  std::size_t best_distance = max_distance + 1;
  for (const auto& candidate : candidates) {
    const std::size_t distance = edit_distance(bare(word), bare(candidate));
    if (distance < best_distance) best_distance = distance, best = candidate;
  }
  return best;
}

std::string random_token() {
  std::random_device entropy;
  return std::format("{:08x}{:08x}", entropy(), entropy());
}

void append_capped(std::string& text, std::string_view bytes, std::size_t limit) {
  if (text.size() < limit) text.append(bytes.substr(0, limit - text.size()));
}

}  // namespace hivekeeper
