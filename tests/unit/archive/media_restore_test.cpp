// The checks a media archive passes before anything in the volume is touched: entry paths made
// relative to the volume root, entries that must never be restored, and the seed's top folder;
// and the check of the staged folder read back from the engine.
#include "archive/media_restore.h"

#include <archive.h>
#include <archive_entry.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <string>
#include <vector>

#include "archive/libarchive_handles.h"
#include "common/error.h"
#include "support/test_support.h"

namespace hivekeeper::archive {
namespace {

using hivekeeper::testing::error_from;
using hivekeeper::testing::TempDir;
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
  // tar readers give a hard link entry no file type of its own
  EXPECT_EQ(entry_problem("a/h", 0, "", "a/b.jpg"), "");
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

// The engine's read-back of a staged folder: a tar named after the folder ("stage/..."), built
// with libarchive as the engine's tar would list it.
struct StagedEntry {
  std::string path;
  bool directory = false;
  std::string content;
};

// Writes ENTRIES to WRITER, each path under PREFIX.
void write_entries(struct archive* writer, const std::vector<StagedEntry>& entries,
                   const std::string& prefix) {
  for (const auto& staged : entries) {
    archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname(entry, (prefix + staged.path).c_str());
    archive_entry_set_filetype(entry, staged.directory ? AE_IFDIR : AE_IFREG);
    archive_entry_set_perm(entry, staged.directory ? 0755 : 0644);
    archive_entry_set_size(entry, static_cast<la_int64_t>(staged.content.size()));
    archive_write_header(writer, entry);
    archive_write_data(writer, staged.content.data(), staged.content.size());
    archive_entry_free(entry);
  }
}

void feed_staged_tar(BytePipe& pipe, const std::vector<StagedEntry>& entries) {
  std::string tar;
  ArchiveWriter writer(archive_write_new());
  archive_write_set_format_pax_restricted(writer.get());
  archive_write_open(
      writer.get(), &tar, nullptr,
      [](struct archive*, void* context, const void* data, size_t size) -> la_ssize_t {
        static_cast<std::string*>(context)->append(static_cast<const char*>(data), size);
        return static_cast<la_ssize_t>(size);
      },
      nullptr);
  write_entries(writer.get(), entries, "stage/");
  archive_write_close(writer.get());
  pipe.push(tar);
  pipe.close();
}

// A checked archive and the digest of what write_staging_tar sent for it.
struct StagedMedia {
  MediaArchiveContents contents;
  TreeDigest sent;
};

// ENTRIES (as feed_staged_tar takes them, without the staging folder) packed as a .tgz, checked
// and staged as a restore does.
StagedMedia staged_archive(const std::vector<StagedEntry>& entries) {
  TempDir scratch;
  const auto tgz = scratch / "m.tgz";
  {
    ArchiveWriter writer(archive_write_new());
    archive_write_set_format_pax_restricted(writer.get());
    archive_write_add_filter_gzip(writer.get());
    archive_write_open_filename(writer.get(), tgz.c_str());
    write_entries(writer.get(), entries, "");
    archive_write_close(writer.get());
  }
  StagedMedia result{inspect_media_archive(tgz, false), {}};
  BytePipe sent;
  pump(
      sent,
      [&](BytePipe& out) { result.sent = write_staging_tar(tgz, result.contents, "stage", out); },
      [](BytePipe& in) {
        while (!in.pop().empty()) {
        }
      });
  return result;
}

const std::vector<StagedEntry> kOneFile = {{"glyphs/2026/a.svg", false, "hello"}};

TEST(VerifyStagedTar, FoldersTheArchiveDidNotListAreTheEnginesAndFine) {
  const StagedMedia staged = staged_archive(kOneFile);
  BytePipe pipe;
  feed_staged_tar(pipe, {{"", true, ""},
                         {"glyphs", true, ""},
                         {"glyphs/2026", true, ""},
                         {"glyphs/2026/a.svg", false, "hello"}});
  EXPECT_NO_THROW(verify_staged_tar(pipe, staged.contents, staged.sent));
}

TEST(VerifyStagedTar, TheOrderOfTheReadBackDoesNotMatter) {
  const StagedMedia staged = staged_archive(
      {{"b", true, ""}, {"b/2.txt", false, "two"}, {"a.txt", false, "one"}, {"c", true, ""}});
  BytePipe pipe;
  feed_staged_tar(
      pipe, {{"a.txt", false, "one"}, {"c", true, ""}, {"b", true, ""}, {"b/2.txt", false, "two"}});
  EXPECT_NO_THROW(verify_staged_tar(pipe, staged.contents, staged.sent));
}

TEST(VerifyStagedTar, AFolderThatHoldsNoListedEntryIsStillUnexpected) {
  const StagedMedia staged = staged_archive(kOneFile);
  BytePipe pipe;
  feed_staged_tar(pipe, {{"glyphs", true, ""},
                         {"glyphs/2026", true, ""},
                         {"glyphs/2026/a.svg", false, "hello"},
                         {"stray", true, ""}});
  try {
    verify_staged_tar(pipe, staged.contents, staged.sent);
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_EQ(error.reason(), "MediaStagingMismatch");
    EXPECT_THAT(error.what(), HasSubstr("unexpected entry stray"));
  }
}

TEST(VerifyStagedTar, OtherContentIsAMismatch) {
  const StagedMedia staged = staged_archive(kOneFile);
  BytePipe pipe;
  feed_staged_tar(
      pipe,
      {{"glyphs", true, ""}, {"glyphs/2026", true, ""}, {"glyphs/2026/a.svg", false, "hellO"}});
  const auto error = error_from([&] { verify_staged_tar(pipe, staged.contents, staged.sent); });
  ASSERT_TRUE(error);
  EXPECT_EQ(error->reason(), "MediaStagingMismatch");
  EXPECT_THAT(error->what(), HasSubstr("content"));
}

TEST(VerifyStagedTar, AMissingEntryIsAMismatch) {
  const StagedMedia staged = staged_archive(
      {{"glyphs", true, ""}, {"glyphs/a.svg", false, "a"}, {"glyphs/b.svg", false, "b"}});
  BytePipe pipe;
  feed_staged_tar(pipe, {{"glyphs", true, ""}, {"glyphs/a.svg", false, "a"}});
  const auto error = error_from([&] { verify_staged_tar(pipe, staged.contents, staged.sent); });
  ASSERT_TRUE(error);
  EXPECT_THAT(error->what(), HasSubstr("2 entries were staged, 3 sent"));
}

TEST(VerifyStagedTar, AFileWhereTheArchiveHasAFolderIsAMismatch) {
  const StagedMedia staged = staged_archive({{"glyphs", true, ""}});
  BytePipe pipe;
  feed_staged_tar(pipe, {{"glyphs", false, "not a folder"}});
  const auto error = error_from([&] { verify_staged_tar(pipe, staged.contents, staged.sent); });
  ASSERT_TRUE(error);
  EXPECT_THAT(error->what(), HasSubstr("glyphs has another file type"));
}

}  // namespace
}  // namespace hivekeeper::archive
