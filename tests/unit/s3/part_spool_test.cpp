// A part of an upload waits on disk, not in memory: what is read back and its digests are those of
// the bytes appended, in whatever pieces; the file is never visible in the directory; a directory
// that cannot take it is a job failure naming it.
#include "s3/part_spool.h"

#include <sys/stat.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/test_support.h"

namespace hivekeeper::s3 {
namespace {

using hivekeeper::testing::error_from;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::string read_all(const PartSpool& spool, std::size_t piece) {
  std::string text;
  std::string buffer(piece, '\0');
  while (const std::size_t got = spool.read_at(text.size(), buffer.data(), buffer.size()))
    text.append(buffer.data(), got);
  return text;
}

std::string pattern(std::size_t size) {
  std::string bytes(size, '\0');
  for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>((i * 131 + i / 7) & 0xFF);
  return bytes;
}

TEST(PartSpool, ReadsBackWhatWasAppendedWithItsDigestsAndLeavesNoFile) {
  hivekeeper::testing::TempDir directory;
  PartSpool spool(directory.path());
  const std::string bytes = pattern(300 * 1024 + 17);
  for (std::size_t at = 0; at < bytes.size(); at += 4099)
    spool.append(std::string_view(bytes).substr(at, 4099));
  EXPECT_EQ(spool.size(), bytes.size());
  EXPECT_THAT(directory.names(), IsEmpty());
  EXPECT_EQ(read_all(spool, 65536), bytes);
  const BodyDigests expected = digests_of(bytes);
  EXPECT_EQ(spool.digests().md5_base64, expected.md5_base64);
  EXPECT_EQ(spool.digests().sha256_hex, expected.sha256_hex);
  EXPECT_EQ(spool.digests().sha256_base64, expected.sha256_base64);
}

TEST(PartSpool, ClearedItTakesTheNextPartAndItsDigestsAlone) {
  hivekeeper::testing::TempDir directory;
  PartSpool spool(directory.path());
  spool.append(pattern(100000));
  (void)spool.digests();
  EXPECT_THROW(spool.append("more"), std::logic_error);
  spool.clear();
  spool.append("the second, shorter part");
  EXPECT_EQ(read_all(spool, 7), "the second, shorter part");
  EXPECT_EQ(spool.digests().sha256_hex, digests_of("the second, shorter part").sha256_hex);
  char byte = 0;
  EXPECT_EQ(spool.read_at(spool.size(), &byte, 1), 0u);
}

TEST(PartSpool, ADirectoryThatCannotTakeItIsAJobFailureNamingIt) {
  const auto missing = error_from([] { PartSpool spool("/nonexistent/hivekeeper-spool"); });
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->reason(), "S3SpoolFailed");
  EXPECT_EQ(missing->exit_code(), 1);
  EXPECT_THAT(missing->describe(), HasSubstr("/nonexistent/hivekeeper-spool"));
}

}  // namespace
}  // namespace hivekeeper::s3
