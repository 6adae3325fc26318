// The command line, declared once in a table that both the parser and --help read. Parsing turns
// argv into a plain Invocation; bad usage is invalid input (exit 2) with a sentence saying what
// is wrong and, for a misspelt command or option, what was probably meant.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/log.h"

namespace hivekeeper::cli {

struct Invocation {
  std::string command;  // run, backup, restore, recover, list, verify, prune, validate, ...
  std::vector<std::string> operands;  // backup, recover: the environment; restore: it and FILE
  bool help = false;
  std::string manifest_path;    // -f
  std::string status_file;      // --status-file
  std::string termination_log;  // --termination-log
  std::string metrics_file;     // --metrics-file
  std::string pushgateway;      // verify, prune --pushgateway: as spec.metrics.pushgateway.url
  LogFormat log_format = LogFormat::text;
  std::string progress = "auto";      // --progress: auto, live, json, off
  int progress_interval_seconds = 5;  // --progress-interval
  bool verbose = false;
  // backup's and restore's shortcuts for spec fields
  bool media = false;        // backup --media
  std::string compression;   // backup --compression gzip|zstd
  std::string media_source;  // restore --media FILE|latest
  std::string output_directory;
  std::string prefix;
  std::string project;
  bool reset = false;
  bool no_safety_backup = false;
  bool terminate_connections = false;
  std::vector<std::string> quiesce;
  // list, verify, prune
  std::string output_format;                            // -o: "" (a table), wide, json, yaml
  std::string max_age;                                  // list --max-age
  bool dry_run = false;                                 // prune, drill
  bool no_media = false;                                // drill --no-media
  nlohmann::json retention = nlohmann::json::object();  // prune's --keep-* flags, as spec.retention
  std::string upload_grace;                             // prune --upload-grace
  // Off-site copies (cli/offsite_flags.h turns them into spec.storage and spec.encryption)
  std::string s3_bucket;
  std::string s3_endpoint;
  std::string s3_region;
  std::string s3_prefix;
  bool s3_path_style = false;
  bool no_keep_local = false;               // backup
  std::vector<std::string> age_recipients;  // backup
  std::string age_recipients_file;          // backup
  std::string age_identity;                 // restore, drill, verify
};

Invocation parse_arguments(const std::vector<std::string>& arguments);

// The whole program's usage, or one command's.
std::string usage(const std::string& command = "");

}  // namespace hivekeeper::cli
