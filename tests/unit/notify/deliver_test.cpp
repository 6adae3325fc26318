// Delivering notifications against a real HTTP server on loopback: retried until it passes,
// signed, the URL read from the environment when the job runs and recorded without its path,
// and a webhook that cannot be told recorded as not delivered (never thrown).
#include "notify/deliver.h"

#include <httplib.h>
#include <stdlib.h>

#include <atomic>
#include <mutex>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "notify/payload.h"
#include "notify/signature.h"
#include "status/lifecycle.h"
#include "support/test_support.h"

namespace hivekeeper::notify {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

const http::RetryPlan kQuickRetries{.attempts = 4, .first_delay = 10ms, .max_delay = 40ms};

class Receiver {
 public:
  explicit Receiver(int failures) : failures_left_(failures) {
    server_.Post("/hook/secret-path",
                 [this](const httplib::Request& request, httplib::Response& response) {
                   std::lock_guard lock(mutex_);
                   requests_.push_back(request);
                   response.status = failures_left_-- > 0 ? 500 : 204;
                 });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    server_.wait_until_ready();
  }
  ~Receiver() {
    server_.stop();
    thread_.join();
  }
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/hook/secret-path";
  }
  std::vector<httplib::Request> requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::atomic<int> failures_left_;
  std::mutex mutex_;
  std::vector<httplib::Request> requests_;
};

manifest::NotifyTarget webhook(const std::string& url) {
  manifest::NotifyTarget target;
  target.url = url;
  return target;
}

const json kPayload = {{"event", "failure"}, {"job", {{"name", "n"}}}};

TEST(NotifyDelivery, RetriedUntilItPassesAndSigned) {
  Receiver receiver(2);
  ::setenv("HK_UNIT_HOOK_SECRET", "s3cret", 1);
  manifest::NotifyTarget target = webhook(receiver.url());
  target.signing_secret_from = manifest::SecretSource{"HK_UNIT_HOOK_SECRET", ""};
  const json record = deliver(target, "spec.notify[0]", "failure", kPayload, kQuickRetries);
  EXPECT_EQ(record["delivered"], true);
  EXPECT_EQ(record["attempts"], 3);
  EXPECT_EQ(record["event"], "failure");
  EXPECT_FALSE(record.contains("error"));
  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 3U);
  const httplib::Request& last = requests.back();
  EXPECT_EQ(json::parse(last.body), kPayload);
  EXPECT_EQ(last.get_header_value("Content-Type"), "application/json");
  EXPECT_EQ(last.get_header_value("X-Hivekeeper-Event"), "failure");
  const std::string timestamp = last.get_header_value("X-Hivekeeper-Timestamp");
  EXPECT_EQ(last.get_header_value("X-Hivekeeper-Signature"),
            "sha256=" + hmac_sha256_hex("s3cret", timestamp + "." + last.body));
}

TEST(NotifyDelivery, UrlFromTheEnvironmentIsRecordedWithoutItsPath) {
  Receiver receiver(0);
  ::setenv("HK_UNIT_HOOK_URL", (receiver.url() + "\n").c_str(), 1);
  manifest::NotifyTarget target = webhook("");
  target.url_from = manifest::SecretSource{"HK_UNIT_HOOK_URL", ""};
  target.format = "slack";
  const json record = deliver(target, "spec.notify[0]", "failure", kPayload, kQuickRetries);
  EXPECT_EQ(record["delivered"], true);
  EXPECT_THAT(record.dump(), Not(HasSubstr("secret-path")));
  EXPECT_THAT(record["target"].get<std::string>(), HasSubstr("127.0.0.1"));
  ASSERT_EQ(receiver.requests().size(), 1U);
  EXPECT_TRUE(json::parse(receiver.requests()[0].body).contains("text"));
}

TEST(NotifyDelivery, AMissingSecretOrADeadReceiverIsRecordedNotThrown) {
  manifest::NotifyTarget missing = webhook("");
  missing.url_from = manifest::SecretSource{"HK_UNIT_UNSET_HOOK_URL", ""};
  ::unsetenv("HK_UNIT_UNSET_HOOK_URL");
  const json unread = deliver(missing, "spec.notify[1]", "failure", kPayload, kQuickRetries);
  EXPECT_EQ(unread["delivered"], false);
  EXPECT_EQ(unread["attempts"], 0);
  EXPECT_THAT(unread["error"].get<std::string>(), HasSubstr("spec.notify[1].urlFrom"));

  std::string dead_url;
  {
    dead_url = Receiver(0).url();
  }  // its port is closed again
  const json dead =
      deliver(webhook(dead_url), "spec.notify[0]", "failure", kPayload, kQuickRetries);
  EXPECT_EQ(dead["delivered"], false);
  EXPECT_EQ(dead["attempts"], 4);
  EXPECT_FALSE(dead["error"].get<std::string>().empty());
  EXPECT_THAT(dead.dump(), Not(HasSubstr("secret-path")));
}

TEST(NotifyDelivery, AnInterruptedJobsReportKeepsToItsDeadline) {
  Receiver receiver(0);
  const json sent = deliver(webhook(receiver.url()), "spec.notify[0]", "failure", kPayload,
                            {.attempts = 1}, std::chrono::steady_clock::now() + 3s);
  EXPECT_EQ(sent["delivered"], true);
  EXPECT_EQ(sent["attempts"], 1);
  const json late = deliver(webhook(receiver.url()), "spec.notify[0]", "failure", kPayload,
                            {.attempts = 1}, std::chrono::steady_clock::now() - 1ms);
  EXPECT_EQ(late["delivered"], false);
  EXPECT_THAT(late["error"].get<std::string>(), HasSubstr("deadline"));
  EXPECT_EQ(receiver.requests().size(), 1u);
}

TEST(NotifyDelivery, OnlyTargetsWantingTheEventAreToldAndRecordsJoinTheStatus) {
  Receiver receiver(0);
  const manifest::Manifest manifest = manifest::parse_manifest(
      "apiVersion: hivekeeper.io/v1\nkind: BackupJob\nmetadata: {name: told}\nspec:\n"
      "  environment: prod\n  notify:\n    - url: " +
          receiver.url() + "\n      on: [success]\n    - url: " + receiver.url() + "\n",
      "job.yaml");
  hivekeeper::testing::TempDir directory;
  status::StatusReporter status(directory.path() / "told.json", manifest.document);
  status.update([](status::JobStatus& job) {
    status::mark_pending(job, "2026-11-30T03:15:00Z");
    status::mark_succeeded(job, "BackupSucceeded", "completed", "2026-11-30T03:15:09Z");
  });
  send_notifications(manifest, status, "start", kQuickRetries);
  EXPECT_TRUE(receiver.requests().empty());
  EXPECT_FALSE(status.snapshot().details.contains("notifications"));
  send_notifications(manifest, status, event_for(status.snapshot().phase), kQuickRetries);
  ASSERT_EQ(receiver.requests().size(), 1U);
  const json payload = json::parse(receiver.requests()[0].body);
  EXPECT_EQ(payload["event"], "success");
  EXPECT_EQ(payload["job"]["environment"], "prod");
  EXPECT_EQ(payload["durationSeconds"], 9);
  const json records = status.snapshot().details["notifications"];
  ASSERT_EQ(records.size(), 1U);
  EXPECT_EQ(records[0]["delivered"], true);
  EXPECT_EQ(records[0]["target"], http::describe_url(receiver.url()));
  EXPECT_THAT(records.dump(), Not(HasSubstr("secret-path")));
}

}  // namespace
}  // namespace hivekeeper::notify
