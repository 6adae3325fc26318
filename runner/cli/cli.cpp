#include "cli/cli.h"

#include <sys/resource.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <clocale>
#include <cstdio>
#include <cstring>
#include <format>
#include <fstream>
#include <iostream>
#include <memory>

#include <spdlog/spdlog.h>

#include "cli/args.h"
#include "common/error.h"
#include "common/interrupt.h"
#include "common/log.h"
#include "docker/client.h"
#include "jobs/backup.h"
#include "jobs/directory_lock.h"
#include "jobs/naming.h"
#include "jobs/restore.h"
#include "manifest/manifest.h"
#include "status/status.h"

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
  return {{"apiVersion", manifest::kApiVersion},
          {"kind", "RestoreJob"},
          {"metadata", {{"name", "restore-" + environment}}},
          {"spec", spec}};
}

manifest::Manifest manifest_for(const Invocation& invocation) {
  if (invocation.command == "restore")
    return manifest::parse_manifest(restore_document(invocation).dump(), "the command line");
  if (invocation.command != "backup") return manifest::load_manifest(invocation.manifest_path);
  const std::string& environment = invocation.operands.at(0);
  json spec = {{"environment", environment}, {"media", {{"enabled", invocation.media}}}};
  if (!invocation.project.empty()) spec["target"]["project"] = invocation.project;
  if (!invocation.output_directory.empty())
    spec["output"]["directory"] = invocation.output_directory;
  if (!invocation.prefix.empty()) spec["output"]["prefix"] = invocation.prefix;
  const json document = {{"apiVersion", manifest::kApiVersion},
                         {"kind", "BackupJob"},
                         {"metadata", {{"name", "backup-" + environment}}},
                         {"spec", spec}};
  return manifest::parse_manifest(document.dump(), "the command line");
}

std::filesystem::path status_path_for(const Invocation& invocation,
                                      const manifest::Manifest& manifest) {
  if (!invocation.status_file.empty()) return invocation.status_file;
  return std::filesystem::path(manifest.directory()) / "status" / (manifest.name + ".json");
}

void mark_failed(status::JobStatus& job, const std::string& reason, const std::string& message) {
  const std::string now = jobs::rfc3339(jobs::Clock::now());
  job.phase = status::Phase::Failed;
  job.completion_time = now;
  job.message = message;
  // A failed job's own files are gone; a restore's safety backup stays, and stays listed.
  std::erase_if(job.artifacts, [](const status::Artifact& artifact) {
    return !artifact.kind.starts_with("safety-");
  });
  status::set_condition(job.conditions, {"Running", "False", reason, message, now});
  status::set_condition(job.conditions, {"Failed", "True", reason, message, now});
}

// The container's termination message (Kubernetes shows it in the pod's status). A plain write:
// the path is a file the kubelet bind-mounts, which cannot be replaced by a rename.
void write_termination_log(const std::string& path, const nlohmann::json& manifest_document,
                           const status::JobStatus& job) {
  if (path.empty()) return;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << status::termination_message(manifest_document, job);
  out.flush();
  if (!out)
    spdlog::warn("could not write the termination message to {}: {}", path, std::strerror(errno));
}

// Who holds the backup directory, for the message of a job that waits for it.
std::string job_description(const manifest::Manifest& manifest, const std::string& start) {
  const manifest::Environment environment =
      manifest.is_restore() ? manifest.restore.environment : manifest.backup.environment;
  std::array<char, 256> host{};
  if (::gethostname(host.data(), host.size() - 1) != 0) host[0] = '\0';
  return std::format("{} {} ({}, started {}{}{})", manifest.kind, manifest.name,
                     manifest::to_string(environment), start, host[0] ? " on " : "", host.data());
}

int execute(const Invocation& invocation, const manifest::Manifest& manifest) {
  auto status = std::make_shared<status::StatusReporter>(status_path_for(invocation, manifest),
                                                         manifest.document);
  install_interrupt_handling(
      [status, document = manifest.document, kind = manifest.kind, name = manifest.name,
       termination_log = invocation.termination_log](const std::string& signal) {
        const std::string message = "interrupted by " + signal + "; partial files were removed";
        spdlog::error("{}", message);
        status->update([&](status::JobStatus& job) { mark_failed(job, "Interrupted", message); });
        write_termination_log(termination_log, document, status->snapshot());
        std::cout << status::summary_line(kind, name, status->snapshot()) << std::endl;
      });

  const std::string start = jobs::rfc3339(jobs::Clock::now());
  status->update([&](status::JobStatus& job) {
    job.phase = status::Phase::Pending;
    job.start_time = start;
    status::set_condition(job.conditions,
                          {"Running", "False", "Pending", "waiting to start", start});
  });
  const auto started = std::chrono::steady_clock::now();
  int exit_code = kExitOk;
  try {
    const jobs::DirectoryLock lock(
        manifest.directory(), job_description(manifest, start), [&](const std::string& other) {
          const std::string message = std::format(
              "waiting for {} to finish: one job at a time uses {}", other, manifest.directory());
          spdlog::info("{}", message);
          status->update([&](status::JobStatus& job) {
            status::set_condition(job.conditions, {"Running", "False", "Waiting", message,
                                                   jobs::rfc3339(jobs::Clock::now())});
          });
        });
    const manifest::TargetSpec& target =
        manifest.is_restore() ? manifest.restore.target : manifest.backup.target;
    docker::Client docker(docker::Client::socket_path_from_environment());
    status->update([&](status::JobStatus& job) {
      job.phase = status::Phase::Running;
      status::set_condition(job.conditions, {"Running", "True", "Started", "the job is running",
                                             jobs::rfc3339(jobs::Clock::now())});
    });
    if (!target.postgres) docker.connect();  // direct mode has no Docker socket
    spdlog::debug("Docker engine at {}, API {}", docker.socket_path(), docker.api_version());
    if (manifest.is_restore())
      jobs::run_restore(manifest, docker, *status);
    else
      jobs::run_backup(manifest, docker, *status);
    wait_if_interrupted();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    status->update([&](status::JobStatus& job) {
      const std::string now = jobs::rfc3339(jobs::Clock::now());
      job.phase = status::Phase::Succeeded;
      job.completion_time = now;
      job.message = std::format("completed in {:.1f} s", seconds);
      status::set_condition(job.conditions, {"Running", "False", "Completed", job.message, now});
      status::set_condition(
          job.conditions,
          {"Complete", "True", manifest.is_restore() ? "RestoreSucceeded" : "BackupSucceeded",
           job.message, now});
    });
  } catch (const Error& error) {
    wait_if_interrupted();  // the failure may be the interrupt's doing; its report comes from there
    std::cerr << "hivekeeper: " << redact_secrets(error.describe()) << std::endl;
    status->update([&](status::JobStatus& job) {
      mark_failed(job, error.reason(), redact_secrets(error.what()));
      job.hint = redact_secrets(error.hint());
    });
    exit_code = error.exit_code();
  } catch (const std::exception& error) {
    wait_if_interrupted();
    // A bug or a library failure we did not anticipate: still a failed job, never a crash.
    std::cerr << "hivekeeper: unexpected failure: " << redact_secrets(error.what()) << std::endl;
    status->update([&](status::JobStatus& job) {
      mark_failed(job, "InternalError", redact_secrets(error.what()));
    });
    exit_code = kExitJobFailed;
  }
  // Peak memory is part of the promise (bounded whatever the data size), so it is reported.
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto peak_rss = static_cast<std::uint64_t>(usage.ru_maxrss) * 1024;
  status->update([&](status::JobStatus& job) { job.details["peakMemoryBytes"] = peak_rss; });
  spdlog::info("peak memory {:.1f} MiB; status written to {}",
               static_cast<double>(peak_rss) / (1 << 20), status->path().string());
  write_termination_log(invocation.termination_log, manifest.document, status->snapshot());
  std::cout << status::summary_line(manifest.kind, manifest.name, status->snapshot()) << std::endl;
  return exit_code;
}

}  // namespace

int run(int argc, char** argv) {
  // libarchive converts non-ASCII names through the locale; the C locale would refuse them.
  if (std::setlocale(LC_ALL, "C.UTF-8") == nullptr) std::setlocale(LC_ALL, "");
  Invocation invocation;
  try {
    invocation = parse_arguments(std::vector<std::string>(argv + 1, argv + argc));
    configure_logging(invocation.log_format, invocation.verbose);
    if (invocation.help) {
      std::cout << usage(invocation.command == "help" ? "" : invocation.command);
      return kExitOk;
    }
    if (invocation.command == "version") {
      std::cout << "hivekeeper " << HIVEKEEPER_VERSION << " (" << manifest::kApiVersion << ")"
                << std::endl;
      return kExitOk;
    }
    const manifest::Manifest manifest = manifest_for(invocation);
    if (invocation.command == "validate") {
      std::cout << invocation.manifest_path << ": valid " << manifest.kind << " " << manifest.name
                << std::endl;
      return kExitOk;
    }
    return execute(invocation, manifest);
  } catch (const Error& error) {
    std::cerr << "hivekeeper: " << redact_secrets(error.describe()) << std::endl;
    return error.exit_code();
  }
}

}  // namespace hivekeeper::cli
