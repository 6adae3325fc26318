#include "jobs/preview.h"

#include <sys/statvfs.h>
#include <unistd.h>

#include <iostream>

#include "archive/media_restore.h"
#include "common/interrupt.h"
#include "jobs/backup/plan.h"
#include "jobs/checklist.h"
#include "jobs/maintenance/prune.h"
#include "jobs/progress.h"
#include "jobs/restore/fetch.h"
#include "jobs/restore/inputs.h"
#include "jobs/restore/plan.h"
#include "store/encryption.h"
#include "store/open_store.h"
#include "store/restore_records.h"
#include "store/set_metadata.h"

namespace hivekeeper::jobs {
namespace {

namespace fs = std::filesystem;

void announce_interrupt() {
  install_interrupt_handling([](const std::string& signal) {
    std::cerr << "hivekeeper: --dry-run interrupted by " << signal << "; nothing was changed"
              << std::endl;
  });
}

// Where the sets are read: the bucket when spec.storage.s3 is set (listed here, so that wrong
// credentials or a missing bucket show as a failed check), else the local directory.
std::vector<std::string> listed_names(const manifest::Manifest& manifest,
                                      const store::BackupStore& store, Checklist& checks) {
  std::vector<std::string> names;
  checks.attempt([&] {
    names = store.names();
    if (manifest.storage.s3)
      checks.ok("bucket " + manifest.storage.s3->url() + " answers (" +
                std::to_string(names.size()) + " objects)");
  });
  return names;
}

// The directory, or the nearest folder above it that exists: where the files would go.
fs::path existing_folder(fs::path directory) {
  std::error_code error;
  directory = fs::absolute(directory, error);
  while (!directory.empty() && !fs::exists(directory, error) &&
         directory != directory.parent_path())
    directory = directory.parent_path();
  return directory;
}

// Writable, and room for NEEDED bytes (the last set of this series, as the best guess of the
// next one; 0 when there is none).
void check_directory(const std::string& directory, std::uint64_t needed, Checklist& checks) {
  const fs::path folder = existing_folder(directory);
  if (::access(folder.c_str(), W_OK | X_OK) != 0) {
    checks.fail(errno_text(
        "the backup directory " + directory + " is not writable (" + folder.string() + ")", errno));
    return;
  }
  struct statvfs space{};
  if (::statvfs(folder.c_str(), &space) != 0) {
    checks.note("free space in " + folder.string() + " could not be measured");
    return;
  }
  const std::uint64_t free = static_cast<std::uint64_t>(space.f_bavail) * space.f_frsize;
  const std::string line = "backup directory " + directory + " is writable, " + human_bytes(free) +
                           " free" + (needed ? "; the last set took " + human_bytes(needed) : "");
  if (needed > free)
    checks.fail(line + ": not enough room");
  else
    checks.ok(line);
}

// The size of the newest set of PREFIX and ENVIRONMENT: the next one's likely size.
std::uint64_t last_set_bytes(const store::BackupStore& store, const std::vector<std::string>& names,
                             const std::string& prefix, manifest::Environment environment) {
  for (const auto& set : store::group_backup_sets(names)) {
    if (set.prefix != prefix || set.environment != environment || set.pre_restore) continue;
    std::uint64_t bytes = 0;
    for (const auto& file : set.files()) bytes += store.size_of(file).value_or(0);
    return bytes;
  }
  return 0;
}

std::string files_line(const BackupPlan& plan) {
  return plan.files.database + (plan.has_media() ? ", " + plan.files.media : "") + ", " +
         plan.files.metadata;
}

void print(const std::string& job, bool would_run, const Checklist& checks,
           const std::string& steps) {
  std::cout << job << " --dry-run: the " << job << (would_run ? " would run" : " would fail")
            << "\n"
            << checks.lines() << (steps.empty() ? "" : "it would:\n" + steps) << std::flush;
}

// The files the backup would write and the sets its retention would delete.
std::string backup_steps(const manifest::Manifest& manifest, const BackupPlan& plan,
                         store::BackupStore& store) {
  const auto& s3 = manifest.storage.s3;
  const std::string places =
      !s3 ? manifest.directory()
          : (manifest.storage.keep_local ? manifest.directory() + " and " : "upload to ") +
                s3->url();
  std::string steps = "  1. write " + files_line(plan) + " into " + places + "\n";
  if (const auto& policy = manifest.backup.retention) {
    const std::string made = plan.files.metadata.substr(0, plan.files.metadata.size() - 5);
    const auto pruned = prune_sets(store, *policy, {plan.environment, plan.prefix, made, true});
    std::string deleted;
    for (const auto& decision : pruned.decisions)
      if (!decision.keep) deleted += "\n     " + decision.set.name;
    steps += "  2. prune by spec.retention: " +
             (deleted.empty() ? std::string("delete no set") : "delete" + deleted) + "\n";
  }
  return steps;
}

}  // namespace

void preview_backup(const manifest::Manifest& manifest) {
  announce_interrupt();
  Checklist checks;
  const auto store =
      store::open_store(manifest.storage, manifest.directory(), manifest.group_readable(), false);
  const std::vector<std::string> names = listed_names(manifest, *store, checks);
  if (manifest.encryption.age)
    checks.attempt([&] {
      const auto recipients = store::age_recipients(manifest.encryption);
      checks.ok(recipients->passphrase ? std::string("the age passphrase reads")
                                       : "the age recipients read (" +
                                             std::to_string(recipients->x25519.size()) + ")");
    });
  std::unique_ptr<target::Target> target;
  checks.attempt([&] {
    target = target::open_target(target::target_request(manifest));
    const auto& facts = target->facts();
    checks.ok(target->describe() + " answers; database " + facts.database.name +
              (facts.media_location ? ", media " + facts.media_location->second : ""));
  });
  std::optional<BackupPlan> plan;
  if (target)
    checks.attempt([&] {
      plan = with_free_names(plan_backup(manifest, target->facts(), Clock::now()), names);
    });
  std::string steps;
  if (plan) {
    check_directory(manifest.directory(),
                    manifest.storage.keep_local || !manifest.storage.s3
                        ? last_set_bytes(*store, names, plan->prefix, plan->environment)
                        : 0,
                    checks);
    checks.attempt([&] { steps = backup_steps(manifest, *plan, *store); });
  }
  print("backup", checks.failures().empty(), checks, steps);
  checks.throw_if_failed("BackupWouldFail", "backup");
}

void preview_restore(const manifest::Manifest& manifest, bool once) {
  announce_interrupt();
  if (once) {
    const auto record = store::read_restore_record(manifest.directory(), manifest.name);
    const auto decision = store::decide_repeat(record, store::restore_key(manifest.document));
    if (decision.already_restored) {
      std::cout << "restore --dry-run: nothing would be done: " << decision.why << " (record "
                << store::restore_record_path(manifest.directory(), manifest.name).string()
                << "); change the spec or the annotation " << store::kRestoreIdAnnotation
                << " to run it again" << std::endl;
      return;
    }
  }
  Checklist checks;
  const auto opened =
      store::open_store(manifest.storage, manifest.directory(), manifest.group_readable(), false);
  const store::BackupStore& store = *opened;
  const std::vector<std::string> names = listed_names(manifest, store, checks);
  std::unique_ptr<target::Target> target;
  checks.attempt([&] {
    target = target::open_target(target::target_request(manifest));
    checks.ok(target->describe() + " answers; database " + target->facts().database.name);
  });
  std::string steps;
  std::optional<RestorePlan> plan;
  // A bucket's or an encrypted set is read through a private copy, removed when the preview ends.
  std::optional<FetchedCopies> copies;
  if (target)
    checks.attempt([&] {
      RestorePlan planned = plan_restore(manifest, target->facts(), names, Clock::now());
      copies.emplace(store, manifest.directory(), store::age_identities(manifest.encryption));
      plan = with_fetched_sources(std::move(planned), *copies);
    });
  if (plan) {
    checks.attempt([&] {
      if (!check_dump(plan->database.file, store::find_set_metadata(store, plan->database.name)))
        throw job_failed("DumpIncomplete", plan->database.file.string() +
                                               " ends before pg_dump's closing line: cut short");
      checks.ok(plan->database.file.string() +
                " reads whole, matches its metadata and passes "
                "the dump checker");
    });
    if (plan->media)
      checks.attempt([&] {
        const auto contents = archive::inspect_media_archive(
            plan->media->file, !store::find_set_metadata(store, plan->media->name));
        check_sha256(plan->media->file, store::find_set_metadata(store, plan->media->name),
                     contents.file.sha256);
        checks.ok(plan->media->file.string() + " reads whole: " +
                  std::to_string(contents.tree.entries()) + " entries, all safe");
      });
    int step = 1;
    const auto add = [&](const std::string& text) {
      steps += "  " + std::to_string(step++) + ". " + text + "\n";
    };
    if (!plan->quiesce.services.empty()) {
      std::string services;
      for (const auto& service : plan->quiesce.services) services += " " + service;
      add("stop the services" + services + " (and start them again at the end)");
    }
    if (plan->safety_backup) {
      const BackupPlan safety = with_free_names(*plan->safety_backup, names);
      check_directory(manifest.directory(), 0, checks);
      add("take a safety backup of what it overwrites: " + files_line(safety));
    }
    add(std::string(plan->reset ? "drop and recreate the public schema, then " : "") + "load " +
        plan->database.file.string() + " into " + target->facts().database.name +
        " in one transaction");
    if (plan->media)
      add("replace the content of media " + target->facts().media_location->second + " with " +
          plan->media->file.string());
  }
  print("restore", checks.failures().empty(), checks, steps);
  checks.throw_if_failed("RestoreWouldFail", "restore");
}

}  // namespace hivekeeper::jobs
