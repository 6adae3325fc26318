// Media in a mounted directory (direct mode), on real files in a scratch folder: the backup's
// tar of the directory goes through the same rewrite into a .tgz as a volume's, and the restore
// stages that archive beside the current content, verifies it and swaps it in.
#include "archive/media_directory.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <string>

#include <archive.h>
#include <archive_entry.h>

#include "archive/gzip_writer.h"
#include "archive/libarchive_handles.h"
#include "archive/media_archive.h"
#include "support/test_support.h"

namespace hivekeeper::archive {
namespace {

using hivekeeper::testing::error_from;
using hivekeeper::testing::TempDir;
using ::testing::HasSubstr;

namespace fs = std::filesystem;

void write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Relative path -> "file:<content>", "dir", "link:<target>"; the runner's own folders left out.
std::map<std::string, std::string> tree(const fs::path& root) {
  std::map<std::string, std::string> result;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator();
       ++it) {
    const std::string relative = fs::relative(it->path(), root).string();
    if (it.depth() == 0 && is_runner_entry(it->path().filename().string())) {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_symlink())
      result[relative] = "link:" + fs::read_symlink(it->path()).string();
    else if (it->is_directory())
      result[relative] = "dir";
    else
      result[relative] = "file:" + read(it->path());
  }
  return result;
}

// The backup's path for a directory: its tar, rewritten into a .tgz.
fs::path archive_directory(const fs::path& directory, const fs::path& tgz) {
  BytePipe pipe;
  auto producer = std::async(std::launch::async, [&] {
    try {
      write_directory_tar(directory, "media", pipe);
      pipe.close();
    } catch (...) {
      pipe.fail(std::current_exception());
    }
  });
  ParallelGzipWriter writer(tgz, 6, 2);
  rewrite_volume_tar(pipe, writer, 6);
  producer.get();
  writer.finish();
  writer.commit();
  return tgz;
}

void make_sample_media(const fs::path& media) {
  write(media / "uploads/2025/photo one.jpg", std::string(70000, 'x'));
  write(media / "uploads/.hidden", "dot");
  write(media / "generated/report.pdf", "pdf");
  write(media / "empty", "");
  fs::create_directories(media / "generated/empty-folder");
  fs::create_symlink("../uploads/.hidden", media / "generated/latest");
  fs::create_hard_link(media / "generated/report.pdf", media / "generated/report-copy.pdf");
  fs::permissions(media / "generated/report.pdf", fs::perms::owner_read | fs::perms::owner_write);
}

TEST(MediaDirectory, ContentBytesCountRegularFilesOnceAndFollowNoLink) {
  TempDir dir;
  std::filesystem::create_directories(dir / "uploads/2026");
  std::ofstream(dir / "uploads/2026/scan.png") << std::string(3000, 'x');
  std::ofstream(dir / "glyph.svg") << std::string(200, 'y');
  std::filesystem::create_symlink("/etc/passwd", dir / "uploads/outside");
  std::filesystem::create_directory_symlink("/usr", dir / "uploads/usr");
  EXPECT_EQ(directory_content_bytes(dir.path()), 3200u);
  EXPECT_EQ(directory_content_bytes(dir / "missing"), std::nullopt);
}

TEST(ContentBytesFromDu, BytesOrMarkedKibibytes) {
  EXPECT_EQ(content_bytes_from_du("262314508\t/hivekeeper-media\n"), 262314508u);
  EXPECT_EQ(content_bytes_from_du("k256168\t/hivekeeper-media\n"), 256168u * 1024);
  EXPECT_EQ(content_bytes_from_du(""), std::nullopt);
  EXPECT_EQ(content_bytes_from_du("k"), std::nullopt);
  EXPECT_EQ(content_bytes_from_du("12345"), std::nullopt) << "no path: not du's output";
  EXPECT_EQ(content_bytes_from_du("du: cannot read directory\n"), std::nullopt);
}

TEST(MediaDirectory, ArchivesEveryEntryButTheRunnersOwnFolders) {
  TempDir scratch;
  const fs::path media = scratch / "media";
  make_sample_media(media);
  write(media / ".hivekeeper-staging-20251217-1/stale", "left by a killed restore");
  const fs::path tgz = archive_directory(media, scratch / "m.tgz");
  const MediaArchiveContents contents = inspect_media_archive(tgz, false);
  // What the archive holds, read as any tar reader would: path -> type letter and link.
  std::map<std::string, std::string> listed;
  {
    ArchiveReader reader(archive_read_new());
    archive_read_support_format_tar(reader.get());
    archive_read_support_filter_gzip(reader.get());
    ASSERT_EQ(archive_read_open_filename(reader.get(), tgz.c_str(), 1 << 16), ARCHIVE_OK);
    archive_entry* entry = nullptr;
    while (archive_read_next_header(reader.get(), &entry) == ARCHIVE_OK) {
      const std::string path = normalize_entry_path(archive_entry_pathname(entry));
      if (const char* hardlink = archive_entry_hardlink(entry))
        listed[path] = std::string("h ") + normalize_entry_path(hardlink);
      else if (const char* symlink = archive_entry_symlink(entry))
        listed[path] = std::string("l ") + symlink;
      else
        listed[path] = archive_entry_filetype(entry) == AE_IFDIR ? "d" : "f";
    }
  }
  std::vector<std::string> names;
  for (const auto& [path, type] : listed)
    if (!path.empty()) names.push_back(path);
  EXPECT_THAT(names, ::testing::ElementsAre("empty", "generated", "generated/empty-folder",
                                            "generated/latest", "generated/report-copy.pdf",
                                            "generated/report.pdf", "uploads", "uploads/.hidden",
                                            "uploads/2025", "uploads/2025/photo one.jpg"));
  EXPECT_EQ(listed["generated/latest"], "l ../uploads/.hidden");
  // One of the two names carries the content, the other is a link to it.
  EXPECT_THAT((std::vector<std::string>{listed["generated/report-copy.pdf"],
                                        listed["generated/report.pdf"]}),
              ::testing::UnorderedElementsAre("f", ::testing::StartsWith("h generated/report")));
  EXPECT_EQ(contents.content_bytes, 70000u + 3 + 3);
  EXPECT_EQ(contents.tree.entries(), listed.size());
}

TEST(MediaDirectory, RestoreReplacesTheContentExactly) {
  TempDir scratch;
  const fs::path source = scratch / "source";
  make_sample_media(source);
  const fs::path tgz = archive_directory(source, scratch / "m.tgz");
  const fs::path target = scratch / "target";
  write(target / "uploads/2025/photo one.jpg", "changed since the backup");
  write(target / "uploads/new-upload.png", "not in the backup: must go");
  write(target / ".dotfile-at-root", "must go too");

  const MediaArchiveContents contents = inspect_media_archive(tgz, false);
  stage_into_directory(tgz, contents, target, ".hivekeeper-staging-1");
  // Staged beside the old content, which is untouched until the swap.
  EXPECT_EQ(read(target / "uploads/2025/photo one.jpg"), "changed since the backup");
  swap_directory_content(target, ".hivekeeper-staging-1", ".hivekeeper-old-1");

  EXPECT_EQ(tree(target), tree(source));
  EXPECT_FALSE(fs::exists(target / ".hivekeeper-staging-1"));
  EXPECT_FALSE(fs::exists(target / ".hivekeeper-old-1"));
  EXPECT_EQ(fs::status(target / "generated/report.pdf").permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_TRUE(
      fs::equivalent(target / "generated/report.pdf", target / "generated/report-copy.pdf"));
}

TEST(MediaDirectory, SeedArchiveWithTopFolderRestoresWithoutIt) {
  TempDir scratch;
  // What the seed's `tar czf media.tgz -C /app media` holds: everything under media/.
  const fs::path app = scratch / "app";
  make_sample_media(app / "media");
  const int made = std::system(
      ("tar czf '" + (scratch / "seed.tgz").string() + "' -C '" + app.string() + "' media")
          .c_str());
  ASSERT_EQ(made, 0);
  const MediaArchiveContents contents = inspect_media_archive(scratch / "seed.tgz", true);
  ASSERT_EQ(contents.stripped_top_folder, "media");
  const fs::path target = scratch / "target";
  fs::create_directories(target);
  stage_into_directory(scratch / "seed.tgz", contents, target, ".hivekeeper-staging-2");
  swap_directory_content(target, ".hivekeeper-staging-2", ".hivekeeper-old-2");
  EXPECT_EQ(tree(target), tree(app / "media"));
}

TEST(MediaDirectory, FailedSwapLeavesTheOldContent) {
  TempDir scratch;
  const fs::path target = scratch / "target";
  write(target / "a.txt", "old a");
  write(target / "folder/b.txt", "old b");
  const auto before = tree(target);
  // No staged folder: nothing can move in, so the old entries must come back.
  const auto error = error_from(
      [&] { swap_directory_content(target, ".hivekeeper-staging-3", ".hivekeeper-old-3"); });
  ASSERT_TRUE(error);
  EXPECT_EQ(error->reason(), "MediaSwapFailed");
  EXPECT_THAT(error->what(), HasSubstr(".hivekeeper-staging-3"));
  EXPECT_EQ(tree(target), before);
  EXPECT_FALSE(fs::exists(target / ".hivekeeper-old-3"));
}

TEST(MediaDirectory, MissingDirectoryIsNamed) {
  TempDir scratch;
  BytePipe pipe;
  const auto error = error_from([&] { write_directory_tar(scratch / "absent", "media", pipe); });
  ASSERT_TRUE(error);
  EXPECT_EQ(error->reason(), "MediaDirectoryFailed");
  EXPECT_THAT(error->what(), HasSubstr((scratch / "absent").string()));
}

}  // namespace
}  // namespace hivekeeper::archive
