#include "metrics/job_metrics.h"

#include <chrono>
#include <cstdio>
#include <map>

namespace hivekeeper::metrics {
namespace {

using nlohmann::json;

const json& field(const json& object, const char* key) {
  static const json null;
  return object.is_object() && object.contains(key) ? object[key] : null;
}

std::optional<double> number_at(const json& object, const char* key) {
  const json& value = field(object, key);
  if (value.is_number()) return value.get<double>();
  return std::nullopt;
}

// The reason of the Complete or Failed condition: why the job ended as it did.
std::string reason_of(const json& status) {
  std::string reason;
  for (const auto& condition : field(status, "conditions")) {
    const std::string type = condition.value("type", "");
    if ((type == "Complete" || type == "Failed") && condition.value("status", "") == "True")
      reason = condition.value("reason", "");
  }
  return reason;
}

MetricFamily family(const char* name, const char* help, const Labels& labels,
                    std::optional<double> value) {
  MetricFamily result{name, help, "gauge", {}};
  if (value) result.samples.push_back({labels, *value});
  return result;
}

MetricFamily artifact_bytes(const json& status, const Labels& labels) {
  std::map<std::string, double> bytes;  // by kind, in a stable order
  for (const auto& artifact : field(status, "artifacts"))
    bytes[artifact.value("kind", "unknown")] += artifact.value("bytes", 0.0);
  MetricFamily result{"hivekeeper_artifact_bytes",
                      "Size of each artifact the job wrote or read, by kind (database, media, "
                      "metadata; safety-* for a restore's safety backup).",
                      "gauge",
                      {}};
  for (const auto& [kind, total] : bytes) {
    Labels with_kind = labels;
    with_kind.emplace_back("artifact", kind);
    result.samples.push_back({with_kind, total});
  }
  return result;
}

// A backup's rows (database.rows); a restore's or drill's (database.rowCounts.rows).
std::optional<double> database_rows(const json& status) {
  const json& database = field(status, "database");
  if (const auto rows = number_at(database, "rows")) return rows;
  return number_at(field(database, "rowCounts"), "rows");
}

std::optional<double> sets_pruned(const json& status, const std::string& kind, bool ok) {
  const json& pruned = field(status, "pruned");
  if (pruned.is_array()) return static_cast<double>(pruned.size());
  if (kind == "Prune" && ok) return 0.0;
  return std::nullopt;
}

// The runner's own measure (a steady clock, to the millisecond) when the status has it; else a
// drill's; else the whole seconds between the status's times.
std::optional<double> duration_of(const json& status) {
  if (const auto measured = number_at(status, "durationSeconds")) return measured;
  if (const auto total = number_at(field(status, "timings"), "totalSeconds")) return total;
  const auto start = epoch_seconds(
      field(status, "startTime").is_string() ? status["startTime"].get<std::string>() : "");
  const auto end = epoch_seconds(field(status, "completionTime").is_string()
                                     ? status["completionTime"].get<std::string>()
                                     : "");
  if (start && end) return *end - *start;
  return std::nullopt;
}

std::optional<double> flag(bool applies, bool value) {
  if (!applies) return std::nullopt;
  return value ? 1.0 : 0.0;
}

}  // namespace

Labels identity_labels(const JobIdentity& job) {
  return {{"hivekeeper_job", job.name}, {"kind", job.kind}, {"environment", job.environment}};
}

std::optional<double> epoch_seconds(const std::string& rfc3339) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, consumed = 0;
  if (std::sscanf(rfc3339.c_str(), "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &year, &month, &day, &hour,
                  &minute, &second, &consumed) != 6 ||
      consumed != static_cast<int>(rfc3339.size()))
    return std::nullopt;
  const std::chrono::year_month_day date{std::chrono::year(year),
                                         std::chrono::month(static_cast<unsigned>(month)),
                                         std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok() || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  const auto when = std::chrono::sys_days(date) + std::chrono::hours(hour) +
                    std::chrono::minutes(minute) + std::chrono::seconds(second);
  return static_cast<double>(when.time_since_epoch().count());
}

bool succeeded(const json& document) {
  return field(field(document, "status"), "phase") == "Succeeded";
}

std::vector<MetricFamily> job_metrics(const json& document, const Labels& labels,
                                      std::optional<double> carried_success) {
  const json& status = field(document, "status");
  const std::string kind = document.value("kind", "");
  const bool ok = succeeded(document);
  const auto time_at = [&](const char* key) {
    const json& value = field(status, key);
    return value.is_string() ? epoch_seconds(value.get<std::string>()) : std::optional<double>();
  };
  Labels with_reason = labels;
  with_reason.emplace_back("reason", reason_of(status));
  const json& passed = field(status, "passed");
  return {
      family("hivekeeper_last_attempt_timestamp_seconds", "When the job last started (Unix time).",
             labels, time_at("startTime")),
      family(kLastSuccess, "When the job last ended successfully (Unix time; 0: never seen).",
             labels, ok ? time_at("completionTime") : carried_success),
      family("hivekeeper_last_result",
             "1 when the job's last run succeeded, 0 when it failed; reason says why.", with_reason,
             ok ? 1.0 : 0.0),
      family("hivekeeper_duration_seconds", "How long the job's last run took.", labels,
             duration_of(status)),
      artifact_bytes(status, labels),
      family("hivekeeper_database_rows", "Rows in the database the job dumped or loaded.", labels,
             database_rows(status)),
      family("hivekeeper_verify_passed", "1 when every set verify checked passed, else 0.", labels,
             flag(kind == "Verify", ok)),
      family("hivekeeper_drill_passed", "1 when the restore drill passed, else 0.", labels,
             flag(kind == "DrillJob", ok && passed != false)),
      family("hivekeeper_drill_restore_seconds",
             "How long a real restore of the drilled set would take, as the drill measured it.",
             labels, number_at(field(status, "timings"), "restoreSeconds")),
      family("hivekeeper_sets_pruned", "Backup sets the run deleted by the retention rules.",
             labels, sets_pruned(status, kind, ok)),
      family("hivekeeper_peak_memory_bytes", "The runner's peak resident memory in the run.",
             labels, number_at(status, "peakMemoryBytes")),
  };
}

}  // namespace hivekeeper::metrics
