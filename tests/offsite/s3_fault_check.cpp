// The S3 client through the fault proxy (tests/integration/s3_fault_proxy.py, a fake for the
// faults a real server cannot be made to produce) in front of moto_server: a 500, a dropped
// connection and a flipped byte in a part are retried; a part failing every try, and SIGTERM
// mid-part, abort the upload so nothing is left open.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <thread>

#include <gtest/gtest.h>

#include "common/error.h"
#include "common/interrupt.h"
#include "s3/client.h"
#include "s3/multipart_upload.h"
#include "s3_check_support.h"

namespace hivekeeper::s3::check {
namespace {

// A 12 MiB upload (three 5 MiB parts; the proxy's fault hits part 2) through the proxy.
struct FaultRun {
  std::string error_reason, error_message, events;
  bool read_back_equal = false;
  std::size_t uploads_left = 0;
};

FaultRun upload_through_faults(const std::string& marker) {
  const std::string test_name = "faults-" + marker;
  Client client(bucket(env("S3_TEST_FAULT_ENDPOINT"), test_name), good_credentials(),
                quick_retries());
  Client direct(bucket(env("S3_TEST_ENDPOINT"), test_name), good_credentials());
  FaultRun run;
  const std::string key = marker + "/object.bin";
  try {
    const Written written = upload(client, key, 12 * kMiB, 12);
    run.read_back_equal = sha256_of_object(direct, key) == written.sha256;
  } catch (const Error& error) {
    run.error_reason = error.reason();
    run.error_message = error.describe();
  }
  run.events = proxy_events_for(client.config().prefix + "/" + key);
  run.uploads_left = direct.list_multipart_uploads("").size();
  std::printf("[ proxy    ] %s", run.events.c_str());
  return run;
}

TEST(S3AgainstFaults, A500ToAPartIsRetriedAndTheUploadSucceeds) {
  const FaultRun run = upload_through_faults("fault-500-once");
  EXPECT_EQ(run.error_reason, "") << run.error_message;
  EXPECT_TRUE(run.read_back_equal);
  EXPECT_NE(run.events.find("part 2 try 1: answered 500"), std::string::npos) << run.events;
  EXPECT_NE(run.events.find("part 2 try 2: passed through; upstream answered 200"),
            std::string::npos)
      << run.events;
  EXPECT_EQ(run.uploads_left, 0U);
}

TEST(S3AgainstFaults, APartThatAlwaysFailsAbortsTheUpload) {
  const FaultRun run = upload_through_faults("fault-500-always");
  EXPECT_EQ(run.error_reason, "S3RequestFailed");
  EXPECT_NE(run.error_message.find("after 3 tries"), std::string::npos) << run.error_message;
  EXPECT_NE(run.error_message.find("InternalError"), std::string::npos) << run.error_message;
  EXPECT_NE(run.events.find("part 2 try 3: answered 500"), std::string::npos) << run.events;
  EXPECT_EQ(run.events.find("part 2 try 4"), std::string::npos) << run.events;
  EXPECT_EQ(run.uploads_left, 0U) << "the failed upload was not aborted";
}

TEST(S3AgainstFaults, AConnectionDroppedMidPartIsRetried) {
  const FaultRun run = upload_through_faults("fault-drop-once");
  EXPECT_EQ(run.error_reason, "") << run.error_message;
  EXPECT_TRUE(run.read_back_equal);
  EXPECT_NE(run.events.find("part 2 try 1: dropped the connection"), std::string::npos)
      << run.events;
  EXPECT_NE(run.events.find("part 2 try 2: passed through"), std::string::npos) << run.events;
  EXPECT_EQ(run.uploads_left, 0U);
}

TEST(S3AgainstFaults, ACorruptedPartIsCaughtAndSentAgain) {
  const FaultRun run = upload_through_faults("fault-corrupt-once");
  EXPECT_EQ(run.error_reason, "") << run.error_message;
  EXPECT_TRUE(run.read_back_equal) << "the object holds the corrupted byte";
  EXPECT_NE(run.events.find("part 2 try 1: flipped byte"), std::string::npos) << run.events;
  EXPECT_NE(run.events.find("part 2 try 2: passed through; upstream answered 200"),
            std::string::npos)
      << run.events;
  EXPECT_EQ(run.uploads_left, 0U);
  // Who caught it: the server (a 400 BadDigest / XAmzContentSHA256Mismatch) or, when the server
  // stored the damaged bytes, our ETag-is-MD5 check.
  const bool server_refused = run.events.find("upstream answered 400") != std::string::npos;
  std::printf("[ checksum ] the corrupted part was %s\n",
              server_refused ? "REFUSED by the server (400)"
                             : "ACCEPTED by the server (200): our ETag check caught it");
  write_work_file("corrupt.caught-by", server_refused ? "server" : "client-etag-check");
}

TEST(S3AgainstFaults, APartCorruptedOnEveryTryFailsClearlyAndIsAborted) {
  const FaultRun run = upload_through_faults("fault-corrupt-always");
  EXPECT_EQ(run.error_reason, "S3DataCorrupted");
  EXPECT_NE(run.error_message.find("BadDigest"), std::string::npos) << run.error_message;
  EXPECT_EQ(run.uploads_left, 0U) << "the failed upload was not aborted";
  std::printf("[ message  ] %s\n", run.error_message.c_str());
}

// In a child process (SIGTERM ends the process): a slow upload through the proxy; the parent
// sends SIGTERM mid-part and times how long until the child's transfer gave up.
[[noreturn]] void run_interrupted_upload(int report_fd) {
  static std::atomic<bool> job_thread_stopped{false};
  install_interrupt_handling([](const std::string&) {
    for (int i = 0; i < 300 && !job_thread_stopped; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
  Client client(bucket(env("S3_TEST_FAULT_ENDPOINT"), "interrupted"), good_credentials());
  std::string line = "finished without an interrupt\n";
  try {
    MultipartUpload upload(client, "slow/object.bin", 100 * kMiB);
    TestBytes bytes(7);
    for (int i = 0; i < 1600; ++i) upload.write(bytes.next(64 * 1024));
    upload.finish();
  } catch (const Error& error) {
    line = "stopped " + error.reason() + "\n";
  }
  if (write(report_fd, line.data(), line.size()) < 0) std::perror("write");
  job_thread_stopped = true;
  for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));  // the signal thread exits
}

TEST(S3AgainstFaults, SigtermStopsTheTransferWithinASecondAndAbortsTheUpload) {
  Client direct(bucket(env("S3_TEST_ENDPOINT"), "interrupted"), good_credentials());
  int report[2];
  ASSERT_EQ(pipe(report), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(report[0]);
    run_interrupted_upload(report[1]);
  }
  close(report[1]);
  // Until the upload exists and its first part is on its way (at 1 MiB/s through the proxy).
  for (int i = 0; i < 100 && direct.list_multipart_uploads("").empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(direct.list_multipart_uploads("").size(), 1U);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  const auto signalled = Clock::now();
  kill(child, SIGTERM);
  char buffer[256] = {};
  const ssize_t got = read(report[0], buffer, sizeof buffer - 1);
  const double stop_seconds = std::chrono::duration<double>(Clock::now() - signalled).count();
  close(report[0]);
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_GT(got, 0);
  EXPECT_EQ(std::string(buffer), "stopped S3TransferInterrupted\n");
  EXPECT_LT(stop_seconds, 1.0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 1) << status;
  EXPECT_TRUE(direct.list_multipart_uploads("").empty()) << "SIGTERM left the upload open";
  EXPECT_TRUE(direct.list_objects("").empty());
  std::printf("[ figures  ] SIGTERM mid-part: the transfer stopped after %.0f ms; upload aborted\n",
              stop_seconds * 1000);
}

}  // namespace
}  // namespace hivekeeper::s3::check
