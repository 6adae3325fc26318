// A retention policy (BackupJob spec.retention, or `hivekeeper prune`'s flags): which sets of one
// prefix and environment to keep, with restic's forget rules. Counts of -1 mean "every period".
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "manifest/duration.h"

namespace hivekeeper::manifest {

struct RetentionPolicy {
  int keep_last = 0;
  int keep_hourly = 0;
  int keep_daily = 0;
  int keep_weekly = 0;
  int keep_monthly = 0;
  int keep_yearly = 0;
  std::optional<CalendarDuration> keep_within;
  int keep_safety = 3;  // the newest safety backups kept; a series of their own
  std::string timezone = "UTC";
  bool include_seed_made = false;  // seed-made sets follow the rules too, instead of being kept

  // No rule keeps any backup: refused, since it would delete every set but the protected ones.
  bool keeps_nothing() const;
};

// From spec.retention (already checked against the schema).
RetentionPolicy retention_from(const nlohmann::json& retention);

// What the schema cannot say: an unknown time zone, a malformed keepWithin. FIELD prefixes each
// message ("spec.retention" or "--keep-within").
std::vector<std::string> retention_errors(const nlohmann::json& retention,
                                          const std::string& field);

// The policy as JSON, for status files and --dry-run output.
nlohmann::json to_json(const RetentionPolicy& policy);

}  // namespace hivekeeper::manifest
