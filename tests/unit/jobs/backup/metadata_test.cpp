// The metadata file of a backup set: what restores check (sha256, row counts) and what a person
// reads to know where a backup came from.
#include "jobs/backup/metadata.h"

#include <gtest/gtest.h>

namespace hivekeeper::jobs {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;
using nlohmann::json;

const Clock::time_point kStart = sys_days{2026y / November / 24} + 3h + 15min;

BackupPlan plan() {
  BackupPlan plan;
  plan.job_name = "nightly-prod";
  plan.environment = manifest::Environment::prod;
  plan.project = "beelab";
  plan.prefix = "beelab";
  plan.database_location = {"container", "beelab-db-1"};
  plan.database = {"app", "django"};
  plan.pg_dump_options = {"--format=plain", "--encoding=UTF8", "--clean"};
  plan.media_location = target::Location{"volume", "beelab_media"};
  plan.timestamp = "2026-11-24_031500";
  plan.start = kStart;
  return plan;
}

BackupOutcome outcome() {
  BackupOutcome outcome;
  outcome.server_version = "17.12 (Debian 17.12-1.pgdg130+1)";
  outcome.pg_dump_version = "17.12 (Debian 17.12-1.pgdg130+1)";
  outcome.row_counts = {{"public.glyphs", 3}, {"public.django_session", 0}};
  outcome.sql_bytes = 987654;
  outcome.database_file = {"backups/django/beelab_prod_db_app_2026-11-24_031500.sql.gz", 123456,
                           "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"};
  outcome.end = kStart + 12s + 300ms;
  return outcome;
}

TEST(BackupMetadata, DatabaseOnlySetHasMediaNull) {
  EXPECT_EQ(backup_metadata(plan(), outcome()), json::parse(R"json({
    "apiVersion": "hivekeeper.io/v1",
    "kind": "BackupSet",
    "job": "nightly-prod",
    "environment": "prod",
    "project": "beelab",
    "prefix": "beelab",
    "timestamp": "2026-11-24_031500",
    "startTime": "2026-11-24T03:15:00Z",
    "completionTime": "2026-11-24T03:15:12Z",
    "database": {
      "name": "app",
      "user": "django",
      "container": "beelab-db-1",
      "serverVersion": "17.12 (Debian 17.12-1.pgdg130+1)",
      "pgDumpVersion": "17.12 (Debian 17.12-1.pgdg130+1)",
      "pgDumpOptions": ["--format=plain", "--encoding=UTF8", "--clean"],
      "format": "plain",
      "compression": "gzip",
      "sqlBytes": 987654,
      "rowCounts": {"public.django_session": 0, "public.glyphs": 3}
    },
    "media": null,
    "artifacts": [
      {"kind": "database", "file": "beelab_prod_db_app_2026-11-24_031500.sql.gz", "bytes": 123456,
       "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}
    ]
  })json"));
}

TEST(BackupMetadata, MediaSetAddsTheArchiveAndItsStats) {
  BackupOutcome with_media = outcome();
  with_media.media_file = archive::WrittenFile{
      "backups/django/beelab_prod_media_2026-11-24_031500.tgz", 5000000, std::string(64, 'a')};
  with_media.media_stats = {
      .entries = 120, .files = 100, .content_bytes = 6000000, .stored_bytes = 4000000};
  const json metadata = backup_metadata(plan(), with_media);
  EXPECT_EQ(metadata["media"],
            json::parse(R"({"volume": "beelab_media", "entries": 120, "files": 100,
                                               "contentBytes": 6000000, "storedUncompressedBytes": 4000000})"));
  ASSERT_EQ(metadata["artifacts"].size(), 2u);
  EXPECT_EQ(metadata["artifacts"][1],
            json::parse(R"({"kind": "media", "file": "beelab_prod_media_2026-11-24_031500.tgz",
                                                      "bytes": 5000000, "sha256": ")" +
                        std::string(64, 'a') + "\"}"));
  // File names only: the set stays valid when the directory is moved or mounted elsewhere.
  EXPECT_EQ(metadata["artifacts"][0]["file"], "beelab_prod_db_app_2026-11-24_031500.sql.gz");
}

TEST(BackupMetadata, DirectModeNamesTheServerAndTheMediaDirectory) {
  BackupPlan direct = plan();
  direct.project = "";
  direct.database_location = {"server", "postgres.beelab.svc:5432"};
  direct.media_location = target::Location{"directory", "/media"};
  BackupOutcome with_media = outcome();
  with_media.media_file = archive::WrittenFile{
      "backups/django/beelab_prod_media_2026-11-24_031500.tgz", 5000000, std::string(64, 'a')};
  const json metadata = backup_metadata(direct, with_media);
  EXPECT_EQ(metadata["database"]["server"], "postgres.beelab.svc:5432");
  EXPECT_FALSE(metadata["database"].contains("container"));
  EXPECT_EQ(metadata["media"]["directory"], "/media");
  EXPECT_FALSE(metadata["media"].contains("volume"));
}

}  // namespace
}  // namespace hivekeeper::jobs
