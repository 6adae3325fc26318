// Signed webhooks: a receiver that knows the shared secret can tell a notification came from
// this job and was not replayed later. The signature is HMAC-SHA256 over "<timestamp>.<body>"
// (the scheme Stripe and Slack use), sent with the timestamp so a receiver can refuse old ones.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hivekeeper::notify {

inline constexpr const char* kSignatureHeader = "X-Hivekeeper-Signature";
inline constexpr const char* kTimestampHeader = "X-Hivekeeper-Timestamp";

// Lowercase hex of HMAC-SHA256(KEY, MESSAGE).
std::string hmac_sha256_hex(std::string_view key, std::string_view message);

// {"X-Hivekeeper-Timestamp: <seconds>", "X-Hivekeeper-Signature: sha256=<hex>"}.
std::vector<std::string> signature_headers(std::string_view secret, long long unix_seconds,
                                           std::string_view body);

}  // namespace hivekeeper::notify
