// spec.metrics.pushgateway: parsed with its defaults in every job kind, and what the schema cannot
// say (url or urlFrom, exactly one) refused with the field's path.
#include "manifest/metrics_spec.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "manifest/manifest.h"
#include "support/test_support.h"

namespace hivekeeper::manifest {
namespace {

using hivekeeper::testing::error_from;
using ::testing::Contains;
using ::testing::HasSubstr;

std::string metrics_job_with(const std::string& kind, const std::string& spec) {
  const std::string source = kind == "BackupJob" ? "" : "  source: {}\n";
  return "apiVersion: hivekeeper.io/v1\nkind: " + kind +
         "\nmetadata: {name: nightly}\nspec:\n  environment: prod\n" + source + spec;
}

std::vector<std::string> metrics_details_of(const std::string& text) {
  const auto error = error_from([&] { parse_manifest(text, "job.yaml"); });
  if (!error) return {"accepted"};
  return error->details();
}

TEST(MetricsSpec, APushgatewayWithTheDefaultsInEveryKind) {
  for (const std::string kind : {"BackupJob", "RestoreJob", "DrillJob"}) {
    const Manifest manifest = parse_manifest(
        metrics_job_with(kind, "  metrics:\n    pushgateway: {url: 'http://pushgateway:9091/'}\n"),
        "job.yaml");
    ASSERT_TRUE(manifest.metrics.pushgateway.has_value()) << kind;
    EXPECT_EQ(manifest.metrics.pushgateway->url, "http://pushgateway:9091") << kind;
    EXPECT_EQ(manifest.metrics.pushgateway->job, "hivekeeper") << kind;
    EXPECT_FALSE(manifest.metrics.pushgateway->url_from.has_value()) << kind;
  }
}

TEST(MetricsSpec, NoMetricsIsNoPush) {
  EXPECT_FALSE(parse_manifest(metrics_job_with("BackupJob", ""), "job.yaml").metrics.pushgateway);
}

TEST(MetricsSpec, TheUrlFromASecretAndAJobOfItsOwn) {
  const Manifest manifest = parse_manifest(
      metrics_job_with("BackupJob",
                       "  metrics:\n    pushgateway:\n      urlFrom: {file: /run/pg-url}\n"
                       "      job: backups\n      caFile: /etc/ca.pem\n"),
      "job.yaml");
  ASSERT_TRUE(manifest.metrics.pushgateway.has_value());
  EXPECT_EQ(manifest.metrics.pushgateway->url_from->file, "/run/pg-url");
  EXPECT_EQ(manifest.metrics.pushgateway->job, "backups");
  EXPECT_EQ(manifest.metrics.pushgateway->ca_file, "/etc/ca.pem");
}

TEST(MetricsSpec, UrlOrUrlFromExactlyOne) {
  EXPECT_THAT(
      metrics_details_of(metrics_job_with("BackupJob", "  metrics:\n    pushgateway: {job: x}\n")),
      Contains(HasSubstr("spec.metrics.pushgateway: give url or urlFrom, exactly one")));
  EXPECT_THAT(
      metrics_details_of(metrics_job_with("BackupJob",
                                          "  metrics:\n    pushgateway: {url: 'http://a:9091', "
                                          "urlFrom: {env: URL}}\n")),
      Contains(HasSubstr("give url or urlFrom, exactly one")));
  EXPECT_THAT(metrics_details_of(
                  metrics_job_with("BackupJob", "  metrics:\n    pushgateway: {urlFrom: {}}\n")),
              Contains(HasSubstr("spec.metrics.pushgateway.urlFrom: give env or file")));
}

TEST(MetricsSpec, TheSchemaRefusesAnUnknownFieldAndANonHttpUrl) {
  EXPECT_NE(metrics_details_of(metrics_job_with("BackupJob", "  metrics:\n    textfile: /x\n")),
            std::vector<std::string>{"accepted"});
  EXPECT_NE(metrics_details_of(
                metrics_job_with("BackupJob", "  metrics:\n    pushgateway: {url: 'ftp://a'}\n")),
            std::vector<std::string>{"accepted"});
}

}  // namespace
}  // namespace hivekeeper::manifest
