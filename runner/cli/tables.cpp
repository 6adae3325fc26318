#include "cli/tables.h"

#include <algorithm>

#include <yaml-cpp/yaml.h>

namespace hivekeeper::cli {
namespace {

void emit(YAML::Emitter& out, const nlohmann::json& value) {
  if (value.is_object()) {
    out << YAML::BeginMap;
    for (const auto& [key, item] : value.items()) {
      out << YAML::Key << key << YAML::Value;
      emit(out, item);
    }
    out << YAML::EndMap;
  } else if (value.is_array()) {
    out << YAML::BeginSeq;
    for (const auto& item : value) emit(out, item);
    out << YAML::EndSeq;
  } else if (value.is_string()) {
    out << YAML::DoubleQuoted << value.get<std::string>();
  } else if (value.is_null()) {
    out << YAML::Null;
  } else {
    out << value.dump();  // numbers and booleans print the same in both
  }
}

}  // namespace

std::string format_table(const TableRow& headers, const std::vector<TableRow>& rows) {
  std::vector<std::size_t> widths;
  for (const auto& cell : headers) widths.push_back(cell.size());
  for (const auto& row : rows)
    for (std::size_t column = 0; column < row.size() && column < widths.size(); ++column)
      widths[column] = std::max(widths[column], row[column].size());
  std::string text;
  const auto add_row = [&](const TableRow& row) {
    std::string line;
    for (std::size_t column = 0; column < row.size(); ++column) {
      line += row[column];
      if (column + 1 < row.size()) line.append(widths[column] + 3 - row[column].size(), ' ');
    }
    text += line + "\n";
  };
  add_row(headers);
  for (const auto& row : rows) add_row(row);
  return text;
}

std::string format_age(std::chrono::seconds age) {
  const auto seconds = age.count();
  if (seconds < 0) return "in future";
  if (seconds < 120) return std::to_string(seconds) + "s";
  if (seconds < 2 * 3600) return std::to_string(seconds / 60) + "m";
  if (seconds < 2 * 86400) return std::to_string(seconds / 3600) + "h";
  if (seconds < 2 * 365 * 86400) return std::to_string(seconds / 86400) + "d";
  return std::to_string(seconds / (365 * 86400)) + "y";
}

std::string to_yaml(const nlohmann::json& document) {
  YAML::Emitter out;
  emit(out, document);
  return std::string(out.c_str()) + "\n";
}

}  // namespace hivekeeper::cli
