// plan_backup: everything a backup will do, decided from the manifest, the target's facts and
// the clock.
#include "jobs/backup/plan.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "postgres/pg_dump.h"
#include "support/test_support.h"

namespace hivekeeper::jobs {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;
using hivekeeper::testing::error_from;
using ::testing::ElementsAre;

const Clock::time_point kBackupNow = sys_days{2026y / November / 24} + 3h + 15min;

manifest::Manifest manifest_from(const std::string& spec) {
  return manifest::parse_manifest(
      "apiVersion: hivekeeper.io/v1\nkind: BackupJob\nmetadata:\n  name: nightly-prod\nspec:\n" +
          spec,
      "test.yaml");
}

// What a Docker-mode target found: the project's database container and media volume.
target::TargetFacts found_in(std::string project) {
  target::TargetFacts found;
  found.project = std::move(project);
  found.database = {"app", "django"};
  found.database_location = {"container", "beelab-db-1"};
  found.media_location = target::Location{"volume", "beelab_media"};
  return found;
}

// What a direct-mode target knows: a server and a mounted media directory, no project.
target::TargetFacts direct_server() {
  target::TargetFacts found;
  found.database = {"app", "django"};
  found.database_location = {"server", "postgres.beelab.svc:5432"};
  found.media_location = target::Location{"directory", "/media"};
  return found;
}

TEST(PlanBackup, PrefixDefaultsToTheComposeProject) {
  const BackupPlan plan =
      plan_backup(manifest_from("  environment: prod\n  media:\n    enabled: true\n"),
                  found_in("beelab"), kBackupNow);
  EXPECT_EQ(plan.job_name, "nightly-prod");
  EXPECT_EQ(plan.environment, manifest::Environment::prod);
  EXPECT_EQ(plan.project, "beelab");
  EXPECT_EQ(plan.prefix, "beelab");
  EXPECT_EQ(plan.timestamp, "2026-11-24_031500");
  EXPECT_EQ(plan.start, kBackupNow);
  EXPECT_EQ(plan.files.database, "beelab_prod_db_app_2026-11-24_031500.sql.gz");
  EXPECT_EQ(plan.files.media, "beelab_prod_media_2026-11-24_031500.tgz");
  EXPECT_EQ(plan.files.metadata, "beelab_prod_2026-11-24_031500.json");
  EXPECT_EQ(plan.output_directory, std::filesystem::path("backups/django"));
  EXPECT_EQ(plan.media_location, (target::Location{"volume", "beelab_media"}));
  EXPECT_EQ(plan.database_location, (target::Location{"container", "beelab-db-1"}));
  EXPECT_EQ(plan.database.name, "app");
  EXPECT_EQ(plan.database.user, "django");
  EXPECT_EQ(plan.database_compression, archive::Compression::gzip);
  EXPECT_EQ(plan.database_level, 6);
  EXPECT_EQ(plan.media_compression, archive::Compression::gzip);
  EXPECT_EQ(plan.media_level, 6);
}

TEST(PlanBackup, ZstdNamesBothFilesAndTakesItsOwnDefaultLevel) {
  const BackupPlan plan = plan_backup(
      manifest_from("  environment: prod\n  dump:\n    compression: zstd\n  media:\n    enabled: "
                    "true\n"),
      found_in("beelab"), kBackupNow);
  EXPECT_EQ(plan.files.database, "beelab_prod_db_app_2026-11-24_031500.sql.zst");
  EXPECT_EQ(plan.files.media, "beelab_prod_media_2026-11-24_031500.tar.zst");
  EXPECT_EQ(plan.database_compression, archive::Compression::zstd);
  EXPECT_EQ(plan.database_level, 3);
  EXPECT_EQ(plan.media_compression, archive::Compression::zstd);
  EXPECT_EQ(plan.media_level, 3);
}

TEST(PlanBackup, MediaInAnotherFormatTakeThatFormatsDefaultLevel) {
  const BackupPlan plan = plan_backup(
      manifest_from("  environment: dev\n  dump:\n    compression: zstd\n    compressionLevel: "
                    "12\n  media:\n    enabled: true\n    compression: gzip\n"),
      found_in("beelab"), kBackupNow);
  EXPECT_EQ(plan.files.database, "beelab_dev_db_app_2026-11-24_031500.sql.zst");
  EXPECT_EQ(plan.files.media, "beelab_dev_media_2026-11-24_031500.tgz");
  EXPECT_EQ(plan.database_level, 12);
  EXPECT_EQ(plan.media_level, 6);
}

TEST(PlanBackup, ExplicitPrefixAndDirectoryWin) {
  const BackupPlan plan = plan_backup(
      manifest_from(
          "  environment: dev\n  output:\n    prefix: beelab.eu\n    directory: /srv/backups\n"),
      found_in("beelab"), kBackupNow);
  EXPECT_EQ(plan.prefix, "beelab.eu");
  EXPECT_EQ(plan.output_directory, std::filesystem::path("/srv/backups"));
  EXPECT_EQ(plan.files.database, "beelab.eu_dev_db_app_2026-11-24_031500.sql.gz");
  EXPECT_EQ(plan.files.metadata, "beelab.eu_dev_2026-11-24_031500.json");
}

TEST(PlanBackup, NoPrefixAndNoProjectIsInvalidInput) {
  const auto error = error_from(
      [] { plan_backup(manifest_from("  environment: prod\n"), found_in(""), kBackupNow); });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->reason(), "PrefixUnknown");
  EXPECT_EQ(error->kind(), ErrorKind::invalid_input);
  EXPECT_EQ(error->exit_code(), 2);
  EXPECT_STREQ(error->what(),
               "no file name prefix: spec.output.prefix is not set and there is no Compose project "
               "to default to");
  EXPECT_EQ(error->hint(), "set spec.output.prefix (or --prefix), e.g. beelab");
}

TEST(PlanBackup, ExplicitPrefixNeedsNoProject) {
  const BackupPlan plan =
      plan_backup(manifest_from("  environment: prod\n  output:\n    prefix: beelab\n"),
                  found_in(""), kBackupNow);
  EXPECT_EQ(plan.prefix, "beelab");
  EXPECT_EQ(plan.project, "");
}

TEST(PlanBackup, NoMediaWhenMediaIsOff) {
  const BackupPlan plan =
      plan_backup(manifest_from("  environment: prod\n"), found_in("beelab"), kBackupNow);
  EXPECT_FALSE(plan.has_media());
}

TEST(PlanBackup, DirectModeNamesTheServerAndTheDirectoryAndNeedsAPrefix) {
  const std::string direct_spec =
      "  environment: prod\n  target:\n    postgres:\n      host: postgres.beelab.svc\n"
      "      database: app\n      user: django\n      passwordFrom:\n        env: PGPASS\n"
      "  media:\n    enabled: true\n    path: /media\n";
  const auto error =
      error_from([&] { plan_backup(manifest_from(direct_spec), direct_server(), kBackupNow); });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->reason(), "PrefixUnknown");

  const BackupPlan plan = plan_backup(
      manifest_from(direct_spec + "  output:\n    prefix: beelab\n"), direct_server(), kBackupNow);
  EXPECT_EQ(plan.project, "");
  EXPECT_EQ(plan.database_location, (target::Location{"server", "postgres.beelab.svc:5432"}));
  EXPECT_EQ(plan.media_location, (target::Location{"directory", "/media"}));
  EXPECT_EQ(plan.files.database, "beelab_prod_db_app_2026-11-24_031500.sql.gz");
}

TEST(PlanBackup, SafetyBackupIsNamedPreRestore) {
  manifest::BackupSpec spec;
  spec.environment = manifest::Environment::prod;
  spec.output.directory = "/srv/backups";
  const BackupPlan plan = plan_backup("restore-prod", spec, found_in("beelab"), kBackupNow, true);
  EXPECT_EQ(plan.job_name, "restore-prod");
  EXPECT_EQ(plan.files.database, "beelab_prod_pre-restore_db_app_2026-11-24_031500.sql.gz");
  EXPECT_EQ(plan.files.metadata, "beelab_prod_pre-restore_2026-11-24_031500.json");
  EXPECT_FALSE(plan.has_media());
}

TEST(PlanBackup, DatabaseNameWithASlashCannotNameAFile) {
  target::TargetFacts found = found_in("beelab");
  found.database.name = "app/../../etc";
  const auto error =
      error_from([&] { plan_backup(manifest_from("  environment: prod\n"), found, kBackupNow); });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->reason(), "InvalidDatabaseName");
  EXPECT_EQ(error->exit_code(), 2);
  EXPECT_STREQ(error->what(), "database name app/../../etc cannot be part of a file name");
}

TEST(WithFreeNames, TakesTheNextFreeSecondWhenASetOfThisSecondExists) {
  const BackupPlan plan =
      plan_backup(manifest_from("  environment: prod\n  media:\n    enabled: true\n"),
                  found_in("beelab"), kBackupNow);
  EXPECT_EQ(with_free_names(plan, {"beelab_prod_2026-11-24_031459.json"}).timestamp,
            "2026-11-24_031500");
  const BackupPlan next = with_free_names(plan, {"beelab_prod_db_app_2026-11-24_031500.sql.gz",
                                                 "beelab_prod_media_2026-11-24_031501.tgz"});
  EXPECT_EQ(next.timestamp, "2026-11-24_031502");
  EXPECT_EQ(next.start, kBackupNow + 2s);
  EXPECT_EQ(next.files.database, "beelab_prod_db_app_2026-11-24_031502.sql.gz");
  EXPECT_EQ(next.files.metadata, "beelab_prod_2026-11-24_031502.json");
}

TEST(WithFreeNames, KeepsASafetyBackupASafetyBackup) {
  manifest::BackupSpec spec;
  const BackupPlan plan = plan_backup("restore-dev", spec, found_in("beelab"), kBackupNow, true);
  const BackupPlan next = with_free_names(plan, {plan.files.metadata});
  EXPECT_EQ(next.files.database, "beelab_dev_pre-restore_db_app_2026-11-24_031501.sql.gz");
}

TEST(PlanBackup, PgDumpCommandCarriesTheManifestsOptionsAndTheIdentity) {
  const BackupPlan plan =
      plan_backup(manifest_from("  environment: prod\n  dump:\n    noPrivileges: false\n    "
                                "excludeTables: [django_session]\n"
                                "    compressionLevel: 3\n"),
                  found_in("beelab"), kBackupNow);
  EXPECT_THAT(plan.pg_dump_options,
              ElementsAre("--format=plain", "--encoding=UTF8", "--clean", "--if-exists",
                          "--no-owner", "--exclude-table=django_session"));
  EXPECT_THAT(postgres::pg_dump_command(plan.dump, plan.database.name, plan.database.user),
              ElementsAre("pg_dump", "--format=plain", "--encoding=UTF8", "--clean", "--if-exists",
                          "--no-owner", "--exclude-table=django_session", "--username=django",
                          "--dbname=app"));
  EXPECT_EQ(plan.database_level, 3);
}

}  // namespace
}  // namespace hivekeeper::jobs
