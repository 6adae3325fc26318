// The transport under s3/client: one libcurl easy handle, reset and set up for each try, the
// callbacks that move bodies, and the retry loop.
#include <algorithm>
#include <cctype>
#include <exception>
#include <mutex>
#include <random>
#include <thread>

#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include "common/error.h"
#include "common/interrupt.h"
#include "s3/client.h"
#include "s3/client_request.h"
#include "s3/digests.h"

namespace hivekeeper::s3 {
namespace {

// XML replies (error documents, listings of 1000 keys) stay far below this; more is not S3.
constexpr std::size_t kMaxS3ReplyBytes = 16 * 1024 * 1024;

struct TransferState {
  const Client::Request* request = nullptr;
  Client::Reply* reply = nullptr;
  CURL* handle = nullptr;
  bool stops_on_interrupt = true;
  std::exception_ptr sink_error;
  char error_buffer[CURL_ERROR_SIZE] = {};
};

std::size_t receive_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto& state = *static_cast<TransferState*>(user);
  const std::size_t length = size * count;
  long status = 0;
  curl_easy_getinfo(state.handle, CURLINFO_RESPONSE_CODE, &status);
  if (state.request->sink != nullptr && status >= 200 && status < 300) {
    try {
      (*state.request->sink)(std::string_view(data, length));
    } catch (...) {
      state.sink_error = std::current_exception();
      return CURL_WRITEFUNC_ERROR;
    }
    state.reply->sink_reached = true;
    return length;
  }
  if (state.reply->body.size() + length > kMaxS3ReplyBytes) return CURL_WRITEFUNC_ERROR;
  state.reply->body.append(data, length);
  return length;
}

std::size_t receive_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto& state = *static_cast<TransferState*>(user);
  const std::string_view line(data, size * count);
  if (line.starts_with("HTTP/")) {
    state.reply->headers.clear();  // a new response (after 100 Continue, say)
    return line.size();
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return line.size();
  std::string name(line.substr(0, colon));
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front()))) {
    value.remove_prefix(1);
  }
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) {
    value.remove_suffix(1);
  }
  state.reply->headers[name] = std::string(value);
  return line.size();
}

std::size_t send_body(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto& state = *static_cast<TransferState*>(user);
  if (const PartSpool* spool = state.request->spooled_body) {
    try {
      const std::size_t length = spool->read_at(state.reply->sent, buffer, size * count);
      state.reply->sent += length;
      return length;
    } catch (...) {
      // No exception may cross libcurl: kept, and thrown again once the transfer has stopped.
      state.sink_error = std::current_exception();
      return CURL_READFUNC_ABORT;
    }
  }
  const std::string_view body = state.request->body;
  const std::size_t length = std::min(size * count, body.size() - state.reply->sent);
  std::copy_n(body.data() + state.reply->sent, length, buffer);
  state.reply->sent += length;
  return length;
}

int rewind_body(void* user, curl_off_t offset, int origin) {
  auto& state = *static_cast<TransferState*>(user);
  if (origin != SEEK_SET || offset < 0 ||
      static_cast<std::size_t>(offset) > body_size(*state.request)) {
    return CURL_SEEKFUNC_FAIL;
  }
  state.reply->sent = static_cast<std::size_t>(offset);
  return CURL_SEEKFUNC_OK;
}

int check_interrupt(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto& state = *static_cast<TransferState*>(user);
  if (state.stops_on_interrupt && interrupted()) {
    state.reply->stopped_by_interrupt = true;
    return 1;
  }
  return 0;
}

void set_method(CURL* handle, const Client::Request& request, TransferState& state) {
  if (request.method == "HEAD") {
    curl_easy_setopt(handle, CURLOPT_NOBODY, 1L);
  } else if (request.method == "PUT") {
    curl_easy_setopt(handle, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(handle, CURLOPT_READFUNCTION, send_body);
    curl_easy_setopt(handle, CURLOPT_READDATA, &state);
    curl_easy_setopt(handle, CURLOPT_SEEKFUNCTION, rewind_body);
    curl_easy_setopt(handle, CURLOPT_SEEKDATA, &state);
    curl_easy_setopt(handle, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(body_size(request)));
  } else if (request.method == "POST") {
    curl_easy_setopt(handle, CURLOPT_POST, 1L);
    curl_easy_setopt(handle, CURLOPT_POSTFIELDS, request.body.empty() ? "" : request.body.data());
    curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
  } else if (request.method != "GET") {
    curl_easy_setopt(handle, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
}

curl_slist* header_list(const Client::Request& request) {
  const std::string payload_hash = !request.body_sha256_hex.empty() ? request.body_sha256_hex
                                   : request.body.empty()           ? std::string(kEmptyBodySha256)
                                                          : digests_of(request.body).sha256_hex;
  std::vector<std::string> lines{"x-amz-content-sha256: " + payload_hash, "Expect:"};
  if (request.method == "PUT") lines.emplace_back("Content-Type: application/octet-stream");
  if (request.method == "POST") lines.emplace_back("Content-Type: application/xml");
  lines.insert(lines.end(), request.headers.begin(), request.headers.end());
  curl_slist* list = nullptr;
  for (const std::string& line : lines) list = curl_slist_append(list, line.c_str());
  return list;
}

std::uint64_t jitter_random() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  return generator();
}

void sleep_unless_interrupted(std::chrono::milliseconds delay, bool stops_on_interrupt) {
  const auto until = std::chrono::steady_clock::now() + delay;
  while (std::chrono::steady_clock::now() < until && !(stops_on_interrupt && interrupted())) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

std::string one_line(std::string text, std::size_t limit) {
  std::replace_if(text.begin(), text.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
  if (text.size() > limit) text = text.substr(0, limit) + "...";
  return text;
}

}  // namespace

Client::Client(BucketConfig config, Credentials credentials, RetryPolicy policy)
    : config_(std::move(config)), credentials_(std::move(credentials)), policy_(policy) {
  static std::once_flag curl_initialised;
  std::call_once(curl_initialised, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  handle_ = curl_easy_init();
  if (handle_ == nullptr) {
    throw job_failed("S3ClientFailed", "libcurl could not make a transfer handle",
                     "the process is out of memory or libcurl is broken");
  }
}

Client::~Client() {
  curl_easy_cleanup(static_cast<CURL*>(handle_));
}

namespace {

void set_options(CURL* handle, const BucketConfig& config, const Credentials& credentials,
                 const RetryPolicy& policy, TransferState& state, curl_slist* headers) {
  const Client::Request& request = *state.request;
  curl_easy_setopt(handle, CURLOPT_URL, object_url(config, request.full, request.query).c_str());
  curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(handle, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(handle, CURLOPT_AWS_SIGV4, ("aws:amz:" + config.region + ":s3").c_str());
  curl_easy_setopt(handle, CURLOPT_USERNAME, credentials.access_key_id.c_str());
  curl_easy_setopt(handle, CURLOPT_PASSWORD, credentials.secret_access_key.c_str());
  curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, state.error_buffer);
  const long timeout_seconds = std::max<long>(1, static_cast<long>(policy.request_timeout.count()));
  curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT, std::min<long>(timeout_seconds, 10));
  curl_easy_setopt(handle, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(handle, CURLOPT_LOW_SPEED_TIME, timeout_seconds);
  if (!config.ca_file.empty()) curl_easy_setopt(handle, CURLOPT_CAINFO, config.ca_file.c_str());
  curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, receive_body);
  curl_easy_setopt(handle, CURLOPT_WRITEDATA, &state);
  curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, receive_header);
  curl_easy_setopt(handle, CURLOPT_HEADERDATA, &state);
  curl_easy_setopt(handle, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, check_interrupt);
  curl_easy_setopt(handle, CURLOPT_XFERINFODATA, &state);
  set_method(handle, request, state);
}

// The server's <Error>, or our finding that it stored other bytes than we sent.
void read_failure(const Client::Request& request, Client::Reply& reply) {
  if (auto error = parse_error(reply.body)) {
    reply.outcome.server_code = error->code;  // also for an error inside a 200 reply
    reply.server_message = error->message;
    return;
  }
  if (!is_success(reply.outcome) || request.expected_etag.empty()) return;
  const auto etag = reply.headers.find("etag");
  const std::string stored = etag == reply.headers.end() ? "" : unquote_etag(etag->second);
  if (stored != request.expected_etag) {
    reply.outcome.server_code = "BadDigest";
    reply.server_message = "the server's ETag " + stored + " is not the MD5 " +
                           request.expected_etag + " of what we sent: the bytes changed on the way";
  }
}

}  // namespace

Client::Reply Client::send_once(const Request& request) {
  auto* handle = static_cast<CURL*>(handle_);
  Reply reply;
  TransferState state;
  state.request = &request;
  state.reply = &reply;
  state.handle = handle;
  state.stops_on_interrupt = stops_on_interrupt_;
  curl_easy_reset(handle);  // keeps the connection, DNS and TLS session caches
  curl_slist* headers = header_list(request);
  set_options(handle, config_, credentials_, policy_, state, headers);
  const CURLcode code = curl_easy_perform(handle);
  curl_slist_free_all(headers);
  curl_easy_setopt(handle, CURLOPT_HTTPHEADER, nullptr);
  if (state.sink_error) std::rethrow_exception(state.sink_error);
  reply.outcome.curl_code = code;
  curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &reply.outcome.http_status);
  if (code != CURLE_OK) {
    reply.curl_error =
        state.error_buffer[0] != '\0' ? state.error_buffer : curl_easy_strerror(code);
  }
  read_failure(request, reply);
  return reply;
}

Client::Reply Client::send(const Request& request) {
  for (int attempt = 1;; ++attempt) {
    Reply reply = send_once(request);
    if (is_success(reply.outcome)) return reply;
    if (request.not_found_is_an_answer && reply.outcome.curl_code == CURLE_OK &&
        reply.outcome.http_status == 404) {
      return reply;
    }
    const std::string where = "s3://" + config_.bucket + "/" + request.full;
    const std::string what =
        reply.outcome.curl_code != CURLE_OK
            ? reply.curl_error
            : "HTTP " + std::to_string(reply.outcome.http_status) +
                  (reply.outcome.server_code.empty() ? "" : " " + reply.outcome.server_code) +
                  (reply.server_message.empty() ? "" : ": " + one_line(reply.server_message, 300));
    const bool stopped = reply.stopped_by_interrupt || (stops_on_interrupt_ && interrupted());
    if (attempt < policy_.attempts && is_retryable(reply.outcome) && !reply.sink_reached &&
        !stopped) {
      const auto delay = backoff_delay(policy_, attempt + 1, jitter_random());
      spdlog::warn("S3 {} of {} failed ({}); try {} of {} in {} ms", request.operation, where, what,
                   attempt + 1, policy_.attempts, delay.count());
      sleep_unless_interrupted(delay, stops_on_interrupt_);
      continue;
    }
    const FailureAdvice advice = advice_for(reply.outcome, stopped);
    throw job_failed(advice.reason,
                     "S3 " + request.operation + " of " + where + " failed" +
                         (attempt > 1 ? " after " + std::to_string(attempt) + " tries" : "") +
                         ": " + what,
                     advice.hint);
  }
}

}  // namespace hivekeeper::s3
