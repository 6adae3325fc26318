// Retention and health-check durations: restic's units, and calendar steps as Go's AddDate.
#include "manifest/duration.h"

#include <gtest/gtest.h>

#include "store/naming.h"

namespace hivekeeper::manifest {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;

TEST(ParseDuration, UnitsAddUp) {
  const auto duration = parse_duration("1y6m2w3d12h");
  ASSERT_TRUE(duration);
  EXPECT_EQ(duration->years, 1);
  EXPECT_EQ(duration->months, 6);
  EXPECT_EQ(duration->days, 17);
  EXPECT_EQ(duration->hours, 12);
  EXPECT_EQ(to_string(*duration), "1y6m17d12h");
  EXPECT_EQ(to_string(*parse_duration("30d")), "30d");
}

TEST(ParseDuration, RefusesWhatIsNotNumberUnitPairs) {
  for (const char* text : {"", "30", "d", "30 d", "30s", "-3d", "3d2", "1.5d", "99999999d"})
    EXPECT_FALSE(parse_duration(text)) << text;
}

TEST(Subtract, MonthsOverflowLikeGoAddDate) {
  const auto march_31 = sys_days{2026y / March / 31} + 10h;
  // "February 31" of a non-leap year is March 3; of a leap year March 2.
  EXPECT_EQ(store::rfc3339(subtract(march_31, *parse_duration("1m"))), "2026-03-03T10:00:00Z");
  EXPECT_EQ(store::rfc3339(subtract(sys_days{2024y / March / 31} + 10h, *parse_duration("1m"))),
            "2024-03-02T10:00:00Z");
  EXPECT_EQ(store::rfc3339(subtract(march_31, *parse_duration("1y2d5h"))), "2025-03-29T05:00:00Z");
  EXPECT_EQ(store::rfc3339(subtract(march_31, *parse_duration("15m"))), "2024-12-31T10:00:00Z");
}

}  // namespace
}  // namespace hivekeeper::manifest
