// ParallelGzipWriter: what it writes must be one gzip file that an independent inflater (zlib)
// reads back byte for byte, whatever the levels and write sizes; its sha256 must be the file's.
// ParallelGzipEncoder: flush() means the reader has everything so far (the restore waits on
// psql's answer after it), and a failing sink reaches the writer as its own error.
#include "archive/gzip_writer.h"

#include <openssl/evp.h>
#include <zlib.h>

#include <random>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/error.h"
#include "support/test_support.h"

namespace hivekeeper::archive {
namespace {

using hivekeeper::testing::random_bytes;
using hivekeeper::testing::sql_rows_text;

using hivekeeper::testing::read_file;
using hivekeeper::testing::TempDir;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr std::size_t kMiB = 1 << 20;

struct Inflated {
  std::string data;
  int members = 0;
  bool ok = false;
};

// Inflates every gzip member in turn, as gunzip does with a multi-member file.
Inflated gunzip(const std::string& compressed) {
  Inflated result;
  z_stream stream{};
  if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) return result;
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  stream.avail_in = static_cast<uInt>(compressed.size());
  std::string buffer(256 * 1024, '\0');
  for (;;) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer.data());
    stream.avail_out = static_cast<uInt>(buffer.size());
    const int status = inflate(&stream, Z_NO_FLUSH);
    result.data.append(buffer.data(), buffer.size() - stream.avail_out);
    if (status == Z_STREAM_END) {
      ++result.members;
      if (stream.avail_in == 0) {
        result.ok = true;
        break;
      }
      inflateReset(&stream);
    } else if (status != Z_OK) {
      break;  // corrupt, or truncated (Z_BUF_ERROR with no input left)
    }
  }
  inflateEnd(&stream);
  return result;
}

std::string openssl_sha256(const std::string& bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    static const char* digits = "0123456789abcdef";
    hex += digits[digest[i] >> 4];
    hex += digits[digest[i] & 15];
  }
  return hex;
}

// Writes `data` in uneven pieces, so block boundaries fall inside writes.
void write_unevenly(ParallelGzipWriter& writer, const std::string& data) {
  std::size_t at = 0;
  for (std::size_t piece = 1; at < data.size(); piece = piece * 3 % 200003 + 1) {
    writer.write(std::string_view(data).substr(at, piece));
    at += piece;
  }
}

TEST(ParallelGzipWriter, MixedDataAndLevelsDecompressToTheSameBytes) {
  TempDir dir;
  const std::string text = sql_rows_text(2 * kMiB + kMiB / 2);
  const std::string noise = random_bytes(kMiB + kMiB / 2, 1);
  const std::string zeros(kMiB / 3, '\0');
  std::string expected;
  ParallelGzipWriter writer(dir / "db.sql.gz", 6, 3);
  write_unevenly(writer, text);  // members: 1 MiB, 1 MiB, then 0.5 MiB cut by the level change
  expected += text;
  writer.set_level(0);
  write_unevenly(writer, noise);  // 1 MiB, then 0.5 MiB cut by the level change
  expected += noise;
  writer.set_level(12);
  writer.write(zeros);
  writer.set_level(12);  // the same level again starts no new member
  writer.write(text.substr(0, 1000));
  expected += zeros + text.substr(0, 1000);
  writer.set_level(1);
  writer.write("tail\n");  // its own member: the last one
  expected += "tail\n";
  EXPECT_EQ(writer.bytes_in(), expected.size());

  const WrittenFile written = writer.finish();
  EXPECT_EQ(written.path, dir / "db.sql.gz");
  EXPECT_FALSE(std::filesystem::exists(dir / "db.sql.gz"));  // complete, but not in place yet
  writer.commit();

  const std::string file = read_file(dir / "db.sql.gz");
  EXPECT_EQ(written.bytes, file.size());
  EXPECT_EQ(written.sha256, openssl_sha256(file));
  const Inflated inflated = gunzip(file);
  ASSERT_TRUE(inflated.ok);
  EXPECT_EQ(inflated.members, 7);
  ASSERT_EQ(inflated.data.size(), expected.size());
  EXPECT_TRUE(inflated.data == expected);
  EXPECT_THAT(dir.names(), ElementsAre("db.sql.gz"));
}

TEST(ParallelGzipWriter, SingleWorkerGivesTheSameBytesBack) {
  TempDir dir;
  const std::string data = sql_rows_text(3 * kMiB + 17);
  ParallelGzipWriter writer(dir / "x.gz", 9, 1);
  write_unevenly(writer, data);
  const WrittenFile written = writer.finish();
  writer.commit();
  const Inflated inflated = gunzip(read_file(written.path));
  ASSERT_TRUE(inflated.ok);
  EXPECT_EQ(inflated.members, 4);
  EXPECT_TRUE(inflated.data == data);
}

TEST(ParallelGzipWriter, LevelZeroStoresAndSixCompresses) {
  TempDir dir;
  const std::string zeros(kMiB, '\0');
  ParallelGzipWriter stored(dir / "stored.gz", 0, 2);
  stored.write(zeros);
  const WrittenFile stored_file = stored.finish();
  ParallelGzipWriter deflated(dir / "deflated.gz", 6, 2);
  deflated.write(zeros);
  const WrittenFile deflated_file = deflated.finish();
  EXPECT_GT(stored_file.bytes, kMiB);
  EXPECT_LT(deflated_file.bytes, 10000u);
}

// Blocks that look incompressible are stored rather than deflated; a block is only taken for
// such when none of its samples compresses, so text anywhere between photos (a tar of SVGs and
// JPEGs) is still deflated, wherever in the block it lies.
TEST(ParallelGzipWriter, TextBetweenIncompressibleBytesIsStillCompressed) {
  TempDir dir;
  const std::string noise = random_bytes(kMiB, 5);
  const std::string text = sql_rows_text(kMiB);
  for (const std::size_t text_at : {0ul, kMiB / 2 - 100000, kMiB - 200000}) {
    std::string block = noise;
    block.replace(text_at, 200000, text.substr(0, 200000));
    ParallelGzipWriter writer(dir / "mixed.gz", 6, 1);
    writer.write(block);
    const WrittenFile written = writer.finish();
    writer.commit();
    EXPECT_LT(written.bytes, kMiB - 150000) << "text at " << text_at;
    EXPECT_TRUE(gunzip(read_file(dir / "mixed.gz")).data == block) << "text at " << text_at;
  }
}

TEST(ParallelGzipWriter, EmptyInputIsAValidGzipOfZeroBytes) {
  TempDir dir;
  ParallelGzipWriter writer(dir / "empty.sql.gz", 6, 2);
  const WrittenFile written = writer.finish();
  writer.commit();
  const std::string file = read_file(dir / "empty.sql.gz");
  ASSERT_GE(file.size(), 18u);  // a gzip member's header and trailer
  EXPECT_EQ(static_cast<unsigned char>(file[0]), 0x1f);
  EXPECT_EQ(static_cast<unsigned char>(file[1]), 0x8b);
  EXPECT_EQ(written.bytes, file.size());
  EXPECT_EQ(written.sha256, openssl_sha256(file));
  const Inflated inflated = gunzip(file);
  EXPECT_TRUE(inflated.ok);
  EXPECT_EQ(inflated.members, 1);
  EXPECT_EQ(inflated.data, "");
}

TEST(ParallelGzipWriter, DestroyedWithoutFinishLeavesNoFileAndNoTemporary) {
  TempDir dir;
  {
    ParallelGzipWriter writer(dir / "db.sql.gz", 6, 2);
    write_unevenly(writer, sql_rows_text(3 * kMiB + 5));
    EXPECT_EQ(dir.names().size(), 1u);  // the temporary
  }
  EXPECT_THAT(dir.names(), IsEmpty());
}

TEST(ParallelGzipWriter, FinishedButNotCommittedLeavesNoFile) {
  TempDir dir;
  {
    ParallelGzipWriter writer(dir / "db.sql.gz", 6, 2);
    writer.write("some rows\n");
    writer.finish();
  }
  EXPECT_THAT(dir.names(), IsEmpty());
}

TEST(ParallelGzipEncoder, FlushHandsEverythingWrittenSoFarToTheSink) {
  std::string received;
  ParallelGzipEncoder encoder([&](std::string_view member) { received.append(member); }, 1, 2);
  encoder.write("BEGIN;\n");
  encoder.flush();
  Inflated first = gunzip(received);
  EXPECT_TRUE(first.ok);
  EXPECT_EQ(first.data, "BEGIN;\n");
  const std::string sql = sql_rows_text(3 * kMiB + 12345);
  encoder.write(sql);
  encoder.write("\\echo loaded\n");
  encoder.flush();
  Inflated second = gunzip(received);
  EXPECT_TRUE(second.ok);
  EXPECT_EQ(second.data, "BEGIN;\n" + sql + "\\echo loaded\n");
  encoder.write("COMMIT;\n");
  encoder.finish();
  EXPECT_EQ(gunzip(received).data, "BEGIN;\n" + sql + "\\echo loaded\nCOMMIT;\n");
}

TEST(ParallelGzipEncoder, ASinkFailureReachesTheWriterAsItsOwnError) {
  int members = 0;
  ParallelGzipEncoder encoder(
      [&](std::string_view) {
        if (++members == 2) throw job_failed("ExecInputRefused", "the process stopped reading");
      },
      1, 2);
  std::string reason;
  try {
    for (int i = 0; i < 16; ++i) encoder.write(sql_rows_text(kMiB));
    encoder.flush();
  } catch (const Error& error) {
    reason = error.reason();
  }
  EXPECT_EQ(reason, "ExecInputRefused");
  EXPECT_EQ(members, 2);  // nothing more is sent once the sink failed
}

}  // namespace
}  // namespace hivekeeper::archive
