// Backup file names, exactly as the seed's scripts write them so old backups keep restoring:
//   <prefix>_<env>_db_<dbname>_<YYYY-MM-DD_HHMMSS>.sql.gz   (.sql.zst with zstd)
//   <prefix>_<env>_media_<YYYY-MM-DD_HHMMSS>.tgz             (.tar.zst with zstd)
//   <prefix>_<env>_<YYYY-MM-DD_HHMMSS>.json          (Hivekeeper's metadata of the set)
// An artifact encrypted with age (spec.encryption.age) has .age appended; the metadata never.
// A restore's safety backup puts _pre-restore after the environment, so `latest` never picks it
// and it sorts next to the backups of its environment.
// Timestamps are UTC. Pure functions of their arguments.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "archive/compression.h"
#include "manifest/manifest.h"

namespace hivekeeper::store {

using Clock = std::chrono::system_clock;

std::string backup_timestamp(Clock::time_point when);  // 2026-11-24_031500
std::string rfc3339(Clock::time_point when);           // 2026-11-24T03:15:00Z

struct BackupFileNames {
  std::string database;
  std::string media;
  std::string metadata;
};

BackupFileNames backup_file_names(const std::string& prefix, manifest::Environment environment,
                                  const std::string& database, const std::string& timestamp,
                                  bool pre_restore = false,
                                  archive::Compression database_format = archive::Compression::gzip,
                                  archive::Compression media_format = archive::Compression::gzip);

enum class ArtifactKind { database, media, metadata };

// A file name taken apart; nullopt when it is not one of the names above.
struct BackupFileName {
  std::string prefix;
  manifest::Environment environment = manifest::Environment::dev;
  bool pre_restore = false;
  ArtifactKind kind = ArtifactKind::database;
  std::string database;  // database files only
  std::string timestamp;
  bool encrypted = false;  // ends in .age
};
std::optional<BackupFileName> parse_backup_file_name(std::string_view name);

// The file name prefix: REQUESTED (FIELD in the manifest, or --prefix), else the Compose project.
// Throws PrefixUnknown, naming FIELD, when there is neither.
std::string choose_prefix(const std::string& requested, const std::string& project,
                          const std::string& field);

// The metadata file of the set a database or media file belongs to.
std::string metadata_file_name(const BackupFileName& file);

// The newest file of KIND for PREFIX and ENVIRONMENT among NAMES, by the timestamp in the name.
// Safety backups, other environments, other prefixes and partial files (".name.partial-TOKEN")
// are never chosen.
std::optional<std::string> newest_backup(const std::vector<std::string>& names,
                                         const std::string& prefix,
                                         manifest::Environment environment, ArtifactKind kind);

}  // namespace hivekeeper::store
