// How far a long job has come, phase by phase (the dump, the media archive, a restore's checks,
// load and staging): bytes done of the expected total, rate and ETA. Shown three ways at once:
//   live   on a terminal, one line per phase redrawn in place under the log (common/log.h)
//   json   without a terminal, one JSON object per line per running phase at a fixed interval
//   status the same fields in status.progress, rewritten at each report, for a status reader
// Streams count with relaxed atomics, so the hot paths pay nothing measurable; the rendering is
// plain functions over a ProgressSample, unit-tested without a job.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "status/status.h"

namespace hivekeeper::jobs {

enum class ProgressMode { live, json, off };

struct ProgressSettings {
  ProgressMode mode = ProgressMode::json;
  std::chrono::milliseconds interval{5000};  // JSON lines and status.progress; live redraws 1/s
};

// REQUESTED as --progress says it: "auto" is live on a terminal with text logs, else JSON lines.
ProgressMode choose_progress_mode(const std::string& requested, bool stderr_is_terminal,
                                  bool json_logs);

// Set once by cli/ from --progress and --progress-interval, as the log format is: how progress
// is shown, never what a job does.
void configure_progress(const ProgressSettings& settings);
ProgressSettings progress_settings();

// What a phase expects to move, and where that figure comes from ("file size": exact;
// "previous set", "database size": estimates).
struct ExpectedTotal {
  std::uint64_t bytes = 0;
  std::string source;
};

class ProgressCounter {
 public:
  ProgressCounter(std::string phase, std::optional<ExpectedTotal> expected);
  void add(std::uint64_t bytes) { bytes_.fetch_add(bytes, std::memory_order_relaxed); }
  std::uint64_t bytes() const { return bytes_.load(std::memory_order_relaxed); }
  void finish();
  bool done() const { return done_.load(); }
  const std::string& phase() const { return phase_; }
  std::optional<ExpectedTotal> expected() const;
  // A total learnt after the phase started (a volume measured beside the backup).
  void expect(ExpectedTotal expected);
  double elapsed_seconds() const;

 private:
  std::string phase_;
  mutable std::mutex expected_mutex_;
  std::optional<ExpectedTotal> expected_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::atomic<std::uint64_t> bytes_{0};
  std::atomic<bool> done_{false};
  std::atomic<double> elapsed_at_finish_{0};
};

// What the archive readers call with each chunk (archive::ReadProgress), counted on COUNTER.
inline std::function<void(std::size_t)> counting(ProgressCounter& counter) {
  return [&counter](std::size_t bytes) { counter.add(bytes); };
}

// One phase at one moment.
struct ProgressSample {
  std::string phase;
  std::uint64_t bytes = 0;
  std::optional<ExpectedTotal> expected;
  double elapsed_seconds = 0;
  bool done = false;
};
ProgressSample sample(const ProgressCounter& counter);

// Average since the phase started: steadier than the last interval's, which a pause would zero.
double bytes_per_second(const ProgressSample& sample);
// nullopt when nothing is expected, or more than the estimate has come already.
std::optional<double> percent_done(const ProgressSample& sample);
std::optional<double> eta_seconds(const ProgressSample& sample);

// "database   412.0 MiB of 1.2 GiB (34%)  45.1 MiB/s  ETA 0:19"
std::string progress_text(const ProgressSample& sample);
// {"phase", "bytes", "expectedBytes", "expectedFrom", "percent", "bytesPerSecond", "etaSeconds",
//  "elapsedSeconds", "done"}; absent figures are null.
nlohmann::json progress_json(const ProgressSample& sample);

// "812.4 MiB"
std::string human_bytes(std::uint64_t bytes);
// "0:19", "1:02:05"
std::string clock_duration(double seconds);

// A job's phases, reported from a thread of its own in the configured way until destroyed, when
// the final state is reported once more (and kept in status.progress).
class ProgressBoard {
 public:
  explicit ProgressBoard(status::StatusReporter& status,
                         const ProgressSettings& settings = progress_settings());
  ~ProgressBoard();
  ProgressBoard(const ProgressBoard&) = delete;
  ProgressBoard& operator=(const ProgressBoard&) = delete;

  // A new phase, counted from now; the reference stays valid as long as the board.
  ProgressCounter& start(std::string phase, std::optional<ExpectedTotal> expected = std::nullopt);
  // A phase that reads FILE once through: expects the file's size.
  ProgressCounter& start_reading(std::string phase, const std::filesystem::path& file);

 private:
  void loop();
  void report(bool final);

  status::StatusReporter& status_;
  ProgressSettings settings_;
  std::mutex mutex_;
  std::condition_variable stop_;
  bool stopping_ = false;
  std::deque<ProgressCounter> counters_;
  std::deque<bool> reported_done_;  // per counter: its "done" JSON line is out
  std::chrono::steady_clock::time_point last_published_;
  std::thread thread_;
};

}  // namespace hivekeeper::jobs
