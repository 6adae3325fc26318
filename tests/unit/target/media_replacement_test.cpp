// The shell step that swaps the staged media into the volume, run for real with /bin/sh on a
// folder standing in for the mounted volume.
#include "target/media_replacement.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "support/test_support.h"

namespace hivekeeper::target {
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

// Runs SCRIPT with /bin/sh as the helper does (sh -c), returning its exit code. With
// `refuse_to_move`, an `mv` earlier in PATH fails for sources whose path ends so: a fake, since a
// real failing rename (an immutable file) needs root and a filesystem that supports the flag;
// tests/integration/restore_media_swap_failure.sh does that one for real.
int run_script(const std::string& script, const std::string& refuse_to_move = "") {
  TempDir scripts;
  write(scripts / "swap.sh", script);
  std::string path_prefix;
  if (!refuse_to_move.empty()) {
    write(scripts / "bin/mv", "#!/bin/sh\ncase \"$2\" in *'" + refuse_to_move +
                                  "') echo \"mv: cannot move $2\" >&2; exit 1;; esac\n"
                                  "exec /bin/mv \"$@\"\n");
    fs::permissions(scripts / "bin/mv", fs::perms::owner_all);
    path_prefix = "PATH='" + (scripts / "bin").string() + "':\"$PATH\" ";
  }
  const std::string command =
      path_prefix + "/bin/sh -c \"$(cat '" + (scripts / "swap.sh").string() + "')\"";
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

// The old content and the staged tree before a swap that is to fail part-way.
void prepare_volume(const TempDir& volume) {
  write(volume / "a.txt", "old a");
  write(volume / "legal-hold.pdf", "old, cannot be moved");
  write(volume / "reports/2026/r.csv", "old report, not in the backup");
  write(volume / "z.txt", "old z");
  write(volume / ".hivekeeper-staging-x/a.txt", "new a");
  write(volume / ".hivekeeper-staging-x/new.png", "new");
  write(volume / ".hivekeeper-staging-x/uploads/u.jpg", "new nested");
}

// STAGED: the staging folder's name then (the swap renames it once all the old content is aside).
void expect_old_content(const TempDir& volume, const std::string& staged) {
  EXPECT_THAT(volume.names(), ElementsAre(staged, "a.txt", "legal-hold.pdf", "reports", "z.txt"));
  EXPECT_EQ(read_file(volume / "a.txt"), "old a");
  EXPECT_EQ(read_file(volume / "legal-hold.pdf"), "old, cannot be moved");
  EXPECT_EQ(read_file(volume / "reports/2026/r.csv"), "old report, not in the backup");
  EXPECT_EQ(read_file(volume / "z.txt"), "old z");
}

TEST(MediaSwapScript, AnOldEntryThatCannotBeMovedAsideLeavesTheVolumeAsItWas) {
  TempDir volume;
  prepare_volume(volume);
  EXPECT_EQ(run_script(media_swap_script(volume.path().string(), ".hivekeeper-staging-x",
                                         ".hivekeeper-old-x"),
                       "legal-hold.pdf"),
            12);
  expect_old_content(volume, ".hivekeeper-staging-x");
  // The staged tree is untouched, for the runner to remove.
  EXPECT_EQ(read_file(volume / ".hivekeeper-staging-x/a.txt"), "new a");
  EXPECT_EQ(read_file(volume / ".hivekeeper-staging-x/uploads/u.jpg"), "new nested");
}

TEST(MediaSwapScript, ANewEntryThatCannotBeMovedInLeavesTheVolumeAsItWas) {
  TempDir volume;
  prepare_volume(volume);
  EXPECT_EQ(run_script(media_swap_script(volume.path().string(), ".hivekeeper-staging-x",
                                         ".hivekeeper-old-x"),
                       "/uploads"),
            13);
  expect_old_content(volume, ".hivekeeper-staging-x.incoming");
  EXPECT_EQ(read_file(volume / ".hivekeeper-staging-x.incoming/a.txt"), "new a");
  EXPECT_EQ(read_file(volume / ".hivekeeper-staging-x.incoming/new.png"), "new");
}

}  // namespace
}  // namespace hivekeeper::target
