// store/journal: the records a job writes before each change, read back by the job that
// recovers from a killed one: the format round-trips, a torn last line (the job died while
// writing it) and unknown records are skipped, and the writer replaces an old journal and
// removes only its own.
#include "store/journal.h"

#include <filesystem>
#include <optional>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/test_support.h"

namespace hivekeeper::store {
namespace {

using hivekeeper::testing::read_file;
using hivekeeper::testing::TempDir;
using hivekeeper::testing::write_file;
using ::testing::ElementsAre;

JournalJob restore_job() {
  return {"RestoreJob",
          "restore-prod",
          "status/restore-prod.json",
          "0123456789abcdef",
          true,
          "node-1",
          7,
          "2026-11-29T23:00:00Z"};
}

TEST(Journal, EveryRecordRoundTrips) {
  JournalMedia media{"beelab_media", "sha256:abc", "", ".hivekeeper-staging-X",
                     ".hivekeeper-old-X"};
  const std::string text = format_record(job_record(restore_job())) +
                           format_record(services_record("beelab", {"beelab-web-1"})) +
                           format_record(media_record(media)) +
                           format_record(swap_record(".hivekeeper-staging-X"));
  const JournalContents contents = parse_journal(text);
  ASSERT_TRUE(contents.job);
  EXPECT_EQ(contents.job->kind, "RestoreJob");
  EXPECT_EQ(contents.job->name, "restore-prod");
  EXPECT_EQ(contents.job->status_file, "status/restore-prod.json");
  EXPECT_EQ(contents.job->run, "0123456789abcdef");
  EXPECT_TRUE(contents.job->docker);
  EXPECT_EQ(contents.job->host, "node-1");
  EXPECT_EQ(contents.job->pid, 7);
  EXPECT_EQ(contents.project, "beelab");
  EXPECT_THAT(contents.stopped_containers, ElementsAre("beelab-web-1"));
  ASSERT_TRUE(contents.media);
  EXPECT_EQ(contents.media->volume, "beelab_media");
  EXPECT_EQ(contents.media->image, "sha256:abc");
  EXPECT_EQ(contents.media->staging, ".hivekeeper-staging-X");
  EXPECT_EQ(contents.media->old, ".hivekeeper-old-X");
  EXPECT_TRUE(contents.swap_began);
  EXPECT_EQ(contents.ignored_lines, 0u);
}

TEST(Journal, EachRecordIsOneLine) {
  const std::string line = format_record(swap_record("new\nline"));
  EXPECT_EQ(line.find('\n'), line.size() - 1);
}

TEST(Journal, DirectModeRecordsADirectoryAndNoServices) {
  JournalJob job = restore_job();
  job.docker = false;
  const JournalContents contents =
      parse_journal(format_record(job_record(job)) +
                    format_record(media_record(
                        {"", "", "/media", ".hivekeeper-staging-Y", ".hivekeeper-old-Y"})));
  ASSERT_TRUE(contents.job);
  EXPECT_FALSE(contents.job->docker);
  ASSERT_TRUE(contents.media);
  EXPECT_EQ(contents.media->volume, "");
  EXPECT_EQ(contents.media->directory, "/media");
  EXPECT_TRUE(contents.stopped_containers.empty());
  EXPECT_FALSE(contents.swap_began);
}

TEST(Journal, ATornLastLineAndUnknownRecordsAreSkipped) {
  const std::string whole = format_record(services_record("beelab", {"beelab-web-1"}));
  const std::string text = format_record(job_record(restore_job())) +
                           "{\"record\":\"future\",\"x\":1}\n" + "not json\n" +
                           whole.substr(0, whole.size() / 2);
  const JournalContents contents = parse_journal(text);
  ASSERT_TRUE(contents.job);
  EXPECT_TRUE(contents.stopped_containers.empty());
  EXPECT_EQ(contents.ignored_lines, 3u);
}

TEST(Journal, AnEmptyJournalSaysNothing) {
  const JournalContents contents = parse_journal("");
  EXPECT_FALSE(contents.job);
  EXPECT_FALSE(contents.media);
  EXPECT_EQ(contents.ignored_lines, 0u);
}

TEST(Journal, StatusFilesInsideTheDirectoryAreKeptRelative) {
  EXPECT_EQ(status_file_for_journal("/backups", "/backups/status/backup-prod.json"),
            "status/backup-prod.json");
  EXPECT_EQ(status_file_for_journal("/backups", "/elsewhere/status.json"),
            "/elsewhere/status.json");
  EXPECT_EQ(status_file_from_journal("/mnt/b", "status/backup-prod.json"),
            std::filesystem::path("/mnt/b/status/backup-prod.json"));
  EXPECT_EQ(status_file_from_journal("/mnt/b", "/elsewhere/status.json"),
            std::filesystem::path("/elsewhere/status.json"));
  EXPECT_EQ(status_file_from_journal("/mnt/b", ""), std::filesystem::path());
}

TEST(JournalWriter, ReplacesAnOldJournalAppendsAndRemovesItsOwnAtTheEnd) {
  TempDir dir;
  write_file(dir / kJournalFileName, "old journal\n");
  {
    JournalWriter writer(dir.path(), restore_job());
    writer.append(services_record("beelab", {"beelab-web-1"}));
    const auto text = read_journal(dir.path());
    ASSERT_TRUE(text);
    const JournalContents contents = parse_journal(*text);
    EXPECT_EQ(contents.ignored_lines, 0u);
    ASSERT_TRUE(contents.job);
    EXPECT_THAT(contents.stopped_containers, ElementsAre("beelab-web-1"));
  }
  EXPECT_FALSE(read_journal(dir.path()));
  EXPECT_FALSE(std::filesystem::exists(dir / kJournalFileName));
}

TEST(JournalWriter, LeavesAJournalThatIsNoLongerItsOwn) {
  TempDir dir;
  {
    JournalWriter writer(dir.path(), restore_job());
    // A later job, which took the directory after this one's lock file went, wrote its own.
    std::filesystem::remove(dir / kJournalFileName);
    write_file(dir / kJournalFileName, "the other job's journal\n");
  }
  EXPECT_EQ(read_file(dir / kJournalFileName), "the other job's journal\n");
}

TEST(JournalWriter, ADisabledWriterRecordsNothing) {
  TempDir dir;
  {
    JournalWriter writer;
    writer.append(services_record("beelab", {"beelab-web-1"}));
  }
  EXPECT_FALSE(read_journal(dir.path()));
}

TEST(Journal, RemovingAJournalThatIsGoneIsFine) {
  TempDir dir;
  write_file(dir / kJournalFileName, "x\n");
  remove_journal(dir.path());
  remove_journal(dir.path());
  EXPECT_FALSE(read_journal(dir.path()));
}

}  // namespace
}  // namespace hivekeeper::store

namespace hivekeeper::store {
namespace {

TEST(Journal, ADrillsScratchRecordRoundTrips) {
  const JournalScratch docker{"hk_drill_20261127_100405_a1b2c3",
                              "beelab-db-1",
                              "app",
                              "app",
                              "hk-drill-20261127-100405-a1b2c3",
                              ""};
  const std::string line = format_record(scratch_record(docker));
  EXPECT_EQ(line.find("directory"), std::string::npos);  // empty fields are left out
  const JournalContents contents = parse_journal(line);
  ASSERT_TRUE(contents.scratch);
  EXPECT_EQ(contents.scratch->database, "hk_drill_20261127_100405_a1b2c3");
  EXPECT_EQ(contents.scratch->container, "beelab-db-1");
  EXPECT_EQ(contents.scratch->user, "app");
  EXPECT_EQ(contents.scratch->connect_to, "app");
  EXPECT_EQ(contents.scratch->volume, "hk-drill-20261127-100405-a1b2c3");
  EXPECT_EQ(contents.scratch->directory, "");
  EXPECT_EQ(contents.ignored_lines, 0u);

  const JournalContents direct = parse_journal(format_record(
      scratch_record({"hk_drill_x", "", "app", "app", "", "/backups/.hivekeeper-drill-x"})));
  ASSERT_TRUE(direct.scratch);
  EXPECT_EQ(direct.scratch->container, "");
  EXPECT_EQ(direct.scratch->directory, "/backups/.hivekeeper-drill-x");
}

}  // namespace
}  // namespace hivekeeper::store

namespace hivekeeper::store {
namespace {

TEST(ParseJournal, APruneRecordNamesOnlyTheDirectorysOwnBackupFiles) {
  const std::string text =
      format_record(prune_record({"app_prod_2026-01-01_000000.json"})) +
      format_record(prune_record(
          {"app_prod_2026-01-02_000000.json", "app_prod_db_app_2026-01-02_000000.sql.gz",
           "verified/app_prod_2026-01-02_000000.json", "../app_prod_x.json", "/etc/passwd",
           "notes.txt", "verified/../app_prod_2026-01-02_000000.json", "status/prune-prod.json"}));
  // The later record replaces the earlier (that set was gone); hostile names are dropped.
  EXPECT_EQ(parse_journal(text).pruning,
            (std::vector<std::string>{"app_prod_2026-01-02_000000.json",
                                      "app_prod_db_app_2026-01-02_000000.sql.gz",
                                      "verified/app_prod_2026-01-02_000000.json"}));
}

}  // namespace
}  // namespace hivekeeper::store
