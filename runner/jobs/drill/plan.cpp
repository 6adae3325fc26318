#include "jobs/drill/plan.h"

#include <format>

#include "common/error.h"

namespace hivekeeper::jobs {
namespace {

namespace fs = std::filesystem;

// 20261124_031500: the backup timestamp's digits, without characters a bare SQL identifier or a
// volume name would object to.
std::string compact_time(Clock::time_point now, char separator) {
  return std::format("{:%Y%m%d}{}{:%H%M%S}", std::chrono::floor<std::chrono::seconds>(now),
                     separator, std::chrono::floor<std::chrono::seconds>(now));
}

const store::BackupSet& one_set(const std::vector<store::BackupSet>& chosen,
                                const std::string& selector) {
  if (chosen.size() == 1) return chosen.front();
  std::string names;
  for (const auto& set : chosen) names += (names.empty() ? "" : ", ") + set.name;
  throw invalid_input("DrillNeedsOneSet",
                      "a drill restores one backup set, and " + selector + " matches " +
                          std::to_string(chosen.size()) + ": " + names,
                      "name one set (`hivekeeper list` shows them), or give --prefix");
}

RestoreSource source_of(const fs::path& directory, const std::string& name) {
  return {directory / name, directory, name};
}

// The scratch database must never be the live one: the drill creates, loads and drops it. (The
// media place cannot be live: the drill never looks the live media up, and creates its place
// under a name that did not exist.)
void refuse_live(const DrillPlan& plan, const target::TargetFacts& target) {
  if (plan.scratch_database == target.database.name)
    throw job_failed("DrillWouldTouchLive",
                     "the drill's scratch database " + plan.scratch_database +
                         " is the live database; nothing was created",
                     "rename the live database, or run the drill again a second later");
}

}  // namespace

std::vector<fs::path> DrillPlan::files() const {
  std::vector<fs::path> files;
  if (metadata) files.push_back(*metadata);
  files.push_back(database.file);
  if (media) files.push_back(media->file);
  return files;
}

std::string scratch_database_name(Clock::time_point now, const std::string& suffix) {
  return "hk_drill_" + compact_time(now, '_') + "_" + suffix;
}

DrillPlan plan_drill(const manifest::Manifest& manifest, const target::TargetFacts& target,
                     const std::vector<std::string>& names, Clock::time_point now,
                     const std::string& suffix) {
  const manifest::DrillSpec& spec = manifest.drill;
  const std::string prefix =
      store::choose_prefix(spec.prefix, target.project, "spec.source.prefix");
  const fs::path directory = spec.directory;
  DrillPlan plan;
  plan.job_name = manifest.name;
  plan.set = one_set(
      store::select_sets(store::group_backup_sets(names), spec.environment, prefix, spec.set),
      spec.set);
  const store::BackupSet& set = plan.set;
  if (set.database_files.size() != 1)
    throw job_failed(
        "SetHasNoDump",
        "backup set " + set.name + " has " +
            (set.database_files.empty() ? std::string("no database dump")
                                        : std::to_string(set.database_files.size()) + " dumps") +
            " to restore; nothing was created",
        "drill a complete set (`hivekeeper list` shows them), or move the extra dumps aside");
  plan.database = source_of(directory, set.database_files.front());
  if (set.metadata_file) plan.metadata = directory / *set.metadata_file;
  if (spec.media.value_or(set.media_file.has_value())) {
    if (!set.media_file)
      throw job_failed("SetHasNoMedia",
                       "spec.media is true, but backup set " + set.name +
                           " has no media archive; nothing was created",
                       "drill the database alone (--no-media, spec.media: false), or a set made "
                       "with --media");
    plan.media = source_of(directory, *set.media_file);
  }
  plan.live_database = target.database.name;
  plan.scratch_database = scratch_database_name(now, suffix);
  const std::string stem = compact_time(now, '-') + "-" + suffix;
  if (target.database_location.first == "container")
    plan.scratch_media = {"volume", "hk-drill-" + stem};
  else
    plan.scratch_media = {"directory", (directory / (".hivekeeper-drill-" + stem)).string()};
  refuse_live(plan, target);
  return plan;
}

}  // namespace hivekeeper::jobs
