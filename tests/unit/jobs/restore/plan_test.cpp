// plan_restore: which files a restore reads (`latest`, a name or a path for each artifact), what
// it resets and stops, and the safety backup's names, from the manifest, the target's facts, the
// directory's listing and the clock.
#include "jobs/restore/plan.h"

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

const std::filesystem::path kDirectory = "/srv/backups/django";

const std::vector<std::string> kNames = {
    "beelab_prod_db_app_2026-11-23_031500.sql.gz",
    "beelab_prod_db_app_2026-11-24_031500.sql.gz",
    "beelab_prod_pre-restore_db_app_2026-11-25_080000.sql.gz",
    "beelab_prod_media_2026-11-24_031500.tgz",
    "beelab_dev_media_2026-11-26_031500.tgz",
};

TEST(ResolveSource, LatestPicksTheNewestFileOfTheKindInTheDirectory) {
  EXPECT_EQ(resolve_source("latest", kDirectory, kNames, "beelab", manifest::Environment::prod,
                           store::ArtifactKind::database)
                .file,
            kDirectory / "beelab_prod_db_app_2026-11-24_031500.sql.gz");
  EXPECT_EQ(resolve_source("latest", kDirectory, kNames, "beelab", manifest::Environment::prod,
                           store::ArtifactKind::media)
                .file,
            kDirectory / "beelab_prod_media_2026-11-24_031500.tgz");
}

TEST(ResolveSource, AValueWithASlashIsAPath) {
  EXPECT_EQ(resolve_source("/tmp/elsewhere/dump.sql.gz", kDirectory, kNames, "beelab",
                           manifest::Environment::prod, store::ArtifactKind::database)
                .file,
            std::filesystem::path("/tmp/elsewhere/dump.sql.gz"));
  EXPECT_EQ(resolve_source("./dump.sql.gz", kDirectory, kNames, "beelab",
                           manifest::Environment::prod, store::ArtifactKind::database)
                .file,
            std::filesystem::path("./dump.sql.gz"));
}

TEST(ResolveSource, ABareNameIsLookedUpInTheDirectory) {
  EXPECT_EQ(resolve_source("beelab_prod_db_app_2026-11-23_031500.sql.gz", kDirectory, kNames,
                           "beelab", manifest::Environment::prod, store::ArtifactKind::database)
                .file,
            kDirectory / "beelab_prod_db_app_2026-11-23_031500.sql.gz");
  // Not checked against the listing here: load_sources() reports a missing file.
  EXPECT_EQ(resolve_source("seed.sql.gz", kDirectory, {}, "beelab", manifest::Environment::prod,
                           store::ArtifactKind::database)
                .file,
            kDirectory / "seed.sql.gz");
}

TEST(ResolveSource, LatestWithNothingToPickIsNoBackupFound) {
  const auto error = error_from([] {
    resolve_source("latest", kDirectory, kNames, "beelab", manifest::Environment::dev,
                   store::ArtifactKind::database);
  });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->reason(), "NoBackupFound");
  EXPECT_EQ(error->kind(), ErrorKind::job_failed);
  EXPECT_THAT(error->what(), HasSubstr("beelab_dev_db_*.sql.gz"));
  EXPECT_THAT(error->what(), HasSubstr(kDirectory.string()));
}

TEST(ResolveSource, LatestNeverPicksASafetyBackup) {
  const auto error = error_from([] {
    resolve_source("latest", kDirectory, {"beelab_prod_pre-restore_media_2026-11-25_080000.tgz"},
                   "beelab", manifest::Environment::prod, store::ArtifactKind::media);
  });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->reason(), "NoBackupFound");
  EXPECT_THAT(error->what(), HasSubstr("beelab_prod_media_*.tgz"));
}

using namespace std::chrono;
using namespace std::chrono_literals;

const Clock::time_point kRestoreNow = sys_days{2026y / November / 27} + 10h;

manifest::Manifest restore_manifest(const std::string& spec) {
  return manifest::parse_manifest(
      "apiVersion: hivekeeper.io/v1\nkind: RestoreJob\nmetadata:\n  name: restore-prod\nspec:\n"
      "  environment: prod\n" +
          spec,
      "test.yaml");
}

target::TargetFacts beelab() {
  target::TargetFacts facts;
  facts.project = "beelab";
  facts.database = {"app", "django"};
  facts.database_location = {"container", "beelab-db-1"};
  return facts;
}

const std::vector<std::string> kRestoreListing = {
    "beelab_prod_db_app_2026-11-23_031500.sql.gz", "beelab_prod_db_app_2026-11-24_031500.sql.gz",
    "beelab_prod_media_2026-11-24_031500.tgz", "beelab_prod_2026-11-24_031500.json"};

TEST(PlanRestore, LatestDatabaseWithASafetyBackupByDefault) {
  const RestorePlan plan =
      plan_restore(restore_manifest(""), beelab(), kRestoreListing, kRestoreNow);
  EXPECT_EQ(plan.job_name, "restore-prod");
  EXPECT_EQ(plan.database.file,
            std::filesystem::path("backups/django/beelab_prod_db_app_2026-11-24_031500.sql.gz"));
  EXPECT_EQ(plan.database.directory, std::filesystem::path("backups/django"));
  EXPECT_EQ(plan.database.name, "beelab_prod_db_app_2026-11-24_031500.sql.gz");
  EXPECT_FALSE(plan.media.has_value());
  EXPECT_FALSE(plan.reset);
  EXPECT_FALSE(plan.terminate_connections);
  EXPECT_EQ(plan.lock_timeout_seconds, 60);
  ASSERT_TRUE(plan.safety_backup.has_value());
  EXPECT_EQ(plan.safety_backup->files.database,
            "beelab_prod_pre-restore_db_app_2026-11-27_100000.sql.gz");
  EXPECT_EQ(plan.safety_backup->output_directory, std::filesystem::path("backups/django"));
  EXPECT_FALSE(plan.safety_backup->has_media());
}

TEST(PlanRestore, MediaComeAlongAndTheSafetyBackupTakesThemToo) {
  target::TargetFacts facts = beelab();
  facts.media_location = target::Location{"volume", "beelab_media"};
  const RestorePlan plan = plan_restore(
      restore_manifest("  source:\n    media: latest\n  reset: true\n  terminateConnections: "
                       "true\n  lockTimeoutSeconds: 5\n  quiesce:\n    services: [web]\n"),
      facts, kRestoreListing, kRestoreNow);
  ASSERT_TRUE(plan.media.has_value());
  EXPECT_EQ(plan.media->name, "beelab_prod_media_2026-11-24_031500.tgz");
  EXPECT_TRUE(plan.reset);
  EXPECT_TRUE(plan.terminate_connections);
  EXPECT_EQ(plan.lock_timeout_seconds, 5);
  EXPECT_THAT(plan.quiesce.services, ElementsAre("web"));
  ASSERT_TRUE(plan.safety_backup.has_value());
  EXPECT_EQ(plan.safety_backup->media_location, (target::Location{"volume", "beelab_media"}));
  EXPECT_EQ(plan.safety_backup->files.media, "beelab_prod_pre-restore_media_2026-11-27_100000.tgz");
}

TEST(PlanRestore, NoSafetyBackupWhenSwitchedOff) {
  const RestorePlan plan = plan_restore(restore_manifest("  safetyBackup: false\n"), beelab(),
                                        kRestoreListing, kRestoreNow);
  EXPECT_FALSE(plan.safety_backup.has_value());
}

TEST(PlanRestore, ASourcePrefixWinsOverTheProject) {
  const RestorePlan plan =
      plan_restore(restore_manifest("  source:\n    prefix: other\n"), beelab(),
                   {"other_prod_db_app_2026-01-01_000000.sql.gz"}, kRestoreNow);
  EXPECT_EQ(plan.database.name, "other_prod_db_app_2026-01-01_000000.sql.gz");
  EXPECT_EQ(plan.safety_backup->prefix, "other");
}

TEST(PlanRestore, LatestOrASafetyBackupNeedAPrefix) {
  target::TargetFacts direct = beelab();
  direct.project = "";
  const auto error =
      error_from([&] { plan_restore(restore_manifest(""), direct, kRestoreListing, kRestoreNow); });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->reason(), "PrefixUnknown");
  EXPECT_EQ(error->exit_code(), 2);
  EXPECT_STREQ(error->what(),
               "no file name prefix: spec.source.prefix is not set and there is no Compose "
               "project to default to");
  EXPECT_EQ(error->hint(), "set spec.source.prefix (or --prefix), e.g. beelab");
}

TEST(PlanRestore, ANamedFileWithoutSafetyBackupNeedsNoPrefixNorListing) {
  target::TargetFacts direct = beelab();
  direct.project = "";
  const manifest::Manifest manifest =
      restore_manifest("  source:\n    database: /mnt/seed/app.sql.gz\n  safetyBackup: false\n");
  EXPECT_FALSE(restore_needs_listing(manifest.restore));
  const RestorePlan plan = plan_restore(manifest, direct, {}, kRestoreNow);
  EXPECT_EQ(plan.database.file, std::filesystem::path("/mnt/seed/app.sql.gz"));
  EXPECT_EQ(plan.database.directory, std::filesystem::path("/mnt/seed"));
  EXPECT_EQ(plan.database.name, "app.sql.gz");
}

TEST(PlanRestore, OnlyLatestNeedsTheListing) {
  EXPECT_TRUE(restore_needs_listing(restore_manifest("").restore));
  EXPECT_TRUE(restore_needs_listing(
      restore_manifest("  source:\n    database: x.sql.gz\n    media: latest\n").restore));
  EXPECT_FALSE(restore_needs_listing(
      restore_manifest("  source:\n    database: x.sql.gz\n    media: m.tgz\n").restore));
}

}  // namespace
}  // namespace hivekeeper::jobs
