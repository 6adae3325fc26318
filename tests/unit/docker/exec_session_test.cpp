// The status line of the Docker engine's answer to an exec start, before the stream is upgraded.
#include "docker/exec_session.h"

#include <gtest/gtest.h>

namespace hivekeeper::docker {
namespace {

TEST(ParseHttpStatus, ReadsTheStatusOfAnUpgradedConnection) {
  EXPECT_EQ(parse_http_status("HTTP/1.1 101 UPGRADED\r\nContent-Type: "
                              "application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\n"),
            101);
}

TEST(ParseHttpStatus, ReadsOtherStatusesAndHttp10) {
  EXPECT_EQ(parse_http_status("HTTP/1.1 200 OK\r\n"), 200);
  EXPECT_EQ(parse_http_status("HTTP/1.1 404 Not Found\r\n\r\n"), 404);
  EXPECT_EQ(parse_http_status("HTTP/1.0 500 Internal Server Error"), 500);
  EXPECT_EQ(parse_http_status("HTTP/1.1 409"), 409);
}

TEST(ParseHttpStatus, GarbageIsZero) {
  EXPECT_EQ(parse_http_status(""), 0);
  EXPECT_EQ(parse_http_status("garbage"), 0);
  EXPECT_EQ(parse_http_status("HTTP/2 200 OK\r\n"), 0);
  EXPECT_EQ(parse_http_status("HTTP/1.1"), 0);
  EXPECT_EQ(parse_http_status("HTTP/1.1 20"), 0);
  EXPECT_EQ(parse_http_status("HTTP/1.1 2x0 OK"), 0);
  EXPECT_EQ(parse_http_status("HTTP/1.1 OK 200"), 0);
}

}  // namespace
}  // namespace hivekeeper::docker
