#include "jobs/restore/row_counts.h"

namespace hivekeeper::jobs {

RowCountCheck check_row_counts(const std::map<std::string, std::uint64_t>& loaded,
                               const std::map<std::string, std::uint64_t>& counted_in_dump,
                               const std::optional<store::SetMetadata>& metadata) {
  const bool from_metadata = metadata && !metadata->row_counts.empty();
  const auto& expected = from_metadata ? metadata->row_counts : counted_in_dump;
  RowCountCheck check;
  std::uint64_t rows = 0;
  for (const auto& [table, count] : expected) {
    const auto found = loaded.find(table);
    const std::uint64_t got = found == loaded.end() ? 0 : found->second;
    rows += got;
    if (found == loaded.end() || got != count)
      check.mismatches.push_back(table + ": " + std::to_string(got) + " rows loaded, " +
                                 std::to_string(count) + " expected");
  }
  check.report = {{"checkedAgainst", from_metadata ? "metadata" : "dump"},
                  {"tables", expected.size()},
                  {"rows", rows},
                  {"mismatches", check.mismatches}};
  return check;
}

}  // namespace hivekeeper::jobs
