// http/http_client: small outgoing HTTP requests (webhook notifications, Pushgateway pushes) with
// libcurl, retried with backoff on what may pass: no answer, 408, 429 and 5xx. Bounded in time and
// in what is read back; stops retrying when the job is interrupted, except for the interrupt's
// own report (HttpRequest::deadline). Nothing here logs: a URL may hold a secret (a Slack
// webhook's path), so the caller decides what to say.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace hivekeeper::http {

// See HttpRequest::deadline.
using Deadline = std::optional<std::chrono::steady_clock::time_point>;

struct HttpRequest {
  std::string method = "POST";       // POST, PUT or DELETE
  std::string url;                   // http:// or https://
  std::vector<std::string> headers;  // "Name: value"
  std::string body;
  std::chrono::milliseconds timeout{10000};  // per try, connection included
  std::string ca_file;                       // "" = the system's authorities
  // Set only for an interrupted job's own report (its failure notifications, its last push):
  // sent although SIGINT/SIGTERM came, which stops every other request, and never running past
  // this time (a try's timeout is cut to it, no try starts after it), so the process still exits
  // well within Kubernetes' grace period.
  Deadline deadline;
};

struct HttpResponse {
  long status = 0;    // 0: no HTTP answer (see error)
  std::string body;   // at most kMaxResponseBytes
  std::string error;  // libcurl's message when there was no answer
  bool ok() const { return error.empty() && status >= 200 && status < 300; }
};

inline constexpr std::size_t kMaxResponseBytes = 64 * 1024;

struct RetryPlan {
  int attempts = 4;
  std::chrono::milliseconds first_delay{500};
  std::chrono::milliseconds max_delay{8000};
};

struct Delivery {
  HttpResponse response;  // the last try's
  int attempts = 0;
};

// One try.
HttpResponse send_once(const HttpRequest& request);
// Tries until the answer is 2xx, or is one that will not change (other 4xx), or PLAN is used up,
// or the request's deadline has passed.
Delivery send_with_retries(const HttpRequest& request, const RetryPlan& plan = {});

// REQUEST's timeout for a try starting at NOW: cut to what is left before its deadline; zero when
// none is.
std::chrono::milliseconds try_timeout(const HttpRequest& request,
                                      std::chrono::steady_clock::time_point now);

// Whether RESPONSE may be different on another try.
bool worth_retrying(const HttpResponse& response);
// The wait before try ATTEMPT (2, 3, ...): first_delay doubled each time, at most max_delay.
std::chrono::milliseconds delay_before(int attempt, const RetryPlan& plan);

// "https://hooks.slack.com/..." for messages: scheme and host only, since the path or the query
// of a webhook URL is often its secret.
std::string describe_url(const std::string& url);

}  // namespace hivekeeper::http
