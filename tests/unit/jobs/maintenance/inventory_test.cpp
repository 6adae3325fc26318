// --max-age: the newest good set of the environment decides; safety backups, empty dumps and
// sets that failed verification do not count.
#include "jobs/maintenance/inventory.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace hivekeeper::jobs {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;

SetSummary summary(const std::string& metadata_name, std::uint64_t bytes = 100) {
  auto sets = store::group_backup_sets({metadata_name});
  SetSummary result{sets.at(0), bytes, std::nullopt, std::nullopt};
  return result;
}

const store::Clock::time_point kInventoryNow = sys_days{2026y / November / 30} + 12h;

TEST(Staleness, FreshWhenTheNewestGoodSetIsYoungerThanMaxAge) {
  const std::vector<SetSummary> sets = {summary("app_prod_2026-11-30_030000.json")};
  EXPECT_FALSE(staleness(sets, manifest::Environment::prod, *manifest::parse_duration("26h"),
                         kInventoryNow));
  EXPECT_THAT(
      *staleness(sets, manifest::Environment::prod, *manifest::parse_duration("2h"), kInventoryNow),
      ::testing::HasSubstr("app_prod_2026-11-30_030000"));
}

TEST(Staleness, SafetyFailedAndEmptySetsDoNotCount) {
  auto failed = summary("app_prod_2026-11-30_100000.json");
  failed.verification =
      store::Verification{"app_prod_2026-11-30_100000", false, "", "verify", {}, {}};
  const std::vector<SetSummary> sets = {summary("app_prod_pre-restore_2026-11-30_110000.json"),
                                        failed, summary("app_prod_2026-11-30_090000.json", 0),
                                        summary("app_prod_2026-11-20_000000.json")};
  EXPECT_THAT(
      *staleness(sets, manifest::Environment::prod, *manifest::parse_duration("1d"), kInventoryNow),
      ::testing::HasSubstr("app_prod_2026-11-20_000000"));
  EXPECT_THAT(
      *staleness({}, manifest::Environment::dev, *manifest::parse_duration("1d"), kInventoryNow),
      ::testing::HasSubstr("no good dev set"));
}

}  // namespace
}  // namespace hivekeeper::jobs
