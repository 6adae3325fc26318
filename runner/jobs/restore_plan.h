// Which files a restore reads, decided before anything is touched: `latest` or a name or a path
// for the database and the media, the metadata of their sets when it exists (checksums, row
// counts), and the backup spec of the safety backup. Plain functions of the spec and a listing
// of the backup directory; the one that reads the directory and metadata files is load_sources().
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "jobs/naming.h"
#include "manifest/manifest.h"

namespace hivekeeper::jobs {

// "latest" -> the newest of KIND in NAMES; a value with a slash -> that path; else a name in
// DIRECTORY. Throws when latest finds nothing.
std::filesystem::path resolve_source(const std::string& requested,
                                     const std::filesystem::path& directory,
                                     const std::vector<std::string>& names,
                                     const std::string& prefix, manifest::Environment environment,
                                     ArtifactKind kind);

struct SetMetadata {
  std::filesystem::path path;
  std::string sha256;  // of the artifact being restored; "" when the set does not list it
  std::map<std::string, std::uint64_t> row_counts;  // database sets
};

// What the metadata document says about FILE_NAME.
SetMetadata read_set_metadata(const nlohmann::json& metadata, const std::string& file_name);

struct RestoreSources {
  std::filesystem::path database_file;
  std::optional<SetMetadata> database_metadata;
  std::optional<std::filesystem::path> media_file;
  std::optional<SetMetadata> media_metadata;
};

// Lists the directory, resolves both files, checks they exist and reads their metadata.
RestoreSources load_sources(const manifest::RestoreSpec& spec, const std::string& prefix);

// The BackupSpec that finds the same containers and volume, and names the safety backup.
manifest::BackupSpec backup_spec_for(const manifest::RestoreSpec& spec);

}  // namespace hivekeeper::jobs
