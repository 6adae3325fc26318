#include "jobs/run.h"

#include <sys/resource.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <format>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include <spdlog/spdlog.h>

#include "archive/atomic_file.h"
#include "common/error.h"
#include "common/interrupt.h"
#include "common/log.h"
#include "common/text.h"
#include "jobs/backup/backup.h"
#include "jobs/drill/drill.h"
#include "jobs/recover.h"
#include "jobs/restore/restore.h"
#include "metrics/publish.h"
#include "notify/deliver.h"
#include "status/lifecycle.h"
#include "store/directory_lock.h"
#include "store/journal.h"
#include "store/naming.h"
#include "store/open_store.h"
#include "store/restore_records.h"
#include "target/target.h"

namespace hivekeeper::jobs {
namespace {

std::string now() {
  return store::rfc3339(Clock::now());
}

std::filesystem::path status_path_for(const RunOptions& options,
                                      const manifest::Manifest& manifest) {
  if (!options.status_file.empty()) return options.status_file;
  return std::filesystem::path(manifest.directory()) / "status" / (manifest.name + ".json");
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

std::string host_name() {
  std::array<char, 256> host{};
  if (::gethostname(host.data(), host.size() - 1) != 0) host[0] = '\0';
  return host.data();
}

// Who holds the backup directory, for the message of a job that waits for it.
std::string job_description(const manifest::Manifest& manifest, const std::string& start) {
  const manifest::Environment environment = manifest.environment();
  const std::string host = host_name();
  return std::format("{} {} ({}, started {}{}{})", manifest.kind, manifest.name,
                     manifest::to_string(environment), start, host.empty() ? "" : " on ", host);
}

// The running job's journal, for the signal thread: after SIGTERM's cleanups it removes the
// journal (the job's thread never gets to), while the lock is still held.
struct JournalSlot {
  std::mutex mutex;
  std::shared_ptr<store::JournalWriter> journal;

  void remove_journal() {
    std::lock_guard lock(mutex);
    if (journal) journal->remove_if_ours();
  }
};

// Holds JOURNAL in SLOT for its lifetime.
class JournalRegistration {
 public:
  JournalRegistration(JournalSlot& slot, std::shared_ptr<store::JournalWriter> journal)
      : slot_(slot) {
    std::lock_guard lock(slot_.mutex);
    slot_.journal = std::move(journal);
  }
  ~JournalRegistration() {
    std::lock_guard lock(slot_.mutex);
    slot_.journal.reset();
  }
  JournalRegistration(const JournalRegistration&) = delete;
  JournalRegistration& operator=(const JournalRegistration&) = delete;

 private:
  JournalSlot& slot_;
};

// A lock that could not be taken (a read-only directory, no flock) does not exclude other jobs:
// then a journal found may be a live job's, and this job writes none.
bool lock_is_held(const store::JobLock& lock) {
  const auto* directory_lock = dynamic_cast<const store::DirectoryLock*>(&lock);
  return directory_lock && directory_lock->held();
}

store::JournalJob journal_job(const manifest::Manifest& manifest,
                              const target::TargetRequest& request, const std::string& start,
                              const std::filesystem::path& status_file, const std::string& run) {
  return {manifest.kind,
          manifest.name,
          store::status_file_for_journal(manifest.directory(), status_file),
          run,
          !request.target.postgres.has_value(),
          host_name(),
          static_cast<long>(::getpid()),
          start};
}

void record_failure(status::StatusReporter& status, const std::string& reason,
                    const std::string& message, const std::string& hint) {
  status.update([&](status::JobStatus& job) {
    status::mark_failed(job, reason, redact_secrets(message), now());
    if (!hint.empty()) job.hint = redact_secrets(hint);
  });
}

// GitOps-safe restores (store/restore_records.h): a RestoreJob manifest applied again unchanged
// ends here, Succeeded, having touched nothing else: no target opened (the database may even be
// down), no journal, no safety backup. Runs with the lock held, so a second sync that waited for
// the first one's lock sees its record.
bool already_restored(const manifest::Manifest& manifest, status::StatusReporter& status) {
  const auto record = store::read_restore_record(manifest.directory(), manifest.name);
  const store::RepeatDecision decision =
      store::decide_repeat(record, store::restore_key(manifest.document));
  if (!decision.already_restored) {
    if (record) spdlog::info("restoring again: {}", decision.why);
    return false;
  }
  const std::string message = std::format(
      "{} (record {}); change the spec or the annotation {} to run it again", decision.why,
      store::restore_record_path(manifest.directory(), manifest.name).string(),
      store::kRestoreIdAnnotation);
  spdlog::info("{}", message);
  status.update([&](status::JobStatus& job) {
    nlohmann::json earlier = store::render_restore_record(*record);
    earlier.erase("apiVersion");
    earlier.erase("kind");
    job.details["alreadyRestored"] = earlier;
    status::mark_succeeded(job, "AlreadyRestored", message, now());
  });
  return true;
}

// The record is written once the restore has completed and before the Succeeded status, with
// the lock held. In this order a SIGKILL errs toward restoring again, never toward skipping a
// restore that did not complete: killed before the record (after the COMMIT, say), the next apply
// finds none and restores the same files again, which leaves what this one would have; killed
// after it, the restore was whole, and the next apply says so. A failed restore (an exception
// before this point) writes none. Every Succeeded status of a run-once restore has its record.
void record_restore(const manifest::Manifest& manifest, const RestoreOutcome& outcome,
                    const std::filesystem::path& status_file) {
  const store::RestoreRecord record{store::restore_key(manifest.document),
                                    now(),
                                    outcome.database,
                                    outcome.media,
                                    outcome.safety_database,
                                    outcome.safety_media,
                                    status_file.string()};
  store::write_restore_record(
      manifest.directory(), record,
      manifest.group_readable() ? archive::kGroupReadableModes : archive::kPrivateModes);
  spdlog::info("restore recorded in {}: this manifest applied again unchanged will not run again",
               store::restore_record_path(manifest.directory(), manifest.name).string());
}

// Everything between Pending and the outcome: wait for the directory, finish what a killed job
// left there, open the target, run, and write the outcome. The outcome is written while the
// journal and the lock are still held: a job killed after its journal went but before a Failed
// status was written would leave a status that says Running, with nothing left to correct it.
// ONCE: a restore already recorded as done is not run again (RunOptions::once).
void run_under_lock(const manifest::Manifest& manifest, const std::string& start,
                    std::chrono::steady_clock::time_point started, status::StatusReporter& status,
                    JournalSlot& slot, bool once) {
  const auto store = store::open_store(manifest.storage, manifest.directory(),
                                       manifest.group_readable(), manifest.kind == "BackupJob");
  const auto lock = store->lock(job_description(manifest, start), [&](const std::string& other) {
    const std::string message = std::format("waiting for {} to finish: one job at a time uses {}",
                                            other, manifest.directory());
    spdlog::info("{}", message);
    status.update([&](status::JobStatus& job) { status::mark_waiting(job, message, now()); });
  });
  const bool locked = lock_is_held(*lock);
  if (locked) recover_killed_job(manifest.directory());
  once = once && manifest.is_restore();
  if (once && already_restored(manifest, status)) return;
  status.update([&](status::JobStatus& job) { status::mark_running(job, now()); });
  notify::send_notifications(manifest, status, "start");
  const std::string run = random_token();
  target::TargetRequest request = target::target_request(manifest);
  request.helper_labels = {{target::kRunLabel, run}, {target::kJobLabel, manifest.name}};
  const auto journal =
      locked ? std::make_shared<store::JournalWriter>(
                   manifest.directory(), journal_job(manifest, request, start, status.path(), run))
             : std::make_shared<store::JournalWriter>();
  const JournalRegistration registered(slot, journal);
  try {
    const auto target = target::open_target(request);
    std::optional<RestoreOutcome> restored;
    if (manifest.is_drill())
      run_drill(manifest, *target, *store, status, *journal);
    else if (manifest.is_restore())
      restored = run_restore(manifest, *target, *store, status, *journal);
    else
      run_backup(manifest, *target, *store, status, *journal);
    wait_if_interrupted();
    if (once && restored) record_restore(manifest, *restored, status.path());
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    status.update([&](status::JobStatus& job) {
      status::mark_succeeded(job,
                             manifest.is_drill()     ? "DrillPassed"
                             : manifest.is_restore() ? "RestoreSucceeded"
                                                     : "BackupSucceeded",
                             std::format("completed in {:.1f} s", seconds), now());
    });
  } catch (const Error& error) {
    wait_if_interrupted();  // the failure may be the interrupt's doing; its report comes from there
    record_failure(status, error.reason(), error.what(), error.hint());
    throw;
  } catch (const std::exception& error) {
    wait_if_interrupted();
    // A bug or a library failure we did not anticipate: still a failed job, never a crash.
    record_failure(status, "InternalError", error.what(), "");
    throw;
  }
}

// Peak memory is part of the promise (bounded whatever the data size), so it is reported; and
// how long the run took, to the millisecond (the status's times are whole seconds), which the
// duration metric reads.
void record_run_figures(status::StatusReporter& status,
                        std::chrono::steady_clock::time_point started) {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto peak_rss = static_cast<std::uint64_t>(usage.ru_maxrss) * 1024;
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  status.update([&](status::JobStatus& job) {
    job.details["peakMemoryBytes"] = peak_rss;
    job.details["durationSeconds"] = std::round(seconds * 1000) / 1000;
  });
  spdlog::info("peak memory {:.1f} MiB; status written to {}",
               static_cast<double>(peak_rss) / (1 << 20), status.path().string());
}

void finish(const manifest::Manifest& manifest, const RunOptions& options,
            status::StatusReporter& status, std::chrono::steady_clock::time_point started) {
  record_run_figures(status, started);
  notify::send_notifications(manifest, status, notify::event_for(status.snapshot().phase));
  metrics::publish_job_metrics(manifest, options.metrics_file, status);
  write_termination_log(options.termination_log, manifest.document, status.snapshot());
  std::cout << status::summary_line(manifest.kind, manifest.name, status.snapshot()) << std::endl;
}

// How long an interrupted job's report may take. Kubernetes sends SIGKILL 30 s after SIGTERM by
// default (docker stop: 10 s); the webhooks and the Pushgateway get one try each, side by side,
// and a receiver that never answers is cut off here.
constexpr std::chrono::seconds kInterruptReportTime{3};

// The signal thread's report, once the cleanups have run: the status says Failed (Interrupted);
// the failure notifications and the metrics go out as a failed job's do, within
// kInterruptReportTime (the interrupt stops every other request: http::HttpRequest::deadline);
// then the termination message and the summary line.
void report_interrupt(const manifest::Manifest& manifest, const RunOptions& options,
                      status::StatusReporter& status, std::chrono::steady_clock::time_point started,
                      const std::string& signal) {
  const std::string message = "interrupted by " + signal + "; partial files were removed";
  spdlog::error("{}", message);
  status.update(
      [&](status::JobStatus& job) { status::mark_failed(job, "Interrupted", message, now()); });
  record_run_figures(status, started);
  const auto deadline = std::chrono::steady_clock::now() + kInterruptReportTime;
  std::thread push([&] {
    try {
      metrics::publish_job_metrics(manifest, options.metrics_file, status, deadline);
    } catch (const std::exception& error) {
      spdlog::warn("could not publish the metrics: {}", error.what());
    }
  });
  notify::send_notifications(manifest, status, "failure", {.attempts = 1}, deadline);
  push.join();
  write_termination_log(options.termination_log, manifest.document, status.snapshot());
  std::cout << status::summary_line(manifest.kind, manifest.name, status.snapshot()) << std::endl;
}

}  // namespace

void run_job(const manifest::Manifest& manifest, const RunOptions& options) {
  // A dry run takes no lock and writes no status: it only reads and tells.
  if (manifest.is_drill() && manifest.drill.dry_run) return preview_drill(manifest);
  auto status = std::make_shared<status::StatusReporter>(status_path_for(options, manifest),
                                                         manifest.document);
  auto journal = std::make_shared<JournalSlot>();
  const auto started = std::chrono::steady_clock::now();
  install_interrupt_handling(
      [status, journal, manifest, options, started](const std::string& signal) {
        journal->remove_journal();  // the cleanups have run: nothing is left to recover
        report_interrupt(manifest, options, *status, started, signal);
      });

  const std::string start = now();
  status->update([&](status::JobStatus& job) { status::mark_pending(job, start); });
  // A failure before the job ran (the lock, the recovery of a killed job) is written here; one
  // while it ran was written under the lock.
  const auto failed = [&] { return status->snapshot().phase == status::Phase::Failed; };
  try {
    run_under_lock(manifest, start, started, *status, *journal, options.once);
  } catch (const Error& error) {
    wait_if_interrupted();
    if (!failed()) record_failure(*status, error.reason(), error.what(), error.hint());
    finish(manifest, options, *status, started);
    throw;
  } catch (const std::exception& error) {
    wait_if_interrupted();
    if (!failed()) record_failure(*status, "InternalError", error.what(), "");
    finish(manifest, options, *status, started);
    throw;
  }
  finish(manifest, options, *status, started);
}

}  // namespace hivekeeper::jobs
