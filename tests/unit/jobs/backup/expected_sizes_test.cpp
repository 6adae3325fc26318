// A backup's expected totals, for its progress: the previous set's own figures when it has them.
#include "jobs/backup/expected_sizes.h"

#include <gtest/gtest.h>

#include "common/error.h"
#include "store/local_store.h"
#include "support/test_support.h"

namespace hivekeeper::jobs {
namespace {

using hivekeeper::testing::TempDir;
using hivekeeper::testing::write_file;
using nlohmann::json;

json metadata(const std::string& database, json sql_bytes, json media) {
  return {{"database", {{"name", database}, {"sqlBytes", sql_bytes}}}, {"media", media}};
}

TEST(ExpectedSizes, ThePreviousSetsFiguresForTheSameDatabase) {
  const auto sizes = expected_from_metadata(
      metadata("app", 5000, {{"storedUncompressedBytes", 7000}, {"contentBytes", 6000}}), "app");
  ASSERT_TRUE(sizes.database && sizes.media);
  EXPECT_EQ(sizes.database->bytes, 5000u);
  EXPECT_EQ(sizes.database->source, "previous set");
  EXPECT_EQ(sizes.media->bytes, 7000u);
}

TEST(ExpectedSizes, AnotherDatabaseOrAMissingOrOddFieldGivesNothing) {
  EXPECT_FALSE(expected_from_metadata(metadata("other", 5000, nullptr), "app").database);
  EXPECT_FALSE(expected_from_metadata(metadata("app", "5000", nullptr), "app").database);
  EXPECT_FALSE(expected_from_metadata(metadata("app", -1, nullptr), "app").database);
  EXPECT_FALSE(expected_from_metadata(metadata("app", 1, nullptr), "app").media);
  EXPECT_FALSE(expected_from_metadata(json::array(), "app").database);
  EXPECT_FALSE(expected_from_metadata(json{{"database", {{"name", "app"}}}}, "app").database)
      << "sets written before sqlBytes existed";
}

TEST(ExpectedSizes, TheNewestSetOfTheSameEnvironmentAndPrefixIsRead) {
  TempDir dir;
  const auto set = [&](const std::string& prefix, const std::string& env, const std::string& time,
                       int sql_bytes) {
    write_file(dir / (prefix + "_" + env + "_db_app_" + time + ".sql.gz"), "x");
    write_file(dir / (prefix + "_" + env + "_" + time + ".json"),
               metadata("app", sql_bytes, nullptr).dump());
  };
  set("beelab", "prod", "2026-11-20_031500", 100);
  set("beelab", "prod", "2026-11-21_031500", 200);  // the one
  set("beelab", "dev", "2026-11-22_031500", 300);
  set("other", "prod", "2026-11-23_031500", 400);
  write_file(dir / "beelab_prod_pre-restore_db_app_2026-11-24_031500.sql.gz", "x");
  store::LocalDirectoryStore store(dir.path());
  BackupPlan plan;
  plan.environment = manifest::Environment::prod;
  plan.prefix = "beelab";
  plan.database = {"app", "django"};
  const postgres::DatabaseCommands unused{};
  const auto sizes = expected_sizes(plan, store.names(), store, unused);
  ASSERT_TRUE(sizes.database);
  EXPECT_EQ(sizes.database->bytes, 200u);
  EXPECT_FALSE(sizes.media);
}

TEST(ExpectedSizes, NoPreviousSetAndNoAnswerFromTheDatabaseIsNoFigureNotAFailure) {
  TempDir dir;
  store::LocalDirectoryStore store(dir.path());
  BackupPlan plan;
  plan.database = {"app", "django"};
  postgres::DatabaseCommands failing{};
  failing.run = [](const std::vector<std::string>&, const OutputSink&, const OutputSink&) -> int {
    throw job_failed("ExecFailed", "the database container went away");
  };
  EXPECT_FALSE(expected_sizes(plan, store.names(), store, failing).database);
}

}  // namespace
}  // namespace hivekeeper::jobs
