// read_compressed_file: whatever the member layout (Hivekeeper's 1 MiB members, which libdeflate
// inflates whole; one large member, as gzip writes, which libarchive streams; both in one file),
// the sink gets the same bytes in order and the digest is the file's. A cut file throws,
// whichever path meets the cut; bytes after the last member that do not start another
// are ignored, as gunzip's reader libarchive always did.
#include "archive/file_reader.h"

#include <zlib.h>

#include <vector>

#include <gtest/gtest.h>

#include "archive/gzip_writer.h"
#include "archive/sha256.h"
#include "common/error.h"
#include "support/test_support.h"

namespace hivekeeper::archive {
namespace {

using hivekeeper::testing::random_bytes;
using hivekeeper::testing::read_file;
using hivekeeper::testing::sql_rows_text;
using hivekeeper::testing::TempDir;
using hivekeeper::testing::write_file;

constexpr std::size_t kMebibyte = 1 << 20;

// One gzip member of DATA written by zlib, as `gzip` writes a whole file.
std::string zlib_member(const std::string& data) {
  z_stream stream{};
  EXPECT_EQ(deflateInit2(&stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&stream, data.size()) + 64, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&stream, Z_FINISH), Z_STREAM_END);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

// What ParallelGzipWriter makes of DATA: members of at most 1 MiB.
std::string hivekeeper_members(const TempDir& dir, const std::string& data) {
  const auto path = dir.path() / "members.gz";
  ParallelGzipWriter writer(path, 6, 2);
  writer.write(data);
  writer.finish();
  writer.commit();
  return read_file(path);
}

struct Read {
  std::string data;
  std::size_t chunks = 0;
  FileDigest digest;
};

Read read_back(const std::filesystem::path& path) {
  Read read;
  read.digest = read_compressed_file(path, [&](std::string_view chunk) {
    EXPECT_FALSE(chunk.empty());
    read.data.append(chunk);
    ++read.chunks;
  });
  return read;
}

std::string file_sha256(const std::string& bytes) {
  Sha256 hash;
  hash.update(bytes);
  return hash.hex_digest();
}

std::string reason_reading(const std::filesystem::path& path) {
  try {
    read_back(path);
  } catch (const Error& error) {
    return error.reason();
  }
  return "no error";
}

TEST(ReadGzipFile, HivekeepersMembersComeBackWholeAndInOrder) {
  TempDir dir;
  const std::string sql = sql_rows_text(5 * kMebibyte + 12345);
  const std::string file = hivekeeper_members(dir, sql);
  const Read read = read_back(dir.path() / "members.gz");
  EXPECT_EQ(read.data, sql);
  EXPECT_EQ(read.chunks, 6u);
  EXPECT_EQ(read.digest.bytes, file.size());
  EXPECT_EQ(read.digest.sha256, file_sha256(file));
}

// The fast path's mark: each member that fits reaches the sink as one chunk of its own
// (libarchive's stream would hand over buffers that run across members).
TEST(ReadGzipFile, MembersThatFitAreInflatedOneByOne) {
  TempDir dir;
  std::vector<std::size_t> sizes;
  std::string file;
  for (const std::size_t size : {1000u, 70000u, 3u, 250000u}) {
    file += zlib_member(sql_rows_text(size));
    sizes.push_back(size);
  }
  write_file(dir.path() / "small.sql.gz", file);
  std::vector<std::size_t> chunks;
  read_compressed_file(dir.path() / "small.sql.gz",
                       [&](std::string_view chunk) { chunks.push_back(chunk.size()); });
  EXPECT_EQ(chunks, sizes);
}

TEST(ReadGzipFile, OneLargeMemberAsGzipWritesIt) {
  TempDir dir;
  const std::string sql = sql_rows_text(3 * kMebibyte);
  const std::string file = zlib_member(sql);
  write_file(dir.path() / "seed.sql.gz", file);
  const Read read = read_back(dir.path() / "seed.sql.gz");
  EXPECT_EQ(read.data, sql);
  EXPECT_EQ(read.digest.sha256, file_sha256(file));
}

TEST(ReadGzipFile, SmallMembersThenALargeOneSwitchesPathsWithoutLosingBytes) {
  TempDir dir;
  const std::string first = sql_rows_text(300000);
  const std::string second = random_bytes(kMebibyte / 2, 7);
  const std::string large = sql_rows_text(4 * kMebibyte) + "the end\n";
  const std::string tail = "-- PostgreSQL database dump complete\n";
  const std::string file =
      zlib_member(first) + zlib_member(second) + zlib_member(large) + zlib_member(tail);
  write_file(dir.path() / "mixed.sql.gz", file);
  const Read read = read_back(dir.path() / "mixed.sql.gz");
  EXPECT_EQ(read.data, first + second + large + tail);
  EXPECT_EQ(read.digest.bytes, file.size());
  EXPECT_EQ(read.digest.sha256, file_sha256(file));
}

TEST(ReadGzipFile, BytesAfterTheLastMemberThatStartNoOtherAreIgnored) {
  TempDir dir;
  const std::string sql = sql_rows_text(2 * kMebibyte);
  const std::string file = hivekeeper_members(dir, sql) + std::string(100, '\0');
  write_file(dir.path() / "padded.sql.gz", file);
  const Read read = read_back(dir.path() / "padded.sql.gz");
  EXPECT_EQ(read.data, sql);
  EXPECT_EQ(read.digest.bytes, file.size());  // the checksum still covers every byte
}

TEST(ReadGzipFile, ACutFileThrowsOnEitherPath) {
  TempDir dir;
  const std::string members = hivekeeper_members(dir, sql_rows_text(3 * kMebibyte));
  write_file(dir.path() / "cut-members.sql.gz", members.substr(0, members.size() * 2 / 3));
  EXPECT_EQ(reason_reading(dir.path() / "cut-members.sql.gz"), "BackupFileUnreadable");
  const std::string single = zlib_member(sql_rows_text(3 * kMebibyte));
  write_file(dir.path() / "cut-single.sql.gz", single.substr(0, single.size() / 2));
  EXPECT_EQ(reason_reading(dir.path() / "cut-single.sql.gz"), "BackupFileUnreadable");
}

TEST(ReadGzipFile, NotGzipIsRefused) {
  TempDir dir;
  write_file(dir.path() / "plain.sql", sql_rows_text(10000));
  EXPECT_EQ(reason_reading(dir.path() / "plain.sql"), "BackupFileUnreadable");
  write_file(dir.path() / "empty.sql.gz", "");
  EXPECT_EQ(reason_reading(dir.path() / "empty.sql.gz"), "BackupFileUnreadable");
}

}  // namespace
}  // namespace hivekeeper::archive
