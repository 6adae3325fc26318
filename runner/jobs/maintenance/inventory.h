// What `hivekeeper list` shows and `--max-age` judges: each set with its files' sizes and its
// last verification, read from the store; the judging and the JSON are pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "manifest/duration.h"
#include "store/backup_sets.h"
#include "store/backup_store.h"
#include "store/verification.h"

namespace hivekeeper::jobs {

struct SetSummary {
  store::BackupSet set;
  std::optional<std::uint64_t> database_bytes;  // the dumps' total; nullopt when none exists
  std::optional<std::uint64_t> media_bytes;
  std::optional<store::Verification> verification;
};

// The sets of ENVIRONMENT (all when nullopt) and PREFIX (all when ""), newest first.
std::vector<SetSummary> take_inventory(const store::BackupStore& store,
                                       std::optional<manifest::Environment> environment,
                                       const std::string& prefix);

// {"apiVersion","kind":"BackupSetList","items":[...]}, ages counted from NOW.
nlohmann::json inventory_json(const std::vector<SetSummary>& sets, store::Clock::time_point now);

// For health checks: why ENVIRONMENT's newest good set (a backup or seed-made set that no
// verification failed) is older than MAX_AGE at NOW, or that there is none; nullopt when fresh.
std::optional<std::string> staleness(const std::vector<SetSummary>& sets,
                                     manifest::Environment environment,
                                     const manifest::CalendarDuration& max_age,
                                     store::Clock::time_point now);

}  // namespace hivekeeper::jobs
