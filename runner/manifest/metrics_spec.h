// Metrics as the manifest states them: spec.metrics.pushgateway, where a job pushes its metrics
// once it ends (a Prometheus Pushgateway). Plain values; the URL may come from an environment
// variable or a file (it can hold credentials), read when the job runs.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "manifest/secret_source.h"

namespace hivekeeper::manifest {

struct PushgatewaySpec {
  std::string url;                       // or url_from: http(s)://host:9091
  std::optional<SecretSource> url_from;  // {env} or {file}
  std::string job = "hivekeeper";        // the grouping key's job label
  std::string ca_file;                   // "" = the system's authorities
};

struct MetricsSpec {
  std::optional<PushgatewaySpec> pushgateway;
};

// spec.metrics (an object; anything else is no metrics).
MetricsSpec metrics_from(const nlohmann::json& metrics);

// What the schema cannot say; FIELD is "spec.metrics".
std::vector<std::string> metrics_errors(const MetricsSpec& metrics, const std::string& field);

}  // namespace hivekeeper::manifest
