// check_row_counts: the last check before a restore's COMMIT.
#include "jobs/restore/row_counts.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace hivekeeper::jobs {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(CheckRowCounts, MetadataCountsWinOverTheDumpsOwn) {
  store::SetMetadata metadata;
  metadata.row_counts = {{"public.glyphs", 3}, {"public.jobs", 0}};
  const RowCountCheck check = check_row_counts({{"public.glyphs", 3}, {"public.jobs", 0}},
                                               {{"public.glyphs", 99}}, metadata);
  EXPECT_THAT(check.mismatches, IsEmpty());
  EXPECT_EQ(check.report["checkedAgainst"], "metadata");
  EXPECT_EQ(check.report["tables"], 2);
  EXPECT_EQ(check.report["rows"], 3);
}

TEST(CheckRowCounts, WithoutMetadataTheDumpsCountsAreExpected) {
  const RowCountCheck check =
      check_row_counts({{"public.glyphs", 3}}, {{"public.glyphs", 3}}, std::nullopt);
  EXPECT_THAT(check.mismatches, IsEmpty());
  EXPECT_EQ(check.report["checkedAgainst"], "dump");
}

TEST(CheckRowCounts, MetadataWithoutCountsFallsBackToTheDump) {
  const RowCountCheck check =
      check_row_counts({{"public.glyphs", 2}}, {{"public.glyphs", 3}}, store::SetMetadata{});
  EXPECT_EQ(check.report["checkedAgainst"], "dump");
  EXPECT_THAT(check.mismatches, ElementsAre("public.glyphs: 2 rows loaded, 3 expected"));
}

TEST(CheckRowCounts, AMissingTableIsAMismatchEvenWhenItShouldBeEmpty) {
  const RowCountCheck check = check_row_counts({}, {{"public.empty", 0}}, std::nullopt);
  EXPECT_THAT(check.mismatches, ElementsAre("public.empty: 0 rows loaded, 0 expected"));
  EXPECT_EQ(check.report["mismatches"].size(), 1u);
}

}  // namespace
}  // namespace hivekeeper::jobs
