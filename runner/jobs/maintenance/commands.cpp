#include "jobs/maintenance/commands.h"

#include <unistd.h>

#include <algorithm>
#include <memory>
#include <optional>

#include <spdlog/spdlog.h>

#include "common/error.h"
#include "common/interrupt.h"
#include "common/text.h"
#include "jobs/maintenance/verify.h"
#include "jobs/recover.h"
#include "status/lifecycle.h"
#include "status/status.h"
#include "store/directory_lock.h"
#include "store/encryption.h"
#include "store/open_store.h"

namespace hivekeeper::jobs {
namespace {

using nlohmann::json;

std::string scope_name(const StoreScope& scope) {
  return scope.environment ? manifest::to_string(*scope.environment) : "all";
}

// A maintenance command as a manifest-like document, for its status file (the jobs' format).
json command_document(const std::string& name, const std::string& kind, const json& spec) {
  return {{"apiVersion", "hivekeeper.io/v1"},
          {"kind", kind},
          {"metadata", {{"name", name}}},
          {"spec", spec}};
}

std::string now() {
  return store::rfc3339(store::Clock::now());
}

std::unique_ptr<store::BackupStore> open_scope(const StoreScope& scope, bool writes) {
  return store::open_store(scope.storage, scope.directory, scope.group_readable, writes);
}

}  // namespace

std::vector<SetSummary> list_sets(const StoreScope& scope) {
  const auto store = open_scope(scope, false);
  return take_inventory(*store, scope.environment, scope.prefix);
}

std::vector<store::UnfinishedUpload> list_unfinished_uploads(const StoreScope& scope) {
  return open_scope(scope, false)->unfinished_uploads();
}

std::vector<store::Verification> run_verify(const StoreScope& scope, const std::string& selector) {
  const auto opened = open_scope(scope, false);
  store::BackupStore& store = *opened;
  const auto identities = store::age_identities(scope.encryption);
  const auto sets = store::select_sets(store::group_backup_sets(store.names()), scope.environment,
                                       scope.prefix, selector);
  const std::string name = "verify-" + scope_name(scope);
  status::StatusReporter status(
      std::filesystem::path(scope.directory) / "status" / (name + ".json"),
      command_document(name, "Verify", {{"sets", selector}, {"prefix", scope.prefix}}));
  const std::string start = now();
  status.update([&](status::JobStatus& job) {
    status::mark_pending(job, start);
    status::mark_running(job, start);
  });
  std::vector<store::Verification> results;
  json details = json::array();
  for (const auto& set : sets) {
    spdlog::info("verifying {}", set.name);
    auto verification = verify_set(store, set, scope.directory, identities);
    store::record_verification(store, verification);
    details.push_back(store::to_json(verification));
    results.push_back(std::move(verification));
  }
  const auto failed = std::count_if(results.begin(), results.end(),
                                    [](const store::Verification& v) { return !v.passed; });
  status.update([&](status::JobStatus& job) {
    job.details["sets"] = details;
    const std::string summary = std::to_string(results.size() - failed) + " of " +
                                std::to_string(results.size()) + " sets passed";
    if (failed == 0)
      status::mark_succeeded(job, "VerifySucceeded", summary, now());
    else
      status::mark_failed(job, "VerifyFailed", summary, now());
  });
  return results;
}

PruneOutcome run_prune(const StoreScope& scope, const manifest::RetentionPolicy& policy,
                       bool dry_run, const manifest::CalendarDuration& upload_grace) {
  // A prune of a set kept in both places removes both copies.
  const auto opened = open_scope(scope, true);
  store::BackupStore& store = *opened;
  PruneRequest request{*scope.environment, scope.prefix, "", dry_run};
  request.upload_grace = upload_grace;
  if (dry_run) return prune_sets(store, policy, request);  // no lock, no file written
  const std::string name = "prune-" + scope_name(scope);
  const auto status = std::make_shared<status::StatusReporter>(
      std::filesystem::path(scope.directory) / "status" / (name + ".json"),
      command_document(name, "Prune", manifest::to_json(policy)));
  // The journal is shared with the signal thread, which removes it once the set in hand is
  // gone: nothing is left for the next job to finish.
  const auto journal = std::make_shared<std::optional<store::JournalWriter>>();
  install_interrupt_handling([status, journal](const std::string& signal) {
    if (*journal) (*journal)->remove_if_ours();
    const std::string message = "interrupted by " + signal + "; the set in hand was deleted whole";
    spdlog::error("{}", message);
    status->update(
        [&](status::JobStatus& job) { status::mark_failed(job, "Interrupted", message, now()); });
  });
  const std::string start = now();
  status->update([&](status::JobStatus& job) { status::mark_pending(job, start); });
  const auto lock = store.lock(name + " (started " + start + ")", [&](const std::string& other) {
    spdlog::info("waiting for {} to finish: one job at a time uses {}", other, scope.directory);
  });
  const auto* directory_lock = dynamic_cast<const store::DirectoryLock*>(lock.get());
  // The signal handler holds the journal too, so no destructor would end it: this does, however
  // the prune ends, unless a signal came (then the handler removes it and the process exits).
  struct JournalEnd {
    std::shared_ptr<std::optional<store::JournalWriter>> journal;
    ~JournalEnd() {
      wait_if_interrupted();
      journal->reset();
    }
  } const end_journal{journal};
  try {
    // Without the lock another job may be running: its journal must be neither recovered nor
    // replaced.
    if (directory_lock && directory_lock->held()) {
      recover_killed_job(scope.directory);
      journal->emplace(
          scope.directory,
          store::JournalJob{"Prune", name,
                            store::status_file_for_journal(scope.directory, status->path()),
                            random_token(), false, "", static_cast<long>(::getpid()), start});
      request.journal = &**journal;
    }
    status->update([&](status::JobStatus& job) { status::mark_running(job, now()); });
    auto outcome = prune_sets(store, policy, request);
    status->update([&](status::JobStatus& job) {
      job.details["pruned"] = outcome.deleted;
      if (!outcome.aborted_uploads.empty()) job.details["abortedUploads"] = outcome.aborted_uploads;
      status::mark_succeeded(job, "PruneSucceeded",
                             std::to_string(outcome.deleted.size()) + " sets deleted, " +
                                 std::to_string(outcome.decisions.size() - outcome.deleted.size()) +
                                 " kept",
                             now());
    });
    return outcome;
  } catch (const Error& error) {
    wait_if_interrupted();
    status->update([&](status::JobStatus& job) {
      status::mark_failed(job, error.reason(), error.what(), now());
    });
    throw;
  }
}

}  // namespace hivekeeper::jobs
