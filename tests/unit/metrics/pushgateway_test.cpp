// The textfile carries the last success over a failed run; the Pushgateway gets a PUT after a
// success and, after a failure, a POST without the last-success metric (so the one there stays),
// grouped by job, hivekeeper_job and environment.
#include "metrics/pushgateway.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "status/lifecycle.h"
#include "status/status.h"

namespace hivekeeper::metrics {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

json gateway_document(bool ok, const std::string& at) {
  status::JobStatus job;
  status::mark_pending(job, at);
  if (ok)
    status::mark_succeeded(job, "BackupSucceeded", "completed", at);
  else
    status::mark_failed(job, "DatabaseUnreachable", "no database", at);
  return status::render({{"kind", "BackupJob"}, {"metadata", {{"name", "nightly"}}}}, job);
}

const JobIdentity kGatewayJob{"nightly", "BackupJob", "prod"};
const std::string kGatewaySuccess =
    R"(hivekeeper_last_success_timestamp_seconds{hivekeeper_job="nightly",kind="BackupJob",environment="prod"} )";

TEST(Textfile, AFailureCarriesTheLastSuccessOfTheFileBefore) {
  const std::string first =
      textfile_text(gateway_document(true, "2025-11-30T03:15:00Z"), kGatewayJob, "");
  EXPECT_THAT(first, HasSubstr(kGatewaySuccess + "1764472500\n"));
  const std::string second =
      textfile_text(gateway_document(false, "2025-12-01T03:15:00Z"), kGatewayJob, first);
  EXPECT_THAT(second, HasSubstr(kGatewaySuccess + "1764472500\n"));
  EXPECT_THAT(second, HasSubstr(R"(reason="DatabaseUnreachable"} 0)"));
  // And over a second failure too.
  EXPECT_THAT(textfile_text(gateway_document(false, "2025-12-02T03:15:00Z"), kGatewayJob, second),
              HasSubstr(kGatewaySuccess + "1764472500\n"));
}

TEST(Textfile, AFailureWithNoSuccessBeforeSaysZero) {
  EXPECT_THAT(textfile_text(gateway_document(false, "2025-12-01T03:15:00Z"), kGatewayJob, ""),
              HasSubstr(kGatewaySuccess + "0\n"));
}

TEST(Textfile, AnotherJobsLastSuccessIsNotCarried) {
  const std::string other = textfile_text(gateway_document(true, "2025-11-30T03:15:00Z"),
                                          {"weekly", "BackupJob", "prod"}, "");
  EXPECT_THAT(textfile_text(gateway_document(false, "2025-12-01T03:15:00Z"), kGatewayJob, other),
              HasSubstr(kGatewaySuccess + "0\n"));
}

TEST(Push, ASuccessReplacesTheGroup) {
  const Push push =
      push_for(gateway_document(true, "2025-11-30T03:15:00Z"), kGatewayJob, "hivekeeper");
  EXPECT_EQ(push.method, "PUT");
  EXPECT_EQ(push.path, "/metrics/job/hivekeeper/hivekeeper_job/nightly/environment/prod");
  EXPECT_THAT(
      push.body,
      HasSubstr("hivekeeper_last_success_timestamp_seconds{kind=\"BackupJob\"} 1764472500"));
  EXPECT_THAT(push.body, Not(HasSubstr("hivekeeper_job=")));
}

TEST(Push, AFailureReplacesOnlyWhatItPushesAndNotTheLastSuccess) {
  const Push push =
      push_for(gateway_document(false, "2025-11-30T03:15:00Z"), kGatewayJob, "hivekeeper");
  EXPECT_EQ(push.method, "POST");
  EXPECT_THAT(push.body, Not(HasSubstr("hivekeeper_last_success_timestamp_seconds")));
  EXPECT_THAT(push.body, HasSubstr("hivekeeper_last_result{kind=\"BackupJob\",reason="));
}

TEST(Push, GroupingValuesThatAreNotPlainGoAsBase64) {
  EXPECT_EQ(grouping_segment("job", "hivekeeper"), "/job/hivekeeper");
  EXPECT_EQ(grouping_segment("job", "a/b"), "/job@base64/YS9i");
  EXPECT_EQ(grouping_segment("job", ""), "/job@base64/=");
  EXPECT_EQ(grouping_segment("job", "ab c"), "/job@base64/YWIgYw==");
  EXPECT_EQ(grouping_segment("job", "?>"), "/job@base64/Pz4=");
}

}  // namespace
}  // namespace hivekeeper::metrics
