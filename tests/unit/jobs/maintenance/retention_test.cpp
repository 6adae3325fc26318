// Retention by restic's forget rules: OR-ed rules, calendar periods in the policy's zone, only
// periods that have a set count, the oldest set kept while a rule has counts left, keepWithin
// from the newest set; safety backups a series of their own; what is never deleted.
#include "jobs/maintenance/retention.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace hivekeeper::jobs {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

// Sets of prefix app in prod, one per timestamp, with metadata unless SEED_MADE.
std::vector<store::BackupSet> sets_at(const std::vector<std::string>& timestamps,
                                      bool seed_made = false, bool safety = false) {
  std::vector<std::string> names;
  for (const auto& timestamp : timestamps) {
    const std::string stem = safety ? "app_prod_pre-restore_" : "app_prod_";
    names.push_back(stem + "db_app_" + timestamp + ".sql.gz");
    if (!seed_made) names.push_back(stem + timestamp + ".json");
  }
  return store::group_backup_sets(names);
}

RetentionFacts facts() {
  return {"", {}, sys_days{2030y / January / 1}};
}

// The timestamps kept, newest first.
std::vector<std::string> kept(const std::vector<RetentionDecision>& decisions) {
  std::vector<std::string> timestamps;
  for (const auto& decision : decisions)
    if (decision.keep) timestamps.push_back(decision.set.timestamp);
  return timestamps;
}

manifest::RetentionPolicy policy(const nlohmann::json& rules) {
  return manifest::retention_from(rules);
}

TEST(PlanRetention, KeepLastKeepsTheNewest) {
  const auto decisions =
      plan_retention(sets_at({"2026-01-01_000000", "2026-01-02_000000", "2026-01-03_000000"}),
                     policy({{"keepLast", 2}}), facts());
  EXPECT_THAT(kept(decisions), ElementsAre("2026-01-03_000000", "2026-01-02_000000"));
  EXPECT_THAT(decisions[0].reasons, ElementsAre("last"));
  EXPECT_THAT(decisions[2].reasons, IsEmpty());
}

TEST(PlanRetention, DailyKeepsTheNewestOfEachDayAndCountsOnlyDaysWithASet) {
  // Three sets on the 10th, none from the 4th to the 9th, two on the 3rd, one on the 1st.
  const auto decisions =
      plan_retention(sets_at({"2026-01-10_230000", "2026-01-10_120000", "2026-01-10_010000",
                              "2026-01-03_200000", "2026-01-03_080000", "2026-01-01_090000"}),
                     policy({{"keepDaily", 2}}), facts());
  EXPECT_THAT(kept(decisions), ElementsAre("2026-01-10_230000", "2026-01-03_200000"));
  EXPECT_THAT(decisions[0].reasons, ElementsAre("daily 2026-01-10"));
}

TEST(PlanRetention, TheOldestSetIsKeptWhileARuleHasCountsLeft) {
  // keepDaily 5 over three days: restic keeps the oldest set as well, for the longest history.
  const auto decisions = plan_retention(
      sets_at({"2026-01-03_100000", "2026-01-02_100000", "2026-01-01_200000", "2026-01-01_100000"}),
      policy({{"keepDaily", 5}}), facts());
  EXPECT_THAT(kept(decisions), ElementsAre("2026-01-03_100000", "2026-01-02_100000",
                                           "2026-01-01_200000", "2026-01-01_100000"));
}

TEST(PlanRetention, RulesAreOredAndWeeksAreIsoWeeks) {
  // 2026-01-04 is a Sunday (ISO week 2026-W01), 2026-01-05 a Monday (W02); 2025-12-29 is the
  // Monday of 2026-W01, so it shares its week with 2026-01-04; 2025-12-28 is in 2025-W52.
  const auto decisions =
      plan_retention(sets_at({"2026-01-05_100000", "2026-01-04_100000", "2025-12-29_100000",
                              "2025-12-28_100000", "2025-11-15_100000"}),
                     policy({{"keepWeekly", 3}, {"keepMonthly", 1}}), facts());
  EXPECT_THAT(kept(decisions),
              ElementsAre("2026-01-05_100000", "2026-01-04_100000", "2025-12-28_100000"));
  EXPECT_THAT(decisions[0].reasons, ElementsAre("weekly 2026-W02", "monthly 2026-01"));
  EXPECT_THAT(decisions[1].reasons, ElementsAre("weekly 2026-W01"));
  EXPECT_THAT(decisions[3].reasons, ElementsAre("weekly 2025-W52"));
}

TEST(PlanRetention, KeepWithinCountsFromTheNewestSetNotFromNow) {
  const auto decisions = plan_retention(
      sets_at({"2026-06-30_000000", "2026-06-01_000001", "2026-06-01_000000", "2026-05-01_000000"}),
      policy({{"keepWithin", "29d"}}), facts());
  // Exactly 29 days before the newest is not within (restic: strictly after).
  EXPECT_THAT(kept(decisions), ElementsAre("2026-06-30_000000", "2026-06-01_000001"));
  EXPECT_THAT(decisions[0].reasons, ElementsAre("within 29d"));
}

TEST(PlanRetention, SetsDatedInTheFutureDoNotMoveKeepWithin) {
  auto now = facts();
  now.now = sys_days{2026y / June / 2};
  const auto decisions = plan_retention(
      sets_at({"2027-01-01_000000", "2026-06-01_000000", "2026-05-30_000000", "2026-05-01_000000"}),
      policy({{"keepWithin", "3d"}}), now);
  // The future set itself is kept (it is after the cutoff), as restic does.
  EXPECT_THAT(kept(decisions),
              ElementsAre("2027-01-01_000000", "2026-06-01_000000", "2026-05-30_000000"));
}

TEST(PlanRetention, PeriodsAreCountedInThePolicysTimeZone) {
  // Auckland is UTC+13 in January: 12:30 and 11:30 UTC on the 1st are 01:30 and 00:30 on the
  // 2nd there, 10:30 UTC is 23:30 on the 1st, and 00:00 UTC on Dec 31 is 13:00 on Dec 31.
  const auto sets =
      sets_at({"2026-01-01_123000", "2026-01-01_113000", "2026-01-01_103000", "2025-12-31_000000"});
  EXPECT_THAT(kept(plan_retention(sets, policy({{"keepDaily", 2}}), facts())),
              ElementsAre("2026-01-01_123000", "2025-12-31_000000"));
  const auto auckland =
      plan_retention(sets, policy({{"keepDaily", 2}, {"timezone", "Pacific/Auckland"}}), facts());
  EXPECT_THAT(kept(auckland), ElementsAre("2026-01-01_123000", "2026-01-01_103000"));
  EXPECT_THAT(auckland[0].reasons, ElementsAre("daily 2026-01-02"));
  EXPECT_THAT(auckland[2].reasons, ElementsAre("daily 2026-01-01"));
  EXPECT_THAT(plan_retention(sets, policy({{"keepHourly", 2}}), facts())[1].reasons,
              ElementsAre("hourly 2026-01-01 11"));
}

TEST(PlanRetention, SafetyBackupsAreASeriesOfTheirOwn) {
  auto sets =
      sets_at({"2026-01-05_000000", "2026-01-04_000000", "2026-01-03_000000", "2026-01-02_000000"},
              false, true);
  const auto backups = sets_at({"2026-01-01_000000"});
  sets.insert(sets.end(), backups.begin(), backups.end());
  const auto decisions =
      plan_retention(sets, policy({{"keepLast", 1}, {"keepSafety", 2}}), facts());
  EXPECT_THAT(kept(decisions),
              ElementsAre("2026-01-05_000000", "2026-01-04_000000", "2026-01-01_000000"));
  EXPECT_THAT(decisions[0].reasons, ElementsAre("safety 1 of 2"));
}

TEST(PlanRetention, SeedMadeSetsAreKeptUnlessIncluded) {
  auto sets = sets_at({"2026-01-03_000000", "2026-01-02_000000"});
  const auto seed = sets_at({"2026-01-01_000000"}, true);
  sets.insert(sets.end(), seed.begin(), seed.end());
  const auto decisions = plan_retention(sets, policy({{"keepLast", 1}}), facts());
  EXPECT_THAT(kept(decisions), ElementsAre("2026-01-03_000000", "2026-01-01_000000"));
  EXPECT_THAT(decisions[2].reasons, ElementsAre("seed-made"));
  // Included, it follows the rules like the others: keepLast 1 deletes it.
  EXPECT_THAT(
      kept(plan_retention(sets, policy({{"keepLast", 1}, {"includeSeedMade", true}}), facts())),
      ElementsAre("2026-01-03_000000"));
}

TEST(PlanRetention, TheSetJustMadeAndTheNewestVerifiedAreNeverDeleted) {
  const auto sets =
      sets_at({"2026-01-04_000000", "2026-01-03_000000", "2026-01-02_000000", "2026-01-01_000000"});
  RetentionFacts known = facts();
  known.just_made = "app_prod_2026-01-03_000000";
  known.passed_verified = {"app_prod_2026-01-02_000000", "app_prod_2026-01-01_000000"};
  const auto decisions = plan_retention(sets, policy({{"keepLast", 1}}), known);
  EXPECT_THAT(kept(decisions),
              ElementsAre("2026-01-04_000000", "2026-01-03_000000", "2026-01-02_000000"));
  EXPECT_THAT(decisions[1].reasons, ElementsAre("just made"));
  EXPECT_THAT(decisions[2].reasons, ElementsAre("newest verified"));
}

TEST(RetentionErrors, EmptyPolicyUnknownZoneAndBadDurationAreRefused) {
  EXPECT_THAT(manifest::retention_errors({{"keepSafety", 3}}, "spec.retention"),
              ElementsAre(::testing::HasSubstr("no rule keeps any backup")));
  EXPECT_THAT(manifest::retention_errors({{"keepDaily", 7}, {"timezone", "Mars/Olympus"}}, "x"),
              ElementsAre(::testing::HasSubstr("x.timezone: Mars/Olympus")));
  EXPECT_THAT(manifest::retention_errors({{"keepWithin", "30s"}}, "x"),
              ElementsAre(::testing::HasSubstr("x.keepWithin")));
  EXPECT_THAT(manifest::retention_errors({{"keepDaily", -1}}, "x"), IsEmpty());
}

}  // namespace
}  // namespace hivekeeper::jobs
