// What a webhook is told, from the rendered status document: the versioned payload (job, phase,
// reason, message, hint, times, duration, artifacts with sizes, pruned sets, host) and the one
// line a Slack-compatible webhook shows.
#include "notify/payload.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "status/lifecycle.h"
#include "status/status.h"

namespace hivekeeper::notify {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

const json kManifest = {{"apiVersion", "hivekeeper.io/v1"},
                        {"kind", "BackupJob"},
                        {"metadata", {{"name", "nightly-prod"}}},
                        {"spec", {{"environment", "prod"}}}};

json succeeded_backup() {
  status::JobStatus job;
  status::mark_pending(job, "2026-11-30T03:15:00Z");
  status::mark_running(job, "2026-11-30T03:15:01Z");
  job.artifacts = {{"database", "/work/backups/django/beelab_prod_db_app.sql.gz", 851968, "ab"},
                   {"media", "/work/backups/django/beelab_prod_media.tgz", 4096, "cd"}};
  job.details["pruned"] = json::array({"beelab_prod_2026-11-01_031500"});
  job.details["peakMemoryBytes"] = 12345;
  status::mark_succeeded(job, "BackupSucceeded", "completed in 12.3 s", "2026-11-30T03:15:13Z");
  return status::render(kManifest, job);
}

json failed_backup() {
  status::JobStatus job;
  status::mark_pending(job, "2026-11-30T03:15:00Z");
  job.hint = "start it with `docker compose up -d db`";
  status::mark_failed(job, "DatabaseContainerNotRunning",
                      "database container beelab-db-1 is not running (state: exited)",
                      "2026-11-30T03:15:02Z");
  return status::render(kManifest, job);
}

TEST(NotificationPayload, ASuccessCarriesArtifactsDurationAndPruned) {
  const json payload = payload_for(succeeded_backup(), {"success", "prod", "node-7"});
  EXPECT_EQ(payload["apiVersion"], "hivekeeper.io/v1");
  EXPECT_EQ(payload["kind"], "JobNotification");
  EXPECT_EQ(payload["version"], 1);
  EXPECT_EQ(payload["event"], "success");
  EXPECT_EQ(payload["job"],
            json({{"name", "nightly-prod"}, {"kind", "BackupJob"}, {"environment", "prod"}}));
  EXPECT_EQ(payload["phase"], "Succeeded");
  EXPECT_EQ(payload["reason"], "BackupSucceeded");
  EXPECT_EQ(payload["message"], "completed in 12.3 s");
  EXPECT_EQ(payload["startTime"], "2026-11-30T03:15:00Z");
  EXPECT_EQ(payload["completionTime"], "2026-11-30T03:15:13Z");
  EXPECT_EQ(payload["durationSeconds"], 13);
  ASSERT_EQ(payload["artifacts"].size(), 2U);
  EXPECT_EQ(payload["artifacts"][0],
            json({{"kind", "database"},
                  {"path", "/work/backups/django/beelab_prod_db_app.sql.gz"},
                  {"bytes", 851968}}));
  EXPECT_EQ(payload["pruned"], json::array({"beelab_prod_2026-11-01_031500"}));
  EXPECT_EQ(payload["host"], "node-7");
  EXPECT_FALSE(payload.contains("hint"));
  EXPECT_FALSE(payload.contains("peakMemoryBytes"));
}

TEST(NotificationPayload, AFailureNamesItsReasonAndHint) {
  const json payload = payload_for(failed_backup(), {"failure", "prod", ""});
  EXPECT_EQ(payload["phase"], "Failed");
  EXPECT_EQ(payload["reason"], "DatabaseContainerNotRunning");
  EXPECT_EQ(payload["hint"], "start it with `docker compose up -d db`");
  EXPECT_EQ(payload["durationSeconds"], 2);
  EXPECT_EQ(payload["artifacts"], json::array());
  EXPECT_FALSE(payload.contains("host"));
  EXPECT_FALSE(payload.contains("pruned"));
}

TEST(NotificationPayload, AStartHasNoCompletionYet) {
  status::JobStatus job;
  status::mark_pending(job, "2026-11-30T03:15:00Z");
  status::mark_running(job, "2026-11-30T03:15:01Z");
  const json payload = payload_for(status::render(kManifest, job), {"start", "prod", "node-7"});
  EXPECT_EQ(payload["phase"], "Running");
  EXPECT_EQ(payload["reason"], "Started");
  EXPECT_FALSE(payload.contains("completionTime"));
  EXPECT_FALSE(payload.contains("durationSeconds"));
}

TEST(NotificationPayload, SecondsBetweenRfc3339Times) {
  EXPECT_EQ(seconds_between("2026-12-31T23:59:50Z", "2027-01-01T00:00:10Z"), 20);
  EXPECT_EQ(seconds_between("", "2027-01-01T00:00:10Z"), std::nullopt);
  EXPECT_EQ(seconds_between("2026-02-30T00:00:00Z", "2027-01-01T00:00:10Z"), std::nullopt);
  EXPECT_EQ(seconds_between("2026-01-01 00:00:00", "2027-01-01T00:00:10Z"), std::nullopt);
}

TEST(SlackText, OneLineForEachEvent) {
  EXPECT_EQ(slack_text(payload_for(succeeded_backup(), {"success", "prod", "node-7"})),
            "BackupJob nightly-prod (prod) succeeded on node-7 after 13 s: 2 artifacts, "
            "856064 bytes, 1 pruned");
  EXPECT_EQ(slack_text(payload_for(failed_backup(), {"failure", "prod", ""})),
            "BackupJob nightly-prod (prod) failed after 2 s: DatabaseContainerNotRunning: "
            "database container beelab-db-1 is not running (state: exited) Hint: start it with "
            "`docker compose up -d db`");
}

TEST(SlackText, BoundedAndOnOneLine) {
  status::JobStatus job;
  status::mark_failed(job, "DumpFailed", "pg_dump said:\n" + std::string(5000, 'x'),
                      "2026-11-30T03:15:02Z");
  const std::string text =
      slack_text(payload_for(status::render(kManifest, job), {"failure", "prod", ""}));
  EXPECT_EQ(text.size(), kSlackTextLimit);
  EXPECT_THAT(text, Not(HasSubstr("\n")));
  EXPECT_TRUE(text.ends_with("..."));
}

TEST(NotificationBody, JsonIsThePayloadAndSlackIsText) {
  const json payload = payload_for(failed_backup(), {"failure", "prod", ""});
  EXPECT_EQ(json::parse(body_for("json", payload)), payload);
  const json slack = json::parse(body_for("slack", payload));
  EXPECT_EQ(slack, json({{"text", slack_text(payload)}}));
}

}  // namespace
}  // namespace hivekeeper::notify
