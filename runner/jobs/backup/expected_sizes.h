// What a backup's two phases expect to read, for their progress (jobs/progress.h): the previous
// set's own figures when there is one (the same measure, and free: one small metadata file), else
// the database's size on disk (pg_database_size: an estimate only, indexes are not dumped while
// rows' text takes room that their binary form did not). Media without a previous set have no
// expected total: measuring a volume means walking it, which is what the backup does anyway.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "jobs/backup/plan.h"
#include "jobs/progress.h"
#include "postgres/commands.h"
#include "store/backup_store.h"

namespace hivekeeper::jobs {

struct ExpectedSizes {
  std::optional<ExpectedTotal> database;  // bytes of SQL pg_dump writes
  std::optional<ExpectedTotal> media;     // bytes of the volume's tar stream
};

// From a set's metadata (jobs/backup/metadata.h); the database's figure only when the set is of
// DATABASE_NAME. Fields missing (sets older than sqlBytes) or malformed give nullopt.
ExpectedSizes expected_from_metadata(const nlohmann::json& metadata,
                                     const std::string& database_name);

// The newest backup set among NAMES of the plan's environment and prefix, read from STORE; the
// database's size from COMMANDS when that gives no database figure. Never throws: progress is
// not worth failing a backup for.
ExpectedSizes expected_sizes(const BackupPlan& plan, const std::vector<std::string>& names,
                             const store::BackupStore& store,
                             const postgres::DatabaseCommands& commands);

}  // namespace hivekeeper::jobs
