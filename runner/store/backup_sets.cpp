#include "store/backup_sets.h"

#include <algorithm>
#include <charconv>
#include <map>

#include "common/error.h"

namespace hivekeeper::store {

std::string to_string(SetKind kind) {
  switch (kind) {
    case SetKind::backup:
      return "backup";
    case SetKind::safety:
      return "safety";
    case SetKind::seed_made:
      return "seed-made";
  }
  return "backup";
}

SetKind BackupSet::kind() const {
  if (!metadata_file) return SetKind::seed_made;
  return pre_restore ? SetKind::safety : SetKind::backup;
}

std::vector<std::string> BackupSet::files() const {
  std::vector<std::string> files;
  if (metadata_file) files.push_back(*metadata_file);
  files.insert(files.end(), database_files.begin(), database_files.end());
  if (media_file) files.push_back(*media_file);
  return files;
}

std::optional<Clock::time_point> parse_backup_timestamp(std::string_view timestamp) {
  // YYYY-MM-DD_HHMMSS; the name's pattern already checked the digits and separators.
  if (timestamp.size() != 17) return std::nullopt;
  const auto number = [&](std::size_t at, std::size_t length) {
    int value = -1;
    std::from_chars(timestamp.data() + at, timestamp.data() + at + length, value);
    return value;
  };
  using namespace std::chrono;
  const year_month_day day{year{number(0, 4)}, month(static_cast<unsigned>(number(5, 2))),
                           std::chrono::day(static_cast<unsigned>(number(8, 2)))};
  const int hour = number(11, 2), minute = number(13, 2), second = number(15, 2);
  if (!day.ok() || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59)
    return std::nullopt;
  return sys_days(day) + hours(hour) + minutes(minute) + seconds(second);
}

std::vector<BackupSet> group_backup_sets(const std::vector<std::string>& names) {
  std::map<std::string, BackupSet> sets;
  for (const auto& name : names) {
    const auto parsed = parse_backup_file_name(name);
    if (!parsed) continue;
    const auto time = parse_backup_timestamp(parsed->timestamp);
    if (!time) continue;
    const std::string metadata = metadata_file_name(*parsed);
    BackupSet& set = sets[metadata];
    set.name = metadata.substr(0, metadata.size() - std::string_view(".json").size());
    set.prefix = parsed->prefix;
    set.environment = parsed->environment;
    set.pre_restore = parsed->pre_restore;
    set.timestamp = parsed->timestamp;
    set.time = *time;
    switch (parsed->kind) {
      case ArtifactKind::database:
        set.database_files.push_back(name);
        break;
      case ArtifactKind::media:
        set.media_file = name;
        break;
      case ArtifactKind::metadata:
        set.metadata_file = name;
        break;
    }
  }
  std::vector<BackupSet> result;
  for (auto& [_, set] : sets) {
    std::sort(set.database_files.begin(), set.database_files.end());
    result.push_back(std::move(set));
  }
  std::sort(result.begin(), result.end(), [](const BackupSet& a, const BackupSet& b) {
    return a.time != b.time ? a.time > b.time : a.name < b.name;
  });
  return result;
}

std::vector<BackupSet> select_sets(const std::vector<BackupSet>& sets,
                                   std::optional<manifest::Environment> environment,
                                   const std::string& prefix, const std::string& selector) {
  std::vector<BackupSet> candidates;
  for (const auto& set : sets)
    if ((!environment || set.environment == *environment) &&
        (prefix.empty() || set.prefix == prefix))
      candidates.push_back(set);
  std::vector<BackupSet> chosen;
  if (selector == "all") return candidates;
  if (selector == "latest") {
    // Newest first: the first backup of each prefix and environment.
    for (const auto& set : candidates) {
      if (set.pre_restore) continue;
      const bool seen = std::any_of(chosen.begin(), chosen.end(), [&](const BackupSet& other) {
        return other.prefix == set.prefix && other.environment == set.environment;
      });
      if (!seen) chosen.push_back(set);
    }
  } else {
    for (const auto& set : candidates) {
      const auto files = set.files();
      if (set.name == selector || set.timestamp == selector ||
          std::find(files.begin(), files.end(), selector) != files.end())
        chosen.push_back(set);
    }
  }
  if (chosen.empty()) {
    std::string where = environment ? manifest::to_string(*environment) + " " : "";
    if (!prefix.empty()) where += "(prefix " + prefix + ") ";
    throw invalid_input("SetNotFound",
                        "no " + where + "backup set matches " + selector + " (" +
                            std::to_string(candidates.size()) + " " + where + "sets exist)",
                        "`hivekeeper list` shows the sets; name one by its NAME or timestamp");
  }
  return chosen;
}

}  // namespace hivekeeper::store
