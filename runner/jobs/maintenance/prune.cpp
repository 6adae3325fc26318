#include "jobs/maintenance/prune.h"

#include <spdlog/spdlog.h>

#include "common/interrupt.h"
#include "store/naming.h"
#include "store/verification.h"

namespace hivekeeper::jobs {

using nlohmann::json;

PruneOutcome prune_sets(store::BackupStore& store, const manifest::RetentionPolicy& policy,
                        const PruneRequest& request) {
  std::vector<store::BackupSet> sets;
  RetentionFacts facts{request.just_made, {}, store::Clock::now()};
  for (auto& set : store::group_backup_sets(store.names())) {
    if (set.environment != request.environment ||
        (!request.prefix.empty() && set.prefix != request.prefix))
      continue;
    if (const auto verification = store::read_verification(store, set.name);
        verification && verification->passed)
      facts.passed_verified.insert(set.name);
    sets.push_back(std::move(set));
  }
  PruneOutcome outcome{plan_retention(sets, policy, facts), {}, {}};
  for (const auto& upload : store.unfinished_uploads()) {
    const auto name = store::parse_backup_file_name(upload.name);
    if (!name || name->environment != request.environment ||
        (!request.prefix.empty() && name->prefix != request.prefix) ||
        upload.started > manifest::subtract(facts.now, request.upload_grace))
      continue;
    if (!request.dry_run) {
      store.abort_upload(upload);
      spdlog::info("aborted the upload of {} a killed job left open (started {})", upload.name,
                   store::rfc3339(upload.started));
    }
    outcome.aborted_uploads.push_back(upload.name);
  }
  if (request.dry_run) return outcome;
  for (const auto& decision : outcome.decisions) {
    if (decision.keep) continue;
    {
      const IrreversibleStep whole_set;
      auto files = decision.set.files();
      files.push_back(store::verification_record_name(decision.set.name));
      if (request.journal) request.journal->append(store::prune_record(files));
      for (const auto& file : files) store.remove(file);
    }
    spdlog::info("pruned {} ({}): no retention rule keeps it", decision.set.name,
                 store::to_string(decision.set.kind()));
    outcome.deleted.push_back(decision.set.name);
  }
  return outcome;
}

json prune_json(const PruneOutcome& outcome, const manifest::RetentionPolicy& policy,
                bool dry_run) {
  json items = json::array();
  for (const auto& decision : outcome.decisions)
    items.push_back({{"name", decision.set.name},
                     {"kind", store::to_string(decision.set.kind())},
                     {"timestamp", decision.set.timestamp},
                     {"action", decision.keep ? "keep" : "delete"},
                     {"reasons", decision.reasons}});
  return {{"apiVersion", "hivekeeper.io/v1"},
          {"kind", dry_run ? "PrunePlan" : "PruneResult"},
          {"policy", manifest::to_json(policy)},
          {"deleted", outcome.deleted},
          {dry_run ? "uploadsToAbort" : "abortedUploads", outcome.aborted_uploads},
          {"items", items}};
}

}  // namespace hivekeeper::jobs
