// Backup file names, exactly as the seed's scripts wrote them, so old backups keep restoring.
#include "store/naming.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace hivekeeper::store {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;

// 2026-11-24 03:15:00.789 UTC: the fraction must not show up anywhere.
const Clock::time_point kWhen = sys_days{2026y / November / 24} + 3h + 15min + 789ms;

TEST(BackupTimestamp, IsUtcDateUnderscoreTimeWithoutSeparators) {
  EXPECT_EQ(backup_timestamp(kWhen), "2026-11-24_031500");
  EXPECT_EQ(backup_timestamp(sys_days{2027y / January / 2} + 23h + 4min + 5s), "2027-01-02_230405");
}

TEST(Rfc3339, IsUtcWithZAndWholeSeconds) {
  EXPECT_EQ(rfc3339(kWhen), "2026-11-24T03:15:00Z");
  EXPECT_EQ(rfc3339(sys_days{2027y / January / 2} + 23h + 4min + 5s + 999ms),
            "2027-01-02T23:04:05Z");
}

TEST(BackupFileNames, MatchTheSeedScripts) {
  const BackupFileNames names =
      backup_file_names("beelab", manifest::Environment::prod, "app", backup_timestamp(kWhen));
  EXPECT_EQ(names.database, "beelab_prod_db_app_2026-11-24_031500.sql.gz");
  EXPECT_EQ(names.media, "beelab_prod_media_2026-11-24_031500.tgz");
  EXPECT_EQ(names.metadata, "beelab_prod_2026-11-24_031500.json");
}

TEST(BackupFileNames, DevEnvironmentAndOtherDatabase) {
  const BackupFileNames names =
      backup_file_names("beelab.eu", manifest::Environment::dev, "beefont", "2027-01-02_230405");
  EXPECT_EQ(names.database, "beelab.eu_dev_db_beefont_2027-01-02_230405.sql.gz");
  EXPECT_EQ(names.media, "beelab.eu_dev_media_2027-01-02_230405.tgz");
  EXPECT_EQ(names.metadata, "beelab.eu_dev_2027-01-02_230405.json");
}

TEST(BackupFileNames, PreRestoreSafetyBackupPutsTheMarkAfterTheEnvironment) {
  const BackupFileNames names = backup_file_names("beelab", manifest::Environment::prod, "app",
                                                  "2026-11-24_031500", /*pre_restore=*/true);
  EXPECT_EQ(names.database, "beelab_prod_pre-restore_db_app_2026-11-24_031500.sql.gz");
  EXPECT_EQ(names.media, "beelab_prod_pre-restore_media_2026-11-24_031500.tgz");
  EXPECT_EQ(names.metadata, "beelab_prod_pre-restore_2026-11-24_031500.json");
}

TEST(BackupFileNames, ZstdEndsInSqlZstAndTarZst) {
  const BackupFileNames names =
      backup_file_names("beelab", manifest::Environment::prod, "app", "2026-11-24_031500", false,
                        archive::Compression::zstd, archive::Compression::zstd);
  EXPECT_EQ(names.database, "beelab_prod_db_app_2026-11-24_031500.sql.zst");
  EXPECT_EQ(names.media, "beelab_prod_media_2026-11-24_031500.tar.zst");
  EXPECT_EQ(names.metadata, "beelab_prod_2026-11-24_031500.json");
}

TEST(ParseBackupFileName, TakesZstdFilesApartPlainOrEncrypted) {
  const auto database = parse_backup_file_name("beelab_prod_db_app_2026-11-24_031500.sql.zst");
  ASSERT_TRUE(database.has_value());
  EXPECT_EQ(database->kind, ArtifactKind::database);
  EXPECT_EQ(database->database, "app");
  EXPECT_FALSE(database->encrypted);
  const auto media = parse_backup_file_name("beelab_prod_media_2026-11-24_031500.tar.zst.age");
  ASSERT_TRUE(media.has_value());
  EXPECT_EQ(media->kind, ArtifactKind::media);
  EXPECT_EQ(media->timestamp, "2026-11-24_031500");
  EXPECT_TRUE(media->encrypted);
  EXPECT_FALSE(parse_backup_file_name("beelab_prod_db_app_2026-11-24_031500.sql.zstd"));
  EXPECT_FALSE(parse_backup_file_name("beelab_prod_media_2026-11-24_031500.zst"));
}

TEST(ParseBackupFileName, TakesADatabaseFileApart) {
  const auto parsed = parse_backup_file_name("beelab_prod_db_app_2026-11-24_031500.sql.gz");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->prefix, "beelab");
  EXPECT_EQ(parsed->environment, manifest::Environment::prod);
  EXPECT_FALSE(parsed->pre_restore);
  EXPECT_EQ(parsed->kind, ArtifactKind::database);
  EXPECT_EQ(parsed->database, "app");
  EXPECT_EQ(parsed->timestamp, "2026-11-24_031500");
}

TEST(ParseBackupFileName, TakesMediaAndMetadataFilesApart) {
  const auto media = parse_backup_file_name("beelab.eu_dev_media_2027-01-02_230405.tgz");
  ASSERT_TRUE(media.has_value());
  EXPECT_EQ(media->prefix, "beelab.eu");
  EXPECT_EQ(media->environment, manifest::Environment::dev);
  EXPECT_EQ(media->kind, ArtifactKind::media);
  EXPECT_EQ(media->database, "");
  EXPECT_EQ(media->timestamp, "2027-01-02_230405");

  const auto metadata = parse_backup_file_name("beelab_prod_pre-restore_2026-11-24_031500.json");
  ASSERT_TRUE(metadata.has_value());
  EXPECT_EQ(metadata->prefix, "beelab");
  EXPECT_TRUE(metadata->pre_restore);
  EXPECT_EQ(metadata->kind, ArtifactKind::metadata);
  EXPECT_EQ(metadata->timestamp, "2026-11-24_031500");
}

TEST(ParseBackupFileName, RecognisesArtifactsEncryptedWithAge) {
  const auto database = parse_backup_file_name("beelab_prod_db_app_2026-11-24_031500.sql.gz.age");
  ASSERT_TRUE(database.has_value());
  EXPECT_TRUE(database->encrypted);
  EXPECT_EQ(database->kind, ArtifactKind::database);
  EXPECT_EQ(database->database, "app");
  const auto media = parse_backup_file_name("beelab_prod_media_2026-11-24_031500.tgz.age");
  ASSERT_TRUE(media.has_value());
  EXPECT_TRUE(media->encrypted);
  EXPECT_EQ(media->kind, ArtifactKind::media);
  EXPECT_EQ(metadata_file_name(*media), "beelab_prod_2026-11-24_031500.json");
  EXPECT_FALSE(parse_backup_file_name("beelab_prod_db_app_2026-11-24_031500.sql.gz")->encrypted);
  EXPECT_FALSE(parse_backup_file_name("beelab_prod_2026-11-24_031500.json.age").has_value());
}

TEST(ParseBackupFileName, RecognisesSafetyBackups) {
  const auto parsed =
      parse_backup_file_name("beelab_dev_pre-restore_db_app_2026-11-24_031500.sql.gz");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_TRUE(parsed->pre_restore);
  EXPECT_EQ(parsed->environment, manifest::Environment::dev);
  EXPECT_EQ(parsed->database, "app");
}

TEST(ParseBackupFileName, DatabaseNamesMayHoldUnderscoresAndEnvironmentWords) {
  const auto parsed = parse_backup_file_name("beelab_prod_db_my_dev_db_2026-11-24_031500.sql.gz");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->prefix, "beelab");
  EXPECT_EQ(parsed->environment, manifest::Environment::prod);
  EXPECT_EQ(parsed->database, "my_dev_db");
}

TEST(ParseBackupFileName, RejectsOtherNames) {
  for (const char* name : {
           "", "notes.txt",
           "beelab_staging_db_app_2026-11-24_031500.sql.gz",  // unknown environment
           "beelab_prod_db_app_2026-11-24_0315.sql.gz",       // short timestamp
           "beelab_prod_db_app_2026-11-24_031500.sql",        // not gzipped
           "beelab_prod_media_2026-11-24_031500.tar.gz",
           ".beelab_prod_db_app_2026-11-24_031500.sql.gz.partial-123",
           "beelab_prod_db_app_2026-11-24_031500.sql.gz.partial-123",
           "_prod_db_app_2026-11-24_031500.sql.gz",  // no prefix
       })
    EXPECT_FALSE(parse_backup_file_name(name).has_value()) << name;
}

TEST(MetadataFileName, NamesTheSetOfADatabaseOrMediaFile) {
  const auto database = parse_backup_file_name("beelab_prod_db_app_2026-11-24_031500.sql.gz");
  ASSERT_TRUE(database.has_value());
  EXPECT_EQ(metadata_file_name(*database), "beelab_prod_2026-11-24_031500.json");
  const auto media = parse_backup_file_name("beelab_dev_media_2027-01-02_230405.tgz");
  ASSERT_TRUE(media.has_value());
  EXPECT_EQ(metadata_file_name(*media), "beelab_dev_2027-01-02_230405.json");
}

TEST(MetadataFileName, SafetyBackupsHaveTheirOwnSet) {
  const auto parsed = parse_backup_file_name("beelab_prod_pre-restore_media_2026-11-24_031500.tgz");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(metadata_file_name(*parsed), "beelab_prod_pre-restore_2026-11-24_031500.json");
}

const std::vector<std::string> kNamingListing = {
    "beelab_prod_db_app_2026-11-23_031500.sql.gz",
    "beelab_prod_db_app_2026-11-24_031500.sql.gz",  // newest regular prod database
    "beelab_prod_db_app_2026-11-22_235959.sql.gz",
    "beelab_prod_pre-restore_db_app_2026-11-25_080000.sql.gz",   // safety backup
    "beelab_dev_db_app_2026-11-26_000000.sql.gz",                // other environment
    "other_prod_db_app_2026-11-27_000000.sql.gz",                // other prefix
    ".beelab_prod_db_app_2026-11-28_000000.sql.gz.partial-123",  // still being written
    "beelab_prod_media_2026-11-23_031500.tgz",
    "beelab_prod_media_2026-11-20_031500.tgz",
    "beelab_prod_2026-11-24_031500.json",
    "README.md",
};

TEST(NewestBackup, PicksTheNewestTimestampOfTheKind) {
  EXPECT_EQ(
      newest_backup(kNamingListing, "beelab", manifest::Environment::prod, ArtifactKind::database),
      "beelab_prod_db_app_2026-11-24_031500.sql.gz");
  EXPECT_EQ(
      newest_backup(kNamingListing, "beelab", manifest::Environment::prod, ArtifactKind::media),
      "beelab_prod_media_2026-11-23_031500.tgz");
}

TEST(NewestBackup, IgnoresSafetyBackupsOtherEnvironmentsPrefixesAndPartialFiles) {
  EXPECT_EQ(
      newest_backup(kNamingListing, "beelab", manifest::Environment::dev, ArtifactKind::database),
      "beelab_dev_db_app_2026-11-26_000000.sql.gz");
  EXPECT_EQ(
      newest_backup(kNamingListing, "other", manifest::Environment::prod, ArtifactKind::database),
      "other_prod_db_app_2026-11-27_000000.sql.gz");
  EXPECT_EQ(
      newest_backup(kNamingListing, "beelab", manifest::Environment::dev, ArtifactKind::media),
      std::nullopt);
  EXPECT_EQ(newest_backup({"beelab_prod_pre-restore_db_app_2026-11-25_080000.sql.gz",
                           ".beelab_prod_db_app_2026-11-28_000000.sql.gz.partial-123"},
                          "beelab", manifest::Environment::prod, ArtifactKind::database),
            std::nullopt);
}

TEST(NewestBackup, TakesGzipAndZstdSetsAlike) {
  const std::vector<std::string> names = {
      "beelab_prod_db_app_2026-11-23_031500.sql.gz", "beelab_prod_db_app_2026-11-24_031500.sql.zst",
      "beelab_prod_media_2026-11-23_031500.tgz", "beelab_prod_media_2026-11-24_031500.tar.zst"};
  EXPECT_EQ(newest_backup(names, "beelab", manifest::Environment::prod, ArtifactKind::database),
            "beelab_prod_db_app_2026-11-24_031500.sql.zst");
  EXPECT_EQ(newest_backup(names, "beelab", manifest::Environment::prod, ArtifactKind::media),
            "beelab_prod_media_2026-11-24_031500.tar.zst");
}

TEST(NewestBackup, DoesNotDependOnTheListingOrder) {
  std::vector<std::string> reversed(kNamingListing.rbegin(), kNamingListing.rend());
  EXPECT_EQ(newest_backup(reversed, "beelab", manifest::Environment::prod, ArtifactKind::database),
            "beelab_prod_db_app_2026-11-24_031500.sql.gz");
}

TEST(NewestBackup, NothingInAnEmptyDirectory) {
  EXPECT_EQ(newest_backup({}, "beelab", manifest::Environment::prod, ArtifactKind::database),
            std::nullopt);
}

}  // namespace
}  // namespace hivekeeper::store
