#include "jobs/drill/drill.h"

#include <chrono>
#include <cmath>
#include <future>
#include <iostream>
#include <type_traits>

#include <spdlog/spdlog.h>

#include "common/error.h"
#include "common/interrupt.h"
#include "common/text.h"
#include "jobs/drill/checks.h"
#include "jobs/drill/plan.h"
#include "jobs/progress.h"
#include "jobs/restore/fetch.h"
#include "jobs/restore/inputs.h"
#include "jobs/restore/row_counts.h"
#include "postgres/load.h"
#include "postgres/queries.h"
#include "postgres/scratch_sql.h"
#include "store/encryption.h"
#include "store/set_metadata.h"
#include "store/verification.h"

namespace hivekeeper::jobs {
namespace {

using nlohmann::json;
using SteadyClock = std::chrono::steady_clock;

double seconds_since(SteadyClock::time_point start) {
  return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

// The set's problems, collected: each check runs even when another failed.
class Problems {
 public:
  // Runs STEP; an Error it throws becomes a problem with the set. One a signal caused is not: the
  // signal thread is cleaning up, and the job's thread waits for the end there.
  template <typename Step>
  bool attempt(const std::string& what, Step&& step) {
    try {
      step();
      return true;
    } catch (const Error& error) {
      wait_if_interrupted();
      add(error.reason(), what + ": " + error.what(), error.hint());
      return false;
    }
  }
  void add(const std::string& reason, const std::string& message, const std::string& hint) {
    spdlog::error("{}", message);
    list_.push_back({reason, message, hint});
  }
  bool empty() const { return list_.empty(); }
  std::vector<std::string> messages() const {
    std::vector<std::string> messages;
    for (const auto& problem : list_) messages.push_back(problem.message);
    return messages;
  }
  // The first problem's reason and hint, every problem's message.
  [[noreturn]] void fail(const std::string& set) const {
    std::string text;
    for (const auto& problem : list_) text += (text.empty() ? "" : "; ") + problem.message;
    throw job_failed(list_.front().reason,
                     "the drill of " + set + " failed (" + std::to_string(list_.size()) +
                         (list_.size() == 1 ? " problem" : " problems") + "): " + text,
                     list_.front().hint);
  }

 private:
  struct Problem {
    std::string reason, message, hint;
  };
  std::vector<Problem> list_;
};

// Step 2's outcome: what the load and the staging start from.
struct CheckedInputs {
  bool dump_ok = false;
  std::optional<store::SetMetadata> database_metadata;
  std::optional<store::SetMetadata> media_metadata;
  std::optional<archive::MediaArchiveContents> media;
};

CheckedInputs check_drill_inputs(const DrillPlan& plan, const store::BackupStore& store,
                                 Problems& problems, ProgressBoard& progress) {
  CheckedInputs inputs;
  const std::string& dump = plan.database.name;
  inputs.dump_ok = problems.attempt(dump, [&] {
    inputs.database_metadata = store::find_set_metadata(store, dump);
    ProgressCounter& read = progress.start_reading("check database", plan.database.file);
    check_dump(plan.database.file, inputs.database_metadata, counting(read));
    read.finish();
  });
  if (plan.media)
    problems.attempt(plan.media->name, [&] {
      inputs.media_metadata = store::find_set_metadata(store, plan.media->name);
      ProgressCounter& read = progress.start_reading("check media", plan.media->file);
      auto media =
          archive::inspect_media_archive(plan.media->file, !inputs.media_metadata, counting(read));
      read.finish();
      check_sha256(plan.media->file, inputs.media_metadata, media.file.sha256);
      inputs.media = std::move(media);
    });
  return inputs;
}

// Step 3's database half: the dump loaded into the scratch database and committed there when the
// row counts hold (a row count that does not is a problem; a failed load throws).
struct ScratchLoad {
  json report;
  bool committed = false;
  double seconds = 0;
  std::optional<std::uint64_t> migrations_in_dump;  // the rows of its COPY block, when it has one
};

ScratchLoad load_scratch(const DrillPlan& plan, const CheckedInputs& inputs,
                         const target::ScratchDatabase& scratch, Problems& problems,
                         ProgressCounter& progress) {
  const auto started = SteadyClock::now();
  postgres::RestoreSqlOptions options;
  options.server_version_num = postgres::server_version_num(scratch.commands(), scratch.database());
  postgres::DatabaseLoad load(scratch.commands(), scratch.database(), options);
  const postgres::LoadResult loaded = load.load(
      plan.database.file, inputs.database_metadata ? inputs.database_metadata->sha256 : "",
      counting(progress));
  progress.finish();
  const RowCountCheck rows =
      check_row_counts(loaded.loaded_rows, loaded.dump_rows, inputs.database_metadata);
  ScratchLoad result;
  result.report = {{"scratch", scratch.database().name},
                   {"rowCounts", rows.report},
                   {"sqlBytes", loaded.sql_bytes},
                   {"ownershipStatementsSkipped", loaded.statements_skipped}};
  if (const auto found = loaded.dump_rows.find(kDjangoMigrationsTable);
      found != loaded.dump_rows.end())
    result.migrations_in_dump = found->second;
  if (!rows.mismatches.empty()) {
    load.roll_back();
    problems.add("RowCountMismatch",
                 std::to_string(rows.mismatches.size()) +
                     " tables did not load the rows the backup holds (first: " +
                     rows.mismatches.front() + ")",
                 "the dump and its metadata disagree: this set does not restore; drill another");
  } else {
    load.commit();
    result.committed = true;
  }
  result.seconds = seconds_since(started);
  return result;
}

// Step 4, in the committed scratch database: its django_migrations against the dump's, and (for
// information, read-only) against the live database's.
void compare_migrations(ScratchLoad& load, const target::ScratchDatabase& scratch,
                        const target::Target& target, Problems& problems) {
  const auto restored = postgres::django_migrations(scratch.commands(), scratch.database());
  std::optional<std::vector<std::string>> live;
  try {
    live = postgres::django_migrations(target.commands(), target.facts().database);
  } catch (const Error& error) {
    spdlog::warn("cannot read the live database's django_migrations: {}", error.what());
  }
  const MigrationsCheck migrations =
      check_django_migrations(load.migrations_in_dump, restored, live);
  load.report["djangoMigrations"] = migrations.report;
  load.report["djangoMigrationsSummary"] = migrations.summary;
  if (!migrations.problem.empty())
    problems.add("MigrationsMismatch", migrations.problem,
                 "the restored django_migrations differ from the dump's; drill another set");
}

store::JournalScratch journal_entry(const DrillPlan& plan, const target::Target& target,
                                    bool database, bool media) {
  const auto& facts = target.facts();
  store::JournalScratch entry;
  if (database) entry.database = plan.scratch_database;
  if (facts.database_location.first == "container")
    entry.container = facts.database_location.second;
  entry.user = facts.database.user;
  entry.connect_to = facts.database.name;
  if (media)
    (plan.scratch_media.first == "volume" ? entry.volume : entry.directory) =
        plan.scratch_media.second;
  return entry;
}

}  // namespace

namespace {

// Steps 3 and 4 with the scratch things in place, and their removal.
struct Exercised {
  json database;  // null when nothing was loaded
  json media;
  std::optional<double> load_seconds;
  std::optional<double> unpack_seconds;
  double wall_seconds = 0;  // the load and the staging side by side, as a restore runs them
  std::optional<Error> removal_failure;
};

// Removes what step 3 created, noting in REPORT whether it went; a failure is kept for the end.
template <typename Scratch>
void remove_now(Scratch& scratch, json& report, const char* field, Exercised& out) {
  try {
    if constexpr (std::is_same_v<Scratch, target::ScratchDatabase>)
      scratch.drop();
    else
      scratch.remove();
    report[field] = true;
  } catch (const Error& error) {
    wait_if_interrupted();
    spdlog::error("{}; {}", error.what(), error.hint());
    report[field] = false;
    if (!out.removal_failure) out.removal_failure = error;
  }
}

Exercised exercise(const DrillPlan& plan, const CheckedInputs& inputs, target::Target& target,
                   store::JournalWriter& journal, Problems& problems, ProgressBoard& progress) {
  Exercised out;
  const bool database = inputs.dump_ok;
  const bool media = inputs.media.has_value();
  if (!database && !media) return out;
  // Before they exist: a drill killed from here on leaves them to the next job (jobs/recover.h).
  journal.append(store::scratch_record(journal_entry(plan, target, database, media)));
  const auto scratch = database ? target.create_scratch_database(plan.scratch_database) : nullptr;
  const auto place = media ? target.create_scratch_media(plan.scratch_media) : nullptr;
  const auto started = SteadyClock::now();
  double unpack = 0;
  std::future<void> staged;
  ProgressCounter* database_progress =
      scratch ? &progress.start_reading("database", plan.database.file) : nullptr;
  if (place) {
    ProgressCounter& media_progress = progress.start_reading("media", plan.media->file);
    staged = std::async(std::launch::async, [&] {
      const auto staging = SteadyClock::now();
      place->stage(plan.media->file, *inputs.media, counting(media_progress));
      media_progress.finish();
      unpack = seconds_since(staging);
    });
  }
  std::optional<ScratchLoad> load;
  if (scratch)
    problems.attempt(plan.database.name, [&] {
      load = load_scratch(plan, inputs, *scratch, problems, *database_progress);
    });
  if (place) {
    if (problems.attempt(plan.media->name, [&] { staged.get(); })) out.unpack_seconds = unpack;
    out.media = {{"place", plan.scratch_media.first + " " + plan.scratch_media.second},
                 {"entries", inputs.media->tree.entries()},
                 {"contentBytes", inputs.media->content_bytes},
                 {"strippedTopFolder", inputs.media->stripped_top_folder}};
  }
  out.wall_seconds = seconds_since(started);
  if (load) {
    out.load_seconds = load->seconds;
    if (load->committed)
      problems.attempt(plan.database.name,
                       [&] { compare_migrations(*load, *scratch, target, problems); });
    out.database = load->report;
  }
  if (scratch) {
    if (out.database.is_null()) out.database = {{"scratch", plan.scratch_database}};
    remove_now(*scratch, out.database, "dropped", out);
  }
  if (place) remove_now(*place, out.media, "removed", out);
  return out;
}

// Milliseconds are all a person reads, and all that a run's jitter leaves meaningful.
double rounded(double seconds) {
  return std::round(seconds * 1000) / 1000;
}

json timings_of(double check_seconds, const Exercised& exercised, double total_seconds) {
  json timings = {{"inputsCheckSeconds", rounded(check_seconds)},
                  {"restoreSeconds", rounded(check_seconds + exercised.wall_seconds)},
                  {"totalSeconds", rounded(total_seconds)}};
  if (exercised.load_seconds) timings["databaseLoadSeconds"] = rounded(*exercised.load_seconds);
  if (exercised.unpack_seconds) timings["mediaUnpackSeconds"] = rounded(*exercised.unpack_seconds);
  return timings;
}

void announce(const DrillPlan& plan, const target::Target& target, status::StatusReporter& status) {
  json files = json::array();
  for (const auto& file : plan.files()) files.push_back(file.string());
  status.update([&](status::JobStatus& job) {
    job.details["set"] = plan.set.name;
    job.details["files"] = files;
    job.details["scratch"] = {{"database", plan.scratch_database},
                              {plan.scratch_media.first, plan.scratch_media.second}};
  });
  spdlog::info("drilling backup set {} on {}: scratch database {}{}", plan.set.name,
               target.describe(), plan.scratch_database,
               plan.media
                   ? ", media into " + plan.scratch_media.first + " " + plan.scratch_media.second
                   : ", database only");
}

}  // namespace

void run_drill(const manifest::Manifest& manifest, target::Target& target,
               store::BackupStore& store, status::StatusReporter& status,
               store::JournalWriter& journal) {
  const auto started = SteadyClock::now();
  // 1. The plan.
  DrillPlan planned = plan_drill(manifest, target.facts(), store.names(), Clock::now(),
                                 random_token().substr(0, 6));
  // A bucket's set, or an encrypted one, is drilled from local copies (jobs/restore/fetch.h).
  FetchedCopies copies(store, manifest.drill.directory, store::age_identities(manifest.encryption));
  planned.database = copies.fetch(planned.database);
  if (planned.media) planned.media = copies.fetch(*planned.media);
  const DrillPlan& plan = planned;
  announce(plan, target, status);
  // 2. The inputs, as a restore checks them.
  Problems problems;
  const auto checking = SteadyClock::now();
  std::optional<ProgressBoard> progress(std::in_place, status);
  const CheckedInputs inputs = check_drill_inputs(plan, store, problems, *progress);
  const double check_seconds = seconds_since(checking);
  // 3 and 4. Load and stage into the scratch places, compare, drop them again.
  const Exercised exercised = exercise(plan, inputs, target, journal, problems, *progress);
  progress.reset();  // its last lines before the drill's report
  // 5. The verdict, recorded and reported.
  json measured = {{"job", manifest.name},
                   {"timings", timings_of(check_seconds, exercised, seconds_since(started))}};
  if (!exercised.database.is_null()) measured["database"] = exercised.database;
  if (!exercised.media.is_null()) measured["media"] = exercised.media;
  store::record_verification(store, {plan.set.name, problems.empty(), store::rfc3339(Clock::now()),
                                     "drill", problems.messages(), measured});
  json details = measured;
  details.erase("job");
  details["set"] = plan.set.name;
  details["passed"] = problems.empty();
  details["problems"] = problems.messages();
  details["verificationRecord"] = store.location_of(store::verification_record_name(plan.set.name));
  status.update([&](status::JobStatus& job) {
    for (const auto& [key, value] : details.items()) job.details[key] = value;
  });
  std::cout << drill_report(details) << std::flush;
  if (!problems.empty()) problems.fail(plan.set.name);
  if (exercised.removal_failure) throw *exercised.removal_failure;
}

}  // namespace hivekeeper::jobs
