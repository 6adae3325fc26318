// Hostile media archives (issue 11): every rule that keeps a crafted .tgz from writing outside the
// staging folder or leaving a link out of the volume, judged on the archive's whole tree; the
// set-user-ID refusal; the second read for staging that must meet the bytes checked; and the free
// space check. Archives are written with libarchive, which, unlike GNU tar, writes any of these.
#include <archive.h>
#include <archive_entry.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "archive/libarchive_handles.h"
#include "archive/media_directory.h"
#include "archive/media_restore.h"
#include "common/error.h"
#include "support/test_support.h"

namespace hivekeeper::archive {
namespace {

using hivekeeper::testing::error_from;
using hivekeeper::testing::TempDir;
using ::testing::HasSubstr;
using ::testing::Not;

namespace fs = std::filesystem;

// --- tree_problem on listings --------------------------------------------------------------

using Entries = std::vector<std::pair<std::string, MediaEntry>>;

MediaEntry dir() {
  MediaEntry entry;
  entry.type = EntryType::directory;
  return entry;
}
MediaEntry file() {
  return MediaEntry{};
}
MediaEntry symlink(std::string target) {
  MediaEntry entry;
  entry.type = EntryType::symlink;
  entry.link = std::move(target);
  return entry;
}
MediaEntry hardlink(std::string target) {
  MediaEntry entry;
  entry.type = EntryType::hardlink;
  entry.link = std::move(target);
  return entry;
}

TEST(TreeProblem, LinksThatStayInsideAreFine) {
  const Entries entries = {{"", dir()},
                           {"a", dir()},
                           {"a/b", dir()},
                           {"a/b/up", symlink("../..")},  // the root itself
                           {"a/b/file", file()},
                           {"a/b/same", symlink("up/a/b/file")},
                           {"top", symlink("a/b/up/a")},
                           {"a/h", hardlink("a/b/file")},
                           {"a/h2", hardlink("a/h")},
                           {"dangling", symlink("not/there/..")}};
  EXPECT_EQ(tree_problem(entries), std::nullopt);
}

TEST(TreeProblem, ASymlinkChainOutOfTheRootIsRefused) {
  // up/.. reads as a/b/up/.. = a/b, but up is the root, so up/.. is above it.
  const Entries entries = {
      {"a", dir()}, {"a/b", dir()}, {"a/b/up", symlink("../..")}, {"a/b/esc", symlink("up/..")}};
  const auto problem = tree_problem(entries);
  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->path, "a/b/esc");
  EXPECT_THAT(problem->problem, HasSubstr("outside the volume"));
}

TEST(TreeProblem, AChainIsJudgedAgainstLinksListedLaterToo) {
  // The extracted tree holds every link, whichever comes first in the archive.
  const Entries entries = {{"a", dir()}, {"a/esc", symlink("up/..")}, {"a/up", symlink("..")}};
  const auto problem = tree_problem(entries);
  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->path, "a/esc");
}

TEST(TreeProblem, ASymlinkLoopIsRefused) {
  const Entries entries = {{"x", symlink("y")}, {"y", symlink("x/z")}};
  const auto problem = tree_problem(entries);
  ASSERT_TRUE(problem);
  EXPECT_THAT(problem->problem, HasSubstr("loops"));
}

TEST(TreeProblem, AnEntryBelowASymlinkIsRefusedEvenIfTheLinkStaysInside) {
  const Entries entries = {{"sub", dir()}, {"via-link", symlink("sub")}, {"via-link/file", file()}};
  const auto problem = tree_problem(entries);
  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->path, "via-link/file");
  EXPECT_THAT(problem->problem, HasSubstr("written through that link"));
  EXPECT_THAT(problem->problem, HasSubstr("via-link"));
}

TEST(TreeProblem, AnEntryBelowALinkListedAfterItIsRefused) {
  const Entries entries = {{"x/file", file()}, {"x", symlink("sub")}, {"sub", dir()}};
  const auto problem = tree_problem(entries);
  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->path, "x");
  EXPECT_THAT(problem->problem, HasSubstr("entries listed below it"));
}

TEST(TreeProblem, AnEntryBelowAFileIsRefused) {
  const Entries entries = {{"f", file()}, {"f/g", file()}};
  const auto problem = tree_problem(entries);
  ASSERT_TRUE(problem);
  EXPECT_THAT(problem->problem, HasSubstr("as a file"));
}

TEST(TreeProblem, AHardLinkThroughASymlinkIsRefused) {
  const Entries entries = {{"a", dir()},
                           {"a/b", dir()},
                           {"a/b/up", symlink("../..")},
                           {"hard-out", hardlink("a/b/up/uploads/private.txt")}};
  const auto problem = tree_problem(entries);
  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->path, "hard-out");
  EXPECT_THAT(problem->problem, HasSubstr("a/b/up/uploads/private.txt"));
  EXPECT_THAT(problem->problem, HasSubstr("not a file earlier in the archive"));
}

TEST(TreeProblem, AHardLinkToASymlinkIsRefused) {
  const Entries entries = {
      {"a", dir()}, {"a/b", dir()}, {"a/b/loop", symlink("../..")}, {"h", hardlink("a/b/loop")}};
  const auto problem = tree_problem(entries);
  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->path, "h");
  EXPECT_THAT(problem->problem, HasSubstr("symlink a/b/loop"));
}

TEST(TreeProblem, AHardLinkToAFolderOrALaterFileIsRefused) {
  EXPECT_TRUE(tree_problem({{"d", dir()}, {"h", hardlink("d")}}));
  EXPECT_TRUE(tree_problem({{"h", hardlink("f")}, {"f", file()}}));
  EXPECT_TRUE(tree_problem({{"h", hardlink("h")}}));
}

TEST(TreeProblem, APathListedTwiceIsRefusedUnlessBothAreFolders) {
  EXPECT_EQ(tree_problem({{"d", dir()}, {"d", dir()}}), std::nullopt);
  const auto problem = tree_problem({{"d", dir()}, {"d", symlink("..")}, {"d/x", file()}});
  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->path, "d");
  EXPECT_THAT(problem->problem, HasSubstr("twice"));
}

TEST(TreeProblem, TheRootMustBeAFolder) {
  EXPECT_TRUE(tree_problem({{"", symlink("x")}}));
  EXPECT_TRUE(tree_problem({{"", file()}}));
}

// --- mode_problem ----------------------------------------------------------------------------

TEST(ModeProblem, SetUserIdIsRefusedEverywhere) {
  EXPECT_THAT(mode_problem(S_IFREG, 04755), HasSubstr("set-user-ID bit (mode 4755)"));
  EXPECT_THAT(mode_problem(S_IFDIR, 04755), HasSubstr("set-user-ID"));
}

TEST(ModeProblem, SetGroupIdIsRefusedButOnFolders) {
  EXPECT_THAT(mode_problem(S_IFREG, 02755), HasSubstr("set-group-ID bit (mode 2755)"));
  EXPECT_THAT(mode_problem(0, 02644), HasSubstr("set-group-ID"));  // a hard link's header
  EXPECT_EQ(mode_problem(S_IFDIR, 02775), "");
}

TEST(ModeProblem, OrdinaryAndStickyModesAreFine) {
  EXPECT_EQ(mode_problem(S_IFREG, 0755), "");
  EXPECT_EQ(mode_problem(S_IFDIR, 01777), "");
}

// --- whole archives ------------------------------------------------------------------------

struct Spec {
  char kind;  // 'd' folder, 'f' file, 'l' symlink, 'h' hard link, 'p' FIFO
  std::string path;
  std::string text;  // a file's content, a link's target
  unsigned perm = 0;
};

void write_tgz(const fs::path& tgz, const std::vector<Spec>& specs) {
  ArchiveWriter writer(archive_write_new());
  archive_write_set_format_pax_restricted(writer.get());
  archive_write_add_filter_gzip(writer.get());
  ASSERT_EQ(archive_write_open_filename(writer.get(), tgz.c_str()), ARCHIVE_OK);
  for (const auto& spec : specs) {
    archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname(entry, spec.path.c_str());
    switch (spec.kind) {
      case 'd':
        archive_entry_set_filetype(entry, AE_IFDIR);
        archive_entry_set_perm(entry, spec.perm ? spec.perm : 0755);
        break;
      case 'f':
        archive_entry_set_filetype(entry, AE_IFREG);
        archive_entry_set_perm(entry, spec.perm ? spec.perm : 0644);
        archive_entry_set_size(entry, static_cast<la_int64_t>(spec.text.size()));
        break;
      case 'l':
        archive_entry_set_filetype(entry, AE_IFLNK);
        archive_entry_set_perm(entry, 0777);
        archive_entry_set_symlink(entry, spec.text.c_str());
        break;
      case 'h':
        archive_entry_set_filetype(entry, AE_IFREG);
        archive_entry_set_perm(entry, 0644);
        archive_entry_set_hardlink(entry, spec.text.c_str());
        break;
      case 'p':
        archive_entry_set_filetype(entry, AE_IFIFO);
        archive_entry_set_perm(entry, 0644);
        break;
    }
    ASSERT_GE(archive_write_header(writer.get(), entry), ARCHIVE_WARN);
    if (spec.kind == 'f') archive_write_data(writer.get(), spec.text.data(), spec.text.size());
    archive_entry_free(entry);
  }
  ASSERT_EQ(archive_write_close(writer.get()), ARCHIVE_OK);
}

Error refusal(const fs::path& tgz, bool strip_allowed = true) {
  const auto error = error_from([&] { inspect_media_archive(tgz, strip_allowed); });
  if (!error) throw std::runtime_error(tgz.string() + " was accepted");
  return *error;
}

TEST(InspectMediaArchive, RefusesAFileWrittenThroughASymlinkChain) {
  TempDir scratch;
  write_tgz(scratch / "chain.tgz", {{'f', "glyphs/ok.svg", "<svg/>"},
                                    {'d', "a", ""},
                                    {'d', "a/b", ""},
                                    {'l', "a/b/up", "../.."},
                                    {'l', "a/b/esc", "up/.."},
                                    {'f', "a/b/esc/pwned", "x"}});
  const Error error = refusal(scratch / "chain.tgz");
  EXPECT_EQ(error.reason(), "MediaArchiveUnsafe");
  EXPECT_THAT(error.what(), HasSubstr("\"a/b/esc"));
  EXPECT_THAT(error.what(), HasSubstr("nothing was changed"));
}

TEST(InspectMediaArchive, ASeedLinkEscapingOnlyAfterTheStripIsRefused) {
  TempDir scratch;
  write_tgz(scratch / "seed.tgz", {{'d', "media", ""},
                                   {'d', "media/glyphs", ""},
                                   {'f', "media/glyphs/ok.svg", "<svg/>"},
                                   {'l', "media/escape-link", "../etc"}});
  const Error error = refusal(scratch / "seed.tgz");
  EXPECT_EQ(error.reason(), "MediaArchiveUnsafe");
  EXPECT_THAT(error.what(), HasSubstr("\"media/escape-link\""));
  EXPECT_THAT(error.what(), HasSubstr("once the top folder media/ is stripped"));
}

TEST(InspectMediaArchive, ALinkIsJudgedWhereItLands) {
  // media/y -> ../media/z is inside before the strip and not after: the volume has no media/
  // folder above it.
  TempDir scratch;
  write_tgz(scratch / "seed.tgz", {{'d', "media", ""}, {'l', "media/y", "../media/z"}});
  EXPECT_EQ(refusal(scratch / "seed.tgz").reason(), "MediaArchiveUnsafe");
  // Without the strip (a Hivekeeper archive) the same entry is judged where it is.
  write_tgz(scratch / "plain.tgz",
            {{'d', "media", ""}, {'l', "media/y", "../media/z"}, {'f', "other", "x"}});
  EXPECT_NO_THROW(inspect_media_archive(scratch / "plain.tgz", true));
}

TEST(InspectMediaArchive, ASeedLinkInsideAfterTheStripIsKept) {
  TempDir scratch;
  write_tgz(scratch / "seed.tgz", {{'d', "media", ""},
                                   {'d', "media/glyphs", ""},
                                   {'f', "media/glyphs/ok.svg", "<svg/>"},
                                   {'l', "media/latest", "glyphs/ok.svg"},
                                   {'h', "media/copy.svg", "media/glyphs/ok.svg"}});
  const auto contents = inspect_media_archive(scratch / "seed.tgz", true);
  EXPECT_EQ(contents.stripped_top_folder, "media");
  EXPECT_EQ(contents.tree.entries(), 5u);
  ASSERT_TRUE(contents.tree.symlink_target("media/latest"));
  EXPECT_EQ(*contents.tree.symlink_target("media/latest"), "glyphs/ok.svg");
  KeyedHasher hasher(contents.tree.key());
  EXPECT_EQ(contents.tree.kind_of(hasher.print("media/copy.svg")), PathKind::hardlink);
  EXPECT_EQ(contents.tree.kind_of(hasher.print("media/glyphs/ok.svg")), PathKind::linked_file);
  EXPECT_EQ(contents.tree.kind_of(hasher.print("media")), PathKind::folder);
}

TEST(InspectMediaArchive, RefusesAnEntryUnderALinkThatStaysInside) {
  TempDir scratch;
  write_tgz(scratch / "through.tgz", {{'d', "sub", ""},
                                      {'f', "sub/kept.txt", "kept"},
                                      {'l', "via-link", "sub"},
                                      {'f', "via-link/file", "x"}});
  const Error error = refusal(scratch / "through.tgz");
  EXPECT_EQ(error.reason(), "MediaArchiveUnsafe");
  EXPECT_THAT(error.what(), HasSubstr("\"via-link/file\" lies below the symlink via-link"));
}

TEST(InspectMediaArchive, RefusesHardLinksOutOfTheArchiveAndToSymlinks) {
  TempDir scratch;
  write_tgz(scratch / "out.tgz", {{'f', "glyphs/ok.svg", "<svg/>"},
                                  {'d', "a", ""},
                                  {'d', "a/b", ""},
                                  {'l', "a/b/loop", "../.."},
                                  {'h', "hard-out", "a/b/loop/uploads/private.txt"}});
  Error error = refusal(scratch / "out.tgz");
  EXPECT_THAT(error.what(), HasSubstr("\"hard-out\" is a hard link to a/b/loop/uploads"));
  write_tgz(scratch / "to-link.tgz", {{'f', "glyphs/ok.svg", "<svg/>"},
                                      {'d', "a", ""},
                                      {'d', "a/b", ""},
                                      {'l', "a/b/loop", "../.."},
                                      {'h', "hard-to-loop", "a/b/loop"}});
  error = refusal(scratch / "to-link.tgz");
  EXPECT_EQ(error.reason(), "MediaArchiveUnsafe");
  EXPECT_THAT(error.what(), HasSubstr("\"hard-to-loop\" is a hard link to the symlink"));
}

TEST(InspectMediaArchive, RefusesSetUserIdAndSetGroupIdFilesSayingTheyAreNotStripped) {
  TempDir scratch;
  write_tgz(scratch / "suid.tgz", {{'f', "glyphs/ok.svg", "<svg/>"},
                                   {'d', "tools", ""},
                                   {'f', "tools/suid-tool", "#!/bin/sh", 04755}});
  Error error = refusal(scratch / "suid.tgz");
  EXPECT_EQ(error.reason(), "MediaArchiveUnsafe");
  EXPECT_THAT(error.what(), HasSubstr("\"tools/suid-tool\" has the set-user-ID bit (mode 4755)"));
  EXPECT_THAT(error.what(), HasSubstr("refused, not stripped"));
  EXPECT_THAT(error.hint(), HasSubstr("chmod -R ug-s"));
  write_tgz(scratch / "sgid.tgz", {{'f', "tools/sgid-tool", "#!/bin/sh", 02755}});
  EXPECT_THAT(refusal(scratch / "sgid.tgz").what(), HasSubstr("set-group-ID"));
  write_tgz(scratch / "shared.tgz", {{'d', "uploads", "", 02775}, {'f', "uploads/a", "x"}});
  EXPECT_NO_THROW(inspect_media_archive(scratch / "shared.tgz", true));
}

TEST(InspectMediaArchive, RefusesSpecialFiles) {
  TempDir scratch;
  write_tgz(scratch / "fifo.tgz", {{'f', "glyphs/ok.svg", "<svg/>"}, {'p', "uploads/pipe", ""}});
  const Error error = refusal(scratch / "fifo.tgz");
  EXPECT_EQ(error.reason(), "MediaArchiveUnsafe");
  EXPECT_THAT(error.what(), HasSubstr("\"uploads/pipe\" is a special file"));
}

// --- the second read, for staging ----------------------------------------------------------

// Runs write_staging_tar into a pipe and returns the names the staging stream carried before it
// ended, and the error it ended with, if any.
struct Staged {
  std::vector<std::string> names;
  std::optional<Error> error;
};

Staged stage_to_names(const fs::path& tgz, const MediaArchiveContents& contents) {
  BytePipe pipe;
  Staged staged;
  auto producer = std::async(std::launch::async, [&] {
    try {
      write_staging_tar(tgz, contents, "stage", pipe);
      pipe.close();
    } catch (const Error& error) {
      staged.error = error;
      pipe.fail(std::current_exception());
    } catch (...) {
      pipe.fail(std::current_exception());
    }
  });
  // The pipe's failure surfaces here as the producer's error, out of libarchive's read callback.
  (void)error_from([&] {
    ArchiveReader reader(archive_read_new());
    archive_read_support_format_tar(reader.get());
    archive_read_open(reader.get(), &pipe, nullptr, read_from_pipe, nullptr);
    archive_entry* entry = nullptr;
    while (archive_read_next_header(reader.get(), &entry) == ARCHIVE_OK)
      staged.names.emplace_back(archive_entry_pathname(entry));
  });
  pipe.abandon(std::make_exception_ptr(std::runtime_error("the test stopped reading")));
  producer.get();
  return staged;
}

TEST(WriteStagingTar, StagesTheCheckedEntriesUnderTheStagingFolder) {
  TempDir scratch;
  write_tgz(
      scratch / "m.tgz",
      {{'d', "media", ""}, {'f', "media/a.svg", "<svg/>"}, {'h', "media/b.svg", "media/a.svg"}});
  const auto contents = inspect_media_archive(scratch / "m.tgz", true);
  const Staged staged = stage_to_names(scratch / "m.tgz", contents);
  EXPECT_FALSE(staged.error) << staged.error->what();
  EXPECT_EQ(staged.names, (std::vector<std::string>{"stage/", "stage/a.svg", "stage/b.svg"}));
}

TEST(WriteStagingTar, AnArchiveSwappedAfterTheCheckNeverStagesItsUncheckedEntries) {
  TempDir scratch;
  write_tgz(scratch / "m.tgz", {{'d', "sub", ""}, {'f', "sub/a", "a"}, {'l', "link", "sub"}});
  const auto contents = inspect_media_archive(scratch / "m.tgz", true);
  write_tgz(
      scratch / "m.tgz",
      {{'d', "sub", ""}, {'f', "sub/a", "a"}, {'l', "link", "sub"}, {'f', "link/through", "x"}});
  const Staged staged = stage_to_names(scratch / "m.tgz", contents);
  ASSERT_TRUE(staged.error);
  EXPECT_EQ(staged.error->reason(), "MediaArchiveChanged");
  EXPECT_THAT(staged.error->what(), HasSubstr("changed between its check and its staging"));
  EXPECT_THAT(staged.names, Not(::testing::Contains(HasSubstr("through"))));
}

TEST(WriteStagingTar, ALinkRetargetedAfterTheCheckIsNotStaged) {
  TempDir scratch;
  write_tgz(scratch / "m.tgz", {{'d', "sub", ""}, {'l', "sub/link", "../sub"}});
  const auto contents = inspect_media_archive(scratch / "m.tgz", true);
  write_tgz(scratch / "m.tgz", {{'d', "sub", ""}, {'l', "sub/link", "../.."}});
  const Staged staged = stage_to_names(scratch / "m.tgz", contents);
  ASSERT_TRUE(staged.error);
  EXPECT_EQ(staged.error->reason(), "MediaArchiveChanged");
  EXPECT_THAT(staged.names, Not(::testing::Contains("stage/sub/link")));
}

TEST(WriteStagingTar, OtherContentUnderTheSameNamesIsCaughtBeforeTheStreamEnds) {
  TempDir scratch;
  write_tgz(scratch / "m.tgz", {{'f', "a", "checked"}});
  const auto contents = inspect_media_archive(scratch / "m.tgz", true);
  write_tgz(scratch / "m.tgz", {{'f', "a", "CHECKED"}});
  const Staged staged = stage_to_names(scratch / "m.tgz", contents);
  ASSERT_TRUE(staged.error);
  EXPECT_EQ(staged.error->reason(), "MediaArchiveChanged");
  EXPECT_THAT(staged.error->what(), HasSubstr("SHA-256"));
}

TEST(WriteStagingTar, BytesAddedAfterTheLastEntryAreCaught) {
  TempDir scratch;
  write_tgz(scratch / "m.tgz", {{'f', "a", "checked"}});
  const auto contents = inspect_media_archive(scratch / "m.tgz", true);
  std::ofstream(scratch / "m.tgz", std::ios::binary | std::ios::app) << "trailing";
  const Staged staged = stage_to_names(scratch / "m.tgz", contents);
  ASSERT_TRUE(staged.error);
  EXPECT_EQ(staged.error->reason(), "MediaArchiveChanged");
  EXPECT_THAT(staged.error->what(), HasSubstr("SHA-256"));
}

// --- free space ----------------------------------------------------------------------------

TEST(RequireFreeSpace, RefusesContentLargerThanTheFreeSpace) {
  MediaArchiveContents contents;
  contents.content_bytes = 200'000'000;
  const auto error =
      error_from([&] { require_free_space(64 * 1024 * 1024, contents, "media volume m"); });
  ASSERT_TRUE(error);
  EXPECT_EQ(error->reason(), "MediaNoSpace");
  EXPECT_THAT(error->what(), HasSubstr("not enough free space"));
  EXPECT_THAT(error->what(), HasSubstr("media volume m has 64.0 MiB free"));
  EXPECT_THAT(error->what(), HasSubstr("190.7 MiB"));
  EXPECT_THAT(error->what(), HasSubstr("nothing was staged"));
  EXPECT_NO_THROW(require_free_space(200'000'000, contents, "m"));
}

TEST(AvailableBytesFromDf, ReadsTheAvailableColumn) {
  EXPECT_EQ(available_bytes_from_df(
                "Filesystem     1024-blocks  Used Available Capacity Mounted on\n"
                "tmpfs                65536     4     65532       1% /hivekeeper-media\n"),
            65532u * 1024);
  // A file system name with spaces, busybox's header.
  EXPECT_EQ(available_bytes_from_df(
                "Filesystem           1024-blocks    Used Available Capacity Mounted on\n"
                "my disk 100 10 90 10% /hivekeeper-media"),
            90u * 1024);
}

TEST(AvailableBytesFromDf, OtherOutputIsNotGuessedAt) {
  EXPECT_EQ(available_bytes_from_df(""), std::nullopt);
  EXPECT_EQ(available_bytes_from_df("Filesystem 1024-blocks Used Available Capacity Mounted on\n"),
            std::nullopt);
  EXPECT_EQ(available_bytes_from_df("df: /hivekeeper-media: No such file\nsomething else"),
            std::nullopt);
  EXPECT_EQ(available_bytes_from_df("header\ntmpfs 1 2 lots 3% /m"), std::nullopt);
}

TEST(StageIntoDirectory, AnArchiveLargerThanTheFreeSpaceStagesNothing) {
  TempDir scratch;
  write_tgz(scratch / "m.tgz", {{'f', "a", "x"}});
  MediaArchiveContents contents = inspect_media_archive(scratch / "m.tgz", true);
  contents.content_bytes = std::numeric_limits<std::uint64_t>::max();  // no disk has that much
  fs::create_directories(scratch / "media");
  const auto error = error_from(
      [&] { stage_into_directory(scratch / "m.tgz", contents, scratch / "media", ".stage"); });
  ASSERT_TRUE(error);
  EXPECT_EQ(error->reason(), "MediaNoSpace");
  EXPECT_THAT(error->what(), HasSubstr("the media directory"));
  EXPECT_FALSE(fs::exists(scratch / "media/.stage"));
}

}  // namespace
}  // namespace hivekeeper::archive
