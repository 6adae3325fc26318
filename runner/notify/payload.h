// What a webhook is told: pure functions from the job's rendered status document (status::render)
// and the event to the bodies sent. The JSON payload is versioned (apiVersion, kind, version) so
// a receiver can tell what it reads; the Slack body is one line of plain text, which Slack's
// incoming webhooks (and Mattermost's, Rocket.Chat's, Discord's /slack endpoint) all show.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace hivekeeper::notify {

inline constexpr int kPayloadVersion = 1;
inline constexpr const char* kPayloadKind = "JobNotification";

struct EventContext {
  std::string event;        // start, success, failure
  std::string environment;  // dev, prod
  std::string host;         // where the job ran; "" = unknown
};

// {apiVersion, kind, version, event, job{name, kind, environment}, phase, reason, message, hint,
// startTime, completionTime, durationSeconds, artifacts[{kind, path, bytes}], pruned, host}:
// fields the status does not have yet (a start has no completion) are left out.
nlohmann::json payload_for(const nlohmann::json& status_document, const EventContext& context);

// "BackupJob nightly-prod (prod) failed: DatabaseContainerNotRunning: ... Hint: ..." — one line,
// no emoji, at most kSlackTextLimit characters.
inline constexpr std::size_t kSlackTextLimit = 3000;
std::string slack_text(const nlohmann::json& payload);
nlohmann::json slack_body(const nlohmann::json& payload);

// The body for FORMAT (json or slack), as sent.
std::string body_for(const std::string& format, const nlohmann::json& payload);

// Whole seconds from START to END, both RFC 3339 UTC ("2026-11-30T03:15:00Z"); nullopt when
// either is missing or malformed.
std::optional<long long> seconds_between(const std::string& start, const std::string& end);

}  // namespace hivekeeper::notify
