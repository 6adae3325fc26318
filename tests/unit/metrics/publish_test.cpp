// Publishing never fails the job: the textfile is written whole and readable by the collector,
// its folder made; a Pushgateway that does not answer is recorded, not thrown.
#include "metrics/publish.h"

#include <sys/stat.h>

#include <fstream>
#include <sstream>

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

TEST(Publish, AMissingUrlSecretIsRecordedNotThrown) {
  manifest::PushgatewaySpec gateway;
  gateway.url_from = manifest::SecretSource{"HIVEKEEPER_TEST_NO_SUCH_VARIABLE", ""};
  const json record = publish(publish_document(), {"nightly", "BackupJob", "prod"}, "", gateway);
  EXPECT_EQ(record["pushgateway"]["pushed"], false);
  EXPECT_THAT(record["pushgateway"]["error"].get<std::string>(), HasSubstr("urlFrom"));
}

}  // namespace
}  // namespace hivekeeper::metrics
