// s3/multipart_upload: the part size leaves room for a backup twice its estimate within
// maxParts, never goes below S3's 5 MiB, and is a whole number of MiB.
#include <gtest/gtest.h>

#include "s3/multipart_upload.h"

namespace hivekeeper::s3 {
namespace {

constexpr std::uint64_t kMiB = 1024 * 1024;
constexpr std::uint64_t kGiB = 1024 * kMiB;
constexpr std::uint64_t kTiB = 1024 * kGiB;

std::uint64_t parts_for(std::uint64_t bytes, std::size_t part_size) {
  return (bytes + part_size - 1) / part_size;
}

TEST(S3PartSize, SmallStreamsUseS3sSmallestPart) {
  EXPECT_EQ(choose_part_size(0, 10000), 5 * kMiB);
  EXPECT_EQ(choose_part_size(1 * kMiB, 10000), 5 * kMiB);
  EXPECT_EQ(choose_part_size(1 * kMiB, 1000), 5 * kMiB);
  EXPECT_EQ(choose_part_size(20 * kGiB, 10000), 5 * kMiB);  // 40 GiB / 10000 < 5 MiB
}

TEST(S3PartSize, TwiceTheEstimateAlwaysFitsInMaxParts) {
  for (const int max_parts : {10000, 1000}) {
    for (const std::uint64_t expected : std::initializer_list<std::uint64_t>{
             0ULL, 1 * kMiB, 50 * kGiB, 5 * kTiB, 50 * kGiB + 12345, 3 * kTiB + 1}) {
      const std::size_t part = choose_part_size(expected, max_parts);
      EXPECT_EQ(part % kMiB, 0U) << expected;
      EXPECT_GE(part, 5 * kMiB) << expected;
      EXPECT_LE(parts_for(2 * expected, part), static_cast<std::uint64_t>(max_parts))
          << expected << " bytes in " << max_parts << " parts of " << part;
    }
  }
}

TEST(S3PartSize, IsNoLargerThanTheHeadroomNeeds) {
  // 50 GiB, twice = 100 GiB in 10000 parts: 10.24 MiB, so 11 MiB.
  EXPECT_EQ(choose_part_size(50 * kGiB, 10000), 11 * kMiB);
  EXPECT_EQ(choose_part_size(50 * kGiB, 1000), 103 * kMiB);
  EXPECT_EQ(choose_part_size(5 * kTiB, 10000), 1049 * kMiB);
  // 5 TiB in 1000 parts needs 10.24 GiB parts: more than S3's 5 GiB (the uploader refuses it).
  EXPECT_GT(choose_part_size(5 * kTiB, 1000), kMaximumPartSize);
}

}  // namespace
}  // namespace hivekeeper::s3
