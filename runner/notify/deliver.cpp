#include "notify/deliver.h"

#include <unistd.h>

#include <array>
#include <chrono>
#include <format>

#include <spdlog/spdlog.h>

#include "common/error.h"
#include "common/secret.h"
#include "notify/payload.h"
#include "notify/signature.h"

namespace hivekeeper::notify {
namespace {

using nlohmann::json;

std::string notifying_host() {
  std::array<char, 256> host{};
  if (::gethostname(host.data(), host.size() - 1) != 0) host[0] = '\0';
  return host.data();
}

std::string webhook_url(const manifest::NotifyTarget& target, const std::string& field) {
  if (!target.url_from) return target.url;
  std::string url = read_secret(target.url_from->env, target.url_from->file, field + ".urlFrom");
  while (!url.empty() && (url.back() == '\n' || url.back() == '\r' || url.back() == ' '))
    url.pop_back();
  if (!url.starts_with("http://") && !url.starts_with("https://"))
    throw invalid_input("NotifyUrlInvalid", field + ".urlFrom: the value is not an http(s) URL");
  return url;
}

http::HttpRequest webhook_request(const manifest::NotifyTarget& target, const std::string& field,
                                  const std::string& event, const json& payload) {
  http::HttpRequest request;
  request.url = webhook_url(target, field);
  request.body = body_for(target.format, payload);
  request.headers = {"Content-Type: application/json", "User-Agent: hivekeeper/" HIVEKEEPER_VERSION,
                     "X-Hivekeeper-Event: " + event};
  if (target.signing_secret_from) {
    const std::string secret =
        read_secret(target.signing_secret_from->env, target.signing_secret_from->file,
                    field + ".signingSecretFrom");
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    for (auto& header : signature_headers(secret, now, request.body))
      request.headers.push_back(std::move(header));
  }
  return request;
}

std::string delivery_failure(const http::HttpResponse& response) {
  if (!response.error.empty()) return response.error;
  return std::format("HTTP {}", response.status);
}

void send_to_each_target(const manifest::Manifest& manifest, status::StatusReporter& status,
                         const std::string& event, const http::RetryPlan& plan,
                         http::Deadline deadline) {
  const json payload =
      payload_for(status::render(manifest.document, status.snapshot()),
                  {event, manifest::to_string(manifest.environment()), notifying_host()});
  json records = json::array();
  for (std::size_t i = 0; i < manifest.notify.size(); ++i) {
    const manifest::NotifyTarget& target = manifest.notify[i];
    if (!target.wants(event)) continue;
    json record =
        deliver(target, std::format("spec.notify[{}]", i), event, payload, plan, deadline);
    const std::string where = record["target"].get<std::string>();
    if (record["delivered"].get<bool>())
      spdlog::info("notified {} of the {} ({} tr{})", where, event, record["attempts"].get<int>(),
                   record["attempts"].get<int>() == 1 ? "y" : "ies");
    else
      spdlog::warn("could not notify {} of the {}: {} (the job's outcome stands)", where, event,
                   record.value("error", std::string()));
    records.push_back(std::move(record));
  }
  status.update([&](status::JobStatus& job) {
    if (!job.details.contains("notifications")) job.details["notifications"] = json::array();
    for (const json& record : records) job.details["notifications"].push_back(record);
  });
}

}  // namespace

std::string event_for(status::Phase phase) {
  return phase == status::Phase::Succeeded ? "success" : "failure";
}

json deliver(const manifest::NotifyTarget& target, const std::string& field,
             const std::string& event, const json& payload, const http::RetryPlan& plan,
             http::Deadline deadline) {
  json record = {
      {"event", event},
      {"target", target.url.empty() ? "(" + field + ".urlFrom)" : http::describe_url(target.url)},
      {"delivered", false},
      {"attempts", 0}};
  try {
    http::HttpRequest request = webhook_request(target, field, event, payload);
    request.deadline = deadline;
    record["target"] = http::describe_url(request.url);
    const http::Delivery delivery = http::send_with_retries(request, plan);
    record["attempts"] = delivery.attempts;
    record["delivered"] = delivery.response.ok();
    if (!delivery.response.ok()) record["error"] = delivery_failure(delivery.response);
  } catch (const std::exception& error) {
    // A missing secret or an OpenSSL failure: this webhook is not told, the job goes on.
    record["error"] = error.what();
  }
  return record;
}

void send_notifications(const manifest::Manifest& manifest, status::StatusReporter& status,
                        const std::string& event, const http::RetryPlan& plan,
                        http::Deadline deadline) {
  bool wanted = false;
  for (const auto& target : manifest.notify) wanted = wanted || target.wants(event);
  if (!wanted) return;
  try {
    send_to_each_target(manifest, status, event, plan, deadline);
  } catch (const std::exception& error) {
    // A notification never changes the job's outcome, whatever went wrong in sending it.
    spdlog::warn("could not send the {} notifications: {}", event, error.what());
  }
}

}  // namespace hivekeeper::notify
