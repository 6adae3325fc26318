#include "http/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <thread>

#include "common/interrupt.h"

namespace hivekeeper::http {
namespace {

struct CurlHandleDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
struct HeaderListDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

std::size_t keep_response_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto& body = *static_cast<std::string*>(user);
  const std::size_t length = size * count;
  body.append(data, std::min(length, kMaxResponseBytes - std::min(body.size(), kMaxResponseBytes)));
  return length;
}

// An interrupted job's own report (a request with a deadline) goes on: its timeout bounds it.
int stop_when_interrupted(void* request, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const bool reporting_interrupt = static_cast<const HttpRequest*>(request)->deadline.has_value();
  return interrupted() && !reporting_interrupt ? 1 : 0;
}

}  // namespace

HttpResponse send_once(const HttpRequest& request) {
  static std::once_flag curl_ready;
  std::call_once(curl_ready, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  HttpResponse response;
  const auto timeout = try_timeout(request, std::chrono::steady_clock::now());
  if (timeout <= std::chrono::milliseconds::zero()) {
    response.error = "no time was left to send it before the deadline";
    return response;
  }
  const std::unique_ptr<CURL, CurlHandleDeleter> handle(curl_easy_init());
  if (!handle) {
    response.error = "libcurl could not start a request";
    return response;
  }
  std::unique_ptr<curl_slist, HeaderListDeleter> headers;
  for (const auto& header : request.headers)
    headers.reset(curl_slist_append(headers.release(), header.c_str()));
  CURL* curl = handle.get();
  char error_buffer[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  if (request.method != "DELETE" || !request.body.empty()) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(timeout.count()));
  if (!request.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, request.ca_file.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, keep_response_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, stop_when_interrupted);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &request);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  const CURLcode code = curl_easy_perform(curl);
  if (code != CURLE_OK) {
    response.error = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code);
    return response;
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

std::chrono::milliseconds try_timeout(const HttpRequest& request,
                                      std::chrono::steady_clock::time_point now) {
  if (!request.deadline) return request.timeout;
  if (*request.deadline <= now) return std::chrono::milliseconds::zero();
  // Rounded up: libcurl takes 0 as no timeout at all.
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(*request.deadline - now);
  return std::min(request.timeout, left);
}

bool worth_retrying(const HttpResponse& response) {
  if (!response.error.empty()) return true;
  return response.status == 408 || response.status == 429 || response.status >= 500;
}

std::chrono::milliseconds delay_before(int attempt, const RetryPlan& plan) {
  auto delay = plan.first_delay;
  for (int step = 2; step < attempt && delay < plan.max_delay; ++step) delay *= 2;
  return std::min(delay, plan.max_delay);
}

Delivery send_with_retries(const HttpRequest& request, const RetryPlan& plan) {
  Delivery delivery;
  // An interrupted job's own report retries only while its deadline allows.
  const auto stopped = [&request] {
    return request.deadline ? std::chrono::steady_clock::now() >= *request.deadline : interrupted();
  };
  for (int attempt = 1; attempt <= std::max(plan.attempts, 1); ++attempt) {
    if (attempt > 1) {
      // Sleep in slices, so that an interrupted job does not wait out a backoff.
      const auto until = std::chrono::steady_clock::now() + delay_before(attempt, plan);
      while (std::chrono::steady_clock::now() < until && !stopped())
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      if (stopped()) break;
    }
    delivery.response = send_once(request);
    delivery.attempts = attempt;
    if (delivery.response.ok() || !worth_retrying(delivery.response)) break;
  }
  return delivery;
}

std::string describe_url(const std::string& url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return "(an invalid URL)";
  const auto host_end = url.find_first_of("/?#", scheme_end + 3);
  std::string host = url.substr(0, host_end);
  // user:password@host
  if (const auto at = host.find('@', scheme_end + 3); at != std::string::npos)
    host = host.substr(0, scheme_end + 3) + host.substr(at + 1);
  return host + (host_end == std::string::npos ? "" : "/...");
}

}  // namespace hivekeeper::http
