#include "manifest/metrics_spec.h"

namespace hivekeeper::manifest {
namespace {

using nlohmann::json;

std::string gateway_text(const json& object, const char* key, std::string fallback = {}) {
  return object.contains(key) && object[key].is_string() ? object[key].get<std::string>()
                                                         : fallback;
}

}  // namespace

MetricsSpec metrics_from(const json& metrics) {
  MetricsSpec result;
  if (!metrics.is_object() || !metrics.contains("pushgateway")) return result;
  const json& gateway = metrics["pushgateway"];
  PushgatewaySpec spec;
  spec.url = gateway_text(gateway, "url");
  while (spec.url.ends_with('/')) spec.url.pop_back();
  spec.url_from = secret_source_at(gateway, "urlFrom");
  spec.job = gateway_text(gateway, "job", spec.job);
  spec.ca_file = gateway_text(gateway, "caFile");
  result.pushgateway = spec;
  return result;
}

std::vector<std::string> metrics_errors(const MetricsSpec& metrics, const std::string& field) {
  std::vector<std::string> errors;
  if (!metrics.pushgateway) return errors;
  const PushgatewaySpec& gateway = *metrics.pushgateway;
  const std::string at = field + ".pushgateway";
  if (gateway.url.empty() == !gateway.url_from.has_value())
    errors.push_back(at + ": give url or urlFrom, exactly one");
  check_secret_source(gateway.url_from, at + ".urlFrom", errors);
  if (!gateway.url.empty() && !gateway.url.starts_with("http://") &&
      !gateway.url.starts_with("https://"))
    errors.push_back(at + ".url: must start with http:// or https://");
  if (gateway.job.empty()) errors.push_back(at + ".job: must not be empty");
  return errors;
}

}  // namespace hivekeeper::manifest
