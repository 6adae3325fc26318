#include "cli/cli.h"

#include <unistd.h>

#include <clocale>
#include <iostream>

#include "cli/args.h"
#include "cli/maintenance.h"
#include "cli/offsite_flags.h"
#include "common/error.h"
#include "common/log.h"
#include "jobs/preview.h"
#include "jobs/progress.h"
#include "jobs/recover.h"
#include "jobs/run.h"
#include "manifest/manifest.h"

namespace hivekeeper::cli {
namespace {

using nlohmann::json;

json restore_document(const Invocation& invocation) {
  const std::string& environment = invocation.operands.at(0);
  json source = json::object();
  if (invocation.operands.size() > 1) source["database"] = invocation.operands[1];
  if (!invocation.media_source.empty()) source["media"] = invocation.media_source;
  if (!invocation.output_directory.empty()) source["directory"] = invocation.output_directory;
  if (!invocation.prefix.empty()) source["prefix"] = invocation.prefix;
  json spec = {{"environment", environment}, {"source", source}};
  if (!invocation.project.empty()) spec["target"]["project"] = invocation.project;
  if (invocation.reset) spec["reset"] = true;
  if (invocation.no_safety_backup) spec["safetyBackup"] = false;
  if (invocation.terminate_connections) spec["terminateConnections"] = true;
  if (!invocation.quiesce.empty()) spec["quiesce"]["services"] = invocation.quiesce;
  add_offsite_flags(invocation, spec);
  return {{"apiVersion", manifest::kApiVersion},
          {"kind", "RestoreJob"},
          {"metadata", {{"name", "restore-" + environment}}},
          {"spec", spec}};
}

json drill_document(const Invocation& invocation) {
  const std::string& environment = invocation.operands.at(0);
  json source = json::object();
  if (invocation.operands.size() > 1) source["set"] = invocation.operands[1];
  if (!invocation.output_directory.empty()) source["directory"] = invocation.output_directory;
  if (!invocation.prefix.empty()) source["prefix"] = invocation.prefix;
  json spec = {{"environment", environment}, {"source", source}};
  if (!invocation.project.empty()) spec["target"]["project"] = invocation.project;
  if (invocation.no_media) spec["media"] = false;
  if (invocation.dry_run) spec["dryRun"] = true;
  add_offsite_flags(invocation, spec);
  return {{"apiVersion", manifest::kApiVersion},
          {"kind", "DrillJob"},
          {"metadata", {{"name", "drill-" + environment}}},
          {"spec", spec}};
}

manifest::Manifest manifest_for(const Invocation& invocation) {
  if (invocation.command == "restore")
    return manifest::parse_manifest(restore_document(invocation).dump(), "the command line");
  if (invocation.command == "drill")
    return manifest::parse_manifest(drill_document(invocation).dump(), "the command line");
  if (invocation.command != "backup") return manifest::load_manifest(invocation.manifest_path);
  const std::string& environment = invocation.operands.at(0);
  json spec = {{"environment", environment}, {"media", {{"enabled", invocation.media}}}};
  if (!invocation.project.empty()) spec["target"]["project"] = invocation.project;
  if (!invocation.output_directory.empty())
    spec["output"]["directory"] = invocation.output_directory;
  if (!invocation.prefix.empty()) spec["output"]["prefix"] = invocation.prefix;
  if (!invocation.compression.empty()) spec["dump"]["compression"] = invocation.compression;
  add_offsite_flags(invocation, spec);
  const json document = {{"apiVersion", manifest::kApiVersion},
                         {"kind", "BackupJob"},
                         {"metadata", {{"name", "backup-" + environment}}},
                         {"spec", spec}};
  return manifest::parse_manifest(document.dump(), "the command line");
}

// `recover`: the backup directory of the manifest given, else --output, else the default. The
// environment shares the directory with the other one, so it only documents the call.
int recover(const Invocation& invocation) {
  std::string directory = manifest::OutputSpec().directory;
  if (!invocation.manifest_path.empty())
    directory = manifest::load_manifest(invocation.manifest_path).directory();
  else if (!invocation.output_directory.empty())
    directory = invocation.output_directory;
  const bool recovered = jobs::run_recover(directory);
  std::cout << "recover " << directory << ": "
            << (recovered ? "finished what a killed job left (the log lists it)"
                          : "nothing to recover")
            << std::endl;
  return kExitOk;
}

}  // namespace

int run(int argc, char** argv) {
  // libarchive converts non-ASCII names through the locale; the C locale would refuse them.
  if (std::setlocale(LC_ALL, "C.UTF-8") == nullptr) std::setlocale(LC_ALL, "");
  Invocation invocation;
  try {
    invocation = parse_arguments(std::vector<std::string>(argv + 1, argv + argc));
    configure_logging(invocation.log_format, invocation.verbose);
    jobs::configure_progress(
        {jobs::choose_progress_mode(invocation.progress, ::isatty(STDERR_FILENO) == 1,
                                    invocation.log_format == LogFormat::json),
         std::chrono::seconds(invocation.progress_interval_seconds)});
    if (invocation.help) {
      std::cout << usage(invocation.command == "help" ? "" : invocation.command);
      return kExitOk;
    }
    if (invocation.command == "version") {
      std::cout << "hivekeeper " << HIVEKEEPER_VERSION << " (" << manifest::kApiVersion << ")"
                << std::endl;
      return kExitOk;
    }
    if (invocation.command == "recover") return recover(invocation);
    if (invocation.command == "list") return list_command(invocation);
    if (invocation.command == "verify") return verify_command(invocation);
    if (invocation.command == "prune") return prune_command(invocation);
    manifest::Manifest manifest = manifest_for(invocation);
    if (invocation.dry_run && manifest.is_drill()) manifest.drill.dry_run = true;
    if (invocation.dry_run && (manifest.kind == "BackupJob" || manifest.is_restore())) {
      if (manifest.is_restore())
        jobs::preview_restore(manifest, invocation.command == "run");
      else
        jobs::preview_backup(manifest);
      return kExitOk;
    }
    if (invocation.command == "validate") {
      std::cout << invocation.manifest_path << ": valid " << manifest.kind << " " << manifest.name
                << std::endl;
      return kExitOk;
    }
    // A manifest applied again (GitOps re-creates its Job) restores once; `restore` always runs.
    jobs::run_job(manifest, {invocation.status_file, invocation.termination_log,
                             /*once=*/invocation.command == "run", invocation.metrics_file});
    return kExitOk;
  } catch (const Error& error) {
    std::cerr << "hivekeeper: " << redact_secrets(error.describe()) << std::endl;
    return error.exit_code();
  } catch (const std::exception& error) {
    // A bug or a library failure we did not anticipate: a failed job, never a crash.
    std::cerr << "hivekeeper: unexpected failure: " << redact_secrets(error.what()) << std::endl;
    return kExitJobFailed;
  }
}

}  // namespace hivekeeper::cli
