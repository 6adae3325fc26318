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

const json& restore_job_schema() {
  static const json schema = json::parse(embedded::restore_job_schema);
  return schema;
}

const json& drill_job_schema() {
  static const json schema = json::parse(embedded::drill_job_schema);
  return schema;
}

// Kinds this runner executes, with their schemas.
const json* schema_for_kind(const std::string& kind) {
  if (kind == "BackupJob") return &backup_job_schema();
  if (kind == "RestoreJob") return &restore_job_schema();
  if (kind == "DrillJob") return &drill_job_schema();
  return nullptr;
}

std::string string_at(const json& object, const char* key, std::string fallback = {}) {
  return object.contains(key) ? object[key].get<std::string>() : fallback;
}

const json& object_at(const json& spec, const char* key) {
  static const json empty = json::object();
  return spec.contains(key) ? spec[key] : empty;
}

TargetSpec target_spec_from(const json& target) {
  TargetSpec result{string_at(target, "project"), string_at(target, "databaseService"),
                    string_at(target, "databaseContainer"), std::nullopt};
  if (target.contains("postgres")) {
    const json& postgres = target["postgres"];
    PostgresTarget direct;
    direct.host = string_at(postgres, "host");
    direct.port = postgres.value("port", direct.port);
    direct.database = string_at(postgres, "database");
    direct.user = string_at(postgres, "user");
    const json& password = object_at(postgres, "passwordFrom");
    direct.password_env = string_at(password, "env");
    direct.password_file = string_at(password, "file");
    direct.sslmode = string_at(postgres, "sslmode", direct.sslmode);
    result.postgres = direct;
  }
  return result;
}

DatabaseSpec database_spec_from(const json& database) {
  return {string_at(database, "name"), string_at(database, "user")};
}

BackupSpec backup_spec_from(const json& spec) {
  BackupSpec backup;
  backup.environment = *parse_environment(spec["environment"].get<std::string>());
  const json empty = json::object();
  backup.target = target_spec_from(object_at(spec, "target"));
  backup.database = database_spec_from(object_at(spec, "database"));
  const json& dump = spec.contains("dump") ? spec["dump"] : empty;
  backup.dump.clean = dump.value("clean", backup.dump.clean);
  backup.dump.if_exists = dump.value("ifExists", backup.dump.clean);
  backup.dump.no_owner = dump.value("noOwner", backup.dump.no_owner);
  backup.dump.no_privileges = dump.value("noPrivileges", backup.dump.no_privileges);
  backup.dump.exclude_tables = dump.value("excludeTables", std::vector<std::string>{});
  backup.dump.compression = string_at(dump, "compression", backup.dump.compression);
  if (dump.contains("compressionLevel"))
    backup.dump.compression_level = dump["compressionLevel"].get<int>();
  const json& media = spec.contains("media") ? spec["media"] : empty;
  backup.media.enabled = media.value("enabled", false);
  backup.media.volume = string_at(media, "volume");
  backup.media.path = string_at(media, "path");
  backup.media.compression = string_at(media, "compression");
  const json& output = spec.contains("output") ? spec["output"] : empty;
  backup.output.directory = string_at(output, "directory", backup.output.directory);
  backup.output.prefix = string_at(output, "prefix");
  backup.output.group_readable = output.value("groupReadable", false);
  if (spec.contains("retention")) backup.retention = retention_from(spec["retention"]);
  return backup;
}

RestoreSpec restore_spec_from(const json& spec) {
  RestoreSpec restore;
  restore.environment = *parse_environment(spec["environment"].get<std::string>());
  restore.target = target_spec_from(object_at(spec, "target"));
  restore.database = database_spec_from(object_at(spec, "database"));
  const json& source = object_at(spec, "source");
  restore.source.directory = string_at(source, "directory", restore.source.directory);
  restore.source.prefix = string_at(source, "prefix");
  restore.source.database = string_at(source, "database", restore.source.database);
  restore.source.media = string_at(source, "media");
  restore.source.group_readable = source.value("groupReadable", false);
  restore.media_volume = string_at(object_at(spec, "media"), "volume");
  restore.media_path = string_at(object_at(spec, "media"), "path");
  restore.reset = spec.value("reset", restore.reset);
  restore.safety_backup = spec.value("safetyBackup", restore.safety_backup);
  restore.terminate_connections = spec.value("terminateConnections", false);
  restore.lock_timeout_seconds = spec.value("lockTimeoutSeconds", restore.lock_timeout_seconds);
  const json& quiesce = object_at(spec, "quiesce");
  restore.quiesce.services = quiesce.value("services", std::vector<std::string>{});
  restore.quiesce.stop_timeout_seconds =
      quiesce.value("stopTimeoutSeconds", restore.quiesce.stop_timeout_seconds);
  return restore;
}

DrillSpec drill_spec_from(const json& spec) {
  DrillSpec drill;
  drill.environment = *parse_environment(spec["environment"].get<std::string>());
  drill.target = target_spec_from(object_at(spec, "target"));
  drill.database = database_spec_from(object_at(spec, "database"));
  const json& source = object_at(spec, "source");
  drill.directory = string_at(source, "directory", drill.directory);
  drill.prefix = string_at(source, "prefix");
  drill.set = string_at(source, "set", drill.set);
  drill.group_readable = source.value("groupReadable", false);
  if (spec.contains("media")) drill.media = spec["media"].get<bool>();
  drill.dry_run = spec.value("dryRun", false);
  return drill;
}

// Rules the schema cannot say, about where the job connects: Docker discovery or direct mode,
// never a mix.
void add_target_errors(const TargetSpec& target, const std::string& media_volume,
                       const std::string& media_path, std::vector<std::string>& errors) {
  if (target.postgres) {
    for (const auto& [field, value] : {std::pair{"project", target.project},
                                       std::pair{"databaseService", target.database_service},
                                       std::pair{"databaseContainer", target.database_container}})
      if (!value.empty())
        errors.push_back(std::string("spec.target.") + field +
                         ": not with spec.target.postgres (direct mode connects to the server "
                         "itself); remove one of them");
    if (!target.postgres->password_env.empty() && !target.postgres->password_file.empty())
      errors.push_back("spec.target.postgres.passwordFrom: give env or file, not both");
  }
  if (!media_path.empty() && !media_volume.empty())
    errors.push_back("spec.media.path: not with spec.media.volume; a job reads one of them");
  if (!media_path.empty() && !target.postgres)
    errors.push_back(
        "spec.media.path: only in direct mode (spec.target.postgres); with Docker, name the "
        "volume in spec.media.volume");
}

std::vector<std::string> semantic_errors(const BackupSpec& backup) {
  std::vector<std::string> errors;
  add_target_errors(backup.target, backup.media.volume, backup.media.path, errors);
  if (backup.target.postgres && backup.media.enabled && backup.media.path.empty())
    errors.push_back(
        "spec.media.enabled: direct mode (spec.target.postgres) has no volume to back up; set "
        "spec.media.path to the mounted media directory, or media.enabled: false");
  if (backup.dump.if_exists && !backup.dump.clean)
    errors.push_back(
        "spec.dump.ifExists: needs spec.dump.clean: true (pg_dump accepts --if-exists "
        "only with --clean); set ifExists: false or clean: true");
  if (backup.dump.compression == "gzip" && backup.dump.compression_level > 9)
    errors.push_back(
        "spec.dump.compressionLevel: " + std::to_string(*backup.dump.compression_level) +
        " is beyond gzip's levels 1-9 (levels up to 19 are zstd's: set "
        "spec.dump.compression: zstd, or a level of 9 or less)");
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
        "this runner executes kind: BackupJob, RestoreJob or DrillJob with apiVersion: " +
            std::string(kApiVersion));
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
  if (manifest.is_restore()) {
    manifest.restore = restore_spec_from(document["spec"]);
    add_target_errors(manifest.restore.target, manifest.restore.media_volume,
                      manifest.restore.media_path, errors);
    if (manifest.restore.target.postgres && !manifest.restore.source.media.empty() &&
        manifest.restore.media_path.empty())
      errors.push_back(
          "spec.source.media: direct mode (spec.target.postgres) has no volume to restore media "
          "into; set spec.media.path to the mounted media directory");
  } else if (manifest.is_drill()) {
    manifest.drill = drill_spec_from(document["spec"]);
    add_target_errors(manifest.drill.target, "", "", errors);
  } else {
    manifest.backup = backup_spec_from(document["spec"]);
    errors = semantic_errors(manifest.backup);
    if (document["spec"].contains("retention")) {
      const auto retention = retention_errors(document["spec"]["retention"], "spec.retention");
      errors.insert(errors.end(), retention.begin(), retention.end());
    }
  }
  const json& spec = document["spec"];
  manifest.storage = storage_from(object_at(spec, "storage"));
  manifest.encryption = encryption_from(object_at(spec, "encryption"));
  manifest.notify = notify_from(spec.value("notify", json::array()));
  for (const auto& error : notify_errors(manifest.notify, "spec.notify")) errors.push_back(error);
  manifest.metrics = metrics_from(object_at(spec, "metrics"));
  for (const auto& error : metrics_errors(manifest.metrics, "spec.metrics"))
    errors.push_back(error);
  for (const auto& error : storage_errors(manifest.storage, "spec.storage", kind == "BackupJob"))
    errors.push_back(error);
  for (const auto& error :
       encryption_errors(manifest.encryption, "spec.encryption", kind == "BackupJob"))
    errors.push_back(error);
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
