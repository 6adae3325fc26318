// hivekeeper::Error: what the user reads (describe) and the exit code class.
#include "common/error.h"

#include <cerrno>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace hivekeeper {
namespace {

TEST(Error, DescribeIsMessageThenIndentedDetailsThenHint) {
  const Error error = invalid_input(
      "InvalidManifest",
      "backup.yaml is not a valid BackupJob (2 errors):", "see manifests/schema/",
      {"spec.medai: unknown field (line 7)", "spec.environment: required field is missing"});
  EXPECT_EQ(error.describe(),
            "backup.yaml is not a valid BackupJob (2 errors):\n"
            "  spec.medai: unknown field (line 7)\n"
            "  spec.environment: required field is missing\n"
            "hint: see manifests/schema/");
}

TEST(Error, DescribeWithoutDetailsOrHintIsTheMessage) {
  EXPECT_EQ(job_failed("CompressionFailed", "libdeflate could not compress a block").describe(),
            "libdeflate could not compress a block");
}

TEST(Error, DescribeWithHintOnly) {
  EXPECT_EQ(job_failed("DatabaseContainerNotRunning",
                       "database container beelab-db-1 is not running (state: exited)",
                       "start it with `docker compose up -d db`")
                .describe(),
            "database container beelab-db-1 is not running (state: exited)\n"
            "hint: start it with `docker compose up -d db`");
}

TEST(Error, InvalidInputExitsTwo) {
  const Error error = invalid_input("InvalidUsage", "unknown command bakup");
  EXPECT_EQ(error.kind(), ErrorKind::invalid_input);
  EXPECT_EQ(error.exit_code(), 2);
  EXPECT_EQ(error.exit_code(), kExitInvalidInput);
  EXPECT_EQ(error.reason(), "InvalidUsage");
  EXPECT_STREQ(error.what(), "unknown command bakup");
}

TEST(Error, JobFailedExitsOne) {
  const Error error = job_failed("DockerUnreachable", "cannot talk to the Docker engine");
  EXPECT_EQ(error.kind(), ErrorKind::job_failed);
  EXPECT_EQ(error.exit_code(), 1);
  EXPECT_EQ(error.exit_code(), kExitJobFailed);
  EXPECT_THAT(error.details(), ::testing::IsEmpty());
}

TEST(Error, IsARuntimeError) {
  try {
    throw job_failed("X", "message");
  } catch (const std::runtime_error& error) {
    EXPECT_STREQ(error.what(), "message");
  }
}

TEST(ErrnoText, AppendsStrerror) {
  EXPECT_EQ(errno_text("cannot read manifest x.yaml", ENOENT),
            "cannot read manifest x.yaml: No such file or directory");
  EXPECT_EQ(errno_text("cannot write /backups/x", ENOSPC),
            "cannot write /backups/x: No space left on device");
}

}  // namespace
}  // namespace hivekeeper
