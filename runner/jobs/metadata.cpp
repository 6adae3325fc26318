#include "jobs/metadata.h"

namespace hivekeeper::jobs {

nlohmann::json backup_metadata(const BackupPlan& plan, const BackupOutcome& outcome) {
  using nlohmann::json;
  auto artifact = [](const char* kind, const archive::WrittenFile& file) {
    return json{{"kind", kind},
                {"file", file.path.filename().string()},
                {"bytes", file.bytes},
                {"sha256", file.sha256}};
  };
  json artifacts = json::array({artifact("database", outcome.database_file)});
  if (outcome.media_file) artifacts.push_back(artifact("media", *outcome.media_file));

  json metadata = {
      {"apiVersion", "hivekeeper.io/v1"},
      {"kind", "BackupSet"},
      {"job", plan.job_name},
      {"environment", manifest::to_string(plan.environment)},
      {"project", plan.project},
      {"prefix", plan.prefix},
      {"timestamp", plan.timestamp},
      {"startTime", rfc3339(plan.start)},
      {"completionTime", rfc3339(outcome.end)},
      {"database",
       {{"name", plan.database.name},
        {"user", plan.database.user},
        {"container", plan.database_container.name},
        {"serverVersion", outcome.server_version},
        {"pgDumpVersion", outcome.pg_dump_version},
        {"pgDumpOptions", plan.pg_dump_options},
        {"format", "plain"},
        {"compression", "gzip"},
        {"rowCounts", outcome.row_counts}}},
      {"media", nullptr},
      {"artifacts", artifacts},
  };
  if (!plan.database_server.empty()) {
    metadata["database"].erase("container");
    metadata["database"]["server"] = plan.database_server;
  }
  if (outcome.media_file)
    metadata["media"] = {
        {plan.media_volume.empty() ? "directory" : "volume",
         plan.media_volume.empty() ? plan.media_directory.string() : plan.media_volume},
        {"entries", outcome.media_stats.entries},
        {"files", outcome.media_stats.files},
        {"contentBytes", outcome.media_stats.content_bytes},
        {"storedUncompressedBytes", outcome.media_stats.stored_bytes}};
  return metadata;
}

}  // namespace hivekeeper::jobs
