// Everything a restore drill will do, decided before anything is created: which backup set
// (store/backup_sets.h: latest, a set's name, its timestamp or one of its files), which of its
// files are read, whether its media are unpacked, and the names of the scratch database and the
// scratch media place. A pure function of the manifest, the target's facts, the backup
// directory's listing, the clock and a random suffix, so `drill --dry-run` prints exactly the plan
// the drill runs (less the suffix, which is new each run).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "jobs/restore/plan.h"
#include "manifest/manifest.h"
#include "store/backup_sets.h"
#include "store/naming.h"
#include "target/target.h"

namespace hivekeeper::jobs {

struct DrillPlan {
  std::string job_name;
  store::BackupSet set;
  RestoreSource database;              // the set's dump
  std::optional<RestoreSource> media;  // its media archive, when it is drilled
  std::optional<std::filesystem::path> metadata;
  std::string live_database;     // never created, loaded or dropped by the drill
  std::string scratch_database;  // hk_drill_<YYYYMMDD>_<HHMMSS>_<suffix>
  // ("volume", hk-drill-<YYYYMMDD>-<HHMMSS>-<suffix>) in Docker mode; in direct mode
  // ("directory", <backup directory>/.hivekeeper-drill-<YYYYMMDD>-<HHMMSS>-<suffix>).
  target::Location scratch_media;

  // The files the drill reads, metadata first.
  std::vector<std::filesystem::path> files() const;
};

// The scratch database's name for NOW and SUFFIX (6 hex digits): hk_drill_20261124_031500_a1b2c3,
// a Postgres identifier that needs no quoting.
std::string scratch_database_name(Clock::time_point now, const std::string& suffix);

// NAMES: the backup directory's listing. Throws SetNotFound (invalid input) when nothing matches,
// DrillNeedsOneSet when SELECTOR matches several, SetHasNoDump when the set has no dump (or,
// copied in by hand, several), SetHasNoMedia when spec.media is true and it has no archive, and
// DrillWouldTouchLive when the scratch database's name is the live database's.
DrillPlan plan_drill(const manifest::Manifest& manifest, const target::TargetFacts& target,
                     const std::vector<std::string>& names, Clock::time_point now,
                     const std::string& suffix);

}  // namespace hivekeeper::jobs
