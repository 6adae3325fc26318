// The job's phases: what each transition does to the phase, the conditions and the artifacts.
#include "status/lifecycle.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace hivekeeper::status {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;

const Condition* find(const JobStatus& job, const std::string& type) {
  for (const auto& condition : job.conditions)
    if (condition.type == type) return &condition;
  return nullptr;
}

TEST(Lifecycle, PendingWaitingRunningSucceeded) {
  JobStatus job;
  mark_pending(job, "t1");
  EXPECT_EQ(job.phase, Phase::Pending);
  EXPECT_EQ(job.start_time, "t1");
  EXPECT_EQ(find(job, "Running")->reason, "Pending");
  mark_waiting(job, "waiting for BackupJob nightly", "t2");
  EXPECT_EQ(job.phase, Phase::Pending);
  EXPECT_EQ(find(job, "Running")->reason, "Waiting");
  EXPECT_EQ(find(job, "Running")->message, "waiting for BackupJob nightly");
  mark_running(job, "t3");
  EXPECT_EQ(job.phase, Phase::Running);
  EXPECT_EQ(find(job, "Running")->status, "True");
  mark_succeeded(job, "BackupSucceeded", "completed in 1.0 s", "t4");
  EXPECT_EQ(job.phase, Phase::Succeeded);
  EXPECT_EQ(job.completion_time, "t4");
  EXPECT_EQ(job.message, "completed in 1.0 s");
  EXPECT_EQ(find(job, "Running")->reason, "Completed");
  EXPECT_EQ(find(job, "Complete")->reason, "BackupSucceeded");
  EXPECT_EQ(find(job, "Failed"), nullptr);
}

TEST(Lifecycle, FailedKeepsOnlyTheSafetyBackupsArtifacts) {
  JobStatus job;
  mark_pending(job, "t1");
  mark_running(job, "t2");
  job.artifacts = {{"safety-database", "a", 1, "x"},
                   {"database", "b", 2, "y"},
                   {"safety-metadata", "c", 3, "z"}};
  mark_failed(job, "RestoreSqlFailed", "line 12: syntax error", "t3");
  EXPECT_EQ(job.phase, Phase::Failed);
  EXPECT_EQ(job.message, "line 12: syntax error");
  EXPECT_THAT(job.artifacts, ElementsAre(Field(&Artifact::kind, "safety-database"),
                                         Field(&Artifact::kind, "safety-metadata")));
  EXPECT_EQ(find(job, "Running")->status, "False");
  EXPECT_EQ(find(job, "Running")->reason, "RestoreSqlFailed");
  EXPECT_EQ(find(job, "Failed")->reason, "RestoreSqlFailed");
}

}  // namespace
}  // namespace hivekeeper::status
