#include "jobs/maintenance/inventory.h"

#include <chrono>

namespace hivekeeper::jobs {

using nlohmann::json;

std::vector<SetSummary> take_inventory(const store::BackupStore& store,
                                       std::optional<manifest::Environment> environment,
                                       const std::string& prefix) {
  std::vector<SetSummary> summaries;
  for (auto& set : store::group_backup_sets(store.names())) {
    if ((environment && set.environment != *environment) ||
        (!prefix.empty() && set.prefix != prefix))
      continue;
    SetSummary summary;
    for (const auto& file : set.database_files)
      if (const auto size = store.size_of(file))
        summary.database_bytes = summary.database_bytes.value_or(0) + *size;
    if (set.media_file) summary.media_bytes = store.size_of(*set.media_file);
    summary.verification = store::read_verification(store, set.name);
    summary.set = std::move(set);
    summaries.push_back(std::move(summary));
  }
  return summaries;
}

json inventory_json(const std::vector<SetSummary>& sets, store::Clock::time_point now) {
  json items = json::array();
  for (const auto& summary : sets) {
    const auto& set = summary.set;
    json item = {
        {"name", set.name},
        {"prefix", set.prefix},
        {"environment", manifest::to_string(set.environment)},
        {"kind", store::to_string(set.kind())},
        {"timestamp", set.timestamp},
        {"time", store::rfc3339(set.time)},
        {"database", nullptr},
        {"media", nullptr},
        {"metadata", set.metadata_file ? json(*set.metadata_file) : json(nullptr)},
        {"verified", nullptr},
        {"ageSeconds", std::chrono::duration_cast<std::chrono::seconds>(now - set.time).count()},
    };
    if (!set.database_files.empty())
      item["database"] = {
          {"file", set.database_files.front()},
          {"bytes", summary.database_bytes ? json(*summary.database_bytes) : json(nullptr)}};
    if (set.media_file)
      item["media"] = {{"file", *set.media_file},
                       {"bytes", summary.media_bytes ? json(*summary.media_bytes) : json(nullptr)}};
    if (const auto& verification = summary.verification)
      item["verified"] = {{"result", verification->passed ? "Passed" : "Failed"},
                          {"time", verification->time},
                          {"by", verification->by}};
    items.push_back(std::move(item));
  }
  return {{"apiVersion", "hivekeeper.io/v1"}, {"kind", "BackupSetList"}, {"items", items}};
}

std::optional<std::string> staleness(const std::vector<SetSummary>& sets,
                                     manifest::Environment environment,
                                     const manifest::CalendarDuration& max_age,
                                     store::Clock::time_point now) {
  const std::string where = manifest::to_string(environment);
  for (const auto& summary : sets) {  // newest first
    const auto& set = summary.set;
    if (set.environment != environment || set.kind() == store::SetKind::safety) continue;
    if (summary.verification && !summary.verification->passed) continue;
    if (summary.database_bytes.value_or(0) == 0) continue;
    if (set.time > manifest::subtract(now, max_age)) return std::nullopt;
    return "the newest good " + where + " set, " + set.name + " (" + store::rfc3339(set.time) +
           "), is older than " + manifest::to_string(max_age);
  }
  return "there is no good " + where + " set at all";
}

}  // namespace hivekeeper::jobs
