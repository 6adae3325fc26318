// The restore's last check before COMMIT: every table loaded the rows the backup holds. The
// expected counts come from the set's metadata when it has them, else from the dump itself
// (COPY blocks counted as they streamed); the loaded ones from psql's COPY tags.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "store/set_metadata.h"

namespace hivekeeper::jobs {

struct RowCountCheck {
  nlohmann::json report;                // for the status: checkedAgainst, tables, rows, mismatches
  std::vector<std::string> mismatches;  // "table: N rows loaded, M expected"
};

RowCountCheck check_row_counts(const std::map<std::string, std::uint64_t>& loaded,
                               const std::map<std::string, std::uint64_t>& counted_in_dump,
                               const std::optional<store::SetMetadata>& metadata);

}  // namespace hivekeeper::jobs
