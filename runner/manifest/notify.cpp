#include "manifest/notify.h"

#include <algorithm>

namespace hivekeeper::manifest {
namespace {

using nlohmann::json;

}  // namespace

bool NotifyTarget::wants(std::string_view event) const {
  return std::find(on.begin(), on.end(), event) != on.end();
}

std::vector<NotifyTarget> notify_from(const json& notify) {
  std::vector<NotifyTarget> targets;
  if (!notify.is_array()) return targets;
  for (const json& entry : notify) {
    if (!entry.is_object()) continue;
    NotifyTarget target;
    target.url = entry.value("url", std::string());
    target.url_from = secret_source_at(entry, "urlFrom");
    target.format = entry.value("format", target.format);
    target.on = entry.value("on", target.on);
    target.signing_secret_from = secret_source_at(entry, "signingSecretFrom");
    targets.push_back(std::move(target));
  }
  return targets;
}

std::vector<std::string> notify_errors(const std::vector<NotifyTarget>& targets,
                                       const std::string& field) {
  std::vector<std::string> errors;
  if (targets.size() > kMaxNotifyTargets)
    errors.push_back(field + ": at most " + std::to_string(kMaxNotifyTargets) + " webhooks, got " +
                     std::to_string(targets.size()));
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const NotifyTarget& target = targets[i];
    const std::string at = field + "[" + std::to_string(i) + "]";
    if (target.url.empty() == !target.url_from.has_value())
      errors.push_back(at + ": give url or urlFrom, exactly one");
    check_secret_source(target.url_from, at + ".urlFrom", errors);
    check_secret_source(target.signing_secret_from, at + ".signingSecretFrom", errors);
    if (target.on.empty())
      errors.push_back(at + ".on: name at least one event (start, success, failure)");
  }
  return errors;
}

}  // namespace hivekeeper::manifest
