#include "store/naming.h"

#include <format>
#include <regex>

#include "common/error.h"

namespace hivekeeper::store {

std::string backup_timestamp(Clock::time_point when) {
  return std::format("{:%Y-%m-%d_%H%M%S}", std::chrono::floor<std::chrono::seconds>(when));
}

std::string rfc3339(Clock::time_point when) {
  return std::format("{:%Y-%m-%dT%H:%M:%SZ}", std::chrono::floor<std::chrono::seconds>(when));
}

BackupFileNames backup_file_names(const std::string& prefix, manifest::Environment environment,
                                  const std::string& database, const std::string& timestamp,
                                  bool pre_restore, archive::Compression database_format,
                                  archive::Compression media_format) {
  const std::string stem =
      prefix + "_" + manifest::to_string(environment) + (pre_restore ? "_pre-restore" : "");
  return {stem + "_db_" + database + "_" + timestamp +
              std::string(archive::database_extension(database_format)),
          stem + "_media_" + timestamp + std::string(archive::media_extension(media_format)),
          stem + "_" + timestamp + ".json"};
}

std::optional<BackupFileName> parse_backup_file_name(std::string_view name) {
  // The prefix is the shortest match, so a database or prefix containing _dev_ still parses.
  static const std::regex database(
      R"(^([A-Za-z0-9][A-Za-z0-9._-]*?)_(dev|prod)(_pre-restore)?_db_(.+)_(\d{4}-\d{2}-\d{2}_\d{6})\.sql\.(?:gz|zst)(\.age)?$)");
  static const std::regex media(
      R"(^([A-Za-z0-9][A-Za-z0-9._-]*?)_(dev|prod)(_pre-restore)?_media_(\d{4}-\d{2}-\d{2}_\d{6})\.(?:tgz|tar\.zst)(\.age)?$)");
  static const std::regex metadata(
      R"(^([A-Za-z0-9][A-Za-z0-9._-]*?)_(dev|prod)(_pre-restore)?_(\d{4}-\d{2}-\d{2}_\d{6})\.json$)");
  const std::string text(name);
  std::smatch match;
  BackupFileName parsed;
  if (std::regex_match(text, match, database)) {
    parsed.kind = ArtifactKind::database;
    parsed.database = match[4];
    parsed.timestamp = match[5];
    parsed.encrypted = match[6].matched;
  } else if (std::regex_match(text, match, media)) {
    parsed.kind = ArtifactKind::media;
    parsed.timestamp = match[4];
    parsed.encrypted = match[5].matched;
  } else if (std::regex_match(text, match, metadata)) {
    parsed.kind = ArtifactKind::metadata;
    parsed.timestamp = match[4];
  } else {
    return std::nullopt;
  }
  parsed.prefix = match[1];
  parsed.environment = *manifest::parse_environment(match[2].str());
  parsed.pre_restore = match[3].matched;
  return parsed;
}

std::string choose_prefix(const std::string& requested, const std::string& project,
                          const std::string& field) {
  if (!requested.empty()) return requested;
  if (!project.empty()) return project;
  throw invalid_input(
      "PrefixUnknown",
      "no file name prefix: " + field + " is not set and there is no Compose project to default to",
      "set " + field + " (or --prefix), e.g. beelab");
}

std::string metadata_file_name(const BackupFileName& file) {
  return backup_file_names(file.prefix, file.environment, "", file.timestamp, file.pre_restore)
      .metadata;
}

std::optional<std::string> newest_backup(const std::vector<std::string>& names,
                                         const std::string& prefix,
                                         manifest::Environment environment, ArtifactKind kind) {
  std::optional<std::string> newest;
  std::string newest_timestamp;
  for (const auto& name : names) {
    const auto parsed = parse_backup_file_name(name);
    if (!parsed || parsed->kind != kind || parsed->pre_restore ||
        parsed->environment != environment || parsed->prefix != prefix)
      continue;
    // Equal timestamps: the later name wins, so the choice does not depend on listing order.
    if (!newest || parsed->timestamp > newest_timestamp ||
        (parsed->timestamp == newest_timestamp && name > *newest)) {
      newest = name;
      newest_timestamp = parsed->timestamp;
    }
  }
  return newest;
}

}  // namespace hivekeeper::store
