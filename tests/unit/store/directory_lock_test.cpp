// jobs/directory_lock: one job at a time per backup directory. flock locks belong to an open
// file, so two DirectoryLocks in one process exclude each other as two jobs' processes do.
#include "store/directory_lock.h"

#include <atomic>
#include <chrono>
#include <fstream>
#include <future>
#include <optional>
#include <thread>

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace hivekeeper::store {
namespace {

using hivekeeper::testing::error_from;
using hivekeeper::testing::mode_of;
using hivekeeper::testing::read_file;
using hivekeeper::testing::TempDir;
using namespace std::chrono_literals;

TEST(DirectoryLock, AFreeDirectoryIsTakenAtOnceAndDescribesItsHolder) {
  TempDir dir;
  bool waited = false;
  const DirectoryLock lock(dir.path(), "BackupJob nightly-prod (prod)",
                           [&](const std::string&) { waited = true; });
  EXPECT_TRUE(lock.held());
  EXPECT_FALSE(waited);
  EXPECT_EQ(read_file(dir / kLockFileName), "BackupJob nightly-prod (prod)");
}

TEST(DirectoryLock, NeverWritesThroughALinkPlantedAsTheLockFile) {
  TempDir dir;
  std::ofstream(dir / "victim") << "keep me";
  std::filesystem::create_symlink(dir / "victim", dir / kLockFileName);
  const auto error = error_from(
      [&] { DirectoryLock lock(dir.path(), "BackupJob nightly", [](const std::string&) {}); });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->reason(), "LockFileUnsafe");
  EXPECT_EQ(read_file(dir / "victim"), "keep me");
}

TEST(DirectoryLock, TheLockFileIsPrivate) {
  TempDir dir;
  const DirectoryLock lock(dir / "new", "BackupJob nightly", [](const std::string&) {});
  EXPECT_EQ(mode_of(dir / "new"), 0700u);
  EXPECT_EQ(mode_of(dir / "new" / kLockFileName), 0600u);
}

TEST(DirectoryLock, ASecondJobWaitsNamingTheFirstAndRunsWhenItEnds) {
  TempDir dir;
  std::optional<DirectoryLock> first;
  first.emplace(dir.path(), "RestoreJob restore-prod (prod)", [](const std::string&) {});
  std::promise<std::string> told;
  std::atomic<bool> second_held = false;
  std::thread second([&] {
    const DirectoryLock lock(
        dir.path(), "BackupJob nightly-dev (dev)",
        [&](const std::string& other) { told.set_value(other); }, 10ms);
    second_held = true;
  });
  auto told_future = told.get_future();
  ASSERT_EQ(told_future.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(told_future.get(), "RestoreJob restore-prod (prod)");
  std::this_thread::sleep_for(100ms);
  EXPECT_FALSE(second_held) << "the second job ran while the first held the directory";
  // The first removes the file it locked on its way out; the second, which opened that file,
  // must notice and lock the one at the path instead, or a third job could run beside it.
  first.reset();
  second.join();
  EXPECT_TRUE(second_held);
  EXPECT_FALSE(std::filesystem::exists(dir / kLockFileName)) << "the second left its lock file";
}

TEST(DirectoryLock, AJobThatOpenedARemovedFileLocksTheNewOne) {
  TempDir dir;
  std::optional<DirectoryLock> first;
  first.emplace(dir.path(), "first", [](const std::string&) {});
  std::promise<void> waiting;
  std::atomic<bool> second_done = false;
  std::thread second([&] {
    const DirectoryLock lock(
        dir.path(), "second", [&](const std::string&) { waiting.set_value(); }, 10ms);
    // Held: the path names this job's file, not the removed one.
    EXPECT_EQ(read_file(dir / kLockFileName), "second");
    std::this_thread::sleep_for(100ms);
    second_done = true;
  });
  waiting.get_future().wait();
  first.reset();
  // A third job that comes now must wait for the second.
  std::this_thread::sleep_for(50ms);
  bool third_waited = false;
  {
    const DirectoryLock third(
        dir.path(), "third", [&](const std::string&) { third_waited = true; }, 10ms);
    EXPECT_TRUE(second_done) << "the third job ran beside the second";
  }
  second.join();
  EXPECT_TRUE(third_waited);
}

TEST(DirectoryLock, TheLockFileIsRemovedWhenTheJobEnds) {
  TempDir dir;
  {
    const DirectoryLock lock(dir.path(), "BackupJob b (dev)", [](const std::string&) {});
    EXPECT_EQ(read_file(dir / kLockFileName), "BackupJob b (dev)");
  }
  EXPECT_TRUE(dir.names().empty());
}

TEST(DirectoryLock, AMissingDirectoryIsCreated) {
  TempDir dir;
  const DirectoryLock lock(dir / "backups/django", "BackupJob b (dev)", [](const std::string&) {});
  EXPECT_TRUE(lock.held());
  EXPECT_TRUE(std::filesystem::exists(dir / "backups/django" / kLockFileName));
}

TEST(DirectoryLock, ADirectoryThatCannotBeOpenedIsOutputWriteFailed) {
  TempDir dir;
  std::ofstream(dir / "not-a-directory") << "x";
  const auto error = error_from([&] {
    const DirectoryLock lock(dir / "not-a-directory", "BackupJob b (dev)",
                             [](const std::string&) {});
  });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->reason(), "OutputWriteFailed");
  EXPECT_NE(std::string(error->what()).find("not-a-directory/.hivekeeper.lock: Not a directory"),
            std::string::npos)
      << error->what();
}

}  // namespace
}  // namespace hivekeeper::store
