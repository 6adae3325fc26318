// Reading a set's metadata: the checksum of the artifact being restored and the row counts, from
// the document or from a store where it may be missing or damaged.
#include "store/set_metadata.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/local_store.h"
#include "support/test_support.h"

namespace hivekeeper::store {
namespace {

using hivekeeper::testing::error_from;
using hivekeeper::testing::TempDir;
using hivekeeper::testing::write_file;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;

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

TEST(FindSetMetadata, ReadsTheSetsDocumentFromTheStore) {
  TempDir dir;
  write_file(dir / "beelab_prod_2026-11-24_031500.json", kMetadata.dump());
  const auto set = find_set_metadata(LocalDirectoryStore(dir.path()),
                                     "beelab_prod_db_app_2026-11-24_031500.sql.gz");
  ASSERT_TRUE(set.has_value());
  EXPECT_EQ(set->sha256, "aa11");
  EXPECT_EQ(set->location, (dir / "beelab_prod_2026-11-24_031500.json").string());
}

TEST(FindSetMetadata, SeedBackupsAndForeignNamesHaveNone) {
  TempDir dir;
  EXPECT_FALSE(find_set_metadata(LocalDirectoryStore(dir.path()),
                                 "beelab_prod_db_app_2026-11-24_031500.sql.gz"));
  EXPECT_FALSE(find_set_metadata(LocalDirectoryStore(dir.path()), "dump.sql.gz"));
}

TEST(FindSetMetadata, DamagedMetadataRefusesTheRestore) {
  TempDir dir;
  write_file(dir / "beelab_prod_2026-11-24_031500.json", "{not json");
  const auto error = error_from([&] {
    find_set_metadata(LocalDirectoryStore(dir.path()), "beelab_prod_media_2026-11-24_031500.tgz");
  });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->reason(), "MetadataUnreadable");
  EXPECT_THAT(error->what(), HasSubstr("beelab_prod_2026-11-24_031500.json"));
}

}  // namespace
}  // namespace hivekeeper::store
