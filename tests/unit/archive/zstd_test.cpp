// zstd files: what ZstdWriter writes is one zstd frame with a content checksum that plain libzstd
// (not our decoder) decompresses to the same bytes; read_compressed_file tells it from gzip by
// its first bytes and hands back the same content; a cut, damaged or window-hungry file throws
// BackupFileUnreadable naming the problem instead of yielding part of a dump.
#include <zstd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "archive/atomic_file.h"
#include "archive/file_reader.h"
#include "archive/zstd_writer.h"
#include "common/error.h"
#include "support/test_support.h"

namespace hivekeeper::archive {
namespace {

using hivekeeper::testing::error_from;
using hivekeeper::testing::random_bytes;
using hivekeeper::testing::read_file;
using hivekeeper::testing::sql_rows_text;
using hivekeeper::testing::TempDir;
using hivekeeper::testing::write_file;
using ::testing::HasSubstr;

// ZstdWriter's file for DATA, written in uneven pieces.
std::filesystem::path zstd_file_of(const TempDir& dir, const std::string& data, unsigned workers,
                                   WrittenFile* written = nullptr) {
  const auto path = dir.path() / "dump.sql.zst";
  ZstdWriter writer(std::make_unique<AtomicFile>(path), 3, workers);
  for (std::size_t at = 0, step = 1; at < data.size(); at += step, step = step * 3 % 200003 + 1)
    writer.write(std::string_view(data).substr(at, step));
  const WrittenFile file = writer.finish();
  writer.commit();
  if (written) *written = file;
  return path;
}

// Plain libzstd, no window cap, no chunking of ours: the independent reader.
std::string libzstd_decompress(const std::string& compressed) {
  ZSTD_DCtx* context = ZSTD_createDCtx();
  std::string out;
  std::vector<char> buffer(ZSTD_DStreamOutSize());
  ZSTD_inBuffer in{compressed.data(), compressed.size(), 0};
  std::size_t last = 1;
  while (in.pos < in.size || last != 0) {
    ZSTD_outBuffer chunk{buffer.data(), buffer.size(), 0};
    last = ZSTD_decompressStream(context, &chunk, &in);
    if (ZSTD_isError(last)) {
      ADD_FAILURE() << ZSTD_getErrorName(last);
      break;
    }
    out.append(buffer.data(), chunk.pos);
    if (chunk.pos == 0 && in.pos == in.size) break;
  }
  EXPECT_EQ(last, 0u) << "the frame did not end";
  ZSTD_freeDCtx(context);
  return out;
}

std::string read_content(const std::filesystem::path& path, FileDigest* digest = nullptr) {
  std::string content;
  const FileDigest read =
      read_compressed_file(path, [&](std::string_view chunk) { content.append(chunk); });
  if (digest) *digest = read;
  return content;
}

std::string mixed_dump_text() {
  return sql_rows_text(3 << 20) + random_bytes(700 * 1024, 5) + sql_rows_text(1 << 20);
}

TEST(ZstdWriter, OneFrameWithAChecksumThatPlainLibzstdReads) {
  TempDir dir;
  const std::string data = mixed_dump_text();
  WrittenFile written;
  const std::string stored = read_file(zstd_file_of(dir, data, 2, &written));
  EXPECT_EQ(libzstd_decompress(stored), data);
  EXPECT_EQ(written.bytes, stored.size());
  EXPECT_LT(stored.size(), data.size() / 2);
  // Frame header descriptor, bit 2: a content checksum follows the last block.
  ASSERT_GT(stored.size(), 5u);
  EXPECT_TRUE(static_cast<unsigned char>(stored[4]) & 0x04);
}

TEST(ZstdWriter, SingleThreadedGivesTheSameContent) {
  TempDir dir;
  const std::string data = sql_rows_text(2 << 20);
  EXPECT_EQ(libzstd_decompress(read_file(zstd_file_of(dir, data, 1))), data);
}

TEST(ZstdWriter, EmptyInputIsAValidFrameOfZeroBytes) {
  TempDir dir;
  const auto path = zstd_file_of(dir, "", 2);
  EXPECT_EQ(libzstd_decompress(read_file(path)), "");
  EXPECT_EQ(read_content(path), "");
}

TEST(ReadCompressedFile, ZstdIsReadByItsMagicWhateverTheName) {
  TempDir dir;
  const std::string data = mixed_dump_text();
  WrittenFile written;
  const auto written_path = zstd_file_of(dir, data, 2, &written);
  const auto misnamed = dir.path() / "old_prod_db_app_2026-11-24_031500.sql.gz";
  std::filesystem::rename(written_path, misnamed);
  FileDigest digest;
  EXPECT_EQ(read_content(misnamed, &digest), data);
  EXPECT_EQ(digest.sha256, written.sha256);
  EXPECT_EQ(digest.bytes, written.bytes);
}

TEST(ReadCompressedFile, ConcatenatedZstdFramesAreOneStream) {
  TempDir dir;
  const std::string first = sql_rows_text(300 * 1024);
  const std::string second = sql_rows_text(200 * 1024) + "-- PostgreSQL database dump complete\n";
  const std::string joined = read_file(zstd_file_of(dir, first, 2));
  const std::string tail = read_file(zstd_file_of(dir, second, 1));
  write_file(dir.path() / "joined.zst", joined + tail);
  EXPECT_EQ(read_content(dir.path() / "joined.zst"), first + second);
}

TEST(ReadCompressedFile, CutZstdFileIsUnreadableNotShort) {
  TempDir dir;
  const std::string stored = read_file(zstd_file_of(dir, mixed_dump_text(), 2));
  for (const std::size_t keep : {std::size_t{6}, stored.size() / 2, stored.size() - 3}) {
    write_file(dir.path() / "cut.sql.zst", stored.substr(0, keep));
    const auto error = error_from([&] { read_content(dir.path() / "cut.sql.zst"); });
    ASSERT_TRUE(error.has_value()) << "kept " << keep << " of " << stored.size();
    EXPECT_EQ(error->reason(), "BackupFileUnreadable");
  }
}

TEST(ReadCompressedFile, DamagedZstdFileFailsItsChecks) {
  TempDir dir;
  std::string stored = read_file(zstd_file_of(dir, sql_rows_text(2 << 20), 2));
  stored[stored.size() / 2] ^= 0x20;
  write_file(dir.path() / "bad.sql.zst", stored);
  const auto error = error_from([&] { read_content(dir.path() / "bad.sql.zst"); });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->reason(), "BackupFileUnreadable");
  EXPECT_THAT(error->what(), HasSubstr("zstd"));
}

// A frame header may ask for a window of up to 2 GiB; a hostile one must not make the runner
// allocate it.
TEST(ReadCompressedFile, FrameAskingForAHugeWindowIsRefused) {
  ZSTD_CCtx* context = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(context, ZSTD_c_windowLog, 27);
  const std::string data = sql_rows_text(64 * 1024);
  std::string stored(ZSTD_compressBound(data.size()) + 64, '\0');
  ZSTD_outBuffer out{stored.data(), stored.size(), 0};
  ZSTD_inBuffer in{data.data(), data.size(), 0};
  // Fed before the end is known, so the header declares the window rather than the size.
  ZSTD_compressStream2(context, &out, &in, ZSTD_e_continue);
  while (ZSTD_compressStream2(context, &out, &in, ZSTD_e_end) != 0) {
  }
  ZSTD_freeCCtx(context);
  stored.resize(out.pos);
  EXPECT_EQ(libzstd_decompress(stored), data);  // a valid frame, only too hungry

  TempDir dir;
  write_file(dir.path() / "wide.sql.zst", stored);
  const auto error = error_from([&] { read_content(dir.path() / "wide.sql.zst"); });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->reason(), "BackupFileUnreadable");
  EXPECT_THAT(error->what(), HasSubstr("window over 8 MiB"));
}

}  // namespace
}  // namespace hivekeeper::archive
