#include "store/set_metadata.h"

#include "common/error.h"
#include "store/naming.h"

namespace hivekeeper::store {

SetMetadata read_set_metadata(const nlohmann::json& metadata, const std::string& file_name) {
  SetMetadata set;
  for (const auto& artifact : metadata.value("artifacts", nlohmann::json::array())) {
    const std::string file = artifact.value("file", "");
    if (file == file_name) set.sha256 = artifact.value("sha256", "");
    // FILE_NAME is the decrypted copy of an encrypted artifact: its plaintext digest.
    if (file == file_name + ".age" && artifact.contains("plaintext"))
      set.sha256 = artifact["plaintext"].value("sha256", "");
  }
  if (metadata.contains("database") && metadata["database"].is_object() &&
      metadata["database"].contains("rowCounts"))
    set.row_counts = metadata["database"]["rowCounts"].get<std::map<std::string, std::uint64_t>>();
  return set;
}

std::optional<SetMetadata> find_set_metadata(const BackupStore& store,
                                             const std::string& file_name) {
  const auto parsed = parse_backup_file_name(file_name);
  if (!parsed) return std::nullopt;  // not a seed-style name: no set to look up
  const std::string metadata_name = metadata_file_name(*parsed);
  const auto text = store.read_small(metadata_name);
  if (!text) return std::nullopt;  // the seed's own backups have none
  const std::string location = store.location_of(metadata_name);
  try {
    SetMetadata set = read_set_metadata(nlohmann::json::parse(*text), file_name);
    set.location = location;
    return set;
  } catch (const nlohmann::json::exception& error) {
    throw job_failed("MetadataUnreadable",
                     "the metadata " + location + " of " + file_name + " is not valid JSON (" +
                         error.what() + "); nothing was restored",
                     "move the damaged file aside to restore without checksums");
  }
}

}  // namespace hivekeeper::store
