#include "jobs/backup/metadata.h"

namespace hivekeeper::jobs {

nlohmann::json backup_metadata(const BackupPlan& plan, const BackupOutcome& outcome) {
  using nlohmann::json;
  auto artifact = [](const char* kind, const archive::WrittenFile& plain,
                     const std::optional<archive::WrittenFile>& encrypted) {
    const archive::WrittenFile& stored = encrypted ? *encrypted : plain;
    json entry = {{"kind", kind},
                  {"file", stored.path.filename().string()},
                  {"bytes", stored.bytes},
                  {"sha256", stored.sha256}};
    // Both digests: the stored file's, and what it decrypts to (what a restore reads).
    if (encrypted) {
      entry["encryption"] = "age";
      entry["plaintext"] = {{"bytes", plain.bytes}, {"sha256", plain.sha256}};
    }
    return entry;
  };
  json artifacts =
      json::array({artifact("database", outcome.database_file, outcome.database_encrypted)});
  if (outcome.media_file)
    artifacts.push_back(artifact("media", *outcome.media_file, outcome.media_encrypted));

  json metadata = {
      {"apiVersion", "hivekeeper.io/v1"},
      {"kind", "BackupSet"},
      {"job", plan.job_name},
      {"environment", manifest::to_string(plan.environment)},
      {"project", plan.project},
      {"prefix", plan.prefix},
      {"timestamp", plan.timestamp},
      {"startTime", store::rfc3339(plan.start)},
      {"completionTime", store::rfc3339(outcome.end)},
      {"database",
       {{"name", plan.database.name},
        {"user", plan.database.user},
        {"serverVersion", outcome.server_version},
        {"pgDumpVersion", outcome.pg_dump_version},
        {"pgDumpOptions", plan.pg_dump_options},
        {"format", "plain"},
        {"compression", archive::to_string(plan.database_compression)},
        {"sqlBytes", outcome.sql_bytes},
        {"rowCounts", outcome.row_counts}}},
      {"media", nullptr},
      {"artifacts", artifacts},
  };
  const auto& [database_kind, database_where] = plan.database_location;
  metadata["database"][database_kind] = database_where;
  if (outcome.media_file) {
    const auto& [media_kind, media_where] = *plan.media_location;
    metadata["media"] = {{media_kind, media_where},
                         {"entries", outcome.media_stats.entries},
                         {"files", outcome.media_stats.files},
                         {"contentBytes", outcome.media_stats.content_bytes},
                         {"storedUncompressedBytes", outcome.media_stats.stored_bytes}};
  }
  return metadata;
}

}  // namespace hivekeeper::jobs
