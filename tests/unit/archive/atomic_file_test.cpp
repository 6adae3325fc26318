// AtomicFile: a file appears under its final name complete or not at all; its hidden temporary
// goes away on destruction and on the interrupt path.
#include "archive/atomic_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/test_support.h"

namespace hivekeeper::archive {
namespace {

using hivekeeper::testing::error_from;
using hivekeeper::testing::mode_of;
using hivekeeper::testing::read_file;
using hivekeeper::testing::TempDir;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;

TEST(AtomicFile, WritesUnderAHiddenTemporaryNameInTheSameDirectory) {
  TempDir dir;
  AtomicFile file(dir / "beelab_prod_2026-11-24_031500.json");
  const std::string temporary = file.temporary_path().filename().string();
  EXPECT_EQ(file.temporary_path().parent_path(), dir.path());
  EXPECT_THAT(temporary,
              MatchesRegex(R"(\.beelab_prod_2026-11-24_031500\.json\.partial-[0-9a-f]{16})"));
  EXPECT_EQ(file.final_path(), dir / "beelab_prod_2026-11-24_031500.json");
  file.write("{}", 2);
  EXPECT_THAT(dir.names(), ElementsAre(temporary));
  EXPECT_EQ(read_file(file.temporary_path()), "{}");
}

// Backups hold the whole database: private whatever the umask, unless asked otherwise.
TEST(AtomicFile, FilesAndFoldersHaveExactlyTheirModeWhateverTheUmask) {
  TempDir dir;
  const mode_t old_umask = ::umask(0);
  write_file_atomically(dir / "open.json", "{}");
  ASSERT_FALSE(create_directories(dir / "a" / "b", kPrivateModes.directory));
  ::umask(0077);
  write_file_atomically(dir / "group.json", "{}", kGroupReadableModes.file);
  ASSERT_FALSE(create_directories(dir / "g", kGroupReadableModes.directory));
  ::umask(old_umask);
  EXPECT_EQ(mode_of(dir / "open.json"), 0600u);
  EXPECT_EQ(mode_of(dir / "a"), 0700u);
  EXPECT_EQ(mode_of(dir / "a" / "b"), 0700u);
  EXPECT_EQ(mode_of(dir / "group.json"), 0640u);
  EXPECT_EQ(mode_of(dir / "g"), 0750u);
}

TEST(AtomicFile, ABackupNeverReplacesAnExistingFile) {
  TempDir dir;
  write_file_atomically(dir / "set.json", "first");
  const auto error = error_from(
      [&] { write_file_atomically(dir / "set.json", "second", 0600, Existing::refuse); });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->reason(), "BackupSetExists");
  EXPECT_EQ(read_file(dir / "set.json"), "first");
  EXPECT_THAT(dir.names(), ElementsAre("set.json"));  // the temporary is gone too
  write_file_atomically(dir / "set.json", "status", 0600, Existing::replace);
  EXPECT_EQ(read_file(dir / "set.json"), "status");
}

TEST(AtomicFile, DestroyedWithoutCommitLeavesNothing) {
  TempDir dir;
  {
    AtomicFile file(dir / "dump.sql.gz");
    file.write("partial", 7);
    ASSERT_EQ(dir.names().size(), 1u);
  }
  EXPECT_THAT(dir.names(), IsEmpty());
}

TEST(AtomicFile, CommitRenamesIntoPlace) {
  TempDir dir;
  {
    AtomicFile file(dir / "dump.sql.gz");
    file.write("first ", 6);
    file.write("second", 6);
    file.commit();
    EXPECT_THAT(dir.names(), ElementsAre("dump.sql.gz"));
  }
  // The destructor after a commit must not remove the committed file.
  EXPECT_THAT(dir.names(), ElementsAre("dump.sql.gz"));
  EXPECT_EQ(read_file(dir / "dump.sql.gz"), "first second");
}

TEST(AtomicFile, CommitReplacesAnExistingFile) {
  TempDir dir;
  write_file_atomically(dir / "status.json", "old");
  AtomicFile file(dir / "status.json");
  file.write("new", 3);
  EXPECT_EQ(read_file(dir / "status.json"), "old");  // readers see the old file until the commit
  file.commit();
  EXPECT_EQ(read_file(dir / "status.json"), "new");
}

TEST(AtomicFile, MissingDirectoryIsOutputWriteFailed) {
  const auto error = error_from([] { AtomicFile file("/nonexistent-dir/x.json"); });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->reason(), "OutputWriteFailed");
  EXPECT_EQ(error->exit_code(), 1);
  EXPECT_THAT(std::string(error->what()),
              MatchesRegex(R"(cannot create /nonexistent-dir/\.x\.json\.partial-[0-9a-f]{16}: )"
                           "No such file or directory"));
  EXPECT_EQ(error->hint(), "check that the directory exists and is writable");
}

TEST(WriteFileAtomically, WritesTheWholeContentAndNoTemporary) {
  TempDir dir;
  const std::string content(100000, 'z');
  write_file_atomically(dir / "metadata.json", content);
  EXPECT_THAT(dir.names(), ElementsAre("metadata.json"));
  EXPECT_EQ(read_file(dir / "metadata.json"), content);
}

TEST(PendingCleanups, RemovesOpenTemporariesButNotCommittedFiles) {
  TempDir dir;
  write_file_atomically(dir / "done.json", "{}");
  AtomicFile open_file(dir / "dump.sql.gz");
  open_file.write("abc", 3);
  ASSERT_TRUE(std::filesystem::exists(open_file.temporary_path()));
  run_pending_cleanups();
  EXPECT_FALSE(std::filesystem::exists(open_file.temporary_path()));
  EXPECT_THAT(dir.names(), ElementsAre("done.json"));
}

// Files that are gone leave the cleanup registry; one still open after many others is removed.
TEST(PendingCleanups, RemovesTheOpenFileAfterManyFinishedOnes) {
  TempDir dir;
  for (int i = 0; i < 100; ++i) {
    if (i % 2 == 0) {
      AtomicFile abandoned(dir / ("abandoned-" + std::to_string(i)));
    } else {
      write_file_atomically(dir / "status.json", std::to_string(i));
    }
  }
  AtomicFile open_file(dir / "dump.sql.gz");
  run_pending_cleanups();
  EXPECT_FALSE(std::filesystem::exists(open_file.temporary_path()));
  EXPECT_THAT(dir.names(), ElementsAre("status.json"));
}

}  // namespace
}  // namespace hivekeeper::archive
