// The backup directory as sets: a set is the dump, the media archive and the metadata of one
// prefix, environment and timestamp (store/naming.h), listed, verified, drilled and pruned as
// one. Sets Hivekeeper made carry metadata; files the seed's scripts made (or anyone else, under
// our names) have none and are "seed-made": listed and restorable, never pruned unless asked.
// Names that are not ours are not sets at all. Pure functions of a listing.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "manifest/manifest.h"
#include "store/naming.h"

namespace hivekeeper::store {

enum class SetKind { backup, safety, seed_made };
std::string to_string(SetKind kind);  // backup, safety, seed-made

struct BackupSet {
  std::string name;  // <prefix>_<env>[_pre-restore]_<timestamp>: the metadata's name less .json
  std::string prefix;
  manifest::Environment environment = manifest::Environment::dev;
  bool pre_restore = false;
  std::string timestamp;  // 2026-11-24_031500, UTC
  Clock::time_point time;
  std::vector<std::string> database_files;  // one, unless files were copied in by hand
  std::optional<std::string> media_file;
  std::optional<std::string> metadata_file;

  SetKind kind() const;
  // Every file of the set, metadata first: the order a prune removes them in, so that a set is
  // never left looking whole without its dump.
  std::vector<std::string> files() const;
};

// The UTC time a backup timestamp names; nullopt for an impossible date such as 2026-02-30.
std::optional<Clock::time_point> parse_backup_timestamp(std::string_view timestamp);

// The sets among NAMES, newest first (ties by name).
std::vector<BackupSet> group_backup_sets(const std::vector<std::string>& names);

// What a command picks: SELECTOR is "latest" (the newest backup set, never a safety backup),
// "all", a set's name, a timestamp, or the name of one of its files. Only sets of ENVIRONMENT
// (when given) and PREFIX (when not empty) are considered. Throws SetNotFound (invalid input)
// naming what exists when nothing matches.
std::vector<BackupSet> select_sets(const std::vector<BackupSet>& sets,
                                   std::optional<manifest::Environment> environment,
                                   const std::string& prefix, const std::string& selector);

}  // namespace hivekeeper::store
