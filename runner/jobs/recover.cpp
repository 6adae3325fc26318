#include "jobs/recover.h"

#include <algorithm>
#include <format>
#include <fstream>
#include <set>
#include <sstream>
#include <system_error>

#include <spdlog/spdlog.h>

#include "archive/media_directory.h"
#include "common/error.h"
#include "status/lifecycle.h"
#include "store/local_store.h"
#include "store/naming.h"

namespace hivekeeper::jobs {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string joined(const std::vector<std::string>& words) {
  std::string text;
  for (const auto& word : words) text += (text.empty() ? "" : ", ") + word;
  return text;
}

// Step 4: .NAME.partial-TOKEN files at the directory's top (archive/atomic_file.h names them so).
std::vector<std::string> remove_partial_files(const fs::path& directory) {
  std::vector<std::string> removed;
  std::error_code error;
  for (fs::directory_iterator it(directory, error), end; !error && it != end; it.increment(error)) {
    const std::string name = it->path().filename().string();
    if (!name.starts_with(".") || name.find(".partial-") == std::string::npos) continue;
    std::error_code removal;
    // The copies a restore fetched from a bucket are a folder (jobs/restore/fetch.h).
    if (name.starts_with(".hivekeeper-fetch.partial-") && !it->is_symlink(removal))
      fs::remove_all(it->path(), removal);
    else
      fs::remove(it->path(), removal);
    if (removal)
      throw job_failed(
          "RecoveryFailed",
          "cannot remove the partial file " + it->path().string() + ": " + removal.message(),
          "check the backup directory's permissions; `hivekeeper recover` tries again");
    removed.push_back(name);
  }
  return removed;
}

// Step 5. A status file that is missing or unreadable is only warned about: the cleanup is what
// matters, and the status may live on a mount this job does not have.
void mark_killed(const fs::path& path, const std::string& message) {
  std::ifstream stream(path, std::ios::binary);
  std::ostringstream text;
  text << stream.rdbuf();
  json document = json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (!stream || !document.is_object()) {
    spdlog::warn("cannot read the killed job's status file {}; it is left as it is", path.string());
    return;
  }
  const json block = document.value("status", json::object());
  const std::string phase = block.value("phase", "");
  if (phase == "Succeeded" || phase == "Failed") {
    spdlog::info("the killed job's status {} already says {}; left as it is", path.string(), phase);
    return;
  }
  status::JobStatus job = status_from_block(block);
  document.erase("status");
  status::StatusReporter reporter(path, document);
  reporter.update([&](status::JobStatus& written) {
    written = job;
    status::mark_failed(written, "Killed", message, store::rfc3339(store::Clock::now()));
    written.hint =
        "the job was ended outright (SIGKILL: the OOM killer, `docker kill`, a lost node); what it "
        "left was cleaned up; run it again (with more memory if the OOM killer ended it)";
  });
  spdlog::info("marked the killed job's status {} Failed (Killed)", path.string());
}

// Steps 1-3; each action done is appended to DONE, for the log and the killed job's status.
void recover_target(const store::JournalContents& journal, std::vector<std::string>& done) {
  const store::JournalJob& job = *journal.job;
  const bool media = journal.media.has_value();
  if (job.docker || media || !journal.stopped_containers.empty() || journal.scratch) {
    const auto recovery = target::open_recovery(job.docker);
    for (const auto& helper : recovery->remove_helpers(job.run))
      done.push_back("removed helper container " + helper);
    if (const auto& left = journal.scratch)
      for (auto& action :
           recovery->remove_scratch({left->database, left->container, left->user, left->connect_to,
                                     left->volume, left->directory}))
        done.push_back(std::move(action));
    if (media) {
      const store::JournalMedia& place = *journal.media;
      const target::MediaSteps steps =
          recovery->recover_media({place.volume, place.image, place.directory}, place.staging,
                                  place.old, job.run, [&](const target::MediaState& state) {
                                    return plan_media_recovery(place.staging, place.old, state);
                                  });
      const std::string where = place.volume.empty() ? place.directory : "volume " + place.volume;
      if (steps.put_old_back)
        done.push_back("put the old media back in " + where + " (the swap was half done)");
      else if (journal.swap_began && !steps.remove.empty())
        done.push_back("finished the media swap in " + where);
      if (!steps.remove.empty())
        done.push_back("removed " + joined(steps.remove) + " from " + where);
    }
    const auto started = recovery->start_stopped(journal.stopped_containers);
    if (!started.empty()) done.push_back("started " + joined(started) + " again");
  }
}

}  // namespace

target::MediaSteps plan_media_recovery(const std::string& staging, const std::string& old,
                                       const target::MediaState& state) {
  target::MediaSteps steps;
  // The swap (target/media_replacement.cpp) creates OLD, moves every old top-level entry into
  // it, renames STAGING to its incoming folder, and moves the new entries up from there. So with
  // OLD present: STAGING under its first name means the top holds old content only; the incoming
  // folder with entries left means the top holds new content only, all of it to take out; an
  // empty incoming folder, or neither folder, means the swap had finished.
  if (state.aside) {
    const bool moving_in = state.incoming && !state.incoming->empty();
    if (moving_in) steps.take_out = state.top;
    if (moving_in || (state.staged && !state.incoming)) steps.put_old_back = true;
  }
  if (state.staged) steps.remove.push_back(staging);
  if (state.incoming) steps.remove.push_back(archive::incoming_folder(staging));
  if (state.aside) steps.remove.push_back(old);
  return steps;
}

status::JobStatus status_from_block(const json& block) {
  status::JobStatus job;
  const std::string phase = block.value("phase", "Pending");
  job.phase = phase == "Running"     ? status::Phase::Running
              : phase == "Succeeded" ? status::Phase::Succeeded
              : phase == "Failed"    ? status::Phase::Failed
                                     : status::Phase::Pending;
  job.start_time = block.value("startTime", "");
  job.completion_time = block.value("completionTime", "");
  job.message = block.value("message", "");
  job.hint = block.value("hint", "");
  for (const auto& artifact : block.value("artifacts", json::array()))
    if (artifact.is_object())
      job.artifacts.push_back({artifact.value("kind", ""), artifact.value("path", ""),
                               artifact.value("bytes", std::uint64_t{0}),
                               artifact.value("sha256", "")});
  for (const auto& condition : block.value("conditions", json::array()))
    if (condition.is_object())
      job.conditions.push_back({condition.value("type", ""), condition.value("status", ""),
                                condition.value("reason", ""), condition.value("message", ""),
                                condition.value("lastTransitionTime", "")});
  static const std::set<std::string> kFields = {"phase", "startTime", "completionTime", "message",
                                                "hint",  "artifacts", "conditions"};
  for (const auto& [key, value] : block.items())
    if (!kFields.count(key)) job.details[key] = value;
  return job;
}

std::string killed_job_description(const store::JournalJob& job) {
  return std::format("{} {} (run {}, started {}{}{}, pid {})", job.kind, job.name, job.run,
                     job.started, job.host.empty() ? "" : " on ", job.host, job.pid);
}

bool recover_killed_job(const fs::path& directory) {
  const auto text = store::read_journal(directory);
  if (!text) return false;
  const store::JournalContents journal = store::parse_journal(*text);
  const std::string who = journal.job ? killed_job_description(*journal.job) : "a job";
  spdlog::warn("{} was killed before it could finish (its journal {} is left); finishing its work",
               who, (directory / store::kJournalFileName).string());
  std::vector<std::string> done;
  try {
    if (journal.job) recover_target(journal, done);
    if (!journal.pruning.empty()) {
      // The set's metadata went first, so what is left must not linger looking seed-made.
      for (const auto& name : journal.pruning) {
        std::error_code error;
        fs::remove(directory / name, error);
        if (error)
          throw job_failed("BackupNotRemoved",
                           "cannot delete " + (directory / name).string() +
                               ", a file of a set being pruned: " + error.message());
      }
      done.push_back("finished pruning " + joined(journal.pruning));
    }
    const auto partials = remove_partial_files(directory);
    if (!partials.empty()) done.push_back("removed the partial files " + joined(partials));
  } catch (const Error& error) {
    for (const auto& action : done) spdlog::info("recovery: {}", action);
    throw job_failed("RecoveryFailed", "could not finish what " + who + " left: " + error.what(),
                     error.hint().empty() ? "`hivekeeper recover` tries again" : error.hint());
  }
  for (const auto& action : done) spdlog::info("recovery: {}", action);
  if (journal.job && !journal.job->status_file.empty())
    mark_killed(store::status_file_from_journal(directory, journal.job->status_file),
                "killed before it finished (SIGKILL, the OOM killer or a lost node); a later job " +
                    std::string(done.empty() ? "found nothing left to undo"
                                             : "recovered: " + joined(done)));
  store::remove_journal(directory);
  return true;
}

bool run_recover(const fs::path& directory) {
  store::LocalDirectoryStore store(directory);
  const auto lock = store.lock("hivekeeper recover", [&](const std::string& other) {
    spdlog::info("waiting for {} to finish: one job at a time uses {}", other, directory.string());
  });
  const bool recovered = recover_killed_job(directory);
  if (!recovered)
    spdlog::info("nothing to recover in {}: no job was killed there", directory.string());
  return recovered;
}

}  // namespace hivekeeper::jobs
