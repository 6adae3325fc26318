// spec.notify: parsed with its defaults (format json, on [failure]) in every job kind, and the
// rules the schema cannot say (url or urlFrom, exactly one; a secret from env or file; at most
// ten webhooks; an http(s) URL) refused with the field's path.
#include "manifest/notify.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "manifest/manifest.h"
#include "support/test_support.h"

namespace hivekeeper::manifest {
namespace {

using hivekeeper::testing::error_from;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string notify_job_with(const std::string& kind, const std::string& spec) {
  return "apiVersion: hivekeeper.io/v1\nkind: " + kind +
         "\nmetadata: {name: told}\nspec:\n  environment: prod\n" + spec;
}

std::vector<std::string> notify_details_of(const std::string& text) {
  const auto error = error_from([&] { parse_manifest(text, "job.yaml"); });
  if (!error) return {"accepted"};
  return error->details();
}

TEST(NotifySpec, AWebhookWithTheDefaults) {
  const Manifest manifest = parse_manifest(
      notify_job_with("BackupJob",
                      "  notify:\n    - url: https://hooks.example.com/T0/B0/secret\n"),
      "job.yaml");
  ASSERT_EQ(manifest.notify.size(), 1U);
  const NotifyTarget& target = manifest.notify[0];
  EXPECT_EQ(target.url, "https://hooks.example.com/T0/B0/secret");
  EXPECT_EQ(target.format, "json");
  EXPECT_THAT(target.on, ElementsAre("failure"));
  EXPECT_TRUE(target.wants("failure"));
  EXPECT_FALSE(target.wants("success"));
  EXPECT_FALSE(target.url_from.has_value());
  EXPECT_FALSE(target.signing_secret_from.has_value());
}

TEST(NotifySpec, EveryKindTakesItWithSecretsFromEnvOrFile) {
  const std::string notify =
      "  notify:\n"
      "    - urlFrom: {file: /run/secrets/slack-url}\n"
      "      format: slack\n"
      "      on: [start, success, failure]\n"
      "    - url: http://receiver:8080/hook\n"
      "      signingSecretFrom: {env: HOOK_SECRET}\n";
  for (const std::string kind : {"BackupJob", "RestoreJob", "DrillJob"}) {
    const Manifest manifest = parse_manifest(notify_job_with(kind, notify), "job.yaml");
    ASSERT_EQ(manifest.notify.size(), 2U) << kind;
    EXPECT_EQ(manifest.notify[0].url_from->file, "/run/secrets/slack-url");
    EXPECT_EQ(manifest.notify[0].format, "slack");
    EXPECT_TRUE(manifest.notify[0].wants("start"));
    EXPECT_EQ(manifest.notify[1].signing_secret_from->env, "HOOK_SECRET");
  }
}

TEST(NotifySpec, NoNotifyIsNoWebhook) {
  EXPECT_TRUE(parse_manifest(notify_job_with("BackupJob", ""), "job.yaml").notify.empty());
}

TEST(NotifySpec, UrlAndUrlFromExactlyOne) {
  EXPECT_THAT(notify_details_of(notify_job_with("BackupJob",
                                                "  notify:\n    - url: https://a.example.com/x\n"
                                                "      urlFrom: {env: HOOK_URL}\n")),
              ElementsAre("spec.notify[0]: give url or urlFrom, exactly one"));
  EXPECT_THAT(notify_details_of(notify_job_with("BackupJob", "  notify:\n    - format: slack\n")),
              ElementsAre("spec.notify[0]: give url or urlFrom, exactly one"));
}

TEST(NotifySpec, SecretsFromEnvOrFileNotBoth) {
  EXPECT_THAT(notify_details_of(notify_job_with("DrillJob",
                                                "  notify:\n    - url: https://a.example.com/x\n"
                                                "      signingSecretFrom: {env: S, file: /s}\n")),
              ElementsAre("spec.notify[0].signingSecretFrom: give env or file, not both"));
  EXPECT_THAT(notify_details_of(notify_job_with("BackupJob", "  notify:\n    - urlFrom: {}\n")),
              ElementsAre("spec.notify[0].urlFrom: give env or file"));
}

TEST(NotifySpec, TheSchemaRefusesAnUnknownEventFormatOrScheme) {
  const auto details =
      notify_details_of(notify_job_with("BackupJob",
                                        "  notify:\n    - url: ftp://a.example.com/x\n"
                                        "      format: teams\n      on: [finish]\n"));
  ASSERT_EQ(details.size(), 3U);
  EXPECT_THAT(details[0] + details[1] + details[2], HasSubstr("spec.notify[0].url"));
  EXPECT_THAT(details[0] + details[1] + details[2], HasSubstr("spec.notify[0].format"));
  EXPECT_THAT(details[0] + details[1] + details[2], HasSubstr("spec.notify[0].on[0]"));
}

TEST(NotifySpec, AtMostTenWebhooksAndAtLeastOneEvent) {
  std::string many = "  notify:\n";
  for (int i = 0; i < 11; ++i)
    many += "    - url: https://a.example.com/" + std::to_string(i) + "\n";
  EXPECT_THAT(notify_details_of(notify_job_with("BackupJob", many)),
              ElementsAre("spec.notify: at most 10 webhooks, got 11"));
  EXPECT_THAT(notify_details_of(notify_job_with(
                  "BackupJob", "  notify:\n    - url: https://a.example.com/x\n      on: []\n")),
              ElementsAre("spec.notify[0].on: name at least one event (start, success, failure)"));
}

}  // namespace
}  // namespace hivekeeper::manifest
