// Shared by the S3 checks against moto_server (s3_client_check.cpp) and the fault proxy
// (s3_fault_check.cpp): the environment the suite passes, test data, and small helpers.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "s3/client.h"

namespace hivekeeper::s3::check {

constexpr std::uint64_t kMiB = 1024 * 1024;
using Clock = std::chrono::steady_clock;

std::string env(const char* name);
// The test bucket at `endpoint`, path style, under this run's prefix and `test_name`.
BucketConfig bucket(const std::string& endpoint, const std::string& test_name);
Credentials good_credentials();
RetryPolicy quick_retries();  // 3 tries, 50 ms apart: the fault tests stay fast

// Deterministic bytes (xorshift), the same for the same seed, incompressible.
class TestBytes {
 public:
  explicit TestBytes(std::uint64_t seed) : state_(seed * 0x9E3779B97F4A7C15ULL + 1) {}
  std::string next(std::size_t size);

 private:
  std::uint64_t state_;
};

struct Written {
  ObjectInfo info;
  std::string sha256;
  double seconds = 0;
};

// `size` bytes through a MultipartUpload, in odd-sized writes.
Written upload(Client& client, const std::string& key, std::uint64_t size, std::uint64_t seed);
std::string sha256_of_object(Client& client, const std::string& key, std::uint64_t* size = nullptr);
// The Error's reason ("no error" when none was thrown), and its text in `message`.
std::string reason_of(const std::function<void()>& action, std::string* message = nullptr);
// The fault proxy's record of what it did to `key`'s parts.
std::string proxy_events_for(const std::string& key);
// A file in S3_TEST_WORK, for the suite to read.
void write_work_file(const std::string& name, const std::string& text);

}  // namespace hivekeeper::s3::check
