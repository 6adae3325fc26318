// Process: real children (/bin/sh, cat), so pipes, exit codes, signals and the environment are
// the kernel's, not a model of them.
#include "common/process.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "common/error.h"

namespace hivekeeper {
namespace {

using ::testing::HasSubstr;

struct Captured {
  std::string out;
  std::string err;
  int exit_code = -1;
};

Captured run(const ProcessSpec& spec) {
  Captured captured;
  captured.exit_code = run_process(
      spec, [&](std::string_view bytes) { captured.out.append(bytes); },
      [&](std::string_view bytes) { captured.err.append(bytes); });
  return captured;
}

TEST(Process, StreamsBothOutputsAndReturnsTheExitCode) {
  const Captured result = run({{"sh", "-c", "echo out; echo err >&2; exit 3"}, {}, false});
  EXPECT_EQ(result.out, "out\n");
  EXPECT_EQ(result.err, "err\n");
  EXPECT_EQ(result.exit_code, 3);
}

TEST(Process, AddsEnvironmentVariablesAndKeepsTheRunnersOwn) {
  const Captured result = run({{"sh", "-c", "printf '%s %s' \"$PGPASSFILE\" \"${PATH:+has-path}\""},
                               {{"PGPASSFILE", "/run/secret/pgpass"}},
                               false});
  EXPECT_EQ(result.out, "/run/secret/pgpass has-path");
}

TEST(Process, InputWrittenInPiecesComesBackWhole) {
  std::string out;
  Process cat(
      {{"cat"}, {}, true}, [&](std::string_view bytes) { out.append(bytes); },
      [](std::string_view) {});
  std::string sent;
  for (int i = 0; i < 2000; ++i) {
    const std::string line = "COPY line " + std::to_string(i) + std::string(97, 'x') + "\n";
    cat.write(line);
    sent += line;
  }
  cat.close_input();
  EXPECT_EQ(cat.wait(), 0);
  EXPECT_EQ(out, sent);
}

TEST(Process, WritingToAChildThatStoppedReadingFailsInsteadOfKillingTheRunner) {
  Process quitter(
      {{"sh", "-c", "exit 0"}, {}, true}, [](std::string_view) {}, [](std::string_view) {});
  EXPECT_EQ(quitter.wait(), 0);
  std::string reason;
  try {
    for (int i = 0; i < 64; ++i) quitter.write(std::string(1 << 16, 'x'));
  } catch (const Error& error) {
    reason = error.reason();
  }
  EXPECT_EQ(reason, "ExecInputRefused");
}

TEST(Process, ASignalEndingTheChildIsReportedAs128PlusItsNumber) {
  EXPECT_EQ(run({{"sh", "-c", "kill -TERM $$"}, {}, false}).exit_code, 128 + 15);
}

TEST(Process, AMissingProgramSaysSo) {
  try {
    run({{"pg_dump-that-does-not-exist"}, {}, false});
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_EQ(error.reason(), "ProcessFailed");
    EXPECT_THAT(error.what(), HasSubstr("pg_dump-that-does-not-exist"));
    EXPECT_THAT(error.hint(), HasSubstr("not installed"));
  }
}

TEST(Process, DestroyingARunningChildEndsIt) {
  const auto started = std::chrono::steady_clock::now();
  {
    Process sleeper({{"sleep", "30"}, {}, false}, [](std::string_view) {}, [](std::string_view) {});
  }
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
}

}  // namespace
}  // namespace hivekeeper
