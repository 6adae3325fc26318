// Which sets a retention policy keeps: restic's forget rules (internal/restic/snapshot_policy.go)
// on each series of sets, a series being one prefix and environment, with restores' safety
// backups a series of their own (kept by keepSafety alone). Pure: the caller lists the sets and
// knows which one it just made and which passed verification.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "manifest/retention.h"
#include "store/backup_sets.h"

namespace hivekeeper::jobs {

struct RetentionFacts {
  std::string just_made;                  // a set's name, or "": never deleted
  std::set<std::string> passed_verified;  // sets whose last verify or drill passed
  store::Clock::time_point now;           // sets dated after it do not count as the newest
};

struct RetentionDecision {
  store::BackupSet set;
  bool keep = true;
  std::vector<std::string> reasons;  // "last", "daily 2026-11-24", "newest verified", ...
};

// One decision per set in SETS, in the same order (newest first).
std::vector<RetentionDecision> plan_retention(const std::vector<store::BackupSet>& sets,
                                              const manifest::RetentionPolicy& policy,
                                              const RetentionFacts& facts);

}  // namespace hivekeeper::jobs
