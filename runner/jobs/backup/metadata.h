// The metadata file of a backup set (<prefix>_<env>_<timestamp>.json): what was backed up, from
// which server, with which pg_dump options, and each artifact's size and sha256. Restores check
// the sha256 values first and compare the per-table row counts after loading.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "archive/artifact_writer.h"
#include "archive/media_archive.h"
#include "jobs/backup/plan.h"

namespace hivekeeper::jobs {

struct BackupOutcome {
  std::string server_version;
  std::string pg_dump_version;
  std::map<std::string, std::uint64_t> row_counts;
  std::uint64_t sql_bytes = 0;
  archive::WrittenFile database_file;
  std::optional<archive::WrittenFile> media_file;
  archive::MediaArchiveStats media_stats;
  // Encrypted sets: the files as stored (the two above are then the plaintext's digests).
  std::optional<archive::WrittenFile> database_encrypted;
  std::optional<archive::WrittenFile> media_encrypted;
  Clock::time_point end;
};

nlohmann::json backup_metadata(const BackupPlan& plan, const BackupOutcome& outcome);

}  // namespace hivekeeper::jobs
