// plan_drill: which set a drill restores, which of its files it reads, whether the media come
// along, and the scratch names, from the manifest, the target's facts, the listing and the clock.
#include "jobs/drill/plan.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/test_support.h"

namespace hivekeeper::jobs {
namespace {

using hivekeeper::testing::error_from;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace std::chrono;
using namespace std::chrono_literals;

const Clock::time_point kDrillNow = sys_days{2026y / November / 27} + 10h + 4min + 5s;

manifest::Manifest drill_manifest(const std::string& spec = "") {
  return manifest::parse_manifest(
      "apiVersion: hivekeeper.io/v1\nkind: DrillJob\nmetadata:\n  name: drill-prod\nspec:\n"
      "  environment: prod\n" +
          spec,
      "drill.yaml");
}

target::TargetFacts docker_facts() {
  target::TargetFacts facts;
  facts.project = "beelab";
  facts.database = {"app", "django"};
  facts.database_location = {"container", "beelab-db-1"};
  return facts;
}

target::TargetFacts direct_facts() {
  target::TargetFacts facts;
  facts.database = {"app", "django"};
  facts.database_location = {"server", "postgres.beelab.svc:5432"};
  return facts;
}

const std::vector<std::string> kDrillListing = {
    "beelab_prod_db_app_2026-11-23_031500.sql.gz",
    "beelab_prod_2026-11-23_031500.json",
    "beelab_prod_db_app_2026-11-24_031500.sql.gz",
    "beelab_prod_media_2026-11-24_031500.tgz",
    "beelab_prod_2026-11-24_031500.json",
    "beelab_prod_pre-restore_db_app_2026-11-25_080000.sql.gz",
    "beelab_prod_pre-restore_2026-11-25_080000.json",
    "beelab_dev_db_app_2026-11-26_031500.sql.gz",
    "other_prod_db_app_2026-11-26_031500.sql.gz",
};

TEST(ScratchDatabaseName, IsABareIdentifierWithTheTimeAndTheSuffix) {
  EXPECT_EQ(scratch_database_name(kDrillNow, "a1b2c3"), "hk_drill_20261127_100405_a1b2c3");
}

TEST(PlanDrill, LatestIsTheNewestBackupSetWithItsMediaAndMetadata) {
  const DrillPlan plan =
      plan_drill(drill_manifest(), docker_facts(), kDrillListing, kDrillNow, "a1b2c3");
  EXPECT_EQ(plan.job_name, "drill-prod");
  EXPECT_EQ(plan.set.name, "beelab_prod_2026-11-24_031500");
  EXPECT_EQ(plan.database.file,
            std::filesystem::path("backups/django/beelab_prod_db_app_2026-11-24_031500.sql.gz"));
  EXPECT_EQ(plan.database.name, "beelab_prod_db_app_2026-11-24_031500.sql.gz");
  ASSERT_TRUE(plan.media.has_value());
  EXPECT_EQ(plan.media->name, "beelab_prod_media_2026-11-24_031500.tgz");
  EXPECT_THAT(plan.files(),
              ElementsAre("backups/django/beelab_prod_2026-11-24_031500.json",
                          "backups/django/beelab_prod_db_app_2026-11-24_031500.sql.gz",
                          "backups/django/beelab_prod_media_2026-11-24_031500.tgz"));
  EXPECT_EQ(plan.live_database, "app");
  EXPECT_EQ(plan.scratch_database, "hk_drill_20261127_100405_a1b2c3");
  EXPECT_EQ(plan.scratch_media, (target::Location{"volume", "hk-drill-20261127-100405-a1b2c3"}));
}

TEST(PlanDrill, ASetNamedByTimestampWithoutMediaIsTheDatabaseAlone) {
  const DrillPlan plan = plan_drill(drill_manifest("  source: {set: 2026-11-23_031500}\n"),
                                    docker_facts(), kDrillListing, kDrillNow, "a1b2c3");
  EXPECT_EQ(plan.set.name, "beelab_prod_2026-11-23_031500");
  EXPECT_FALSE(plan.media.has_value());
  EXPECT_THAT(plan.files(),
              ElementsAre("backups/django/beelab_prod_2026-11-23_031500.json",
                          "backups/django/beelab_prod_db_app_2026-11-23_031500.sql.gz"));
}

TEST(PlanDrill, MediaFalseLeavesTheArchiveOut) {
  const DrillPlan plan = plan_drill(drill_manifest("  media: false\n"), docker_facts(),
                                    kDrillListing, kDrillNow, "a1b2c3");
  EXPECT_EQ(plan.set.name, "beelab_prod_2026-11-24_031500");
  EXPECT_FALSE(plan.media.has_value());
}

TEST(PlanDrill, MediaTrueForASetWithoutAnArchiveIsRefused) {
  const auto error = error_from([] {
    plan_drill(drill_manifest("  media: true\n  source: {set: 2026-11-23_031500}\n"),
               docker_facts(), kDrillListing, kDrillNow, "a1b2c3");
  });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->reason(), "SetHasNoMedia");
  EXPECT_THAT(error->what(), HasSubstr("beelab_prod_2026-11-23_031500 has no media archive"));
}

TEST(PlanDrill, ASafetyBackupIsDrilledWhenNamedAndNeverAsLatest) {
  const DrillPlan named = plan_drill(
      drill_manifest("  source: {set: beelab_prod_pre-restore_db_app_2026-11-25_080000.sql.gz}\n"),
      docker_facts(), kDrillListing, kDrillNow, "a1b2c3");
  EXPECT_EQ(named.set.name, "beelab_prod_pre-restore_2026-11-25_080000");
  const DrillPlan latest =
      plan_drill(drill_manifest(), docker_facts(), kDrillListing, kDrillNow, "a1b2c3");
  EXPECT_EQ(latest.set.name, "beelab_prod_2026-11-24_031500");
}

TEST(PlanDrill, OnlyTheProjectsPrefixUnlessAnotherIsGiven) {
  const DrillPlan plan = plan_drill(drill_manifest("  source: {prefix: other}\n"), docker_facts(),
                                    kDrillListing, kDrillNow, "a1b2c3");
  EXPECT_EQ(plan.set.name, "other_prod_2026-11-26_031500");
  EXPECT_FALSE(plan.metadata.has_value());  // a seed-made set: drilled against the dump itself
}

TEST(PlanDrill, NothingToDrillIsSetNotFound) {
  const auto error = error_from([] {
    plan_drill(drill_manifest("  source: {set: 2026-01-01_000000}\n"), docker_facts(),
               kDrillListing, kDrillNow, "a1b2c3");
  });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->reason(), "SetNotFound");
  EXPECT_EQ(error->exit_code(), 2);
}

TEST(PlanDrill, ATimestampShareByABackupAndASafetyBackupNeedsOneNamed) {
  std::vector<std::string> listing = kDrillListing;
  listing.push_back("beelab_prod_pre-restore_db_app_2026-11-24_031500.sql.gz");
  const auto error = error_from([&] {
    plan_drill(drill_manifest("  source: {set: 2026-11-24_031500}\n"), docker_facts(), listing,
               kDrillNow, "a1b2c3");
  });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->reason(), "DrillNeedsOneSet");
  EXPECT_THAT(error->what(), HasSubstr("beelab_prod_2026-11-24_031500"));
  EXPECT_THAT(error->what(), HasSubstr("beelab_prod_pre-restore_2026-11-24_031500"));
}

TEST(PlanDrill, ASetWithoutADumpIsRefused) {
  const auto error = error_from([] {
    plan_drill(drill_manifest(), docker_facts(),
               {"beelab_prod_media_2026-11-24_031500.tgz", "beelab_prod_2026-11-24_031500.json"},
               kDrillNow, "a1b2c3");
  });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->reason(), "SetHasNoDump");
  EXPECT_THAT(error->what(), HasSubstr("no database dump"));
}

TEST(PlanDrill, DirectModeUnpacksIntoAFolderUnderTheBackupDirectory) {
  const DrillPlan plan =
      plan_drill(drill_manifest("  target:\n    postgres: {host: db, database: app, user: django}\n"
                                "  source: {directory: /backups, prefix: beelab}\n"),
                 direct_facts(), kDrillListing, kDrillNow, "a1b2c3");
  EXPECT_EQ(plan.scratch_media,
            (target::Location{"directory", "/backups/.hivekeeper-drill-20261127-100405-a1b2c3"}));
  EXPECT_EQ(plan.database.file,
            std::filesystem::path("/backups/beelab_prod_db_app_2026-11-24_031500.sql.gz"));
}

TEST(PlanDrill, DirectModeNeedsAPrefix) {
  const auto error = error_from([] {
    plan_drill(drill_manifest("  target:\n    postgres: {host: db, database: app, user: django}\n"),
               direct_facts(), kDrillListing, kDrillNow, "a1b2c3");
  });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->reason(), "PrefixUnknown");
  EXPECT_THAT(error->what(), HasSubstr("spec.source.prefix"));
}

TEST(PlanDrill, AScratchNameThatIsTheLiveDatabaseIsRefused) {
  target::TargetFacts facts = docker_facts();
  facts.database.name = "hk_drill_20261127_100405_a1b2c3";
  const auto error =
      error_from([&] { plan_drill(drill_manifest(), facts, kDrillListing, kDrillNow, "a1b2c3"); });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->reason(), "DrillWouldTouchLive");
  EXPECT_EQ(error->exit_code(), 1);
  EXPECT_THAT(error->what(), HasSubstr("is the live database; nothing was created"));
}

}  // namespace
}  // namespace hivekeeper::jobs
