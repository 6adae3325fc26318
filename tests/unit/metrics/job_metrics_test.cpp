// A job's metrics from its rendered status document, for each kind: the times, the result and
// its reason, sizes per artifact, rows, the drill's verdict and restore time, sets pruned, peak
// memory; and a failure that keeps the last success it is given.
#include "metrics/job_metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "status/lifecycle.h"
#include "status/status.h"

namespace hivekeeper::metrics {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr double kJobStart = 1764472500;  // 2025-11-30T03:15:00Z

json job_document(const std::string& kind, bool ok, const json& details = json::object(),
                  std::vector<status::Artifact> artifacts = {}) {
  status::JobStatus job;
  status::mark_pending(job, "2025-11-30T03:15:00Z");
  status::mark_running(job, "2025-11-30T03:15:00Z");
  job.artifacts = std::move(artifacts);
  job.details = details;
  if (ok)
    status::mark_succeeded(job, "Done", "completed", "2025-11-30T03:15:42Z");
  else
    status::mark_failed(job, "DatabaseUnreachable", "no database", "2025-11-30T03:15:42Z");
  return status::render({{"kind", kind}, {"metadata", {{"name", "nightly"}}}}, job);
}

std::string job_text(const json& document, std::optional<double> carried = std::nullopt) {
  return render_text(
      job_metrics(document, identity_labels({"nightly", "BackupJob", "prod"}), carried));
}

const std::string kJobLabels = R"({hivekeeper_job="nightly",kind="BackupJob",environment="prod"})";

TEST(JobMetrics, ReadsRfc3339Times) {
  EXPECT_EQ(epoch_seconds("2025-11-30T03:15:00Z"), kJobStart);
  EXPECT_EQ(epoch_seconds("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(epoch_seconds("2025-02-30T03:15:00Z"), std::nullopt);
  EXPECT_EQ(epoch_seconds("2025-11-30 03:15:00"), std::nullopt);
  EXPECT_EQ(epoch_seconds(""), std::nullopt);
}

TEST(JobMetrics, ASuccessfulBackup) {
  const json details = {{"database", {{"name", "app"}, {"tables", 3}, {"rows", 1200}}},
                        {"pruned", {"a", "b"}},
                        {"peakMemoryBytes", 31457280}};
  const std::string text = job_text(job_document("BackupJob", true, details,
                                                 {{"database", "db.sql.gz", 1000, "x"},
                                                  {"media", "m.tgz", 5000, "y"},
                                                  {"metadata", "m.json", 300, "z"}}));
  EXPECT_THAT(
      text, HasSubstr("hivekeeper_last_attempt_timestamp_seconds" + kJobLabels + " 1764472500\n"));
  EXPECT_THAT(
      text, HasSubstr("hivekeeper_last_success_timestamp_seconds" + kJobLabels + " 1764472542\n"));
  EXPECT_THAT(
      text,
      HasSubstr(
          R"(hivekeeper_last_result{hivekeeper_job="nightly",kind="BackupJob",environment="prod",reason="Done"} 1)"));
  EXPECT_THAT(text, HasSubstr("hivekeeper_duration_seconds" + kJobLabels + " 42\n"));
  EXPECT_THAT(text, HasSubstr(R"(environment="prod",artifact="database"} 1000)"));
  EXPECT_THAT(text, HasSubstr(R"(environment="prod",artifact="media"} 5000)"));
  EXPECT_THAT(text, HasSubstr(R"(environment="prod",artifact="metadata"} 300)"));
  EXPECT_THAT(text, HasSubstr("hivekeeper_database_rows" + kJobLabels + " 1200\n"));
  EXPECT_THAT(text, HasSubstr("hivekeeper_sets_pruned" + kJobLabels + " 2\n"));
  EXPECT_THAT(text, HasSubstr("hivekeeper_peak_memory_bytes" + kJobLabels + " 31457280\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE hivekeeper_last_result gauge\n"));
  EXPECT_THAT(text, HasSubstr("# HELP hivekeeper_artifact_bytes "));
  EXPECT_THAT(text, Not(HasSubstr("hivekeeper_drill_passed")));
  EXPECT_THAT(text, Not(HasSubstr("hivekeeper_verify_passed")));
}

TEST(JobMetrics, AFailedBackupKeepsTheLastSuccessItIsGiven) {
  const std::string text = job_text(job_document("BackupJob", false), 1764400000);
  EXPECT_THAT(
      text, HasSubstr("hivekeeper_last_success_timestamp_seconds" + kJobLabels + " 1764400000\n"));
  EXPECT_THAT(text, HasSubstr(R"(reason="DatabaseUnreachable"} 0)"));
  EXPECT_THAT(
      text, HasSubstr("hivekeeper_last_attempt_timestamp_seconds" + kJobLabels + " 1764472500\n"));
  EXPECT_THAT(text, Not(HasSubstr("hivekeeper_artifact_bytes")));
}

TEST(JobMetrics, AFailedRunWithNothingCarriedLeavesTheLastSuccessOut) {
  EXPECT_THAT(job_text(job_document("BackupJob", false)),
              Not(HasSubstr("hivekeeper_last_success_timestamp_seconds")));
}

TEST(JobMetrics, TheDurationIsTheRunnersOwnMeasureWhenTheStatusHasIt) {
  // The status's times are whole seconds (42 s apart); the runner measured 41.637 s.
  EXPECT_THAT(job_text(job_document("BackupJob", true, {{"durationSeconds", 41.637}})),
              HasSubstr("hivekeeper_duration_seconds" + kJobLabels + " 41.637\n"));
  EXPECT_THAT(job_text(job_document("BackupJob", false, {{"durationSeconds", 0.25}})),
              HasSubstr("hivekeeper_duration_seconds" + kJobLabels + " 0.25\n"));
  // Preferred to a drill's own total, which leaves out the run around the drill.
  EXPECT_THAT(
      job_text(job_document("DrillJob", true,
                            {{"durationSeconds", 21.5}, {"timings", {{"totalSeconds", 20}}}})),
      HasSubstr("hivekeeper_duration_seconds" + kJobLabels + " 21.5\n"));
  // An older status without it, or with something else there: the times.
  EXPECT_THAT(job_text(job_document("BackupJob", true, {{"durationSeconds", "fast"}})),
              HasSubstr("hivekeeper_duration_seconds" + kJobLabels + " 42\n"));
}

TEST(JobMetrics, ARestoreHasItsRowCounts) {
  const json details = {{"database", {{"rowCounts", {{"tables", 3}, {"rows", 77}}}}}};
  const std::string text = job_text(job_document("RestoreJob", true, details));
  EXPECT_THAT(text, HasSubstr("hivekeeper_database_rows" + kJobLabels + " 77\n"));
  EXPECT_THAT(text, Not(HasSubstr("hivekeeper_sets_pruned")));
}

TEST(JobMetrics, ADrillHasItsVerdictAndRestoreTime) {
  const json details = {{"passed", true},
                        {"timings", {{"restoreSeconds", 12.5}, {"totalSeconds", 20.25}}},
                        {"database", {{"rowCounts", {{"rows", 5}}}}}};
  const std::string text = job_text(job_document("DrillJob", true, details));
  EXPECT_THAT(text, HasSubstr("hivekeeper_drill_passed" + kJobLabels + " 1\n"));
  EXPECT_THAT(text, HasSubstr("hivekeeper_drill_restore_seconds" + kJobLabels + " 12.5\n"));
  EXPECT_THAT(text, HasSubstr("hivekeeper_duration_seconds" + kJobLabels + " 20.25\n"));
  EXPECT_THAT(text, HasSubstr("hivekeeper_database_rows" + kJobLabels + " 5\n"));
}

TEST(JobMetrics, AFailedDrillSaysSo) {
  const std::string failed_checks = job_text(
      job_document("DrillJob", false, {{"passed", false}, {"timings", {{"restoreSeconds", 3}}}}));
  EXPECT_THAT(failed_checks, HasSubstr("hivekeeper_drill_passed" + kJobLabels + " 0\n"));
  EXPECT_THAT(failed_checks, HasSubstr("hivekeeper_drill_restore_seconds" + kJobLabels + " 3\n"));
  // A drill that failed before its checks (no set to drill) did not pass either.
  EXPECT_THAT(job_text(job_document("DrillJob", false)),
              HasSubstr("hivekeeper_drill_passed" + kJobLabels + " 0\n"));
}

TEST(JobMetrics, VerifyAndPrune) {
  EXPECT_THAT(job_text(job_document("Verify", true)),
              HasSubstr("hivekeeper_verify_passed" + kJobLabels + " 1\n"));
  EXPECT_THAT(job_text(job_document("Verify", false)),
              HasSubstr("hivekeeper_verify_passed" + kJobLabels + " 0\n"));
  EXPECT_THAT(job_text(job_document("Prune", true, {{"pruned", {"a", "b", "c"}}})),
              HasSubstr("hivekeeper_sets_pruned" + kJobLabels + " 3\n"));
  EXPECT_THAT(job_text(job_document("Prune", true)),
              HasSubstr("hivekeeper_sets_pruned" + kJobLabels + " 0\n"));
}

TEST(JobMetrics, LabelValuesAreEscaped) {
  const std::string text =
      render_text(job_metrics(job_document("BackupJob", true),
                              identity_labels({"odd\"name\\", "BackupJob", "prod"}), std::nullopt));
  EXPECT_THAT(text, HasSubstr(R"(hivekeeper_job="odd\"name\\")"));
}

}  // namespace
}  // namespace hivekeeper::metrics
