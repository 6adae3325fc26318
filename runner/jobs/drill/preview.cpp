// `drill --dry-run` (spec.dryRun): every check that reads and nothing that writes. The target is
// opened as for the drill (the engine or server answers, the database container is found and
// running), the live database is asked what it is like (read-only), the set is planned exactly as
// the drill plans it and each of its files opened, and the scratch names are looked up (they must
// not exist yet). Free space is measured where the runner can see it. No lock, no status file,
// no record, no database, volume, folder or helper container.
#include <filesystem>
#include <fstream>
#include <iostream>

#include <spdlog/spdlog.h>

#include "common/error.h"
#include "common/interrupt.h"
#include "common/text.h"
#include "jobs/checklist.h"
#include "jobs/drill/checks.h"
#include "jobs/drill/drill.h"
#include "jobs/drill/plan.h"
#include "jobs/progress.h"
#include "jobs/restore/fetch.h"
#include "postgres/scratch_sql.h"
#include "store/encryption.h"
#include "store/open_store.h"
#include "store/set_metadata.h"
#include "store/verification.h"

namespace hivekeeper::jobs {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Opens FILE and reads a byte: present and readable, as the drill will need it.
void check_readable(const fs::path& file, Checklist& checks) {
  std::error_code error;
  const auto bytes = fs::file_size(file, error);
  std::ifstream stream(file, std::ios::binary);
  char byte = 0;
  if (error || !stream || !stream.read(&byte, 1))
    checks.fail("cannot read " + file.string() + (error ? ": " + error.message() : ""));
  else
    checks.ok("reads " + file.string() + " (" + human_bytes(bytes) + ")");
}

// What the media will take unpacked: the metadata's contentBytes, else at least the archive.
std::uint64_t media_bytes_needed(const DrillPlan& plan, const store::BackupStore& store) {
  if (plan.set.metadata_file)
    if (const auto text = store.read_small(*plan.set.metadata_file)) {
      const json metadata = json::parse(*text, nullptr, false);
      if (metadata.is_object() && metadata.contains("media") && metadata["media"].is_object())
        return metadata["media"].value("contentBytes", std::uint64_t{0});
    }
  std::error_code error;
  const auto bytes = fs::file_size(plan.media->file, error);
  return error ? 0 : bytes;
}

void check_scratch(const DrillPlan& plan, const target::Target& target,
                   const postgres::DatabaseFacts& facts, const store::BackupStore& store,
                   Checklist& checks) {
  const auto& live = target.facts().database;
  if (postgres::database_exists(target.commands(), live, plan.scratch_database))
    checks.fail("a database named " + plan.scratch_database + " exists already");
  else
    checks.ok("scratch database " + plan.scratch_database + " does not exist yet (never " +
              live.name + ", the live one)");
  const target::ScratchPreview preview = target.preview_scratch(plan.scratch_media);
  const std::string place = plan.scratch_media.first + " " + plan.scratch_media.second;
  if (preview.place_taken)
    checks.fail("the scratch " + place + " exists already");
  else
    checks.ok("scratch " + place + " does not exist yet");
  const auto space = [&](const std::string& what, std::optional<std::uint64_t> free,
                         std::uint64_t needed, const std::string& where) {
    if (const std::string problem = space_problem(what, free, needed, where); !problem.empty())
      checks.fail(problem);
    else if (free)
      checks.ok(what + " needs about " + human_bytes(needed) + "; " + where + " has " +
                human_bytes(*free) + " free");
    else
      checks.note(what + " needs about " + human_bytes(needed) + "; free space " + where);
  };
  space("the scratch database", preview.database_free_bytes, facts.size_bytes,
        preview.database_free_where);
  if (plan.media)
    space("the unpacked media", preview.media_free_bytes, media_bytes_needed(plan, store),
          preview.media_free_where);
}

std::string what_it_would_do(const DrillPlan& plan, const target::Target& target,
                             const std::string& directory) {
  std::string files;
  for (const auto& file : plan.files()) files += (files.empty() ? "" : ", ") + file.string();
  const std::string place = plan.scratch_media.first + " " + plan.scratch_media.second;
  std::string text = "it would:\n  1. read and check " + files +
                     " (the dump whole: sha256 and every line as a restore checks it" +
                     (plan.media ? "; the archive whole: every entry)\n" : ")\n");
  text += "  2. create the database " + plan.scratch_database + " on " + target.describe() +
          " and load the dump into it in one transaction; check the row counts and "
          "django_migrations\n";
  if (plan.media)
    text += "  3. create the " + place +
            ", unpack the media into it and read every file back against the archive\n";
  text += "  " + std::string(plan.media ? "4" : "3") + ". drop " + plan.scratch_database +
          (plan.media ? " and remove the " + place : "") + "; write " +
          (fs::path(directory) / store::verification_record_name(plan.set.name)).string() +
          " and the status; report the timings\n"
          "  (the scratch names end in 6 random hex digits, new each run; the live database " +
          plan.live_database + " and the live media are never written)\n";
  return text;
}

}  // namespace

void preview_drill(const manifest::Manifest& manifest) {
  // Nothing to clean up but a direct-mode pgpass file in /tmp, and a dry run that is interrupted
  // should say so.
  install_interrupt_handling([](const std::string& signal) {
    std::cerr << "hivekeeper: drill --dry-run interrupted by " << signal << std::endl;
  });
  Checklist checks;
  const std::string& directory = manifest.drill.directory;
  const auto opened =
      store::open_store(manifest.storage, directory, manifest.group_readable(), false);
  const store::BackupStore& store = *opened;
  std::vector<std::string> names;
  checks.attempt([&] {
    if (!manifest.storage.s3 && !fs::is_directory(directory))
      throw job_failed("BackupDirectoryMissing",
                       "the backup directory " + directory + " does not exist");
    names = store.names();
    checks.ok((manifest.storage.s3 ? "bucket " + manifest.storage.s3->url() + " answers ("
                                   : "backup directory " + directory + " is readable (") +
              std::to_string(names.size()) + " entries)");
  });
  std::unique_ptr<target::Target> target;
  checks.attempt([&] {
    target = target::open_target(target::target_request(manifest));
    checks.ok(target->describe() + " answers");
  });
  std::optional<DrillPlan> plan;
  postgres::DatabaseFacts facts;
  if (target && checks.attempt([&] {
        facts = postgres::database_facts(target->commands(), target->facts().database);
        const auto& live = target->facts().database;
        checks.ok("database " + live.name + " answers to " + live.user + " (" +
                  human_bytes(facts.size_bytes) + ")");
        if (!facts.can_create_databases)
          checks.fail("role " + live.user + " may not create databases (ALTER ROLE " + live.user +
                      " CREATEDB)");
      }))
    checks.attempt([&] {
      plan =
          plan_drill(manifest, target->facts(), names, Clock::now(), random_token().substr(0, 6));
      checks.ok("backup set " + plan->set.name +
                (plan->media ? ", with media" : ", database only"));
    });
  // A bucket's or an encrypted set is read through a private copy, removed when the preview ends.
  std::optional<FetchedCopies> copies;
  if (plan && !checks.attempt([&] {
        copies.emplace(store, directory, store::age_identities(manifest.encryption));
        plan->database = copies->fetch(plan->database);
        if (plan->media) plan->media = copies->fetch(*plan->media);
      }))
    plan.reset();
  if (plan) {
    // A bucket's metadata is read from the bucket (the next check), not from a file.
    for (const auto& file : plan->files())
      if (store.is_local() || file != plan->metadata) check_readable(file, checks);
    checks.attempt([&] { store::find_set_metadata(store, plan->database.name); });
    checks.attempt([&] { check_scratch(*plan, *target, facts, store, checks); });
  }
  const bool would_run = checks.failures().empty();
  std::cout << "drill --dry-run" << (plan ? " of " + plan->set.name : "") << ": "
            << (would_run ? "the drill would run" : "the drill would fail") << "\n"
            << checks.lines() << (plan ? what_it_would_do(*plan, *target, directory) : "")
            << std::flush;
  if (would_run) return;
  std::string reasons;
  for (const auto& failure : checks.failures()) reasons += (reasons.empty() ? "" : "; ") + failure;
  throw job_failed("DrillWouldFail", "the drill would fail: " + reasons,
                   "fix what is named, then `drill --dry-run` again; nothing was changed");
}

}  // namespace hivekeeper::jobs
