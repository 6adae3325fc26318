#include "jobs/drill/checks.h"

#include <algorithm>
#include <format>
#include <iterator>

#include "jobs/progress.h"

namespace hivekeeper::jobs {
namespace {

using nlohmann::json;

// At most this many names of each difference go into the status: a status stays small (Kubernetes
// keeps 4 KiB of a termination message), the counts say the rest.
constexpr std::size_t kNamesKept = 20;

std::vector<std::string> sorted(std::vector<std::string> names) {
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::string> missing_from(const std::vector<std::string>& have,
                                      const std::vector<std::string>& other) {
  std::vector<std::string> missing;
  std::set_difference(have.begin(), have.end(), other.begin(), other.end(),
                      std::back_inserter(missing));
  return missing;
}

json first_names(const std::vector<std::string>& names) {
  return std::vector<std::string>(names.begin(),
                                  names.begin() + std::min(names.size(), kNamesKept));
}

// Adds to CHECK what the live database says beside the restored one: information only.
void compare_with_live(const std::vector<std::string>& restored,
                       const std::optional<std::vector<std::string>>& live,
                       MigrationsCheck& check) {
  if (!live) {
    check.report["live"] = "no django_migrations table in the live database";
    return;
  }
  const auto live_rows = sorted(*live);
  const auto live_only = missing_from(live_rows, restored);
  const auto backup_only = missing_from(restored, live_rows);
  check.report["live"] = {{"rows", live_rows.size()},
                          {"liveOnly", live_only.size()},
                          {"liveOnlyNames", first_names(live_only)},
                          {"backupOnly", backup_only.size()},
                          {"backupOnlyNames", first_names(backup_only)}};
  if (!live_only.empty())
    check.summary += std::format("; the live database has {} the backup lacks (first: {})",
                                 live_only.size(), live_only.front());
  if (!backup_only.empty())
    check.summary += std::format("; the backup has {} the live database lacks (first: {})",
                                 backup_only.size(), backup_only.front());
  if (live_only.empty() && backup_only.empty()) check.summary += "; the same as the live database";
}

}  // namespace

MigrationsCheck check_django_migrations(std::optional<std::uint64_t> rows_in_dump,
                                        const std::optional<std::vector<std::string>>& restored,
                                        const std::optional<std::vector<std::string>>& live) {
  MigrationsCheck check;
  if (!rows_in_dump) {
    check.report = {{"checked", false}, {"note", "no django_migrations table in the dump"}};
    check.summary = "no django_migrations table in the dump";
    return check;
  }
  const std::uint64_t restored_rows = restored ? restored->size() : 0;
  check.report = {{"checked", true},
                  {"rowsInDump", *rows_in_dump},
                  {"rowsRestored", restored ? json(restored_rows) : json(nullptr)}};
  if (!restored) {
    check.problem = std::format(
        "django_migrations: the dump holds {} rows, but the restored database has no such table",
        *rows_in_dump);
    check.summary = check.problem;
    return check;
  }
  if (restored_rows != *rows_in_dump)
    check.problem = std::format("django_migrations: {} rows restored, {} in the dump",
                                restored_rows, *rows_in_dump);
  check.report["matches"] = check.problem.empty();
  check.summary =
      check.problem.empty()
          ? std::format("django_migrations: {} rows restored, as in the dump", restored_rows)
          : check.problem;
  compare_with_live(sorted(*restored), live, check);
  return check;
}

std::string space_problem(const std::string& what, std::optional<std::uint64_t> free,
                          std::uint64_t needed, const std::string& where) {
  if (!free || *free >= needed) return "";
  return std::format("{} needs about {}, and {} has {} free", what, human_bytes(needed), where,
                     human_bytes(*free));
}

std::string seconds_text(double seconds) {
  return std::format("{:.1f} s", seconds);
}

namespace {

std::string database_lines(const json& database) {
  const json& rows = database.value("rowCounts", json::object());
  std::string text = std::format(
      "  database  {}: {} tables, {} rows loaded, row counts checked against the {}; {}\n",
      database.value("scratch", ""), rows.value("tables", 0), rows.value("rows", 0),
      rows.value("checkedAgainst", "dump"),
      database.value("dropped", false) ? "dropped" : "NOT dropped");
  if (database.contains("djangoMigrations"))
    text += "            " + database.value("djangoMigrationsSummary", std::string()) + "\n";
  return text;
}

std::string media_lines(const json& media) {
  return std::format("  media     {}: {} entries, {}, every file read back and checked; {}\n",
                     media.value("place", ""), media.value("entries", 0),
                     human_bytes(media.value("contentBytes", std::uint64_t{0})),
                     media.value("removed", false) ? "removed" : "NOT removed");
}

}  // namespace

std::string drill_report(const json& details) {
  const json problems = details.value("problems", json::array());
  std::string text = std::format(
      "drill of {}: {}\n", details.value("set", ""),
      problems.empty() ? std::string("passed") : std::format("FAILED ({})", problems.size()));
  if (details.contains("database")) text += database_lines(details["database"]);
  if (details.contains("media")) text += media_lines(details["media"]);
  const json& time = details.value("timings", json::object());
  text += "  time      inputs checked in " + seconds_text(time.value("inputsCheckSeconds", 0.0));
  if (time.contains("databaseLoadSeconds"))
    text += ", database loaded in " + seconds_text(time["databaseLoadSeconds"].get<double>());
  if (time.contains("mediaUnpackSeconds"))
    text += ", media unpacked in " + seconds_text(time["mediaUnpackSeconds"].get<double>());
  text += "; a restore would take about " + seconds_text(time.value("restoreSeconds", 0.0)) +
          " (the drill took " + seconds_text(time.value("totalSeconds", 0.0)) + ")\n";
  if (details.contains("verificationRecord"))
    text += "  record    " + details["verificationRecord"].get<std::string>() + "\n";
  for (const auto& problem : problems) text += "  problem   " + problem.get<std::string>() + "\n";
  return text;
}

}  // namespace hivekeeper::jobs
