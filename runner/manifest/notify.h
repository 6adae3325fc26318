// Notifications as the manifest states them: spec.notify, a list of webhooks, each told about
// some of the job's events (start, success, failure) in a JSON or a Slack-compatible body, maybe
// signed. Plain values; the URL of a webhook is often its secret, so it may come from an
// environment variable or a file, read when the job runs (as the signing secret always is).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "manifest/secret_source.h"

namespace hivekeeper::manifest {

inline constexpr std::size_t kMaxNotifyTargets = 10;

struct NotifyTarget {
  std::string url;                            // or url_from
  std::optional<SecretSource> url_from;       // {env} or {file}: the URL itself is the secret
  std::string format = "json";                // json | slack
  std::vector<std::string> on = {"failure"};  // start, success, failure
  std::optional<SecretSource> signing_secret_from;

  bool wants(std::string_view event) const;
};

// spec.notify (an array; anything else is no notification).
std::vector<NotifyTarget> notify_from(const nlohmann::json& notify);

// What the schema cannot say; FIELD is "spec.notify".
std::vector<std::string> notify_errors(const std::vector<NotifyTarget>& targets,
                                       const std::string& field);

}  // namespace hivekeeper::manifest
