// Progress per phase: the figures (percent, rate, ETA) from bytes and the expected total, the
// terminal line and JSON made from them, and the board that puts them in status.progress.
#include "jobs/progress.h"

#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace hivekeeper::jobs {
namespace {

using hivekeeper::testing::TempDir;
using nlohmann::json;

ProgressSample dump_at(std::uint64_t bytes, std::optional<ExpectedTotal> expected, double seconds) {
  return {"database", bytes, std::move(expected), seconds, false};
}

TEST(Progress, PercentRateAndEtaFromTheExpectedTotal) {
  const auto sample = dump_at(250 << 20, ExpectedTotal{1000 << 20, "file size"}, 10);
  EXPECT_DOUBLE_EQ(bytes_per_second(sample), 25.0 * (1 << 20));
  EXPECT_EQ(percent_done(sample), 25.0);
  EXPECT_EQ(eta_seconds(sample), 30.0);
  EXPECT_EQ(progress_text(sample),
            "database        250.0 MiB of 1000.0 MiB (25%)  25.0 MiB/s  ETA 0:30");
}

TEST(Progress, AnEstimateIsMarkedAndOvershootingItDropsPercentAndEta) {
  const auto within = dump_at(100, ExpectedTotal{400, "previous set"}, 1);
  EXPECT_NE(progress_text(within).find(" of ~400 B (25%)"), std::string::npos);
  const auto beyond = dump_at(500, ExpectedTotal{400, "database size"}, 1);
  EXPECT_EQ(percent_done(beyond), std::nullopt);
  EXPECT_EQ(eta_seconds(beyond), std::nullopt);
  EXPECT_NE(progress_text(beyond).find("(more than expected)"), std::string::npos);
  EXPECT_EQ(progress_text(beyond).find("ETA"), std::string::npos);
}

TEST(Progress, WithoutAnExpectedTotalOnlyBytesAndRate) {
  const auto sample = dump_at(3 << 20, std::nullopt, 2);
  EXPECT_EQ(progress_text(sample), "database        3.0 MiB  1.5 MiB/s");
  const json fields = progress_json(sample);
  EXPECT_TRUE(fields["expectedBytes"].is_null());
  EXPECT_TRUE(fields["percent"].is_null());
  EXPECT_TRUE(fields["etaSeconds"].is_null());
  EXPECT_EQ(fields["bytes"], 3 << 20);
  EXPECT_EQ(fields["done"], false);
}

TEST(Progress, ADonePhaseSaysHowLongItTook) {
  ProgressSample sample = dump_at(2 << 20, ExpectedTotal{4 << 20, "previous set"}, 4);
  sample.done = true;
  EXPECT_EQ(percent_done(sample), 100.0);
  EXPECT_EQ(progress_text(sample), "database        2.0 MiB  done in 4.0 s  512.0 KiB/s");
  EXPECT_EQ(progress_json(sample),
            json::parse(R"({"phase": "database", "bytes": 2097152, "expectedBytes": 4194304,
                            "expectedFrom": "previous set", "percent": 100.0,
                            "bytesPerSecond": 524288, "etaSeconds": 0.0,
                            "elapsedSeconds": 4.0, "done": true})"));
}

TEST(Progress, NothingReadYetHasNoRateAndNoEta) {
  const auto sample = dump_at(0, ExpectedTotal{100, "file size"}, 0);
  EXPECT_EQ(bytes_per_second(sample), 0);
  EXPECT_EQ(percent_done(sample), 0.0);
  EXPECT_EQ(eta_seconds(sample), std::nullopt);
}

TEST(Progress, ClockDurations) {
  EXPECT_EQ(clock_duration(0), "0:00");
  EXPECT_EQ(clock_duration(18.2), "0:19");
  EXPECT_EQ(clock_duration(3725), "1:02:05");
}

TEST(Progress, AutoIsLiveOnATerminalWithTextLogsOnly) {
  EXPECT_EQ(choose_progress_mode("auto", true, false), ProgressMode::live);
  EXPECT_EQ(choose_progress_mode("auto", false, false), ProgressMode::json);
  EXPECT_EQ(choose_progress_mode("auto", true, true), ProgressMode::json);
  EXPECT_EQ(choose_progress_mode("live", false, true), ProgressMode::live);
  EXPECT_EQ(choose_progress_mode("off", true, false), ProgressMode::off);
}

TEST(Progress, CountersCountWhatReadersReport) {
  ProgressCounter counter("check media", std::nullopt);
  const auto on_read = counting(counter);
  on_read(1000);
  on_read(24);
  EXPECT_EQ(counter.bytes(), 1024u);
  counter.finish();
  const double elapsed = counter.elapsed_seconds();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(counter.elapsed_seconds(), elapsed) << "a finished phase's time stands still";
}

TEST(Progress, ATotalLearntLaterCountsFromThen) {
  ProgressCounter counter("media", std::nullopt);
  counter.add(100);
  EXPECT_EQ(percent_done(sample(counter)), std::nullopt);
  counter.expect({400, "volume size"});
  EXPECT_EQ(percent_done(sample(counter)), 25.0);
  EXPECT_EQ(sample(counter).expected->source, "volume size");
}

json status_progress(const std::filesystem::path& file) {
  std::ifstream in(file);
  return json::parse(in)["status"].value("progress", json());
}

TEST(ProgressBoard, StatusShowsThePhasesWhileTheJobRunsAndTheirEndAfter) {
  TempDir dir;
  status::StatusReporter status(dir / "status.json", json{{"kind", "BackupJob"}});
  status.update([](status::JobStatus&) {});
  std::optional<ProgressBoard> board(
      std::in_place, status, ProgressSettings{ProgressMode::off, std::chrono::milliseconds(20)});
  ProgressCounter& dump = board->start("database", ExpectedTotal{1000, "previous set"});
  board->start_reading("check media", dir / "no-such-file");
  dump.add(400);
  json seen;
  for (int tries = 0; tries < 200 && (seen.is_null() || seen[0]["bytes"] != 400); ++tries) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    seen = status_progress(dir / "status.json");
  }
  ASSERT_EQ(seen.size(), 2u) << seen;
  EXPECT_EQ(seen[0]["phase"], "database");
  EXPECT_EQ(seen[0]["percent"], 40.0);
  EXPECT_EQ(seen[0]["done"], false);
  EXPECT_TRUE(seen[1]["expectedBytes"].is_null()) << "an unreadable file has no size to expect";

  dump.add(600);
  dump.finish();
  board.reset();
  const json final = status_progress(dir / "status.json");
  EXPECT_EQ(final[0]["bytes"], 1000);
  EXPECT_EQ(final[0]["done"], true);
}

}  // namespace
}  // namespace hivekeeper::jobs
