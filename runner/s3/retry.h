// s3/retry: which failed requests are worth another try, and how long to wait before it.
// Retried: network failures (timeouts, refused or reset connections, a reply cut short), HTTP 5xx,
// 429 and the throttling and transit-damage codes S3 sends with a 400 or 503 (SlowDown,
// RequestTimeout, BadDigest, XAmzContentSHA256Mismatch: the same bytes sent again succeed).
// Never retried: any other 4xx (wrong credentials, a missing bucket stay so), TLS certificate
// failures, and a transfer stopped because the job was interrupted.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace hivekeeper::s3 {

struct RetryPolicy {
  int attempts = 5;  // in all, the first try included
  std::chrono::milliseconds first_delay{200}, max_delay{5000};
  // A request that moves no byte for this long is given up (and retried); also the connect limit.
  std::chrono::seconds request_timeout{30};
};

// What one try ended with: a libcurl code (0 when an HTTP reply came), the HTTP status and the
// <Code> of the server's error document, if any.
struct AttemptOutcome {
  int curl_code = 0;
  long http_status = 0;
  std::string server_code;
};

bool is_success(const AttemptOutcome& outcome);
bool is_retryable(const AttemptOutcome& outcome);

// The wait before try number `next_attempt` (2 for the first retry): exponential from
// first_delay, capped at max_delay, with "equal jitter" (half fixed, half random from
// `random_value`) so that many clients failing together do not retry in step.
std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int next_attempt,
                                        std::uint64_t random_value);

// The Error reason and the hint for a request that failed for good: S3AccessDenied ("check
// accessKeyIdFrom/secretAccessKeyFrom"), S3NoSuchBucket, S3NoSuchKey, S3NoSuchUpload,
// S3DataCorrupted (a body's checksum failed on every try), S3Unreachable (network, endpoint,
// TLS), S3TransferInterrupted, else S3RequestFailed.
struct FailureAdvice {
  std::string reason, hint;
};
FailureAdvice advice_for(const AttemptOutcome& outcome, bool stopped_by_interrupt);

}  // namespace hivekeeper::s3
