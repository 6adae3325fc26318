#include "s3_check_support.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include <curl/curl.h>
#include <gtest/gtest.h>

#include "archive/sha256.h"
#include "common/error.h"
#include "s3/multipart_upload.h"

namespace hivekeeper::s3::check {

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

BucketConfig bucket(const std::string& endpoint, const std::string& test_name) {
  BucketConfig config;
  config.endpoint = endpoint;
  config.bucket = env("S3_TEST_BUCKET");
  config.prefix = env("S3_TEST_PREFIX") + "/" + test_name;
  config.force_path_style = true;
  return config;
}

Credentials good_credentials() {
  return {env("S3_TEST_ACCESS_KEY_ID"), env("S3_TEST_SECRET_ACCESS_KEY")};
}

RetryPolicy quick_retries() {
  return {.attempts = 3,
          .first_delay = std::chrono::milliseconds(50),
          .max_delay = std::chrono::milliseconds(200),
          .request_timeout = std::chrono::seconds(20)};
}

std::string TestBytes::next(std::size_t size) {
  std::string bytes(size, '\0');
  for (char& byte : bytes) {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 7;
    state_ ^= state_ << 17;
    byte = static_cast<char>(state_ >> 24);
  }
  return bytes;
}

Written upload(Client& client, const std::string& key, std::uint64_t size, std::uint64_t seed) {
  TestBytes bytes(seed);
  archive::Sha256 hash;
  const auto start = Clock::now();
  MultipartUpload upload(client, key, size);
  for (std::uint64_t left = size; left > 0;) {
    const std::string chunk = bytes.next(std::min<std::uint64_t>(left, 64 * 1024 + 13));
    hash.update(chunk);
    upload.write(chunk);
    left -= chunk.size();
  }
  Written written{.info = upload.finish(), .sha256 = hash.hex_digest(), .seconds = 0};
  written.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return written;
}

std::string sha256_of_object(Client& client, const std::string& key, std::uint64_t* size) {
  archive::Sha256 hash;
  std::uint64_t total = 0;
  client.get_object(key, [&](std::string_view bytes) {
    hash.update(bytes);
    total += bytes.size();
  });
  if (size) *size = total;
  return hash.hex_digest();
}

std::string reason_of(const std::function<void()>& action, std::string* message) {
  try {
    action();
  } catch (const Error& error) {
    if (message) *message = error.describe();
    return error.reason();
  }
  return "no error";
}

std::string proxy_events_for(const std::string& key) {
  std::string all;
  CURL* handle = curl_easy_init();
  curl_easy_setopt(handle, CURLOPT_URL, (env("S3_TEST_FAULT_ENDPOINT") + "/__events").c_str());
  curl_easy_setopt(
      handle, CURLOPT_WRITEFUNCTION,
      +[](char* data, std::size_t size, std::size_t count, void* user) {
        static_cast<std::string*>(user)->append(data, size * count);
        return size * count;
      });
  curl_easy_setopt(handle, CURLOPT_WRITEDATA, &all);
  curl_easy_perform(handle);
  curl_easy_cleanup(handle);
  std::string mine;
  std::size_t start = 0;
  while (start < all.size()) {
    const std::size_t end = all.find('\n', start);
    const std::string line = all.substr(start, end - start);
    if (line.find(key) != std::string::npos) mine += line + "\n";
    start = end == std::string::npos ? all.size() : end + 1;
  }
  return mine;
}

void write_work_file(const std::string& name, const std::string& text) {
  if (env("S3_TEST_WORK").empty()) return;
  std::ofstream(env("S3_TEST_WORK") + "/" + name) << text << "\n";
}

}  // namespace hivekeeper::s3::check

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  for (const char* name :
       {"S3_TEST_ENDPOINT", "S3_TEST_FAULT_ENDPOINT", "S3_TEST_AUTH_ENDPOINT", "S3_TEST_BUCKET",
        "S3_TEST_ACCESS_KEY_ID", "S3_TEST_SECRET_ACCESS_KEY", "S3_TEST_PREFIX"}) {
    if (std::getenv(name) == nullptr || *std::getenv(name) == '\0') {
      std::fprintf(stderr,
                   "s3_client_check: %s is not set; run tests/integration/"
                   "s3_client_against_moto.sh, which starts the server\n",
                   name);
      return 1;
    }
  }
  return RUN_ALL_TESTS();
}
