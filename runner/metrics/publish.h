// The job's metrics delivered, once it has ended: written to the textfile (--metrics-file, for the
// node-exporter textfile collector) and pushed to the Pushgateway of spec.metrics.pushgateway.
// Neither ever fails the job: a failure is logged and recorded in the status.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "http/http_client.h"
#include "manifest/manifest.h"
#include "metrics/job_metrics.h"
#include "status/status.h"

namespace hivekeeper::metrics {

// Writes FILE ("" = none) atomically, readable by all (the collector runs as another user), and
// pushes to PUSHGATEWAY. Never throws. Returns what to record in the status, e.g. {"file": ...,
// "pushgateway": {"url", "method", "pushed", "error"}}; null when there was nothing to do.
// DEADLINE: only for the last push of a job interrupted by SIGINT/SIGTERM, one try that ends by
// then (http::HttpRequest::deadline).
nlohmann::json publish(const nlohmann::json& document, const JobIdentity& job,
                       const std::string& file,
                       const std::optional<manifest::PushgatewaySpec>& pushgateway,
                       http::Deadline deadline = std::nullopt);

// A job's: its rendered status published, and the outcome recorded in it (details.metrics).
void publish_job_metrics(const manifest::Manifest& manifest, const std::string& file,
                         status::StatusReporter& status, http::Deadline deadline = std::nullopt);

}  // namespace hivekeeper::metrics
