// Reading a set's metadata (<prefix>_<env>_<timestamp>.json, written by jobs/backup/metadata.h):
// an artifact's recorded sha256 and the per-table row counts a restore compares after loading.
// Files without metadata (the seed's own backups, names that are not ours) simply have none.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "store/backup_store.h"

namespace hivekeeper::store {

struct SetMetadata {
  std::string location;  // where the metadata was read from
  std::string sha256;    // of the artifact asked about; "" when the set does not list it
  std::map<std::string, std::uint64_t> row_counts;  // database sets
};

// What the metadata document says about FILE_NAME.
SetMetadata read_set_metadata(const nlohmann::json& metadata, const std::string& file_name);

// The metadata of the set FILE_NAME belongs to, from STORE. Throws MetadataUnreadable when it
// exists but is not JSON.
std::optional<SetMetadata> find_set_metadata(const BackupStore& store,
                                             const std::string& file_name);

}  // namespace hivekeeper::store
