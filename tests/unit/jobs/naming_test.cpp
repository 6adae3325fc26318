// Backup file names, exactly as the seed's scripts wrote them, so old backups keep restoring.
#include "jobs/naming.h"

#include <gtest/gtest.h>

namespace hivekeeper::jobs {
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

}  // namespace
}  // namespace hivekeeper::jobs
