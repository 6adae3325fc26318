// The parts of the Docker client that need no daemon: the filters query parameter, where the
// socket is, and the error when it is not there.
#include "docker/client.h"

#include <stdlib.h>

#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace hivekeeper::docker {
namespace {

using hivekeeper::testing::error_from;

// Sets DOCKER_HOST for one test and puts back whatever was there before.
class DockerHostTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const char* value = std::getenv("DOCKER_HOST")) saved_ = value;
  }
  void TearDown() override {
    if (saved_)
      ::setenv("DOCKER_HOST", saved_->c_str(), 1);
    else
      ::unsetenv("DOCKER_HOST");
  }

 private:
  std::optional<std::string> saved_;
};

TEST(EncodeFilters, PercentEncodesTheJsonObject) {
  EXPECT_EQ(encode_filters({{"label", {"com.docker.compose.project=beelab"}}}),
            "%7B%22label%22%3A%5B%22com.docker.compose.project%3Dbeelab%22%5D%7D");
}

TEST(EncodeFilters, SeveralKeysAndValues) {
  // {"label":["a=b","hivekeeper.io/role=database"],"status":["running"]}
  EXPECT_EQ(
      encode_filters({{"status", {"running"}}, {"label", {"a=b", "hivekeeper.io/role=database"}}}),
      "%7B%22label%22%3A%5B%22a%3Db%22%2C%22hivekeeper.io%2Frole%3Ddatabase%22%5D%2C%22status%22%"
      "3A%5B%22"
      "running%22%5D%7D");
}

TEST(EncodeFilters, NoFiltersIsAnEmptyObject) {
  EXPECT_EQ(encode_filters({}), "%7B%7D");
}

TEST_F(DockerHostTest, UnsetMeansTheDefaultSocket) {
  ::unsetenv("DOCKER_HOST");
  EXPECT_EQ(Client::socket_path_from_environment(), "/var/run/docker.sock");
}

TEST_F(DockerHostTest, EmptyMeansTheDefaultSocket) {
  ::setenv("DOCKER_HOST", "", 1);
  EXPECT_EQ(Client::socket_path_from_environment(), "/var/run/docker.sock");
}

TEST_F(DockerHostTest, UnixUrlGivesItsPath) {
  ::setenv("DOCKER_HOST", "unix:///run/user/1000/docker.sock", 1);
  EXPECT_EQ(Client::socket_path_from_environment(), "/run/user/1000/docker.sock");
}

TEST_F(DockerHostTest, TcpIsUnsupportedInput) {
  ::setenv("DOCKER_HOST", "tcp://10.0.0.5:2376", 1);
  const auto error = error_from([] { Client::socket_path_from_environment(); });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->reason(), "UnsupportedDockerHost");
  EXPECT_EQ(error->kind(), ErrorKind::invalid_input);
  EXPECT_EQ(error->exit_code(), 2);
  EXPECT_STREQ(error->what(), "DOCKER_HOST=tcp://10.0.0.5:2376 is not a Unix socket");
  EXPECT_EQ(error->hint(),
            "Hivekeeper talks to the engine over its Unix socket: unset DOCKER_HOST or set it to "
            "unix:///var/run/docker.sock");
}

TEST(Client, ConnectToAMissingSocketSaysSoAndHowToMountIt) {
  Client client("/nonexistent/docker.sock");
  EXPECT_EQ(client.socket_path(), "/nonexistent/docker.sock");
  const auto error = error_from([&] { client.connect(); });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->reason(), "DockerSocketMissing");
  EXPECT_EQ(error->exit_code(), 1);
  EXPECT_STREQ(error->what(), "the Docker socket /nonexistent/docker.sock does not exist");
  EXPECT_EQ(
      error->hint(),
      "mount it into the container (volumes: - /var/run/docker.sock:/var/run/docker.sock) or set "
      "DOCKER_HOST=unix:///path/to/docker.sock");
  EXPECT_EQ(client.api_version(), "");
}

}  // namespace
}  // namespace hivekeeper::docker
