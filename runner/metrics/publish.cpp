#include "metrics/publish.h"

#include <fstream>
#include <sstream>
#include <system_error>

#include <spdlog/spdlog.h>

#include "archive/atomic_file.h"
#include "common/error.h"
#include "common/secret.h"
#include "http/http_client.h"
#include "metrics/pushgateway.h"

namespace hivekeeper::metrics {
namespace {

using nlohmann::json;

// Metrics hold no secret, and the collector reads them as another user.
constexpr unsigned kFileMode = 0644;
constexpr unsigned kFolderMode = 0755;

std::string read_previous(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  if (in) text << in.rdbuf();
  return text.str();
}

json write_textfile(const json& document, const JobIdentity& job, const std::string& file) {
  const std::filesystem::path path(file);
  try {
    if (path.has_parent_path())
      if (const auto error = archive::create_directories(path.parent_path(), kFolderMode))
        throw std::system_error(error, "cannot create " + path.parent_path().string());
    archive::write_file_atomically(path, textfile_text(document, job, read_previous(path)),
                                   kFileMode);
    return {{"path", file}, {"written", true}};
  } catch (const std::exception& error) {
    spdlog::warn("cannot write the metrics file {}: {}", file, error.what());
    return {{"path", file}, {"written", false}, {"error", error.what()}};
  }
}

json push(const json& document, const JobIdentity& job, const manifest::PushgatewaySpec& gateway,
          http::Deadline deadline) {
  json record = {{"url", "(from urlFrom)"}, {"pushed", false}};
  try {
    std::string url = gateway.url;
    if (url.empty())
      url = read_secret(gateway.url_from->env, gateway.url_from->file,
                        "spec.metrics.pushgateway.urlFrom");
    while (url.ends_with('/')) url.pop_back();
    record["url"] = http::describe_url(url);
    const Push planned = push_for(document, job, gateway.job);
    record["method"] = planned.method;
    http::HttpRequest request;
    request.method = planned.method;
    request.url = url + planned.path;
    request.headers = {"Content-Type: text/plain; version=0.0.4"};
    request.body = planned.body;
    request.ca_file = gateway.ca_file;
    request.deadline = deadline;
    const http::Delivery delivery = http::send_with_retries(request, {deadline ? 1 : 3});
    record["attempts"] = delivery.attempts;
    if (delivery.response.status != 0) record["httpStatus"] = delivery.response.status;
    if (delivery.response.ok()) {
      record["pushed"] = true;
      spdlog::info("metrics pushed to the Pushgateway {}", http::describe_url(url));
      return record;
    }
    const std::string why = !delivery.response.error.empty()
                                ? delivery.response.error
                                : "HTTP " + std::to_string(delivery.response.status) + ": " +
                                      delivery.response.body.substr(0, 200);
    record["error"] = why;
    spdlog::warn("could not push the metrics to the Pushgateway {} (the job's outcome stands): {}",
                 http::describe_url(url), why);
  } catch (const std::exception& error) {
    record["error"] = error.what();
    spdlog::warn("could not push the metrics to the Pushgateway (the job's outcome stands): {}",
                 error.what());
  }
  return record;
}

}  // namespace

json publish(const json& document, const JobIdentity& job, const std::string& file,
             const std::optional<manifest::PushgatewaySpec>& pushgateway, http::Deadline deadline) {
  json record;
  if (!file.empty()) record["file"] = write_textfile(document, job, file);
  if (pushgateway) record["pushgateway"] = push(document, job, *pushgateway, deadline);
  return record;
}

void publish_job_metrics(const manifest::Manifest& manifest, const std::string& file,
                         status::StatusReporter& status, http::Deadline deadline) {
  if (file.empty() && !manifest.metrics.pushgateway) return;
  const JobIdentity job{manifest.name, manifest.kind, manifest::to_string(manifest.environment())};
  const json record = publish(status::render(manifest.document, status.snapshot()), job, file,
                              manifest.metrics.pushgateway, deadline);
  status.update([&](status::JobStatus& state) { state.details["metrics"] = record; });
}

}  // namespace hivekeeper::metrics
