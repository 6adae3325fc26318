#include "jobs/restore_plan.h"

#include <fstream>

#include "common/error.h"

namespace hivekeeper::jobs {
namespace {

const char* kind_name(ArtifactKind kind) {
  return kind == ArtifactKind::database ? "database"
         : kind == ArtifactKind::media  ? "media"
                                        : "metadata";
}

}  // namespace

std::filesystem::path resolve_source(const std::string& requested,
                                     const std::filesystem::path& directory,
                                     const std::vector<std::string>& names,
                                     const std::string& prefix, manifest::Environment environment,
                                     ArtifactKind kind) {
  if (requested != "latest") {
    if (requested.find('/') != std::string::npos) return requested;
    return directory / requested;
  }
  const auto newest = newest_backup(names, prefix, environment, kind);
  if (!newest) {
    const std::string pattern = prefix + "_" + manifest::to_string(environment) +
                                (kind == ArtifactKind::database ? "_db_*.sql.gz" : "_media_*.tgz");
    throw job_failed("NoBackupFound",
                     "no " + std::string(kind_name(kind)) + " backup " + pattern + " in " +
                         directory.string() + "; nothing was restored",
                     "name the file to restore, or check the prefix (spec.source.prefix, "
                     "--prefix) and the directory (`ls " +
                         directory.string() + "`)");
  }
  return directory / *newest;
}

SetMetadata read_set_metadata(const nlohmann::json& metadata, const std::string& file_name) {
  SetMetadata set;
  for (const auto& artifact : metadata.value("artifacts", nlohmann::json::array()))
    if (artifact.value("file", "") == file_name) set.sha256 = artifact.value("sha256", "");
  if (metadata.contains("database") && metadata["database"].is_object() &&
      metadata["database"].contains("rowCounts"))
    set.row_counts = metadata["database"]["rowCounts"].get<std::map<std::string, std::uint64_t>>();
  return set;
}

namespace {

std::optional<SetMetadata> metadata_for(const std::filesystem::path& file) {
  const auto parsed = parse_backup_file_name(file.filename().string());
  if (!parsed) return std::nullopt;  // not a seed-style name: no set to look up
  const auto path = file.parent_path() / metadata_file_name(*parsed);
  std::ifstream stream(path);
  if (!stream) return std::nullopt;  // the seed's own backups have none
  try {
    SetMetadata set = read_set_metadata(nlohmann::json::parse(stream), file.filename().string());
    set.path = path;
    return set;
  } catch (const nlohmann::json::exception& error) {
    throw job_failed("MetadataUnreadable",
                     "the metadata " + path.string() + " of " + file.filename().string() +
                         " is not valid JSON (" + error.what() + "); nothing was restored",
                     "move the damaged file aside to restore without checksums");
  }
}

void require_file(const std::filesystem::path& path, const std::string& what) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error))
    throw invalid_input("BackupNotFound",
                        "the " + what + " backup " + path.string() + " does not exist",
                        "a bare name is looked up in the backup directory (spec.source.directory, "
                        "default backups/django); `ls " +
                            path.parent_path().string() + "` lists what is there");
}

}  // namespace

RestoreSources load_sources(const manifest::RestoreSpec& spec, const std::string& prefix) {
  const std::filesystem::path directory = spec.source.directory;
  std::vector<std::string> names;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(directory, error))
    names.push_back(entry.path().filename().string());
  if (error && (spec.source.database == "latest" || spec.source.media == "latest"))
    throw job_failed(
        "BackupDirectoryUnreadable",
        "cannot list the backup directory " + directory.string() + ": " + error.message(),
        "check spec.source.directory and the bind mount of ./backups/django");

  RestoreSources sources;
  sources.database_file = resolve_source(spec.source.database, directory, names, prefix,
                                         spec.environment, ArtifactKind::database);
  require_file(sources.database_file, "database");
  sources.database_metadata = metadata_for(sources.database_file);
  if (!spec.source.media.empty()) {
    sources.media_file = resolve_source(spec.source.media, directory, names, prefix,
                                        spec.environment, ArtifactKind::media);
    require_file(*sources.media_file, "media");
    sources.media_metadata = metadata_for(*sources.media_file);
  }
  return sources;
}

manifest::BackupSpec backup_spec_for(const manifest::RestoreSpec& spec) {
  manifest::BackupSpec backup;
  backup.environment = spec.environment;
  backup.target = spec.target;
  backup.database = spec.database;
  backup.media.enabled = !spec.source.media.empty();
  backup.media.volume = spec.media_volume;
  backup.media.path = spec.media_path;
  backup.output.directory = spec.source.directory;
  backup.output.prefix = spec.source.prefix;
  return backup;
}

}  // namespace hivekeeper::jobs
