// The job status: the manifest echoed with a Kubernetes-style status block, the one-line summary,
// and the status file that a reader never sees half-written.
#include "status/status.h"

#include <atomic>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/test_support.h"

namespace hivekeeper::status {
namespace {

using hivekeeper::testing::mode_of;
using hivekeeper::testing::read_file;
using hivekeeper::testing::TempDir;
using nlohmann::json;

const json kManifest = json::parse(R"({"apiVersion": "hivekeeper.io/v1", "kind": "BackupJob",
    "metadata": {"name": "nightly-prod"}, "spec": {"environment": "prod", "media": {"enabled": true}}})");

TEST(Phase, Names) {
  EXPECT_EQ(to_string(Phase::Pending), "Pending");
  EXPECT_EQ(to_string(Phase::Running), "Running");
  EXPECT_EQ(to_string(Phase::Succeeded), "Succeeded");
  EXPECT_EQ(to_string(Phase::Failed), "Failed");
}

TEST(Render, PendingJobHasOnlyPhaseAndEmptyLists) {
  const json document = render(kManifest, JobStatus{});
  json expected = kManifest;
  expected["status"] = {
      {"phase", "Pending"}, {"artifacts", json::array()}, {"conditions", json::array()}};
  EXPECT_EQ(document, expected);
}

TEST(Render, EchoesTheManifestWithTheWholeStatusBlock) {
  JobStatus status;
  status.phase = Phase::Succeeded;
  status.start_time = "2026-11-24T03:15:00Z";
  status.completion_time = "2026-11-24T03:15:12Z";
  status.message = "completed in 12.3 s";
  status.artifacts = {
      {"database", "backups/django/beelab_prod_db_app_2026-11-24_031500.sql.gz", 1234, "ab12"},
      {"media", "backups/django/beelab_prod_media_2026-11-24_031500.tgz", 5678, "cd34"}};
  status.conditions = {
      {"Running", "False", "Completed", "completed in 12.3 s", "2026-11-24T03:15:12Z"},
      {"Complete", "True", "BackupSucceeded", "completed in 12.3 s", "2026-11-24T03:15:12Z"}};
  status.details["peakMemoryBytes"] = 52428800;
  json expected = kManifest;
  expected["status"] = json::parse(R"({
    "phase": "Succeeded",
    "startTime": "2026-11-24T03:15:00Z",
    "completionTime": "2026-11-24T03:15:12Z",
    "message": "completed in 12.3 s",
    "artifacts": [
      {"kind": "database", "path": "backups/django/beelab_prod_db_app_2026-11-24_031500.sql.gz", "bytes": 1234,
       "sha256": "ab12"},
      {"kind": "media", "path": "backups/django/beelab_prod_media_2026-11-24_031500.tgz", "bytes": 5678,
       "sha256": "cd34"}
    ],
    "conditions": [
      {"type": "Running", "status": "False", "reason": "Completed", "message": "completed in 12.3 s",
       "lastTransitionTime": "2026-11-24T03:15:12Z"},
      {"type": "Complete", "status": "True", "reason": "BackupSucceeded", "message": "completed in 12.3 s",
       "lastTransitionTime": "2026-11-24T03:15:12Z"}
    ],
    "peakMemoryBytes": 52428800
  })");
  EXPECT_EQ(render(kManifest, status), expected);
}

TEST(Render, AFailedJobCarriesWhatToDo) {
  JobStatus status;
  status.phase = Phase::Failed;
  status.message = "database container beelab-db-1 is not running";
  status.hint = "docker compose up -d db";
  EXPECT_EQ(render(kManifest, status)["status"]["hint"], "docker compose up -d db");
  status.hint.clear();
  EXPECT_FALSE(render(kManifest, status)["status"].contains("hint"));
}

TEST(Render, ReplacesAStatusTheManifestAlreadyHad) {
  json manifest = kManifest;
  manifest["status"] = {{"phase", "Failed"}, {"message", "old run"}};
  const json document = render(manifest, JobStatus{});
  EXPECT_EQ(document["status"]["phase"], "Pending");
  EXPECT_FALSE(document["status"].contains("message"));
}

TEST(SetCondition, KeepsTheTransitionTimeWhileTheStatusIsUnchanged) {
  std::vector<Condition> conditions;
  set_condition(conditions,
                {"Running", "True", "Started", "the job is running", "2026-11-24T03:15:00Z"});
  set_condition(conditions, {"Running", "True", "DumpingDatabase", "pg_dump is running",
                             "2026-11-24T03:15:05Z"});
  ASSERT_EQ(conditions.size(), 1u);
  EXPECT_EQ(conditions[0].reason, "DumpingDatabase");
  EXPECT_EQ(conditions[0].message, "pg_dump is running");
  EXPECT_EQ(conditions[0].last_transition_time, "2026-11-24T03:15:00Z");
}

TEST(SetCondition, TakesTheNewTimeWhenTheStatusChanges) {
  std::vector<Condition> conditions;
  set_condition(conditions,
                {"Running", "False", "Pending", "waiting to start", "2026-11-24T03:14:59Z"});
  set_condition(conditions,
                {"Running", "True", "Started", "the job is running", "2026-11-24T03:15:00Z"});
  ASSERT_EQ(conditions.size(), 1u);
  EXPECT_EQ(conditions[0].status, "True");
  EXPECT_EQ(conditions[0].last_transition_time, "2026-11-24T03:15:00Z");
}

TEST(SetCondition, AddsOtherTypesInOrder) {
  std::vector<Condition> conditions;
  set_condition(conditions, {"Running", "False", "Failed", "boom", "t1"});
  set_condition(conditions, {"Failed", "True", "DatabaseContainerNotRunning", "boom", "t1"});
  ASSERT_EQ(conditions.size(), 2u);
  EXPECT_EQ(conditions[0].type, "Running");
  EXPECT_EQ(conditions[1].type, "Failed");
}

TEST(SummaryLine, SucceededCountsArtifactsAndBytes) {
  JobStatus status;
  status.phase = Phase::Succeeded;
  status.message = "completed in 12.3 s";
  status.artifacts = {{"database", "a", 1000, ""}, {"media", "b", 234, ""}};
  EXPECT_EQ(summary_line("BackupJob", "nightly-prod", status),
            "BackupJob nightly-prod Succeeded: 2 artifacts, 1234 bytes (completed in 12.3 s)");
}

TEST(SummaryLine, OneArtifactIsSingular) {
  JobStatus status;
  status.phase = Phase::Succeeded;
  status.artifacts = {{"database", "a", 42, ""}};
  EXPECT_EQ(summary_line("BackupJob", "db", status),
            "BackupJob db Succeeded: 1 artifact, 42 bytes");
}

TEST(SummaryLine, FailedShowsTheMessage) {
  JobStatus status;
  status.phase = Phase::Failed;
  status.message = "database container beelab-db-1 is not running (state: exited)";
  EXPECT_EQ(summary_line("BackupJob", "nightly-prod", status),
            "BackupJob nightly-prod Failed: database container beelab-db-1 is not running (state: "
            "exited)");
}

TEST(SummaryLine, RunningWithoutMessage) {
  JobStatus status;
  status.phase = Phase::Running;
  EXPECT_EQ(summary_line("BackupJob", "nightly-prod", status), "BackupJob nightly-prod Running");
}

TEST(TerminationMessage, WholeStatusWithoutTheSpecWhenItFits) {
  JobStatus status;
  status.phase = Phase::Succeeded;
  status.message = "completed in 3.2 s";
  status.artifacts.push_back({"database", "/backups/b.sql.gz", 1234, std::string(64, 'a')});
  status.details["database"] = {{"name", "app"}};
  const std::string text = termination_message(kManifest, status);
  const json message = json::parse(text);
  EXPECT_EQ(text.find('\n'), std::string::npos);
  EXPECT_EQ(message["kind"], "BackupJob");
  EXPECT_EQ(message["metadata"], json({{"name", "nightly-prod"}}));
  EXPECT_FALSE(message.contains("spec"));
  EXPECT_EQ(message["status"], render(json::object(), status)["status"]);
}

TEST(TerminationMessage, DropsTheDetailsAndThenTheListsToStayUnder4096Bytes) {
  JobStatus status;
  status.phase = Phase::Failed;
  status.message = "restore failed: " + std::string(1500, 'x');
  set_condition(status.conditions,
                {"Failed", "True", "RestoreSqlFailed", status.message, "2026-11-27T10:00:00Z"});
  status.details["otherSessions"] = json::array();
  for (int i = 0; i < 100; ++i) status.details["otherSessions"].push_back({{"pid", i}});
  const json without_details = json::parse(termination_message(kManifest, status));
  EXPECT_FALSE(without_details["status"].contains("otherSessions"));
  EXPECT_EQ(without_details["status"]["phase"], "Failed");
  // Only the details went: the conditions and the whole message stay.
  EXPECT_FALSE(without_details["status"].contains("truncated"));
  EXPECT_EQ(without_details["status"]["conditions"].size(), 1u);
  EXPECT_EQ(without_details["status"]["message"], status.message);

  status.message = std::string(5000, 'y');  // too long even alone: cut, and said so
  status.hint = "restore another backup";
  const std::string text = termination_message(kManifest, status);
  EXPECT_LE(text.size(), kTerminationMessageLimit);
  const json minimal = json::parse(text);
  EXPECT_EQ(minimal["status"]["reason"], "RestoreSqlFailed");
  EXPECT_EQ(minimal["status"]["hint"], "restore another backup");
  EXPECT_EQ(minimal["status"]["truncated"], true);
}

TEST(StatusReporter, WritesTheRenderedStatusAndCreatesTheDirectory) {
  TempDir dir;
  StatusReporter reporter(dir / "status/nightly-prod.json", kManifest);
  reporter.update([](JobStatus& job) {
    job.phase = Phase::Running;
    job.start_time = "2026-11-24T03:15:00Z";
  });
  const json written = json::parse(read_file(dir / "status/nightly-prod.json"));
  EXPECT_EQ(written, render(kManifest, reporter.snapshot()));
  EXPECT_EQ(written["status"]["phase"], "Running");
  EXPECT_EQ(written["status"]["startTime"], "2026-11-24T03:15:00Z");
  EXPECT_EQ(dir.names(), std::vector<std::string>{"status"});
}

// A failed restore's message may name an archive entry that is not UTF-8; the Failed status must
// still be written (nlohmann::json refuses to dump invalid UTF-8 unless told to replace it).
TEST(StatusReporter, AMessageThatIsNotUtf8IsStillWritten) {
  TempDir dir;
  StatusReporter reporter(dir / "status/restore.json", kManifest);
  reporter.update([](JobStatus& job) {
    job.phase = Phase::Failed;
    job.message = "unsafe entry uploads/\xff\xfe.png";
  });
  const json written = json::parse(read_file(dir / "status/restore.json"));
  EXPECT_EQ(written["status"]["phase"], "Failed");
  EXPECT_EQ(written["status"]["message"], "unsafe entry uploads/\xEF\xBF\xBD\xEF\xBF\xBD.png");
  EXPECT_EQ(mode_of(dir / "status"), 0700u);
  EXPECT_EQ(mode_of(dir / "status/restore.json"), 0600u);
}

TEST(StatusReporter, FileIsCompleteJsonAfterEveryUpdateEvenToAConcurrentReader) {
  TempDir dir;
  const auto path = dir / "status.json";
  StatusReporter reporter(path, kManifest);
  reporter.update([](JobStatus& job) { job.phase = Phase::Pending; });
  std::atomic<bool> done = false;
  std::atomic<int> reads = 0;
  std::atomic<int> broken = 0;
  std::thread reader([&] {
    while (!done) {
      const std::string text = read_file(path);
      ++reads;
      if (!json::accept(text)) ++broken;
    }
  });
  for (int i = 0; i < 200; ++i) {
    reporter.update([i](JobStatus& job) {
      job.phase = Phase::Running;
      job.message =
          std::string(static_cast<std::size_t>(i * 50), 'x');  // the file grows and shrinks
      set_condition(job.conditions, {"Running", "True", "Step" + std::to_string(i), "", "t"});
    });
    const json written = json::parse(read_file(path));
    EXPECT_EQ(written["status"]["conditions"][0]["reason"], "Step" + std::to_string(i));
  }
  done = true;
  reader.join();
  EXPECT_GT(reads.load(), 0);
  EXPECT_EQ(broken.load(), 0);
  EXPECT_EQ(dir.names(), std::vector<std::string>{"status.json"});  // no temporaries left behind
}

// A full disk must not hide the job's real outcome: the failure to write is logged, not thrown.
TEST(StatusReporter, UnwritablePathDoesNotThrowAndKeepsTheStatus) {
  StatusReporter reporter("/proc/hivekeeper-cannot-write-here/status.json", kManifest);
  reporter.update([](JobStatus& job) { job.phase = Phase::Failed; });
  EXPECT_EQ(reporter.snapshot().phase, Phase::Failed);
  EXPECT_FALSE(std::filesystem::exists("/proc/hivekeeper-cannot-write-here"));
}

}  // namespace
}  // namespace hivekeeper::status
