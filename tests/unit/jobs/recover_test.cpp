// jobs/recover: what a job finds after one killed outright and what it does about it. The media
// decision covers each moment the swap can be killed in; the whole recovery runs here in direct
// mode (a directory, no engine), and the Docker mode's shell step runs in a directory with sh.
#include "jobs/recover.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "status/lifecycle.h"
#include "support/test_support.h"

namespace hivekeeper::jobs {
namespace {

namespace fs = std::filesystem;
using hivekeeper::testing::read_file;
using hivekeeper::testing::TempDir;
using hivekeeper::testing::write_file;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using Names = std::vector<std::string>;

const std::string kStaging = ".hivekeeper-staging-X";
const std::string kOld = ".hivekeeper-old-X";

const std::string kIncoming = kStaging + ".incoming";

// STATE: {top, staged, incoming, aside}.
target::MediaSteps plan(target::MediaState state) {
  return plan_media_recovery(kStaging, kOld, state);
}

TEST(PlanMediaRecovery, KilledWhileStagingRemovesTheStagingFolderOnly) {
  const auto steps = plan({{"glyphs", "fonts"}, Names{"glyphs"}, std::nullopt, std::nullopt});
  EXPECT_THAT(steps.take_out, IsEmpty());
  EXPECT_FALSE(steps.put_old_back);
  EXPECT_THAT(steps.remove, ElementsAre(kStaging));
}

TEST(PlanMediaRecovery, KilledBeforeStagingBeganHasNothingToDo) {
  EXPECT_TRUE(plan({{"glyphs"}, std::nullopt, std::nullopt, std::nullopt}).empty());
}

TEST(PlanMediaRecovery, KilledWhileMovingTheOldAsidePutsItBack) {
  // The staging folder still has its first name: "glyphs" at the top is old, not yet moved.
  const auto steps = plan({{"glyphs"}, Names{"glyphs", "fonts"}, std::nullopt, Names{"fonts"}});
  EXPECT_THAT(steps.take_out, IsEmpty());
  EXPECT_TRUE(steps.put_old_back);
  EXPECT_THAT(steps.remove, ElementsAre(kStaging, kOld));
}

TEST(PlanMediaRecovery, KilledWhileMovingTheNewInTakesThemOutAndPutsTheOldBack) {
  // Renamed: all the old content is aside, so everything at the top is new.
  const auto steps =
      plan({{"glyphs", "new"}, std::nullopt, Names{"fonts"}, Names{"glyphs", "fonts", "old"}});
  EXPECT_THAT(steps.take_out, ElementsAre("glyphs", "new"));
  EXPECT_TRUE(steps.put_old_back);
  EXPECT_THAT(steps.remove, ElementsAre(kIncoming, kOld));
}

TEST(PlanMediaRecovery, KilledRightAfterTheRenameTakesNothingOut) {
  const auto steps = plan({{}, std::nullopt, Names{"glyphs", "fonts"}, Names{"glyphs", "old"}});
  EXPECT_THAT(steps.take_out, IsEmpty());
  EXPECT_TRUE(steps.put_old_back);
  EXPECT_THAT(steps.remove, ElementsAre(kIncoming, kOld));
}

TEST(PlanMediaRecovery, KilledAfterEverythingMovedInFinishesTheSwap) {
  const auto steps = plan({{"fonts", "glyphs"}, std::nullopt, Names{}, Names{"glyphs", "old"}});
  EXPECT_THAT(steps.take_out, IsEmpty());
  EXPECT_FALSE(steps.put_old_back);
  EXPECT_THAT(steps.remove, ElementsAre(kIncoming, kOld));
}

TEST(PlanMediaRecovery, KilledWhileDeletingTheOldContentFinishesTheSwap) {
  const auto steps = plan({{"glyphs"}, std::nullopt, std::nullopt, Names{"half-deleted"}});
  EXPECT_FALSE(steps.put_old_back);
  EXPECT_THAT(steps.remove, ElementsAre(kOld));
}

TEST(PlanMediaRecovery, AnEmptyArchiveHalfSwappedGetsTheOldContentBack) {
  // Nothing is swapped in; "fonts" at the top is old content the first loop had not moved.
  const auto steps = plan({{"fonts"}, Names{}, std::nullopt, Names{"glyphs"}});
  EXPECT_THAT(steps.take_out, IsEmpty());
  EXPECT_TRUE(steps.put_old_back);
}

TEST(StatusFromBlock, ReadsBackWhatRenderWrote) {
  status::JobStatus job;
  status::mark_pending(job, "2026-11-29T23:00:00Z");
  status::mark_running(job, "2026-11-29T23:00:01Z");
  job.artifacts.push_back({"safety-database", "/b/x.sql.gz", 12, "ab"});
  job.details["quiesced"] = Names{"beelab-web-1"};
  const nlohmann::json rendered = status::render({{"kind", "RestoreJob"}}, job);
  const status::JobStatus back = status_from_block(rendered["status"]);
  EXPECT_EQ(status::render({{"kind", "RestoreJob"}}, back), rendered);
}

// A direct-mode restore killed half-way through its swap, recovered by the next job.
class KilledDirectRestore : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(backups / "status");
    fs::create_directories(media / kIncoming / "fonts");
    fs::create_directories(media / kOld / "fonts");
    write_file(media / kOld / "fonts" / "a.ttf", "old");
    write_file(media / "glyphs", "new glyphs moved in");  // the swap's second loop had begun
    write_file(backups / ".x_prod_db.sql.gz.partial-0011", "half a dump");
    write_file(backups / "x_prod_db_2026-11-28_031500.sql.gz", "a finished backup");
    status::JobStatus job;
    status::mark_pending(job, "2026-11-29T23:00:00Z");
    status::mark_running(job, "2026-11-29T23:00:01Z");
    write_file(backups / "status" / "restore-prod.json",
               status::render({{"kind", "RestoreJob"}}, job).dump(2));
    store::JournalJob killed{"RestoreJob",
                             "restore-prod",
                             "status/restore-prod.json",
                             "feed",
                             false,
                             "node-1",
                             7,
                             "2026-11-29T23:00:00Z"};
    write_file(
        backups / store::kJournalFileName,
        store::format_record(store::job_record(killed)) +
            store::format_record(store::media_record({"", "", media.string(), kStaging, kOld})) +
            store::format_record(store::swap_record(kStaging)));
  }

  TempDir dir;
  fs::path backups = dir / "backups";
  fs::path media = dir / "media";
};

TEST_F(KilledDirectRestore, TheNextJobPutsTheOldMediaBackAndMarksTheJobKilled) {
  EXPECT_TRUE(recover_killed_job(backups));
  EXPECT_EQ(read_file(media / "fonts" / "a.ttf"), "old");
  EXPECT_FALSE(fs::exists(media / "glyphs"));
  EXPECT_FALSE(fs::exists(media / kIncoming));
  EXPECT_FALSE(fs::exists(media / kOld));
  EXPECT_FALSE(fs::exists(backups / ".x_prod_db.sql.gz.partial-0011"));
  EXPECT_TRUE(fs::exists(backups / "x_prod_db_2026-11-28_031500.sql.gz"));
  EXPECT_FALSE(fs::exists(backups / store::kJournalFileName));
  const auto status = nlohmann::json::parse(read_file(backups / "status" / "restore-prod.json"));
  EXPECT_EQ(status["status"]["phase"], "Failed");
  EXPECT_EQ(status["status"]["conditions"][1]["type"], "Failed");
  EXPECT_EQ(status["status"]["conditions"][1]["reason"], "Killed");
  EXPECT_THAT(status["status"]["message"].get<std::string>(), HasSubstr("put the old media back"));
  EXPECT_EQ(status["kind"], "RestoreJob");
}

TEST_F(KilledDirectRestore, ASecondRecoveryFindsNothingToDo) {
  EXPECT_TRUE(recover_killed_job(backups));
  EXPECT_FALSE(recover_killed_job(backups));
}

TEST_F(KilledDirectRestore, AStatusThatAlreadyEndedIsLeftAsItIs) {
  status::JobStatus job;
  status::mark_succeeded(job, "RestoreSucceeded", "done", "2026-11-29T23:01:00Z");
  const std::string text = status::render({{"kind", "RestoreJob"}}, job).dump(2);
  write_file(backups / "status" / "restore-prod.json", text);
  EXPECT_TRUE(recover_killed_job(backups));
  EXPECT_EQ(read_file(backups / "status" / "restore-prod.json"), text);
}

TEST(MediaStepsScript, PutsTheOldContentBackInAVolume) {
  TempDir dir;
  fs::create_directories(dir / kOld / ".hidden");
  write_file(dir / kOld / "it's old", "old");
  write_file(dir / "new one", "new");
  fs::create_directories(dir / kStaging);
  target::MediaSteps steps;
  steps.take_out = {"new one"};
  steps.put_old_back = true;
  steps.remove = {kStaging, kOld};
  const std::string script = target::media_steps_script(dir.path().string(), kOld, steps);
  const fs::path file = dir / "steps.sh";
  write_file(file, script);
  ASSERT_EQ(std::system(("sh " + file.string()).c_str()), 0) << script;
  fs::remove(file);
  EXPECT_THAT(dir.names(), ElementsAre(".hidden", "it's old"));
}

}  // namespace
}  // namespace hivekeeper::jobs
