// verify on real files: a whole set passes; a damaged stream, a dump cut before pg_dump's closing
// line, metadata that disagrees with the files or the name, each fails naming the file; a
// seed-made set (no metadata) is checked for its stream alone.
#include "jobs/maintenance/verify.h"

#include <zlib.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "archive/file_reader.h"
#include "store/local_store.h"
#include "support/test_support.h"

namespace hivekeeper::jobs {
namespace {

using hivekeeper::testing::TempDir;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

const std::string kVerifiedDump =
    "--\n-- PostgreSQL database dump\n--\n\nSET statement_timeout = 0;\n"
    "CREATE TABLE public.glyphs (id integer);\n"
    "COPY public.glyphs (id) FROM stdin;\n1\n2\n\\.\n\n"
    "--\n-- PostgreSQL database dump complete\n--\n\n";

void write_gzip(const std::filesystem::path& path, const std::string& text) {
  gzFile file = gzopen(path.c_str(), "wb");
  ASSERT_NE(file, nullptr);
  ASSERT_EQ(gzwrite(file, text.data(), static_cast<unsigned>(text.size())),
            static_cast<int>(text.size()));
  ASSERT_EQ(gzclose(file), Z_OK);
}

const std::string kSet = "app_prod_2026-11-24_031500";
const std::string kDumpName = "app_prod_db_app_2026-11-24_031500.sql.gz";

// The metadata a backup writes for the dump in DIRECTORY, with PATCH applied.
void write_metadata(const TempDir& directory,
                    const nlohmann::json& patch = nlohmann::json::object()) {
  const auto digest = archive::digest_file(directory / kDumpName);
  nlohmann::json metadata = {{"apiVersion", "hivekeeper.io/v1"},
                             {"kind", "BackupSet"},
                             {"environment", "prod"},
                             {"prefix", "app"},
                             {"timestamp", "2026-11-24_031500"},
                             {"artifacts",
                              {{{"kind", "database"},
                                {"file", kDumpName},
                                {"bytes", digest.bytes},
                                {"sha256", digest.sha256}}}}};
  metadata.merge_patch(patch);
  hivekeeper::testing::write_file(directory / (kSet + ".json"), metadata.dump(2));
}

store::Verification verify(const TempDir& directory) {
  const store::LocalDirectoryStore store(directory.path());
  const auto sets = store::group_backup_sets(store.names());
  EXPECT_EQ(sets.size(), 1u);
  return verify_set(store, sets.at(0), directory.path(), std::nullopt);
}

TEST(VerifySet, AWholeSetPasses) {
  TempDir directory;
  write_gzip(directory / kDumpName, kVerifiedDump);
  write_metadata(directory);
  const auto result = verify(directory);
  EXPECT_TRUE(result.passed);
  EXPECT_THAT(result.problems, IsEmpty());
  EXPECT_EQ(result.set, kSet);
  EXPECT_EQ(result.by, "verify");
}

TEST(VerifySet, ADamagedStreamFailsNamingTheFile) {
  TempDir directory;
  write_gzip(directory / kDumpName, kVerifiedDump);
  write_metadata(directory);
  std::string bytes = hivekeeper::testing::read_file(directory / kDumpName);
  bytes[bytes.size() / 2] ^= 0x55;
  hivekeeper::testing::write_file(directory / kDumpName, bytes);
  const auto result = verify(directory);
  EXPECT_FALSE(result.passed);
  ASSERT_FALSE(result.problems.empty());
  EXPECT_THAT(result.problems[0], HasSubstr(kDumpName));
}

TEST(VerifySet, ADumpWithoutPgDumpsClosingLineFailsEvenWithMatchingChecksums) {
  TempDir directory;
  write_gzip(
      directory / kDumpName,
      kVerifiedDump.substr(0, kVerifiedDump.find("--\n-- PostgreSQL database dump complete")));
  write_metadata(directory);  // the checksums describe the cut file
  const auto result = verify(directory);
  EXPECT_FALSE(result.passed);
  EXPECT_THAT(result.problems, ElementsAre(AllOf(HasSubstr(kDumpName), HasSubstr("closing line"))));
}

TEST(VerifySet, MetadataThatDisagreesWithTheFilesOrTheNameFails) {
  TempDir directory;
  write_gzip(directory / kDumpName, kVerifiedDump);
  write_metadata(directory,
                 {{"prefix", "other"},
                  {"artifacts",
                   {{{"kind", "database"}, {"file", kDumpName}, {"bytes", 1}, {"sha256", "00"}},
                    {{"kind", "media"}, {"file", "app_prod_media_2026-11-24_031500.tgz"}}}}});
  const auto result = verify(directory);
  EXPECT_FALSE(result.passed);
  std::string all;
  for (const auto& problem : result.problems) all += problem + "\n";
  EXPECT_THAT(all, HasSubstr("says prefix other"));
  EXPECT_THAT(all, HasSubstr("lists app_prod_media_2026-11-24_031500.tgz, which is missing"));
  EXPECT_THAT(all, HasSubstr("recorded 1"));
  EXPECT_THAT(all, HasSubstr("sha256"));
}

TEST(VerifySet, ASeedMadeSetIsCheckedForItsStreamAlone) {
  TempDir directory;
  write_gzip(directory / kDumpName, kVerifiedDump);
  auto result = verify(directory);
  EXPECT_TRUE(result.passed);
  EXPECT_EQ(result.details.value("note", ""), "no metadata: streams checked, no checksums");
  write_gzip(directory / kDumpName, kVerifiedDump.substr(0, 40));
  result = verify(directory);
  EXPECT_FALSE(result.passed);
}

}  // namespace
}  // namespace hivekeeper::jobs
