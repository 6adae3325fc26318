// What `verify` and `drill` found out about a set, kept next to it as verified/<set>.json so that
// `list` shows it and `prune` never deletes the newest set known to be good. A record is read as
// hostile input: one that does not parse is treated as absent.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "store/backup_store.h"

namespace hivekeeper::store {

struct Verification {
  std::string set;
  bool passed = false;
  std::string time;  // RFC 3339
  std::string by;    // verify, drill
  std::vector<std::string> problems;
  nlohmann::json details = nlohmann::json::object();  // a drill's measurements
};

// verified/<set>.json, relative to the backup directory.
std::string verification_record_name(const std::string& set);

nlohmann::json to_json(const Verification& verification);
std::optional<Verification> parse_verification(std::string_view text);

// The record of SET in STORE; nullopt when there is none or it does not parse.
std::optional<Verification> read_verification(const BackupStore& store, const std::string& set);

// Records VERIFICATION in STORE, replacing an earlier record of the same set.
void record_verification(BackupStore& store, const Verification& verification);

}  // namespace hivekeeper::store
