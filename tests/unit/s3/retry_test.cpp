// s3/retry: what is tried again (network failures, 5xx, throttling, damaged bytes) and what never
// is (other 4xx, certificates, an interrupt), the backoff's bounds, and the advice on failure.
#include "s3/retry.h"

#include <curl/curl.h>
#include <gtest/gtest.h>

namespace hivekeeper::s3 {
namespace {

AttemptOutcome http(long status, std::string code = "") {
  return {.curl_code = CURLE_OK, .http_status = status, .server_code = std::move(code)};
}

AttemptOutcome network(CURLcode code) {
  return {.curl_code = code, .http_status = 0, .server_code = ""};
}

TEST(S3Retry, RetriesServerErrorsThrottlingAndNetworkFailures) {
  for (long status : {500L, 502L, 503L, 504L, 429L})
    EXPECT_TRUE(is_retryable(http(status))) << status;
  EXPECT_TRUE(is_retryable(http(503, "SlowDown")));
  EXPECT_TRUE(is_retryable(http(400, "RequestTimeout")));
  EXPECT_TRUE(is_retryable(http(400, "BadDigest")));
  EXPECT_TRUE(is_retryable(http(400, "XAmzContentSHA256Mismatch")));
  EXPECT_TRUE(is_retryable(http(200, "InternalError")));  // an error inside a 200 reply
  for (CURLcode code : {CURLE_OPERATION_TIMEDOUT, CURLE_COULDNT_CONNECT, CURLE_SEND_ERROR,
                        CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE}) {
    EXPECT_TRUE(is_retryable(network(code))) << code;
  }
}

TEST(S3Retry, NeverRetriesOtherClientErrorsCertificatesOrAnInterrupt) {
  EXPECT_FALSE(is_retryable(http(403, "AccessDenied")));
  EXPECT_FALSE(is_retryable(http(403, "SignatureDoesNotMatch")));
  EXPECT_FALSE(is_retryable(http(404, "NoSuchBucket")));
  EXPECT_FALSE(is_retryable(http(400, "InvalidArgument")));
  EXPECT_FALSE(is_retryable(http(400, "EntityTooSmall")));
  EXPECT_FALSE(is_retryable(http(404)));
  EXPECT_FALSE(is_retryable(http(200)));
  EXPECT_FALSE(is_retryable(network(CURLE_PEER_FAILED_VERIFICATION)));
  EXPECT_FALSE(is_retryable(network(CURLE_ABORTED_BY_CALLBACK)));
  EXPECT_FALSE(is_retryable(network(CURLE_URL_MALFORMAT)));
}

TEST(S3Retry, SuccessIsA2xxWithoutAnErrorDocument) {
  EXPECT_TRUE(is_success(http(200)));
  EXPECT_TRUE(is_success(http(204)));
  EXPECT_FALSE(is_success(http(200, "InternalError")));
  EXPECT_FALSE(is_success(http(301)));
  EXPECT_FALSE(is_success(network(CURLE_RECV_ERROR)));
}

TEST(S3Retry, BackoffGrowsExponentiallyWithinHalfAndAllOfItsStepAndIsCapped) {
  const RetryPolicy policy;  // 200 ms first, 5 s at most
  const long expected_steps[] = {200, 400, 800, 1600, 3200, 5000, 5000};
  for (int next = 2; next < 9; ++next) {
    const long step = expected_steps[next - 2];
    long lowest = step, highest = 0;
    for (std::uint64_t random : {0ULL, 1ULL, 77ULL, 123456789ULL, ~0ULL}) {
      const long delay = backoff_delay(policy, next, random).count();
      lowest = std::min(lowest, delay);
      highest = std::max(highest, delay);
    }
    EXPECT_GE(lowest, step / 2) << next;
    EXPECT_LE(highest, step) << next;
  }
  EXPECT_EQ(backoff_delay(policy, 2, 0).count(), 100);
  EXPECT_EQ(backoff_delay(policy, 1000, 0).count(), 2500);  // no overflow far out
}

TEST(S3Retry, AdviceNamesTheCauseAUserCanFix) {
  EXPECT_EQ(advice_for(http(403, "SignatureDoesNotMatch"), false).reason, "S3AccessDenied");
  EXPECT_NE(advice_for(http(403, "InvalidAccessKeyId"), false).hint.find("accessKeyIdFrom"),
            std::string::npos);
  EXPECT_EQ(advice_for(http(403), false).reason, "S3AccessDenied");  // HEAD: no body
  const FailureAdvice bucket = advice_for(http(404, "NoSuchBucket"), false);
  EXPECT_EQ(bucket.reason, "S3NoSuchBucket");
  EXPECT_NE(bucket.hint.find("spec.storage.s3.bucket"), std::string::npos);
  EXPECT_EQ(advice_for(http(404, "NoSuchKey"), false).reason, "S3NoSuchKey");
  EXPECT_EQ(advice_for(network(CURLE_COULDNT_CONNECT), false).reason, "S3Unreachable");
  EXPECT_NE(advice_for(network(CURLE_PEER_FAILED_VERIFICATION), false).hint.find("caFile"),
            std::string::npos);
  EXPECT_EQ(advice_for(network(CURLE_ABORTED_BY_CALLBACK), true).reason, "S3TransferInterrupted");
  EXPECT_EQ(advice_for(http(500, "InternalError"), false).reason, "S3RequestFailed");
  EXPECT_EQ(advice_for(http(400, "BadDigest"), false).reason, "S3DataCorrupted");
  EXPECT_EQ(advice_for(http(400, "XAmzContentSHA256Mismatch"), false).reason, "S3DataCorrupted");
}

}  // namespace
}  // namespace hivekeeper::s3
