#include "notify/payload.h"

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <format>

namespace hivekeeper::notify {
namespace {

using nlohmann::json;

std::string payload_text(const json& object, const char* key) {
  if (!object.is_object() || !object.contains(key) || !object[key].is_string()) return {};
  return object[key].get<std::string>();
}

// The outcome's reason: the Failed or Complete condition's, else the Running one's (a start).
std::string outcome_reason(const json& status) {
  std::string running;
  if (!status.contains("conditions") || !status["conditions"].is_array()) return {};
  for (const json& condition : status["conditions"]) {
    const std::string type = payload_text(condition, "type");
    if ((type == "Failed" || type == "Complete") && payload_text(condition, "status") == "True")
      return payload_text(condition, "reason");
    if (type == "Running") running = payload_text(condition, "reason");
  }
  return running;
}

std::optional<std::chrono::sys_seconds> parse_rfc3339_utc(const std::string& text) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  char zone = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &year, &month, &day, &hour, &minute,
                  &second, &zone) != 7 ||
      zone != 'Z')
    return std::nullopt;
  const std::chrono::year_month_day date{std::chrono::year(year),
                                         std::chrono::month(static_cast<unsigned>(month)),
                                         std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok()) return std::nullopt;
  return std::chrono::sys_days(date) + std::chrono::hours(hour) + std::chrono::minutes(minute) +
         std::chrono::seconds(second);
}

json payload_artifacts(const json& status) {
  json artifacts = json::array();
  if (!status.contains("artifacts") || !status["artifacts"].is_array()) return artifacts;
  for (const json& artifact : status["artifacts"]) {
    json entry = {{"path", payload_text(artifact, "path")},
                  {"bytes", artifact.value("bytes", std::uint64_t{0})}};
    if (!payload_text(artifact, "kind").empty()) entry["kind"] = payload_text(artifact, "kind");
    artifacts.push_back(std::move(entry));
  }
  return artifacts;
}

void copy_status_field(const json& from, json& to, const char* key) {
  if (from.contains(key)) to[key] = from[key];
}

std::string event_past_tense(const std::string& event) {
  if (event == "start") return "started";
  if (event == "success") return "succeeded";
  if (event == "failure") return "failed";
  return event;
}

}  // namespace

std::optional<long long> seconds_between(const std::string& start, const std::string& end) {
  const auto from = parse_rfc3339_utc(start);
  const auto to = parse_rfc3339_utc(end);
  if (!from || !to) return std::nullopt;
  return (*to - *from).count();
}

json payload_for(const json& status_document, const EventContext& context) {
  const json empty = json::object();
  const json& status = status_document.contains("status") ? status_document["status"] : empty;
  const json& metadata = status_document.contains("metadata") ? status_document["metadata"] : empty;
  json payload = {{"apiVersion", "hivekeeper.io/v1"},
                  {"kind", kPayloadKind},
                  {"version", kPayloadVersion},
                  {"event", context.event},
                  {"job",
                   {{"name", payload_text(metadata, "name")},
                    {"kind", payload_text(status_document, "kind")},
                    {"environment", context.environment}}},
                  {"phase", payload_text(status, "phase")},
                  {"reason", outcome_reason(status)}};
  for (const char* key : {"message", "hint", "startTime", "completionTime"})
    if (!payload_text(status, key).empty()) payload[key] = payload_text(status, key);
  if (const auto seconds = seconds_between(payload_text(status, "startTime"),
                                           payload_text(status, "completionTime")))
    payload["durationSeconds"] = *seconds;
  payload["artifacts"] = payload_artifacts(status);
  for (const char* key : {"pruned", "abortedUploads", "passed", "problems", "set"})
    copy_status_field(status, payload, key);
  if (!context.host.empty()) payload["host"] = context.host;
  return payload;
}

std::string slack_text(const json& payload) {
  const json job = payload.value("job", json::object());
  const json artifacts = payload.value("artifacts", json::array());
  std::string line = std::format("{} {} ({}) {}", payload_text(job, "kind"),
                                 payload_text(job, "name"), payload_text(job, "environment"),
                                 event_past_tense(payload_text(payload, "event")));
  if (!payload_text(payload, "host").empty()) line += " on " + payload_text(payload, "host");
  if (payload.contains("durationSeconds"))
    line += std::format(" after {} s", payload["durationSeconds"].get<long long>());
  if (payload_text(payload, "event") == "success") {
    std::uint64_t bytes = 0;
    for (const json& artifact : artifacts) bytes += artifact.value("bytes", std::uint64_t{0});
    const std::size_t count = artifacts.size();
    line += std::format(": {} artifact{}, {} bytes", count, count == 1 ? "" : "s", bytes);
    if (payload.contains("pruned") && payload["pruned"].is_array() && !payload["pruned"].empty())
      line += std::format(", {} pruned", payload["pruned"].size());
  } else if (payload_text(payload, "event") == "failure") {
    line += ": " + payload_text(payload, "reason");
    if (!payload_text(payload, "message").empty()) line += ": " + payload_text(payload, "message");
    if (!payload_text(payload, "hint").empty()) line += " Hint: " + payload_text(payload, "hint");
  }
  for (char& c : line)
    if (c == '\n' || c == '\r') c = ' ';
  if (line.size() > kSlackTextLimit) line = line.substr(0, kSlackTextLimit - 3) + "...";
  return line;
}

json slack_body(const json& payload) {
  return {{"text", slack_text(payload)}};
}

std::string body_for(const std::string& format, const json& payload) {
  const json body = format == "slack" ? slack_body(payload) : payload;
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace hivekeeper::notify
