// The checks a media archive passes before anything in the volume is touched: entry paths made
// relative to the volume root, entries that must never be restored, and the seed's top folder.
#include "archive/media_restore.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <string>
#include <vector>

namespace hivekeeper::archive {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST(NormalizeEntryPath, DropsDotComponentsAndRepeatedOrTrailingSlashes) {
  EXPECT_EQ(normalize_entry_path("./a//b/"), "a/b");
  EXPECT_EQ(normalize_entry_path("a/./b/c.txt"), "a/b/c.txt");
  EXPECT_EQ(normalize_entry_path("media/"), "media");
  EXPECT_EQ(normalize_entry_path("plain"), "plain");
}

TEST(NormalizeEntryPath, TheRootBecomesEmpty) {
  EXPECT_EQ(normalize_entry_path("./"), "");
  EXPECT_EQ(normalize_entry_path("."), "");
  EXPECT_EQ(normalize_entry_path(""), "");
}

TEST(NormalizeEntryPath, KeepsParentComponentsForEntryProblemToJudge) {
  EXPECT_EQ(normalize_entry_path("./a/../b"), "a/../b");
}

TEST(EntryProblem, FilesDirectoriesAndInsideLinksAreSafe) {
  EXPECT_EQ(entry_problem("./a/b.jpg", S_IFREG, "", ""), "");
  EXPECT_EQ(entry_problem("./", S_IFDIR, "", ""), "");
  EXPECT_EQ(entry_problem("media/uploads/", S_IFDIR, "", ""), "");
  EXPECT_EQ(entry_problem("a/l", S_IFLNK, "b.jpg", ""), "");
  EXPECT_EQ(entry_problem("a/b/l", S_IFLNK, "../x", ""), "");
  EXPECT_EQ(entry_problem("./a/b/l", S_IFLNK, "../../x", ""), "");
  EXPECT_EQ(entry_problem("a/h", S_IFREG, "", "a/b.jpg"), "");
}

TEST(EntryProblem, RefusesAnAbsolutePath) {
  EXPECT_THAT(entry_problem("/etc/passwd", S_IFREG, "", ""), HasSubstr("absolute path"));
}

TEST(EntryProblem, RefusesAParentComponent) {
  EXPECT_THAT(entry_problem("../x", S_IFREG, "", ""), HasSubstr(".."));
  EXPECT_THAT(entry_problem("a/../../x", S_IFREG, "", ""), HasSubstr(".."));
  EXPECT_THAT(entry_problem("./a/..", S_IFDIR, "", ""), HasSubstr(".."));
}

TEST(EntryProblem, NamesThatOnlyStartWithTwoDotsAreFine) {
  EXPECT_EQ(entry_problem("..hidden", S_IFREG, "", ""), "");
  EXPECT_EQ(entry_problem("a/...", S_IFREG, "", ""), "");
}

TEST(EntryProblem, RefusesASymlinkThatEscapesTheVolume) {
  EXPECT_THAT(entry_problem("a/l", S_IFLNK, "../../x", ""), HasSubstr("outside the volume"));
  EXPECT_THAT(entry_problem("l", S_IFLNK, "..", ""), HasSubstr("outside the volume"));
  EXPECT_THAT(entry_problem("a/l", S_IFLNK, "../a/../../x", ""), HasSubstr("-> ../a/../../x"));
}

TEST(EntryProblem, RefusesAnAbsoluteSymlink) {
  EXPECT_THAT(entry_problem("a/l", S_IFLNK, "/etc/passwd", ""), HasSubstr("outside the volume"));
}

TEST(EntryProblem, RefusesDeviceFiles) {
  EXPECT_THAT(entry_problem("dev/null", S_IFCHR, "", ""), HasSubstr("device file"));
  EXPECT_THAT(entry_problem("dev/sda", S_IFBLK, "", ""), HasSubstr("device file"));
}

TEST(EntryProblem, RefusesFifosAndSockets) {
  EXPECT_THAT(entry_problem("pipe", S_IFIFO, "", ""), HasSubstr("FIFO"));
  EXPECT_THAT(entry_problem("socket", S_IFSOCK, "", ""), HasSubstr("special file"));
}

TEST(EntryProblem, RefusesAHardlinkOutsideTheVolume) {
  EXPECT_THAT(entry_problem("a/h", S_IFREG, "", "../etc/shadow"), HasSubstr("hard link"));
  EXPECT_THAT(entry_problem("a/h", S_IFREG, "", "a/../../x"), HasSubstr("hard link"));
  EXPECT_THAT(entry_problem("a/h", S_IFREG, "", "/etc/shadow"), HasSubstr("hard link"));
}

TEST(SeedTopFolder, StripsASingleTopFolderNamedMedia) {
  EXPECT_EQ(seed_top_folder({"media", "media/uploads", "media/uploads/a.jpg", "media/.keep"}),
            "media");
  EXPECT_EQ(seed_top_folder({"media/a.jpg"}), "media");
}

TEST(SeedTopFolder, KeepsPathsWithARootEntry) {
  EXPECT_EQ(seed_top_folder({"", "media", "media/a.jpg"}), "");
}

TEST(SeedTopFolder, KeepsPathsUnderSeveralTopEntries) {
  EXPECT_EQ(seed_top_folder({"media", "media/a.jpg", "other.txt"}), "");
  EXPECT_EQ(seed_top_folder({"media/a.jpg", "media.txt"}), "");
}

TEST(SeedTopFolder, KeepsASingleTopFolderWithAnotherName) {
  EXPECT_EQ(seed_top_folder({"uploads", "uploads/a.jpg"}), "");
  EXPECT_EQ(seed_top_folder({"mediafiles/a.jpg"}), "");
}

TEST(SeedTopFolder, EmptyArchiveHasNoTopFolder) {
  EXPECT_THAT(seed_top_folder({}), IsEmpty());
}

}  // namespace
}  // namespace hivekeeper::archive
