#include "cli/maintenance.h"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/offsite_flags.h"
#include "cli/tables.h"
#include "common/error.h"
#include "jobs/maintenance/commands.h"
#include "jobs/progress.h"
#include "manifest/manifest.h"
#include "metrics/publish.h"

namespace hivekeeper::cli {
namespace {

using nlohmann::json;

// The directory and prefix: -f MANIFEST's, else -d and --prefix, else the defaults.
jobs::StoreScope scope_of(const Invocation& invocation, bool environment_operand) {
  jobs::StoreScope scope;
  if (!invocation.manifest_path.empty()) {
    const auto manifest = manifest::load_manifest(invocation.manifest_path);
    scope.directory = manifest.directory();
    scope.group_readable = manifest.group_readable();
    scope.storage = manifest.storage;
    scope.encryption = manifest.encryption;
    scope.prefix =
        manifest.is_restore() ? manifest.restore.source.prefix : manifest.backup.output.prefix;
  }
  if (!invocation.output_directory.empty()) scope.directory = invocation.output_directory;
  if (!invocation.prefix.empty()) scope.prefix = invocation.prefix;
  // --s3-* and --age-identity replace the manifest's, checked as a manifest's would be.
  json spec = {{"environment", "prod"}, {"source", json::object()}};
  add_offsite_flags(invocation, spec);
  if (spec.contains("storage") || spec.contains("encryption")) {
    const auto flags = manifest::parse_manifest(json{{"apiVersion", manifest::kApiVersion},
                                                     {"kind", "RestoreJob"},
                                                     {"metadata", {{"name", "store-flags"}}},
                                                     {"spec", spec}}
                                                    .dump(),
                                                "the command line");
    if (spec.contains("storage")) scope.storage = flags.storage;
    if (spec.contains("encryption")) scope.encryption = flags.encryption;
  }
  if (environment_operand && !invocation.operands.empty())
    scope.environment = manifest::parse_environment(invocation.operands[0]);
  return scope;
}

void print_document(const json& document, const std::string& format) {
  std::cout << (format == "yaml" ? to_yaml(document) : document.dump(2) + "\n");
}

std::string size_cell(const std::optional<std::uint64_t>& bytes, bool present) {
  if (!present) return "-";
  return bytes ? jobs::human_bytes(*bytes) : "missing";
}

std::string verified_cell(const std::optional<store::Verification>& verification) {
  if (!verification) return "-";
  return (verification->passed ? "yes" : "FAILED") +
         (verification->by == "drill" ? std::string(" (drill)") : std::string());
}

void print_sets(const std::vector<jobs::SetSummary>& sets, bool wide) {
  const auto now = store::Clock::now();
  TableRow headers = {"NAME", "ENVIRONMENT", "KIND", "DATABASE", "MEDIA", "VERIFIED", "AGE"};
  if (wide) headers.insert(headers.end(), {"TIME", "DATABASE FILE", "MEDIA FILE"});
  std::vector<TableRow> rows;
  for (const auto& summary : sets) {
    const auto& set = summary.set;
    TableRow row = {set.name,
                    manifest::to_string(set.environment),
                    store::to_string(set.kind()),
                    size_cell(summary.database_bytes, !set.database_files.empty()),
                    size_cell(summary.media_bytes, set.media_file.has_value()),
                    verified_cell(summary.verification),
                    format_age(std::chrono::floor<std::chrono::seconds>(now - set.time))};
    if (wide)
      row.insert(row.end(), {store::rfc3339(set.time),
                             set.database_files.empty() ? "-" : set.database_files.front(),
                             set.media_file.value_or("-")});
    rows.push_back(std::move(row));
  }
  if (rows.empty())
    std::cout << "no backup sets\n";
  else
    std::cout << format_table(headers, rows);
}

manifest::RetentionPolicy policy_of(const Invocation& invocation) {
  if (!invocation.manifest_path.empty()) {
    const auto manifest = manifest::load_manifest(invocation.manifest_path);
    if (manifest.is_restore() || !manifest.backup.retention)
      throw invalid_input("RetentionMissing",
                          invocation.manifest_path + " has no spec.retention to prune by",
                          "add spec.retention to the BackupJob, or give the rules as flags "
                          "(--keep-daily 7 ...)");
    return *manifest.backup.retention;
  }
  const auto errors = manifest::retention_errors(invocation.retention, "prune");
  if (!errors.empty())
    throw invalid_input("InvalidUsage", "prune: the retention rules are not usable",
                        "e.g. `hivekeeper prune prod --keep-daily 7 --keep-weekly 4 --dry-run`",
                        errors);
  return manifest::retention_from(invocation.retention);
}

// When verify or prune started: for the file the command writes, and for how long it took.
struct CommandStart {
  std::filesystem::file_time_type file_time = std::filesystem::file_time_type::clock::now();
  std::chrono::steady_clock::time_point steady = std::chrono::steady_clock::now();
};

// --metrics-file and --pushgateway for verify and prune, made from the status file the command
// wrote (as a job's are from its status) when it wrote one since it started: a command that
// failed before writing it has no outcome to publish.
void write_metrics(const Invocation& invocation, const jobs::StoreScope& scope,
                   const std::string& kind, const CommandStart& since) {
  if (invocation.metrics_file.empty() && invocation.pushgateway.empty()) return;
  const std::string environment =
      scope.environment ? manifest::to_string(*scope.environment) : "all";
  std::string name = invocation.command + "-" + environment;
  const auto path = std::filesystem::path(scope.directory) / "status" / (name + ".json");
  std::error_code error;
  // A file's time comes from the kernel's coarse clock, a few milliseconds behind.
  const auto written = std::filesystem::last_write_time(path, error);
  if (error || written < since.file_time - std::chrono::milliseconds(50)) return;
  std::ifstream in(path);
  json document = json::parse(in, nullptr, false);
  if (!document.is_object() || !document.contains("status") || !document["status"].is_object())
    return;
  // To the millisecond, as a job's (the status's times are whole seconds).
  if (!document["status"].contains("durationSeconds")) {
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - since.steady;
    document["status"]["durationSeconds"] = std::round(took.count() * 1000) / 1000;
  }
  std::optional<manifest::PushgatewaySpec> gateway;
  if (!invocation.pushgateway.empty()) {
    gateway.emplace();
    gateway->url = invocation.pushgateway;
  }
  metrics::publish(document, {name, kind, environment}, invocation.metrics_file, gateway);
}

}  // namespace

int list_command(const Invocation& invocation) {
  const auto scope = scope_of(invocation, true);
  const auto sets = jobs::list_sets(scope);
  if (invocation.output_format == "json" || invocation.output_format == "yaml")
    print_document(jobs::inventory_json(sets, store::Clock::now()), invocation.output_format);
  else
    print_sets(sets, invocation.output_format == "wide");
  // Left by killed backups in a bucket: not sets, but billed until prune aborts them.
  for (const auto& upload : jobs::list_unfinished_uploads(scope))
    std::cerr << "hivekeeper: unfinished upload of " << upload.name << " (started "
              << store::rfc3339(upload.started)
              << ", a killed backup's; `hivekeeper prune` aborts it once it is an hour old)\n";
  if (invocation.max_age.empty()) return kExitOk;
  const auto max_age = manifest::parse_duration(invocation.max_age);
  if (!max_age)
    throw invalid_input("InvalidUsage", "--max-age " + invocation.max_age + " is not a duration",
                        "e.g. --max-age 26h, 2d or 1w (units y, m, w, d, h)");
  if (const auto stale = jobs::staleness(sets, *scope.environment, *max_age, store::Clock::now())) {
    std::cerr << "hivekeeper: STALE: " << *stale << std::endl;
    return kExitJobFailed;
  }
  return kExitOk;
}

int verify_command(const Invocation& invocation) {
  // verify [ENV] [SET]: a lone operand that is not an environment is the set.
  const bool environment_given =
      !invocation.operands.empty() && manifest::parse_environment(invocation.operands[0]);
  const auto scope = scope_of(invocation, environment_given);
  std::string selector = "latest";
  if (invocation.operands.size() == 2) selector = invocation.operands[1];
  if (invocation.operands.size() == 1 && !environment_given) selector = invocation.operands[0];
  const CommandStart started;
  const auto results = jobs::run_verify(scope, selector);
  write_metrics(invocation, scope, "Verify", started);
  int failed = 0;
  for (const auto& result : results) {
    std::string problems;
    for (const auto& problem : result.problems)
      problems += (problems.empty() ? "" : "; ") + problem;
    if (result.passed) {
      std::cout << "PASSED " << result.set << "\n";
    } else {
      ++failed;
      std::cout << "FAILED " << result.set << ": " << problems << "\n";
    }
  }
  std::cout << "verify: " << results.size() - failed << " of " << results.size() << " sets passed"
            << std::endl;
  return failed == 0 ? kExitOk : kExitJobFailed;
}

int prune_command(const Invocation& invocation) {
  const auto scope = scope_of(invocation, true);
  const auto policy = policy_of(invocation);
  manifest::CalendarDuration upload_grace = jobs::kUnfinishedUploadAge;
  if (!invocation.upload_grace.empty()) {
    const auto parsed = manifest::parse_duration(invocation.upload_grace);
    if (!parsed)
      throw invalid_input(
          "InvalidUsage",
          "--upload-grace takes a duration such as 1h, 2d or 0h, not " + invocation.upload_grace);
    upload_grace = *parsed;
  }
  const CommandStart started;
  std::optional<jobs::PruneOutcome> pruned;
  try {
    pruned = jobs::run_prune(scope, policy, invocation.dry_run, upload_grace);
  } catch (...) {
    if (!invocation.dry_run) write_metrics(invocation, scope, "Prune", started);
    throw;
  }
  if (!invocation.dry_run) write_metrics(invocation, scope, "Prune", started);
  const auto& outcome = *pruned;
  if (invocation.output_format == "json" || invocation.output_format == "yaml") {
    print_document(jobs::prune_json(outcome, policy, invocation.dry_run), invocation.output_format);
    return kExitOk;
  }
  std::vector<TableRow> rows;
  for (const auto& decision : outcome.decisions) {
    std::string reasons;
    for (const auto& reason : decision.reasons) reasons += (reasons.empty() ? "" : ", ") + reason;
    rows.push_back({decision.set.name, store::to_string(decision.set.kind()),
                    decision.keep ? "keep" : "delete", reasons.empty() ? "-" : reasons});
  }
  std::cout << format_table({"NAME", "KIND", "ACTION", "REASONS"}, rows);
  const auto deleted = invocation.dry_run
                           ? std::count_if(outcome.decisions.begin(), outcome.decisions.end(),
                                           [](const auto& decision) { return !decision.keep; })
                           : static_cast<std::ptrdiff_t>(outcome.deleted.size());
  std::cout << "prune " << manifest::to_string(*scope.environment) << ": " << deleted
            << (invocation.dry_run ? " sets would be deleted (dry run: nothing was changed), "
                                   : " sets deleted, ")
            << outcome.decisions.size() - static_cast<std::size_t>(deleted) << " kept" << std::endl;
  return kExitOk;
}

}  // namespace hivekeeper::cli
