// The media archive: Docker's volume tar (everything under the mount point's folder) rewritten
// into a .tgz whose paths are relative to the volume root, with modes, mtimes, links and content
// kept, and incompressible files stored rather than deflated again.
#include "archive/media_archive.h"

#include <archive.h>
#include <archive_entry.h>

#include <clocale>
#include <map>
#include <random>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "archive/file_reader.h"
#include "archive/gzip_writer.h"
#include "archive/zstd_writer.h"
#include "support/test_support.h"

namespace hivekeeper::archive {
namespace {

using hivekeeper::testing::error_from;
using hivekeeper::testing::random_bytes;
using hivekeeper::testing::TempDir;
using ::testing::ElementsAre;

std::string svg_text(std::size_t size) {
  std::string text;
  for (int i = 0; text.size() < size; ++i)
    text +=
        "<path d=\"M " + std::to_string(i % 500) + " 0 L 10 " + std::to_string(i % 37) + " Z\"/>\n";
  text.resize(size);
  return text;
}

TEST(StripTopFolder, RemovesTheMountPointFolder) {
  EXPECT_EQ(strip_top_folder("media/a/b"), "a/b");
  EXPECT_EQ(strip_top_folder("media/a/b.svg"), "a/b.svg");
  EXPECT_EQ(strip_top_folder("media/uploads/"), "uploads/");
  EXPECT_EQ(strip_top_folder("./media/x"), "x");
}

TEST(StripTopFolder, TheTopFolderItselfHasNoPath) {
  EXPECT_EQ(strip_top_folder("media/"), std::nullopt);
  EXPECT_EQ(strip_top_folder("media"), std::nullopt);
  EXPECT_EQ(strip_top_folder("./media/"), std::nullopt);
  EXPECT_EQ(strip_top_folder("media/."), std::nullopt);
  EXPECT_EQ(strip_top_folder(""), std::nullopt);
}

TEST(LevelForContent, IncompressibleContentIsStored) {
  EXPECT_EQ(level_for_content(random_bytes(64 * 1024, 7), 6), 0);
}

TEST(LevelForContent, TextKeepsTheDefaultLevel) {
  EXPECT_EQ(level_for_content(svg_text(64 * 1024), 6), 6);
  EXPECT_EQ(level_for_content(svg_text(64 * 1024), 9), 9);
}

TEST(LevelForContent, ShortContentKeepsTheDefaultLevel) {
  EXPECT_EQ(level_for_content(random_bytes(1000, 7), 6), 6);
  EXPECT_EQ(level_for_content("", 6), 6);
}

// --- rewrite_volume_tar ---------------------------------------------------------------------

constexpr time_t kMtime = 1764040500;  // 2025-11-25 03:15:00 UTC
const std::string kOddName = "uploads/glyphs/a b \xc3\xbc\xe2\x82\xac.svg";  // "a b ü€.svg"

struct Entry {
  std::string path{};
  mode_t type = AE_IFREG;
  mode_t permissions = 0644;
  std::string content{};
  std::string symlink{};
  std::string hardlink{};
  time_t mtime = kMtime;
};

la_ssize_t append_to_string(struct archive*, void* context, const void* buffer, size_t length) {
  static_cast<std::string*>(context)->append(static_cast<const char*>(buffer), length);
  return static_cast<la_ssize_t>(length);
}

// A tar like the one GET /containers/{id}/archive?path=/app/media returns: pax headers where
// ustar cannot hold a name, as Go's archive/tar writes them.
std::string make_tar(const std::vector<Entry>& entries) {
  std::string tar;
  struct archive* writer = archive_write_new();
  archive_write_set_format_pax_restricted(writer);
  archive_write_open2(writer, &tar, nullptr, append_to_string, nullptr, nullptr);
  for (const auto& spec : entries) {
    archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname_utf8(entry, spec.path.c_str());
    archive_entry_set_filetype(entry, spec.type);
    archive_entry_set_perm(entry, spec.permissions);
    archive_entry_set_mtime(entry, spec.mtime, 0);
    archive_entry_set_uid(entry, 1000);
    archive_entry_set_gid(entry, 1000);
    if (!spec.symlink.empty()) archive_entry_set_symlink_utf8(entry, spec.symlink.c_str());
    if (!spec.hardlink.empty()) archive_entry_set_hardlink_utf8(entry, spec.hardlink.c_str());
    archive_entry_set_size(entry, static_cast<la_int64_t>(spec.content.size()));
    archive_write_header(writer, entry);
    if (!spec.content.empty()) archive_write_data(writer, spec.content.data(), spec.content.size());
    archive_entry_free(entry);
  }
  archive_write_close(writer);
  archive_write_free(writer);
  return tar;
}

struct ReadEntry {
  mode_t type = 0;
  mode_t permissions = 0;
  time_t mtime = 0;
  la_int64_t uid = 0;
  std::string content;
  std::string symlink;
  std::string hardlink;
};

// Reads a .tgz (or .tar.zst) back with libarchive's own filters: any tar reader must accept it.
std::map<std::string, ReadEntry> read_tgz(const std::filesystem::path& path,
                                          std::vector<std::string>& order) {
  std::map<std::string, ReadEntry> entries;
  struct archive* reader = archive_read_new();
  archive_read_support_filter_gzip(reader);
  archive_read_support_filter_zstd(reader);
  archive_read_support_format_tar(reader);
  if (archive_read_open_filename(reader, path.c_str(), 65536) != ARCHIVE_OK) {
    ADD_FAILURE() << "cannot open " << path << ": " << archive_error_string(reader);
    archive_read_free(reader);
    return entries;
  }
  archive_entry* entry = nullptr;
  int status;
  while ((status = archive_read_next_header(reader, &entry)) == ARCHIVE_OK) {
    const char* name = archive_entry_pathname_utf8(entry);
    ReadEntry read;
    read.type = archive_entry_filetype(entry);
    read.permissions = archive_entry_perm(entry);
    read.mtime = archive_entry_mtime(entry);
    read.uid = archive_entry_uid(entry);
    if (const char* target = archive_entry_symlink_utf8(entry)) read.symlink = target;
    if (const char* target = archive_entry_hardlink_utf8(entry)) read.hardlink = target;
    char buffer[65536];
    for (la_ssize_t got; (got = archive_read_data(reader, buffer, sizeof buffer)) > 0;)
      read.content.append(buffer, static_cast<std::size_t>(got));
    order.push_back(name ? name : "(unconvertible name)");
    entries[order.back()] = read;
  }
  EXPECT_EQ(status, ARCHIVE_EOF) << archive_error_string(reader);
  archive_read_free(reader);
  return entries;
}

// Feeds `tar` into a BytePipe from another thread in uneven chunks, as the HTTP body arrives.
class TarProducer {
 public:
  TarProducer(BytePipe& pipe, std::string tar, std::size_t cut_at = std::string::npos)
      : pipe_(pipe), thread_([&pipe, tar = std::move(tar), cut_at] {
          try {
            const std::size_t end = std::min(cut_at, tar.size());
            for (std::size_t at = 0, size = 1; at < end; at += size, size = size * 5 % 30011 + 1)
              pipe.push(std::string_view(tar).substr(at, std::min(size, end - at)));
            if (cut_at == std::string::npos) {
              pipe.close();
            } else {
              pipe.fail(std::make_exception_ptr(
                  job_failed("DockerApiError",
                             "the stream of /containers/x/archive broke: connection reset")));
            }
          } catch (const std::exception&) {
            // The consumer gave up (see the destructor): nothing more to send.
          }
        }) {}
  // A consumer that stopped early must not leave the producer blocked on a full pipe.
  ~TarProducer() {
    pipe_.abandon(std::make_exception_ptr(std::runtime_error("the test stopped reading")));
    thread_.join();
  }

 private:
  BytePipe& pipe_;
  std::thread thread_;
};

// libarchive converts names through the locale; the runner selects C.UTF-8 at startup
// (cli::run), so the tests run in it too.
class RewriteVolumeTar : public ::testing::Test {
 protected:
  void SetUp() override {
    saved_locale_ = std::setlocale(LC_ALL, nullptr);
    ASSERT_NE(std::setlocale(LC_ALL, "C.UTF-8"), nullptr);
  }
  void TearDown() override { std::setlocale(LC_ALL, saved_locale_.c_str()); }

  TempDir dir;

  // Streams `tar` through a pipe into rewrite_volume_tar and commits media.tgz.
  MediaArchiveStats rewrite_and_commit(const std::string& tar,
                                       std::size_t pipe_capacity = 4 << 20) {
    BytePipe pipe(pipe_capacity);
    ParallelGzipWriter writer(dir / "media.tgz", 6, 2);
    MediaArchiveStats stats;
    {
      TarProducer producer(pipe, tar);
      stats = rewrite_volume_tar(pipe, writer, 6);
    }
    writer.finish();
    writer.commit();
    return stats;
  }

 private:
  std::string saved_locale_;
};

TEST_F(RewriteVolumeTar, PathsBecomeRelativeAndEverythingElseIsKept) {
  const std::string svg = svg_text(40 * 1024);
  const std::string png = random_bytes(300 * 1024, 3);  // bigger than one read buffer
  const std::string notes = svg_text(100);
  const std::string tar = make_tar({
      {.path = "media/", .type = AE_IFDIR, .permissions = 0755},
      {.path = "media/uploads/", .type = AE_IFDIR, .permissions = 0750},
      {.path = "media/uploads/glyphs/", .type = AE_IFDIR, .permissions = 0755},
      {.path = "media/" + kOddName, .permissions = 0600, .content = svg},
      {.path = "media/uploads/logo.png", .content = png, .mtime = kMtime - 86400},
      {.path = "media/empty.txt", .content = ""},
      {.path = "media/notes.txt", .permissions = 0640, .content = notes},
      {.path = "media/logo-link.png",
       .type = AE_IFLNK,
       .permissions = 0777,
       .symlink = "uploads/logo.png"},
      {.path = "media/uploads/same.svg", .hardlink = "media/" + kOddName},
  });

  const MediaArchiveStats stats = rewrite_and_commit(tar, 64 * 1024);

  std::vector<std::string> order;
  const auto entries = read_tgz(dir / "media.tgz", order);
  EXPECT_THAT(order, ElementsAre("uploads/", "uploads/glyphs/", kOddName, "uploads/logo.png",
                                 "empty.txt", "notes.txt", "logo-link.png", "uploads/same.svg"));
  ASSERT_EQ(entries.size(), 8u);

  EXPECT_EQ(entries.at("uploads/").type, static_cast<mode_t>(AE_IFDIR));
  EXPECT_EQ(entries.at("uploads/").permissions, 0750u);

  const ReadEntry& odd = entries.at(kOddName);
  EXPECT_EQ(odd.type, static_cast<mode_t>(AE_IFREG));
  EXPECT_EQ(odd.permissions, 0600u);
  EXPECT_EQ(odd.mtime, kMtime);
  EXPECT_EQ(odd.uid, 1000);
  EXPECT_TRUE(odd.content == svg);

  EXPECT_EQ(entries.at("uploads/logo.png").mtime, kMtime - 86400);
  EXPECT_TRUE(entries.at("uploads/logo.png").content == png);
  EXPECT_EQ(entries.at("empty.txt").type, static_cast<mode_t>(AE_IFREG));
  EXPECT_EQ(entries.at("empty.txt").content, "");
  EXPECT_EQ(entries.at("notes.txt").permissions, 0640u);
  EXPECT_EQ(entries.at("notes.txt").content, notes);

  EXPECT_EQ(entries.at("logo-link.png").type, static_cast<mode_t>(AE_IFLNK));
  EXPECT_EQ(entries.at("logo-link.png").symlink,
            "uploads/logo.png");  // relative targets stay as written

  EXPECT_EQ(entries.at("uploads/same.svg").hardlink,
            kOddName);  // the top folder is gone from the target too

  EXPECT_EQ(stats.entries, 8u);
  EXPECT_EQ(stats.files, 4u);  // regular files with content of their own: not the hardlink
  EXPECT_EQ(stats.content_bytes, svg.size() + png.size() + notes.size());
  EXPECT_EQ(stats.stored_bytes, png.size());
}

// In the C locale libarchive cannot convert a UTF-8 name; a file must then fail the job rather
// than vanish from the backup while the job reports success.
TEST_F(RewriteVolumeTar, NameTheLocaleCannotConvertIsNotSilentlyDropped) {
  const std::string tar = make_tar({{.path = "media/", .type = AE_IFDIR, .permissions = 0755},
                                    {.path = "media/" + kOddName, .content = "svg"},
                                    {.path = "media/plain.txt", .content = "txt"}});
  ASSERT_NE(std::setlocale(LC_ALL, "C"), nullptr);
  BytePipe pipe;
  ParallelGzipWriter writer(dir / "media.tgz", 6, 2);
  std::optional<MediaArchiveStats> stats;
  std::optional<Error> error;
  {
    TarProducer producer(pipe, tar);
    error = error_from([&] { stats = rewrite_volume_tar(pipe, writer, 6); });
  }
  ASSERT_NE(std::setlocale(LC_ALL, "C.UTF-8"), nullptr);
  if (error) {
    EXPECT_EQ(error->reason(), "MediaArchiveFailed");
    return;
  }
  writer.finish();
  writer.commit();
  std::vector<std::string> order;
  read_tgz(dir / "media.tgz", order);
  EXPECT_THAT(order, ElementsAre(kOddName, "plain.txt"));
  EXPECT_EQ(stats->files, 2u);
}

TEST_F(RewriteVolumeTar, ZstdArchiveHoldsTheSameEntriesAndSkipsTheLevelTrial) {
  const std::string svg = svg_text(40 * 1024);
  const std::string png = random_bytes(300 * 1024, 3);
  const std::string tar = make_tar({{.path = "media/", .type = AE_IFDIR, .permissions = 0755},
                                    {.path = "media/a.svg", .content = svg},
                                    {.path = "media/empty.txt", .content = ""},
                                    {.path = "media/logo.png", .content = png}});
  BytePipe pipe(64 * 1024);
  ZstdWriter writer(std::make_unique<AtomicFile>(dir / "media.tar.zst"), 3, 2);
  MediaArchiveStats stats;
  {
    TarProducer producer(pipe, tar);
    stats = rewrite_volume_tar(pipe, writer, 3);
  }
  writer.finish();
  writer.commit();
  EXPECT_EQ(stats.files, 3u);
  EXPECT_EQ(stats.content_bytes, svg.size() + png.size());
  EXPECT_EQ(stats.stored_bytes, 0u);  // zstd passes incompressible blocks through by itself
  std::vector<std::string> order;
  const auto entries = read_tgz(dir / "media.tar.zst", order);
  EXPECT_THAT(order, ElementsAre("a.svg", "empty.txt", "logo.png"));
  EXPECT_EQ(entries.at("a.svg").content, svg);
  EXPECT_EQ(entries.at("empty.txt").content, "");
  EXPECT_EQ(entries.at("logo.png").content, png);
  // And Hivekeeper's own reader, which decompresses zstd itself.
  ArchiveFileReader reader(dir / "media.tar.zst");
  std::vector<std::string> names;
  archive_entry* entry = nullptr;
  while (archive_read_next_header(reader.handle(), &entry) == ARCHIVE_OK)
    names.push_back(archive_entry_pathname(entry));
  EXPECT_THAT(names, ElementsAre("a.svg", "empty.txt", "logo.png"));
  EXPECT_EQ(reader.digest().sha256, digest_file(dir / "media.tar.zst").sha256);
}

TEST_F(RewriteVolumeTar, EmptyVolumeGivesAnEmptyArchive) {
  const std::string tar = make_tar({{.path = "media/", .type = AE_IFDIR, .permissions = 0755}});
  const MediaArchiveStats stats = rewrite_and_commit(tar);
  std::vector<std::string> order;
  EXPECT_TRUE(read_tgz(dir / "media.tgz", order).empty());
  EXPECT_EQ(stats.entries, 0u);
  EXPECT_EQ(stats.files, 0u);
}

TEST_F(RewriteVolumeTar, BrokenStreamFailsWithTheProducersError) {
  const std::string tar =
      make_tar({{.path = "media/", .type = AE_IFDIR},
                {.path = "media/big.bin", .content = random_bytes(200 * 1024, 9)}});
  BytePipe pipe(16 * 1024);
  ParallelGzipWriter writer(dir / "media.tgz", 6, 2);
  std::optional<Error> error;
  {
    TarProducer producer(pipe, tar, tar.size() / 2);
    error = error_from([&] { rewrite_volume_tar(pipe, writer, 6); });
  }
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->reason(), "DockerApiError");
  EXPECT_STREQ(error->what(), "the stream of /containers/x/archive broke: connection reset");
}

}  // namespace
}  // namespace hivekeeper::archive
