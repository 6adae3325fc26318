// The drill's own judgements: Django's migrations against the dump and the live database, the
// dry run's space check, and the report a person reads.
#include "jobs/drill/checks.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace hivekeeper::jobs {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

const std::vector<std::string> kRestored = {"admin.0001_initial", "auth.0001_initial",
                                            "beefont.0001_initial"};

TEST(CheckDjangoMigrations, NoTableInTheDumpIsNotedNotAProblem) {
  const MigrationsCheck check = check_django_migrations(std::nullopt, std::nullopt, std::nullopt);
  EXPECT_EQ(check.problem, "");
  EXPECT_EQ(check.report["checked"], false);
  EXPECT_EQ(check.report["note"], "no django_migrations table in the dump");
  EXPECT_EQ(check.summary, "no django_migrations table in the dump");
}

TEST(CheckDjangoMigrations, TheRestoredRowsMatchTheDumpsAndTheLiveOnesAreCompared) {
  const std::vector<std::string> live = {"auth.0001_initial", "beefont.0001_initial",
                                         "beefont.0002_glyph_note", "admin.0001_initial"};
  const MigrationsCheck check = check_django_migrations(3, kRestored, live);
  EXPECT_EQ(check.problem, "");
  EXPECT_EQ(check.report["rowsInDump"], 3);
  EXPECT_EQ(check.report["rowsRestored"], 3);
  EXPECT_EQ(check.report["matches"], true);
  EXPECT_EQ(check.report["live"]["liveOnly"], 1);
  EXPECT_EQ(check.report["live"]["liveOnlyNames"], json({"beefont.0002_glyph_note"}));
  EXPECT_EQ(check.report["live"]["backupOnly"], 0);
  EXPECT_EQ(check.summary,
            "django_migrations: 3 rows restored, as in the dump; the live database has 1 the "
            "backup lacks (first: beefont.0002_glyph_note)");
}

TEST(CheckDjangoMigrations, TheSameAsLiveIsSaid) {
  const MigrationsCheck check = check_django_migrations(3, kRestored, kRestored);
  EXPECT_THAT(check.summary, HasSubstr("; the same as the live database"));
}

TEST(CheckDjangoMigrations, MigrationsTheLiveDatabaseLacksAreInformationToo) {
  const MigrationsCheck check =
      check_django_migrations(3, kRestored, std::vector<std::string>{"auth.0001_initial"});
  EXPECT_EQ(check.problem, "");
  EXPECT_EQ(check.report["live"]["backupOnly"], 2);
  EXPECT_THAT(check.summary, HasSubstr("the backup has 2 the live database lacks (first: "
                                       "admin.0001_initial)"));
}

TEST(CheckDjangoMigrations, FewerRowsRestoredThanDumpedIsAProblem) {
  const MigrationsCheck check = check_django_migrations(4, kRestored, kRestored);
  EXPECT_EQ(check.problem, "django_migrations: 3 rows restored, 4 in the dump");
  EXPECT_EQ(check.report["matches"], false);
}

TEST(CheckDjangoMigrations, ATableInTheDumpButNotRestoredIsAProblem) {
  const MigrationsCheck check = check_django_migrations(3, std::nullopt, kRestored);
  EXPECT_EQ(check.problem,
            "django_migrations: the dump holds 3 rows, but the restored database has no such "
            "table");
  EXPECT_TRUE(check.report["rowsRestored"].is_null());
}

TEST(CheckDjangoMigrations, NoLiveTableIsSaid) {
  const MigrationsCheck check = check_django_migrations(3, kRestored, std::nullopt);
  EXPECT_EQ(check.problem, "");
  EXPECT_EQ(check.report["live"], "no django_migrations table in the live database");
}

TEST(CheckDjangoMigrations, OnlyTheFirstNamesAreKeptButAllCounted) {
  std::vector<std::string> live = kRestored;
  for (int i = 0; i < 30; ++i) live.push_back("extra." + std::to_string(1000 + i));
  const MigrationsCheck check = check_django_migrations(3, kRestored, live);
  EXPECT_EQ(check.report["live"]["liveOnly"], 30);
  EXPECT_EQ(check.report["live"]["liveOnlyNames"].size(), 20u);
}

TEST(SpaceProblem, EnoughOrUnmeasuredIsNone) {
  EXPECT_EQ(space_problem("the scratch database", std::nullopt, 1 << 30, "nowhere"), "");
  EXPECT_EQ(space_problem("the scratch database", 2048, 2048, "x"), "");
}

TEST(SpaceProblem, TooLittleSaysHowMuchOfWhat) {
  EXPECT_EQ(space_problem("the unpacked media", 1024 * 1024, 3 * 1024 * 1024,
                          "the backup directory /backups"),
            "the unpacked media needs about 3.0 MiB, and the backup directory /backups has "
            "1.0 MiB free");
}

TEST(DrillReport, APassedDrillNamesItsScratchThingsTimingsAndRecord) {
  const json details = {
      {"set", "beelab_prod_2026-11-24_031500"},
      {"database",
       {{"scratch", "hk_drill_20261127_100405_a1b2c3"},
        {"dropped", true},
        {"rowCounts", {{"tables", 4}, {"rows", 2106}, {"checkedAgainst", "metadata"}}},
        {"djangoMigrations", {{"checked", true}}},
        {"djangoMigrationsSummary", "django_migrations: 3 rows restored, as in the dump"}}},
      {"media",
       {{"place", "volume hk-drill-20261127-100405-a1b2c3"},
        {"entries", 52},
        {"contentBytes", 2048},
        {"removed", true}}},
      {"timings",
       {{"inputsCheckSeconds", 0.31},
        {"databaseLoadSeconds", 1.24},
        {"mediaUnpackSeconds", 0.8},
        {"restoreSeconds", 1.6},
        {"totalSeconds", 4.1}}},
      {"verificationRecord", "backups/django/verified/beelab_prod_2026-11-24_031500.json"},
      {"problems", json::array()}};
  EXPECT_EQ(drill_report(details),
            "drill of beelab_prod_2026-11-24_031500: passed\n"
            "  database  hk_drill_20261127_100405_a1b2c3: 4 tables, 2106 rows loaded, row counts "
            "checked against the metadata; dropped\n"
            "            django_migrations: 3 rows restored, as in the dump\n"
            "  media     volume hk-drill-20261127-100405-a1b2c3: 52 entries, 2.0 KiB, every file "
            "read back and checked; removed\n"
            "  time      inputs checked in 0.3 s, database loaded in 1.2 s, media unpacked in "
            "0.8 s; a restore would take about 1.6 s (the drill took 4.1 s)\n"
            "  record    backups/django/verified/beelab_prod_2026-11-24_031500.json\n");
}

TEST(DrillReport, AFailedDrillListsEveryProblem) {
  const json details = {
      {"set", "beelab_prod_2026-11-24_031500"},
      {"timings", {{"inputsCheckSeconds", 0.1}, {"restoreSeconds", 0.1}, {"totalSeconds", 0.2}}},
      {"problems",
       {"beelab_prod_db_app_2026-11-24_031500.sql.gz: does not match its metadata",
        "beelab_prod_media_2026-11-24_031500.tgz: cannot read"}}};
  const std::string report = drill_report(details);
  EXPECT_THAT(report, HasSubstr("drill of beelab_prod_2026-11-24_031500: FAILED (2)\n"));
  EXPECT_THAT(report, HasSubstr("  problem   beelab_prod_db_app_2026-11-24_031500.sql.gz: does "
                                "not match its metadata\n"));
  EXPECT_THAT(report, HasSubstr("  problem   beelab_prod_media_2026-11-24_031500.tgz: cannot "
                                "read\n"));
  EXPECT_THAT(report, Not(HasSubstr("database loaded")));
}

}  // namespace
}  // namespace hivekeeper::jobs
