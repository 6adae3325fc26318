#include "manifest/retention.h"

#include <chrono>

namespace hivekeeper::manifest {

using nlohmann::json;

namespace {

struct CountField {
  const char* name;
  int RetentionPolicy::* member;
};

constexpr CountField kCountFields[] = {
    {"keepLast", &RetentionPolicy::keep_last},       {"keepHourly", &RetentionPolicy::keep_hourly},
    {"keepDaily", &RetentionPolicy::keep_daily},     {"keepWeekly", &RetentionPolicy::keep_weekly},
    {"keepMonthly", &RetentionPolicy::keep_monthly}, {"keepYearly", &RetentionPolicy::keep_yearly},
    {"keepSafety", &RetentionPolicy::keep_safety},
};

}  // namespace

bool RetentionPolicy::keeps_nothing() const {
  return keep_last == 0 && keep_hourly == 0 && keep_daily == 0 && keep_weekly == 0 &&
         keep_monthly == 0 && keep_yearly == 0 && (!keep_within || keep_within->zero());
}

RetentionPolicy retention_from(const json& retention) {
  RetentionPolicy policy;
  for (const auto& field : kCountFields)
    policy.*field.member = retention.value(field.name, policy.*field.member);
  if (retention.contains("keepWithin") && retention["keepWithin"].is_string())
    policy.keep_within = parse_duration(retention["keepWithin"].get<std::string>());
  policy.timezone = retention.value("timezone", policy.timezone);
  policy.include_seed_made = retention.value("includeSeedMade", false);
  return policy;
}

std::vector<std::string> retention_errors(const json& retention, const std::string& field) {
  std::vector<std::string> errors;
  if (retention.contains("keepWithin") &&
      !(retention["keepWithin"].is_string() &&
        parse_duration(retention["keepWithin"].get<std::string>())))
    errors.push_back(field + ".keepWithin: " + retention["keepWithin"].dump() +
                     " is not a duration such as 30d, 2w, 1y6m or 36h (units y, m, w, d, h)");
  if (retention.contains("timezone") && retention["timezone"].is_string()) {
    const std::string zone = retention["timezone"].get<std::string>();
    try {
      (void)std::chrono::locate_zone(zone);
    } catch (const std::runtime_error&) {
      errors.push_back(field + ".timezone: " + zone +
                       " is not a time zone this runner knows (an IANA name such as UTC or "
                       "Europe/Berlin)");
    }
  }
  const RetentionPolicy policy = retention_from(retention);
  if (errors.empty() && policy.keeps_nothing())
    errors.push_back(field +
                     ": no rule keeps any backup (keepLast, keepHourly, keepDaily, keepWeekly, "
                     "keepMonthly, keepYearly or keepWithin); an empty policy would delete every "
                     "set, so it is refused");
  return errors;
}

json to_json(const RetentionPolicy& policy) {
  json document = json::object();
  for (const auto& field : kCountFields)
    if (policy.*field.member != 0) document[field.name] = policy.*field.member;
  if (policy.keep_within) document["keepWithin"] = to_string(*policy.keep_within);
  document["timezone"] = policy.timezone;
  document["includeSeedMade"] = policy.include_seed_made;
  return document;
}

}  // namespace hivekeeper::manifest
