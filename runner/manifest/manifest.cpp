#include "manifest/manifest.h"

#include <fstream>
#include <iostream>
#include <sstream>

#include "common/error.h"
#include "hivekeeper/embedded_schemas.h"
#include "manifest/json_schema.h"
#include "manifest/yaml_to_json.h"

namespace hivekeeper::manifest {
namespace {

using nlohmann::json;

const json& backup_job_schema() {
  static const json schema = json::parse(embedded::backup_job_schema);
  return schema;
}

// Kinds this runner executes, with their schemas. RestoreJob joins here.
const json* schema_for_kind(const std::string& kind) {
  if (kind == "BackupJob") return &backup_job_schema();
  return nullptr;
}

std::string string_at(const json& object, const char* key, std::string fallback = {}) {
  return object.contains(key) ? object[key].get<std::string>() : fallback;
}

BackupSpec backup_spec_from(const json& spec) {
  BackupSpec backup;
  backup.environment = *parse_environment(spec["environment"].get<std::string>());
  const json empty = json::object();
  const json& target = spec.contains("target") ? spec["target"] : empty;
  backup.target.project = string_at(target, "project");
  backup.target.database_service = string_at(target, "databaseService");
  backup.target.database_container = string_at(target, "databaseContainer");
  const json& database = spec.contains("database") ? spec["database"] : empty;
  backup.database.name = string_at(database, "name");
  backup.database.user = string_at(database, "user");
  const json& dump = spec.contains("dump") ? spec["dump"] : empty;
  backup.dump.clean = dump.value("clean", backup.dump.clean);
  backup.dump.if_exists = dump.value("ifExists", backup.dump.clean);
  backup.dump.no_owner = dump.value("noOwner", backup.dump.no_owner);
  backup.dump.no_privileges = dump.value("noPrivileges", backup.dump.no_privileges);
  backup.dump.exclude_tables = dump.value("excludeTables", std::vector<std::string>{});
  backup.dump.compression_level = dump.value("compressionLevel", backup.dump.compression_level);
  const json& media = spec.contains("media") ? spec["media"] : empty;
  backup.media.enabled = media.value("enabled", false);
  backup.media.volume = string_at(media, "volume");
  const json& output = spec.contains("output") ? spec["output"] : empty;
  backup.output.directory = string_at(output, "directory", backup.output.directory);
  backup.output.prefix = string_at(output, "prefix");
  return backup;
}

// Rules the schema cannot say.
std::vector<std::string> semantic_errors(const BackupSpec& backup) {
  std::vector<std::string> errors;
  if (backup.dump.if_exists && !backup.dump.clean)
    errors.push_back(
        "spec.dump.ifExists: needs spec.dump.clean: true (pg_dump accepts --if-exists "
        "only with --clean); set ifExists: false or clean: true");
  return errors;
}

}  // namespace

std::string to_string(Environment environment) {
  return environment == Environment::prod ? "prod" : "dev";
}

std::optional<Environment> parse_environment(std::string_view text) {
  if (text == "dev") return Environment::dev;
  if (text == "prod") return Environment::prod;
  return std::nullopt;
}

Manifest parse_manifest(std::string_view text, const std::string& source_name) {
  const SourceDocument source = parse_yaml_or_json(text, source_name);
  const json& document = source.value;

  const std::string kind = document.contains("kind") && document["kind"].is_string()
                               ? document["kind"].get<std::string>()
                               : "";
  const json* schema = schema_for_kind(kind);
  if (schema == nullptr) {
    throw invalid_input(
        "InvalidManifest",
        source_name + ": kind " + (kind.empty() ? "is missing" : "\"" + kind + "\" is not known"),
        "this runner executes kind: BackupJob with apiVersion: " + std::string(kApiVersion));
  }

  const LocationLookup location = [&](const std::string& path) -> std::string {
    // A missing field has no line of its own: point at the nearest parent that has one.
    for (std::string at = path;; at = at.substr(0, at.find_last_of('.'))) {
      if (auto found = source.lines.find(at); found != source.lines.end())
        return "line " + std::to_string(found->second);
      if (at.find('.') == std::string::npos) return "";
    }
  };
  std::vector<std::string> errors;
  for (const auto& violation : validate_against_schema(document, *schema))
    errors.push_back(format_violation(violation, location));
  if (!errors.empty()) {
    throw invalid_input("InvalidManifest",
                        source_name + " is not a valid " + kind + " (" +
                            std::to_string(errors.size()) +
                            (errors.size() == 1 ? " error):" : " errors):"),
                        "see manifests/schema/ for every field; `hivekeeper validate -f FILE` "
                        "checks a manifest without running it",
                        errors);
  }

  Manifest manifest;
  manifest.kind = kind;
  manifest.name = document["metadata"]["name"].get<std::string>();
  manifest.document = document;
  manifest.backup = backup_spec_from(document["spec"]);
  errors = semantic_errors(manifest.backup);
  if (!errors.empty())
    throw invalid_input("InvalidManifest", source_name + " is not a valid " + kind + ":", "",
                        errors);
  return manifest;
}

Manifest load_manifest(const std::string& path) {
  std::stringstream text;
  if (path == "-") {
    text << std::cin.rdbuf();
    return parse_manifest(text.str(), "standard input");
  }
  std::ifstream file(path);
  if (!file)
    throw invalid_input("ManifestNotFound", errno_text("cannot read manifest " + path, errno),
                        "pass the manifest's path with -f, or - to read it from standard input");
  text << file.rdbuf();
  return parse_manifest(text.str(), path);
}

}  // namespace hivekeeper::manifest
