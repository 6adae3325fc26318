// Backup file names, exactly as the seed's scripts write them so old backups keep restoring:
//   <prefix>_<env>_db_<dbname>_<YYYY-MM-DD_HHMMSS>.sql.gz
//   <prefix>_<env>_media_<YYYY-MM-DD_HHMMSS>.tgz
//   <prefix>_<env>_<YYYY-MM-DD_HHMMSS>.json          (Hivekeeper's metadata of the set)
// Timestamps are UTC. Pure functions of their arguments.
#pragma once

#include <chrono>
#include <string>

#include "manifest/manifest.h"

namespace hivekeeper::jobs {

using Clock = std::chrono::system_clock;

std::string backup_timestamp(Clock::time_point when);  // 2026-11-24_031500
std::string rfc3339(Clock::time_point when);           // 2026-11-24T03:15:00Z

struct BackupFileNames {
  std::string database;
  std::string media;
  std::string metadata;
};

BackupFileNames backup_file_names(const std::string& prefix, manifest::Environment environment,
                                  const std::string& database, const std::string& timestamp);

}  // namespace hivekeeper::jobs
