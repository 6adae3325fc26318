// A directory listing as backup sets: what belongs together, what is ours, what a selector picks.
#include "store/backup_sets.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/test_support.h"

namespace hivekeeper::store {
namespace {

using ::testing::ElementsAre;

const std::vector<std::string> kSetsListing = {
    "app_prod_db_app_2026-11-24_031500.sql.gz",
    "app_prod_media_2026-11-24_031500.tgz",
    "app_prod_2026-11-24_031500.json",
    "app_prod_db_app_2026-11-25_031500.sql.gz",
    "app_prod_2026-11-25_031500.json",
    "app_prod_pre-restore_db_app_2026-11-26_120000.sql.gz",
    "app_prod_pre-restore_2026-11-26_120000.json",
    "app_prod_db_app_2025-01-01_000000.sql.gz",  // the seed's: no metadata
    "app_dev_db_app_2026-11-20_000000.sql.gz",
    "app_dev_2026-11-20_000000.json",
    ".app_prod_db_app_2026-11-27_000000.sql.gz.partial-abc123",
    "app_prod_db_app_2026-02-30_000000.sql.gz",  // no such day
    "notes.txt",
    "status",
};

TEST(GroupBackupSets, GroupsByPrefixEnvironmentAndTimestampNewestFirst) {
  const auto sets = group_backup_sets(kSetsListing);
  std::vector<std::string> names;
  for (const auto& set : sets) names.push_back(set.name + ":" + to_string(set.kind()));
  EXPECT_THAT(
      names,
      ElementsAre("app_prod_pre-restore_2026-11-26_120000:safety",
                  "app_prod_2026-11-25_031500:backup", "app_prod_2026-11-24_031500:backup",
                  "app_dev_2026-11-20_000000:backup", "app_prod_2025-01-01_000000:seed-made"));
  EXPECT_THAT(sets[2].files(), ElementsAre("app_prod_2026-11-24_031500.json",
                                           "app_prod_db_app_2026-11-24_031500.sql.gz",
                                           "app_prod_media_2026-11-24_031500.tgz"));
  EXPECT_FALSE(sets[1].media_file);
}

TEST(ParseBackupTimestamp, RefusesImpossibleDates) {
  EXPECT_TRUE(parse_backup_timestamp("2024-02-29_235959"));
  EXPECT_FALSE(parse_backup_timestamp("2026-02-29_000000"));
  EXPECT_FALSE(parse_backup_timestamp("2026-11-24_246000"));
}

std::vector<std::string> selected(const std::string& selector,
                                  std::optional<manifest::Environment> environment) {
  std::vector<std::string> names;
  for (const auto& set : select_sets(group_backup_sets(kSetsListing), environment, "", selector))
    names.push_back(set.name);
  return names;
}

TEST(SelectSets, LatestIsTheNewestBackupOfEachSeriesNeverASafetyBackup) {
  EXPECT_THAT(selected("latest", manifest::Environment::prod),
              ElementsAre("app_prod_2026-11-25_031500"));
  EXPECT_THAT(selected("latest", std::nullopt),
              ElementsAre("app_prod_2026-11-25_031500", "app_dev_2026-11-20_000000"));
}

TEST(SelectSets, ByNameTimestampOrFile) {
  EXPECT_THAT(selected("app_prod_2026-11-24_031500", std::nullopt),
              ElementsAre("app_prod_2026-11-24_031500"));
  EXPECT_THAT(selected("2026-11-20_000000", std::nullopt),
              ElementsAre("app_dev_2026-11-20_000000"));
  EXPECT_THAT(selected("app_prod_media_2026-11-24_031500.tgz", manifest::Environment::prod),
              ElementsAre("app_prod_2026-11-24_031500"));
  EXPECT_EQ(selected("all", manifest::Environment::prod).size(), 4u);
}

TEST(SelectSets, NothingMatchingIsInvalidInputSayingWhatExists) {
  const auto error = hivekeeper::testing::error_from(
      [] { selected("2020-01-01_000000", manifest::Environment::dev); });
  ASSERT_TRUE(error);
  EXPECT_EQ(error->reason(), "SetNotFound");
  EXPECT_EQ(error->exit_code(), 2);
  EXPECT_THAT(error->what(), ::testing::HasSubstr("1 dev sets exist"));
}

}  // namespace
}  // namespace hivekeeper::store
