#include "jobs/backup/expected_sizes.h"

#include <spdlog/spdlog.h>

#include "postgres/scratch_sql.h"
#include "store/backup_sets.h"

namespace hivekeeper::jobs {
namespace {

constexpr const char* kPreviousSet = "previous set";

std::optional<ExpectedTotal> previous_figure(const nlohmann::json& section, const char* field) {
  if (!section.is_object() || !section.contains(field) || !section[field].is_number_integer() ||
      section[field].get<std::int64_t>() < 0)
    return std::nullopt;
  return ExpectedTotal{section[field].get<std::uint64_t>(), kPreviousSet};
}

std::optional<nlohmann::json> newest_metadata(const BackupPlan& plan,
                                              const std::vector<std::string>& names,
                                              const store::BackupStore& store) {
  for (const auto& set : store::group_backup_sets(names)) {
    if (set.kind() != store::SetKind::backup || set.environment != plan.environment ||
        set.prefix != plan.prefix || !set.metadata_file)
      continue;
    const auto text = store.read_small(*set.metadata_file);
    if (!text) return std::nullopt;
    return nlohmann::json::parse(*text);
  }
  return std::nullopt;
}

}  // namespace

ExpectedSizes expected_from_metadata(const nlohmann::json& metadata,
                                     const std::string& database_name) {
  ExpectedSizes sizes;
  if (!metadata.is_object()) return sizes;
  const auto database = metadata.value("database", nlohmann::json());
  if (database.is_object() && database.value("name", "") == database_name)
    sizes.database = previous_figure(database, "sqlBytes");
  sizes.media =
      previous_figure(metadata.value("media", nlohmann::json()), "storedUncompressedBytes");
  return sizes;
}

ExpectedSizes expected_sizes(const BackupPlan& plan, const std::vector<std::string>& names,
                             const store::BackupStore& store,
                             const postgres::DatabaseCommands& commands) {
  ExpectedSizes sizes;
  try {
    if (const auto metadata = newest_metadata(plan, names, store))
      sizes = expected_from_metadata(*metadata, plan.database.name);
  } catch (const std::exception& error) {
    spdlog::debug("progress: the previous set's sizes are unreadable ({})", error.what());
  }
  if (sizes.database) return sizes;
  try {
    sizes.database = ExpectedTotal{postgres::database_facts(commands, plan.database).size_bytes,
                                   "database size"};
  } catch (const std::exception& error) {
    spdlog::debug("progress: the database's size is unknown ({})", error.what());
  }
  return sizes;
}

}  // namespace hivekeeper::jobs
