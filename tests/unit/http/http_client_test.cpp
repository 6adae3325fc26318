// Outgoing HTTP (webhooks, Pushgateway): what is retried and how long it waits, against a real
// HTTP server on loopback that answers 503 until told otherwise; a request with a deadline (an
// interrupted job's report) ends by it, even against a server that never answers; and a URL
// shown without the parts that may be its secret.
#include "http/http_client.h"

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace hivekeeper::http {
namespace {

using namespace std::chrono_literals;

class LoopbackServer {
 public:
  explicit LoopbackServer(int failures_before_success) : failures_left_(failures_before_success) {
    server_.Post("/hook", [this](const httplib::Request& request, httplib::Response& response) {
      ++requests_;
      last_body_ = request.body;
      last_signature_ = request.get_header_value("X-Test-Header");
      if (failures_left_-- > 0) {
        response.status = 503;
        return;
      }
      response.status = 204;
    });
    server_.Post("/refuse", [this](const httplib::Request&, httplib::Response& response) {
      ++requests_;
      response.status = 400;
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    server_.wait_until_ready();
  }
  ~LoopbackServer() {
    server_.stop();
    thread_.join();
  }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  int requests() const { return requests_; }
  std::string last_body() const { return last_body_; }
  std::string last_header() const { return last_signature_; }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::atomic<int> failures_left_;
  std::atomic<int> requests_{0};
  std::string last_body_;
  std::string last_signature_;
};

// A server that takes connections (the kernel completes them in the listen backlog) and never
// answers: a webhook receiver that hangs.
class SilentServer {
 public:
  SilentServer() : socket_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    EXPECT_EQ(::bind(socket_, reinterpret_cast<sockaddr*>(&address), length), 0);
    EXPECT_EQ(::listen(socket_, 8), 0);
    EXPECT_EQ(::getsockname(socket_, reinterpret_cast<sockaddr*>(&address), &length), 0);
    port_ = ntohs(address.sin_port);
  }
  ~SilentServer() { ::close(socket_); }
  SilentServer(const SilentServer&) = delete;
  SilentServer& operator=(const SilentServer&) = delete;
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }

 private:
  int socket_;
  int port_ = 0;
};

const RetryPlan kQuickRetries{.attempts = 4, .first_delay = 10ms, .max_delay = 40ms};

HttpRequest post_to(const std::string& url) {
  HttpRequest request;
  request.url = url;
  return request;
}

TEST(HttpClient, RetriesA503UntilItPassesAndSendsBodyAndHeaders) {
  LoopbackServer server(2);
  HttpRequest request = post_to(server.url("/hook"));
  request.headers = {"Content-Type: application/json", "X-Test-Header: yes"};
  request.body = R"({"phase":"Failed"})";
  const Delivery delivery = send_with_retries(request, kQuickRetries);
  EXPECT_TRUE(delivery.response.ok());
  EXPECT_EQ(delivery.response.status, 204);
  EXPECT_EQ(delivery.attempts, 3);
  EXPECT_EQ(server.requests(), 3);
  EXPECT_EQ(server.last_body(), R"({"phase":"Failed"})");
  EXPECT_EQ(server.last_header(), "yes");
}

TEST(HttpClient, GivesUpAfterTheLastTryAndNeverRetriesA400) {
  LoopbackServer server(100);
  const Delivery failing = send_with_retries(post_to(server.url("/hook")), kQuickRetries);
  EXPECT_FALSE(failing.response.ok());
  EXPECT_EQ(failing.response.status, 503);
  EXPECT_EQ(failing.attempts, 4);
  const Delivery refused = send_with_retries(post_to(server.url("/refuse")), kQuickRetries);
  EXPECT_EQ(refused.response.status, 400);
  EXPECT_EQ(refused.attempts, 1);
}

TEST(HttpClient, NoServerIsAnErrorWorthRetrying) {
  // A port nobody listens on: bind one, then close it.
  int port = 0;
  {
    httplib::Server closed;
    port = closed.bind_to_any_port("127.0.0.1");
  }
  HttpRequest request = post_to("http://127.0.0.1:" + std::to_string(port) + "/hook");
  request.timeout = 2000ms;
  const Delivery delivery =
      send_with_retries(request, {.attempts = 2, .first_delay = 10ms, .max_delay = 10ms});
  EXPECT_FALSE(delivery.response.ok());
  EXPECT_FALSE(delivery.response.error.empty());
  EXPECT_EQ(delivery.attempts, 2);
}

TEST(HttpClient, ATryWithADeadlineHasOnlyTheTimeLeftBeforeIt) {
  const auto now = std::chrono::steady_clock::now();
  HttpRequest request = post_to("http://127.0.0.1/hook");
  request.timeout = 10000ms;
  EXPECT_EQ(try_timeout(request, now), 10000ms);
  request.deadline = now + 2500ms;
  EXPECT_EQ(try_timeout(request, now), 2500ms);
  EXPECT_EQ(try_timeout(request, now + 2499900us), 1ms);  // rounded up: libcurl's 0 is "none"
  EXPECT_EQ(try_timeout(request, now + 2500ms), 0ms);
  EXPECT_EQ(try_timeout(request, now + 3s), 0ms);
  request.timeout = 1000ms;
  EXPECT_EQ(try_timeout(request, now), 1000ms);
}

TEST(HttpClient, AServerThatNeverAnswersIsCutOffAtTheDeadline) {
  SilentServer silent;
  HttpRequest request = post_to(silent.url());
  request.timeout = 30000ms;
  request.deadline = std::chrono::steady_clock::now() + 400ms;
  const auto started = std::chrono::steady_clock::now();
  const Delivery delivery = send_with_retries(request, kQuickRetries);
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_FALSE(delivery.response.ok());
  EXPECT_FALSE(delivery.response.error.empty());
  EXPECT_EQ(delivery.attempts, 1);  // no time was left for another
  EXPECT_GE(took, 350ms);
  EXPECT_LT(took, 1500ms);
}

TEST(HttpClient, NoTryStartsAfterTheDeadline) {
  LoopbackServer server(0);
  HttpRequest request = post_to(server.url("/hook"));
  request.deadline = std::chrono::steady_clock::now() - 1ms;
  const Delivery delivery = send_with_retries(request, kQuickRetries);
  EXPECT_FALSE(delivery.response.ok());
  EXPECT_THAT(delivery.response.error, ::testing::HasSubstr("deadline"));
  EXPECT_EQ(server.requests(), 0);
}

TEST(HttpClient, RetriesStopAtTheDeadline) {
  LoopbackServer server(100);  // 503 every time
  HttpRequest request = post_to(server.url("/hook"));
  request.deadline = std::chrono::steady_clock::now() + 300ms;
  const Delivery delivery =
      send_with_retries(request, {.attempts = 50, .first_delay = 100ms, .max_delay = 100ms});
  EXPECT_EQ(delivery.response.status, 503);
  EXPECT_GE(delivery.attempts, 2);
  EXPECT_LE(delivery.attempts, 4);
}

TEST(HttpClient, BackoffDoublesUpToTheCap) {
  const RetryPlan plan{.attempts = 6, .first_delay = 500ms, .max_delay = 3000ms};
  EXPECT_EQ(delay_before(2, plan), 500ms);
  EXPECT_EQ(delay_before(3, plan), 1000ms);
  EXPECT_EQ(delay_before(4, plan), 2000ms);
  EXPECT_EQ(delay_before(5, plan), 3000ms);
  EXPECT_EQ(delay_before(9, plan), 3000ms);
}

TEST(HttpClient, DescribedUrlsHideThePathQueryAndCredentials) {
  EXPECT_EQ(describe_url("https://hooks.slack.com/services/T000/B000/XXXX"),
            "https://hooks.slack.com/...");
  EXPECT_EQ(describe_url("http://user:secret@receiver:8080/hook?token=abc"),
            "http://receiver:8080/...");
  EXPECT_EQ(describe_url("http://pushgateway:9091"), "http://pushgateway:9091");
  EXPECT_EQ(describe_url("not a url"), "(an invalid URL)");
}

}  // namespace
}  // namespace hivekeeper::http
