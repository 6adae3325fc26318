// Sends the job's notifications (spec.notify) for one event, and records each delivery in the
// status (details.notifications: event, target, delivered, attempts, error). A webhook that
// cannot be reached never fails the job: it is a warning in the log and a record in the status.
// URLs and secrets are read here, when the job runs, and never logged nor recorded: a target is
// shown as http::describe_url shows it (scheme and host).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "http/http_client.h"
#include "manifest/manifest.h"
#include "manifest/notify.h"
#include "status/status.h"

namespace hivekeeper::notify {

// success or failure, for a job that ended in PHASE.
std::string event_for(status::Phase phase);

// One webhook, one event: {event, target, delivered, attempts, error?}. FIELD names the target
// in errors ("spec.notify[0]").
nlohmann::json deliver(const manifest::NotifyTarget& target, const std::string& field,
                       const std::string& event, const nlohmann::json& payload,
                       const http::RetryPlan& plan, http::Deadline deadline = std::nullopt);

// Every target of MANIFEST that wants EVENT, told about the job as STATUS has it now; the records
// are appended to the status. Returns at once when no target wants the event. DEADLINE: only for
// the failure report of a job interrupted by SIGINT/SIGTERM (http::HttpRequest::deadline).
void send_notifications(const manifest::Manifest& manifest, status::StatusReporter& status,
                        const std::string& event, const http::RetryPlan& plan = {},
                        http::Deadline deadline = std::nullopt);

}  // namespace hivekeeper::notify
