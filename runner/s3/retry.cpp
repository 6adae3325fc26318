#include "s3/retry.h"

#include <algorithm>

#include <curl/curl.h>

namespace hivekeeper::s3 {

bool is_success(const AttemptOutcome& outcome) {
  return outcome.curl_code == CURLE_OK && outcome.http_status >= 200 && outcome.http_status < 300 &&
         outcome.server_code.empty();
}

bool is_retryable(const AttemptOutcome& outcome) {
  switch (outcome.curl_code) {
    case CURLE_OK:
      break;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_HTTP3:
      return true;
    default:
      return false;  // certificate, URL, option and callback-abort (interrupt) failures
  }
  if (is_success(outcome)) return false;
  const std::string& code = outcome.server_code;
  if (code == "SlowDown" || code == "RequestTimeout" || code == "BadDigest" ||
      code == "XAmzContentSHA256Mismatch" || code == "InternalError" ||
      code == "ServiceUnavailable") {
    return true;
  }
  return outcome.http_status >= 500 || outcome.http_status == 429;
}

std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int next_attempt,
                                        std::uint64_t random_value) {
  const int doublings = std::clamp(next_attempt - 2, 0, 30);
  const auto max_delay = std::max<std::int64_t>(policy.max_delay.count(), 1);
  const std::int64_t exponential =
      std::min<std::int64_t>(policy.first_delay.count() << doublings, max_delay);
  const std::int64_t fixed_half = exponential / 2;
  const std::int64_t random_half = static_cast<std::int64_t>(
      random_value % static_cast<std::uint64_t>(exponential - fixed_half + 1));
  return std::chrono::milliseconds(fixed_half + random_half);
}

FailureAdvice advice_for(const AttemptOutcome& outcome, bool stopped_by_interrupt) {
  const std::string& code = outcome.server_code;
  if (stopped_by_interrupt) {
    return {"S3TransferInterrupted", "the job was interrupted (SIGTERM or SIGINT); run it again"};
  }
  if (outcome.curl_code == CURLE_PEER_FAILED_VERIFICATION ||
      outcome.curl_code == CURLE_SSL_CACERT_BADFILE) {
    return {"S3Unreachable",
            "the server's TLS certificate was not accepted: set spec.storage.s3.caFile to the CA "
            "that signed it"};
  }
  if (outcome.curl_code != CURLE_OK) {
    return {"S3Unreachable",
            "check spec.storage.s3.endpoint and that this host can reach it (DNS, firewall, "
            "proxy)"};
  }
  if (code == "AccessDenied" || code == "InvalidAccessKeyId" || code == "SignatureDoesNotMatch" ||
      code == "InvalidToken" || code == "ExpiredToken" || outcome.http_status == 401 ||
      outcome.http_status == 403) {
    return {"S3AccessDenied",
            "check accessKeyIdFrom/secretAccessKeyFrom in spec.storage.s3.credentials, and that "
            "the key may read and write the bucket (its policy)"};
  }
  if (code == "BadDigest" || code == "XAmzContentSHA256Mismatch" || code == "InvalidDigest") {
    return {"S3DataCorrupted",
            "the bytes arrived damaged on every try: something between this host and the server "
            "(a proxy, a faulty NIC or middlebox) changes data; an https endpoint rules most out"};
  }
  if (code == "NoSuchBucket") {
    return {"S3NoSuchBucket", "create the bucket or fix spec.storage.s3.bucket"};
  }
  if (code == "NoSuchKey") {
    return {"S3NoSuchKey", "the object is gone: list what the bucket holds with `hivekeeper list`"};
  }
  if (code == "NoSuchUpload") {
    return {"S3NoSuchUpload", "the multipart upload was aborted meanwhile; run the job again"};
  }
  if (code == "PermanentRedirect" || code == "AuthorizationHeaderMalformed" ||
      outcome.http_status == 301) {
    return {"S3RequestFailed", "the bucket is in another region: fix spec.storage.s3.region"};
  }
  return {"S3RequestFailed",
          "see the server's message; transient failures were retried already, so run the job "
          "again once the cause is fixed"};
}

}  // namespace hivekeeper::s3
