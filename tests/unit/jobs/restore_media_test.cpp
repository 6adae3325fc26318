// The shell step that swaps the staged media into the volume, run for real with /bin/sh on a
// folder standing in for the mounted volume.
#include "jobs/restore_media.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "support/test_support.h"

namespace hivekeeper::jobs {
namespace {

using hivekeeper::testing::read_file;
using hivekeeper::testing::TempDir;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

namespace fs = std::filesystem;

void write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

// Runs SCRIPT with /bin/sh as the helper does (sh -c), returning its exit code.
int run_script(const std::string& script) {
  TempDir scripts;
  write(scripts / "swap.sh", script);
  const std::string command = "/bin/sh -c \"$(cat '" + (scripts / "swap.sh").string() + "')\"";
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(MediaSwapScript, ReplacesTheVolumesContentWithTheStagedTree) {
  TempDir volume;
  write(volume / "old.jpg", "old");
  write(volume / "same.txt", "old content");
  write(volume / ".env", "old dotfile");
  write(volume / "..twodots", "old");
  write(volume / "uploads/2025/a.jpg", "old nested");
  write(volume / "-n", "old name like an option");
  write(volume / ".hivekeeper-staging-x/same.txt", "new content");
  write(volume / ".hivekeeper-staging-x/new file.png", "new");
  write(volume / ".hivekeeper-staging-x/.new-dot", "new dotfile");
  write(volume / ".hivekeeper-staging-x/uploads/2026/b.jpg", "new nested");

  ASSERT_EQ(run_script(media_swap_script(volume.path().string(), ".hivekeeper-staging-x",
                                         ".hivekeeper-old-x")),
            0);

  EXPECT_THAT(volume.names(), ElementsAre(".new-dot", "new file.png", "same.txt", "uploads"));
  EXPECT_EQ(read_file(volume / "same.txt"), "new content");
  EXPECT_EQ(read_file(volume / ".new-dot"), "new dotfile");
  EXPECT_EQ(read_file(volume / "new file.png"), "new");
  EXPECT_EQ(read_file(volume / "uploads/2026/b.jpg"), "new nested");
  EXPECT_FALSE(fs::exists(volume / "uploads/2025"));
}

TEST(MediaSwapScript, RemovesLeftoverHivekeeperFoldersOfEarlierRuns) {
  TempDir volume;
  write(volume / "a.txt", "old");
  write(volume / ".hivekeeper-staging-earlier/stale.txt", "stale");
  write(volume / ".hivekeeper-old-earlier/stale.txt", "stale");
  write(volume / ".hivekeeper-staging-now/a.txt", "new");

  ASSERT_EQ(run_script(media_swap_script(volume.path().string(), ".hivekeeper-staging-now",
                                         ".hivekeeper-old-now")),
            0);

  EXPECT_THAT(volume.names(), ElementsAre("a.txt"));
  EXPECT_EQ(read_file(volume / "a.txt"), "new");
}

TEST(MediaSwapScript, FillsAnEmptyVolume) {
  TempDir volume;
  write(volume / ".hivekeeper-staging-x/a.txt", "new");
  ASSERT_EQ(run_script(media_swap_script(volume.path().string(), ".hivekeeper-staging-x",
                                         ".hivekeeper-old-x")),
            0);
  EXPECT_THAT(volume.names(), ElementsAre("a.txt"));
}

TEST(MediaSwapScript, AnEmptyStagedTreeEmptiesTheVolume) {
  TempDir volume;
  write(volume / "a.txt", "old");
  write(volume / ".env", "old");
  fs::create_directories(volume / ".hivekeeper-staging-x");
  ASSERT_EQ(run_script(media_swap_script(volume.path().string(), ".hivekeeper-staging-x",
                                         ".hivekeeper-old-x")),
            0);
  EXPECT_THAT(volume.names(), IsEmpty());
}

TEST(MediaSwapScript, FailsWithoutTouchingAnythingWhenTheMountIsMissing) {
  TempDir volume;
  EXPECT_EQ(run_script(media_swap_script((volume / "missing").string(), ".hivekeeper-staging-x",
                                         ".hivekeeper-old-x")),
            10);
}

}  // namespace
}  // namespace hivekeeper::jobs
