// The webhook signature: HMAC-SHA256 checked against RFC 4231's vectors, and the headers over
// "<timestamp>.<body>" as the README tells a receiver to verify them.
#include "notify/signature.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace hivekeeper::notify {
namespace {

using ::testing::ElementsAre;

TEST(WebhookSignature, HmacSha256MatchesRfc4231) {
  EXPECT_EQ(hmac_sha256_hex(std::string(20, '\x0b'), "Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // An empty key and message (Python: hmac.new(b"", b"", "sha256").hexdigest()).
  EXPECT_EQ(hmac_sha256_hex("", ""),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST(WebhookSignature, HeadersSignTimestampDotBody) {
  const auto headers = signature_headers("Jefe", 1764472500, R"({"event":"failure"})");
  // Python: hmac.new(b"Jefe", b'1764472500.{"event":"failure"}', "sha256").hexdigest()
  EXPECT_THAT(
      headers,
      ElementsAre("X-Hivekeeper-Timestamp: 1764472500",
                  "X-Hivekeeper-Signature: "
                  "sha256=2ac300bb5bf9b0e0eab89af8b1c4319b297f98972446bb8b5f2190a49da0eb6c"));
}

}  // namespace
}  // namespace hivekeeper::notify
