#include "jobs/naming.h"

#include <format>

namespace hivekeeper::jobs {

std::string backup_timestamp(Clock::time_point when) {
  return std::format("{:%Y-%m-%d_%H%M%S}", std::chrono::floor<std::chrono::seconds>(when));
}

std::string rfc3339(Clock::time_point when) {
  return std::format("{:%Y-%m-%dT%H:%M:%SZ}", std::chrono::floor<std::chrono::seconds>(when));
}

BackupFileNames backup_file_names(const std::string& prefix, manifest::Environment environment,
                                  const std::string& database, const std::string& timestamp) {
  const std::string stem = prefix + "_" + manifest::to_string(environment);
  return {stem + "_db_" + database + "_" + timestamp + ".sql.gz",
          stem + "_media_" + timestamp + ".tgz", stem + "_" + timestamp + ".json"};
}

}  // namespace hivekeeper::jobs
