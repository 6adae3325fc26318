// The drill's judgements beyond a restore's own, as plain functions of what was counted and read:
// Django's migrations (the rows the scratch database got against the rows of the dump's COPY
// block, and, for information only, against the live database's), whether there is room for the
// scratch data (--dry-run), and the report a person reads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace hivekeeper::jobs {

// The table the dump scanner counts Django's migrations under.
inline constexpr const char* kDjangoMigrationsTable = "public.django_migrations";

struct MigrationsCheck {
  nlohmann::json report;  // for the status and the record
  std::string problem;    // "" when the restored table holds the dump's rows
  std::string summary;    // one line for the report
};

// ROWS_IN_DUMP: the rows of the dump's COPY block for django_migrations, nullopt when the dump has
// none (a database that is not Django's: noted, not a problem). RESTORED and LIVE: the "app.name"
// of each row in the scratch and the live database, nullopt without the table. Migrations the live
// database has and the backup lacks (or the other way round) are reported, never a problem: the
// live database moves on after every backup.
MigrationsCheck check_django_migrations(std::optional<std::uint64_t> rows_in_dump,
                                        const std::optional<std::vector<std::string>>& restored,
                                        const std::optional<std::vector<std::string>>& live);

// A line of --dry-run's space check: "" when FREE holds NEEDED, else why not. FREE nullopt: not
// measured, never a reason to refuse.
std::string space_problem(const std::string& what, std::optional<std::uint64_t> free,
                          std::uint64_t needed, const std::string& where);

// "1.2 s", with one decimal.
std::string seconds_text(double seconds);

// The drill's report for people, from the status details the drill wrote (set, scratch,
// database, media, timings, problems, verificationRecord): a few indented lines.
std::string drill_report(const nlohmann::json& details);

}  // namespace hivekeeper::jobs
