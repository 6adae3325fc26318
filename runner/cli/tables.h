// Output for people and for scripts, in kubectl's manner: aligned columns under upper-case
// headers, or the same data as JSON or YAML (-o json|yaml). Pure.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace hivekeeper::cli {

using TableRow = std::vector<std::string>;

// HEADERS and ROWS, each column as wide as its widest cell plus three spaces.
std::string format_table(const TableRow& headers, const std::vector<TableRow>& rows);

// kubectl's ages: 45s, 12m, 5h, 3d, 2y.
std::string format_age(std::chrono::seconds age);

// A JSON document as a YAML document (maps keep the JSON's key order).
std::string to_yaml(const nlohmann::json& document);

}  // namespace hivekeeper::cli
