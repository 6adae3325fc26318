// Which files a restore reads: `latest`, a name or a path for each artifact, and what the set's
// metadata says about the chosen file.
#include "jobs/restore_plan.h"

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
using ::testing::IsEmpty;
using ::testing::Pair;

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
                           ArtifactKind::database),
            kDirectory / "beelab_prod_db_app_2026-11-24_031500.sql.gz");
  EXPECT_EQ(resolve_source("latest", kDirectory, kNames, "beelab", manifest::Environment::prod,
                           ArtifactKind::media),
            kDirectory / "beelab_prod_media_2026-11-24_031500.tgz");
}

TEST(ResolveSource, AValueWithASlashIsAPath) {
  EXPECT_EQ(resolve_source("/tmp/elsewhere/dump.sql.gz", kDirectory, kNames, "beelab",
                           manifest::Environment::prod, ArtifactKind::database),
            std::filesystem::path("/tmp/elsewhere/dump.sql.gz"));
  EXPECT_EQ(resolve_source("./dump.sql.gz", kDirectory, kNames, "beelab",
                           manifest::Environment::prod, ArtifactKind::database),
            std::filesystem::path("./dump.sql.gz"));
}

TEST(ResolveSource, ABareNameIsLookedUpInTheDirectory) {
  EXPECT_EQ(resolve_source("beelab_prod_db_app_2026-11-23_031500.sql.gz", kDirectory, kNames,
                           "beelab", manifest::Environment::prod, ArtifactKind::database),
            kDirectory / "beelab_prod_db_app_2026-11-23_031500.sql.gz");
  // Not checked against the listing here: load_sources() reports a missing file.
  EXPECT_EQ(resolve_source("seed.sql.gz", kDirectory, {}, "beelab", manifest::Environment::prod,
                           ArtifactKind::database),
            kDirectory / "seed.sql.gz");
}

TEST(ResolveSource, LatestWithNothingToPickIsNoBackupFound) {
  const auto error = error_from([] {
    resolve_source("latest", kDirectory, kNames, "beelab", manifest::Environment::dev,
                   ArtifactKind::database);
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
                   "beelab", manifest::Environment::prod, ArtifactKind::media);
  });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->reason(), "NoBackupFound");
  EXPECT_THAT(error->what(), HasSubstr("beelab_prod_media_*.tgz"));
}

const nlohmann::json kMetadata = nlohmann::json::parse(R"({
  "artifacts": [
    {"file": "beelab_prod_db_app_2026-11-24_031500.sql.gz", "sha256": "aa11"},
    {"file": "beelab_prod_media_2026-11-24_031500.tgz", "sha256": "bb22"}
  ],
  "database": {"rowCounts": {"public.glyphs": 3, "public.\"my table\"": 0}}
})");

TEST(ReadSetMetadata, TakesTheChecksumOfTheNamedArtifactAndTheRowCounts) {
  const SetMetadata set =
      read_set_metadata(kMetadata, "beelab_prod_db_app_2026-11-24_031500.sql.gz");
  EXPECT_EQ(set.sha256, "aa11");
  EXPECT_THAT(set.row_counts,
              ElementsAre(Pair("public.\"my table\"", 0u), Pair("public.glyphs", 3u)));
  EXPECT_EQ(read_set_metadata(kMetadata, "beelab_prod_media_2026-11-24_031500.tgz").sha256, "bb22");
}

TEST(ReadSetMetadata, AnArtifactTheSetDoesNotListHasNoChecksum) {
  EXPECT_EQ(read_set_metadata(kMetadata, "other.sql.gz").sha256, "");
}

TEST(ReadSetMetadata, AMediaOnlyOrEmptyDocumentHasNoRowCounts) {
  const SetMetadata set = read_set_metadata(
      nlohmann::json::parse(R"({"artifacts": [{"file": "m.tgz", "sha256": "cc"}]})"), "m.tgz");
  EXPECT_EQ(set.sha256, "cc");
  EXPECT_THAT(set.row_counts, IsEmpty());
  const SetMetadata empty = read_set_metadata(nlohmann::json::object(), "m.tgz");
  EXPECT_EQ(empty.sha256, "");
  EXPECT_THAT(empty.row_counts, IsEmpty());
}

}  // namespace
}  // namespace hivekeeper::jobs
