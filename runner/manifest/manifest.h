// The manifest: what the user asked for, parsed and validated, as plain values. Parsing checks
// the document against the JSON Schema in manifests/schema/ (compiled in), reports every
// violation at once with its field path and line, and fills in the documented defaults. It does
// no I/O beyond reading the file it is given, and decides nothing about containers or files.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "manifest/metrics_spec.h"
#include "manifest/notify.h"
#include "manifest/offsite.h"
#include "manifest/retention.h"

namespace hivekeeper::manifest {

inline constexpr std::string_view kApiVersion = "hivekeeper.io/v1";

enum class Environment { dev, prod };
std::string to_string(Environment environment);
std::optional<Environment> parse_environment(std::string_view text);

// Direct mode: the server is reached over the network with libpq, no Docker involved.
struct PostgresTarget {
  std::string host;
  int port = 5432;
  std::string database;
  std::string user;
  std::string password_env;   // passwordFrom.env, or ""
  std::string password_file;  // passwordFrom.file, or ""
  std::string sslmode = "prefer";
};

struct TargetSpec {
  std::string project;             // "" = discover (own container's label, COMPOSE_PROJECT_NAME)
  std::string database_service;    // "" = label hivekeeper.io/role=database, else "db"
  std::string database_container;  // "" = find by project and service
  std::optional<PostgresTarget> postgres;  // set: direct mode, the three above are unset
};

struct DatabaseSpec {
  std::string name;  // "" = the container's POSTGRES_DB
  std::string user;  // "" = the container's POSTGRES_USER
};

struct DumpSpec {
  bool clean = true;
  bool if_exists = true;
  bool no_owner = true;
  bool no_privileges = true;
  std::vector<std::string> exclude_tables;
  std::string compression = "gzip";      // "gzip" or "zstd"
  std::optional<int> compression_level;  // unset: the format's own default (gzip 6, zstd 3)
};

struct MediaSpec {
  bool enabled = false;
  std::string volume;       // "" = label hivekeeper.io/role=media, else the project's "media"
  std::string path;         // direct mode: a mounted directory instead of a volume
  std::string compression;  // "gzip" or "zstd"; "" = as spec.dump.compression
};

struct OutputSpec {
  std::string directory = "backups/django";
  std::string prefix;           // "" = the Compose project name
  bool group_readable = false;  // files 0640 and folders 0750 instead of 0600 and 0700
};

struct BackupSpec {
  Environment environment = Environment::dev;
  TargetSpec target;
  DatabaseSpec database;
  DumpSpec dump;
  MediaSpec media;
  OutputSpec output;
  std::optional<RetentionPolicy> retention;  // prune after each successful backup
};

struct SourceSpec {
  std::string directory = "backups/django";
  std::string prefix;               // "" = the Compose project name
  std::string database = "latest";  // latest, a file name in the directory, or a path
  std::string media;                // "" = no media restore; latest, a name or a path
  bool group_readable = false;      // the safety backup's and status files' modes, as for output
};

struct QuiesceSpec {
  std::vector<std::string> services;
  int stop_timeout_seconds = 30;
};

struct RestoreSpec {
  Environment environment = Environment::dev;
  TargetSpec target;
  DatabaseSpec database;
  SourceSpec source;
  std::string media_volume;  // "" = as for backups (label, else the project's media)
  std::string media_path;    // direct mode: a mounted directory instead of a volume
  bool reset = false;
  bool safety_backup = true;
  bool terminate_connections = false;
  int lock_timeout_seconds = 60;
  QuiesceSpec quiesce;
};

// A restore drill (DrillJob): one backup set restored into a scratch database on the same server
// and its media unpacked into a scratch place, checked, timed, and dropped again.
struct DrillSpec {
  Environment environment = Environment::dev;
  TargetSpec target;
  DatabaseSpec database;
  std::string directory = "backups/django";
  std::string prefix;           // "" = the Compose project name
  std::string set = "latest";   // latest, a set's name, its timestamp, or one of its files
  bool group_readable = false;  // the status and verification record's modes
  std::optional<bool> media;    // nullopt: when the set has a media archive
  bool dry_run = false;         // check and tell, change nothing
};

struct Manifest {
  std::string kind;  // "BackupJob", "RestoreJob" or "DrillJob"
  std::string name;
  nlohmann::json document;           // as written, echoed into the status
  BackupSpec backup;                 // kind BackupJob
  RestoreSpec restore;               // kind RestoreJob
  DrillSpec drill;                   // kind DrillJob
  StorageSpec storage;               // any kind: spec.storage
  EncryptionSpec encryption;         // any kind: spec.encryption
  std::vector<NotifyTarget> notify;  // any kind: spec.notify
  MetricsSpec metrics;               // any kind: spec.metrics

  bool is_restore() const { return kind == "RestoreJob"; }
  bool is_drill() const { return kind == "DrillJob"; }
  // Where the job's files and its status/ folder live.
  const std::string& directory() const {
    return is_drill()     ? drill.directory
           : is_restore() ? restore.source.directory
                          : backup.output.directory;
  }
  bool group_readable() const {
    return is_drill()     ? drill.group_readable
           : is_restore() ? restore.source.group_readable
                          : backup.output.group_readable;
  }
  Environment environment() const {
    return is_drill() ? drill.environment : is_restore() ? restore.environment : backup.environment;
  }
};

// Throws hivekeeper::Error (invalid input) listing every problem.
Manifest parse_manifest(std::string_view text, const std::string& source_name);

// Reads PATH, or standard input for "-".
Manifest load_manifest(const std::string& path);

}  // namespace hivekeeper::manifest
