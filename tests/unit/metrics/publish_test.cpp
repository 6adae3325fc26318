// Publishing never fails the job: the textfile is written whole and readable by the collector,
// its folder made; a Pushgateway that does not answer is recorded, not thrown.
#include "metrics/publish.h"

#include <httplib.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "status/lifecycle.h"
#include "support/test_support.h"

namespace hivekeeper::metrics {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

json publish_document() {
  status::JobStatus job;
  status::mark_pending(job, "2025-11-30T03:15:00Z");
  status::mark_failed(job, "DatabaseUnreachable", "no database", "2025-11-30T03:15:09Z");
  return status::render({{"kind", "BackupJob"}, {"metadata", {{"name", "nightly"}}}}, job);
}

std::string read_published(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(Publish, WritesTheTextfileInANewFolderReadableByAll) {
  hivekeeper::testing::TempDir dir;
  const auto file = dir.path() / "metrics" / "hivekeeper.prom";
  const json record =
      publish(publish_document(), {"nightly", "BackupJob", "prod"}, file.string(), std::nullopt);
  EXPECT_EQ(record["file"]["written"], true);
  EXPECT_THAT(read_published(file), HasSubstr("hivekeeper_last_result{"));
  struct stat info{};
  ASSERT_EQ(::stat(file.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0644u);
  EXPECT_FALSE(record.contains("pushgateway"));
}

TEST(Publish, AnUnwritableFileIsRecordedNotThrown) {
  hivekeeper::testing::TempDir dir;
  std::ofstream(dir.path() / "a-file") << "x";
  const json record = publish(publish_document(), {"nightly", "BackupJob", "prod"},
                              (dir.path() / "a-file" / "m.prom").string(), std::nullopt);
  EXPECT_EQ(record["file"]["written"], false);
}

TEST(Publish, APushgatewayThatDoesNotAnswerIsRecordedNotThrown) {
  manifest::PushgatewaySpec gateway;
  gateway.url = "http://127.0.0.1:1/secret-path";
  const json record = publish(publish_document(), {"nightly", "BackupJob", "prod"}, "", gateway);
  EXPECT_EQ(record["pushgateway"]["pushed"], false);
  EXPECT_EQ(record["pushgateway"]["url"], "http://127.0.0.1:1/...");
  EXPECT_EQ(record["pushgateway"]["method"], "POST");
  EXPECT_TRUE(record["pushgateway"].contains("error"));
}

TEST(Publish, AnInterruptedJobsPushIsOneTryByItsDeadline) {
  int requests = 0;
  httplib::Server gateway_server;
  gateway_server.Post(".*", [&](const httplib::Request&, httplib::Response& response) {
    ++requests;
    response.status = 503;
  });
  const int port = gateway_server.bind_to_any_port("127.0.0.1");
  std::thread serving([&] { gateway_server.listen_after_bind(); });
  gateway_server.wait_until_ready();
  manifest::PushgatewaySpec gateway;
  gateway.url = "http://127.0.0.1:" + std::to_string(port);
  const json retried = publish(publish_document(), {"nightly", "BackupJob", "prod"}, "", gateway);
  EXPECT_EQ(retried["pushgateway"]["attempts"], 3);
  const json once = publish(publish_document(), {"nightly", "BackupJob", "prod"}, "", gateway,
                            std::chrono::steady_clock::now() + std::chrono::seconds(3));
  EXPECT_EQ(once["pushgateway"]["attempts"], 1);
  EXPECT_EQ(once["pushgateway"]["pushed"], false);
  EXPECT_EQ(once["pushgateway"]["method"], "POST");
  EXPECT_EQ(once["pushgateway"]["httpStatus"], 503);
  gateway_server.stop();
  serving.join();
  EXPECT_EQ(requests, 4);
}

TEST(Publish, AMissingUrlSecretIsRecordedNotThrown) {
  manifest::PushgatewaySpec gateway;
  gateway.url_from = manifest::SecretSource{"HIVEKEEPER_TEST_NO_SUCH_VARIABLE", ""};
  const json record = publish(publish_document(), {"nightly", "BackupJob", "prod"}, "", gateway);
  EXPECT_EQ(record["pushgateway"]["pushed"], false);
  EXPECT_THAT(record["pushgateway"]["error"].get<std::string>(), HasSubstr("urlFrom"));
}

}  // namespace
}  // namespace hivekeeper::metrics
