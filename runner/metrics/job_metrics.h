// What a job's outcome says as Prometheus metrics, read from its rendered status document
// (status::render: the manifest echoed with its status block) and nothing else, so that the
// status file, the metrics file and a Pushgateway always tell the same story. Pure functions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "metrics/exposition.h"

namespace hivekeeper::metrics {

// The labels of every sample. The job's name is hivekeeper_job, not job: Prometheus gives job to
// the scrape target (node, pushgateway), and a Pushgateway's grouping key sets it.
struct JobIdentity {
  std::string name;         // metadata.name
  std::string kind;         // BackupJob, RestoreJob, DrillJob, Verify, Prune
  std::string environment;  // dev, prod (verify of both: all)
};
Labels identity_labels(const JobIdentity& job);

inline constexpr const char* kLastSuccess = "hivekeeper_last_success_timestamp_seconds";

// "2026-11-30T03:15:00Z" as seconds since the epoch; nullopt when it is not such a time.
std::optional<double> epoch_seconds(const std::string& rfc3339);

// Whether DOCUMENT's status says Succeeded.
bool succeeded(const nlohmann::json& document);

// The job's metrics, with LABELS on every sample. The last success is the document's completion
// time when it succeeded; after a failure it is CARRIED_SUCCESS (the one recorded before), and
// left out when that is nullopt.
std::vector<MetricFamily> job_metrics(const nlohmann::json& document, const Labels& labels,
                                      std::optional<double> carried_success);

}  // namespace hivekeeper::metrics
