#include "jobs/progress.h"

#include <cmath>
#include <format>

#include "common/log.h"
#include "store/naming.h"

namespace hivekeeper::jobs {
namespace {

std::mutex settings_mutex;
ProgressSettings configured_settings;

constexpr std::chrono::seconds kLiveRedraw{1};

}  // namespace

ProgressMode choose_progress_mode(const std::string& requested, bool stderr_is_terminal,
                                  bool json_logs) {
  if (requested == "live") return ProgressMode::live;
  if (requested == "json") return ProgressMode::json;
  if (requested == "off") return ProgressMode::off;
  return stderr_is_terminal && !json_logs ? ProgressMode::live : ProgressMode::json;
}

void configure_progress(const ProgressSettings& settings) {
  std::lock_guard lock(settings_mutex);
  configured_settings = settings;
}

ProgressSettings progress_settings() {
  std::lock_guard lock(settings_mutex);
  return configured_settings;
}

ProgressCounter::ProgressCounter(std::string phase, std::optional<ExpectedTotal> expected)
    : phase_(std::move(phase)), expected_(std::move(expected)) {}

std::optional<ExpectedTotal> ProgressCounter::expected() const {
  std::lock_guard lock(expected_mutex_);
  return expected_;
}

void ProgressCounter::expect(ExpectedTotal expected) {
  std::lock_guard lock(expected_mutex_);
  expected_ = std::move(expected);
}

void ProgressCounter::finish() {
  elapsed_at_finish_.store(elapsed_seconds());
  done_.store(true);
}

double ProgressCounter::elapsed_seconds() const {
  if (done()) return elapsed_at_finish_.load();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

ProgressSample sample(const ProgressCounter& counter) {
  const bool done = counter.done();  // first: a phase done is read with its final bytes
  return {counter.phase(), counter.bytes(), counter.expected(), counter.elapsed_seconds(), done};
}

double bytes_per_second(const ProgressSample& sample) {
  return sample.elapsed_seconds > 0 ? static_cast<double>(sample.bytes) / sample.elapsed_seconds
                                    : 0;
}

std::optional<double> percent_done(const ProgressSample& sample) {
  if (sample.done) return 100.0;
  if (!sample.expected || sample.expected->bytes == 0 || sample.bytes > sample.expected->bytes)
    return std::nullopt;
  return std::floor(1000.0 * static_cast<double>(sample.bytes) /
                    static_cast<double>(sample.expected->bytes)) /
         10;
}

std::optional<double> eta_seconds(const ProgressSample& sample) {
  if (sample.done) return 0.0;
  const double rate = bytes_per_second(sample);
  if (!percent_done(sample) || rate <= 0) return std::nullopt;
  return std::ceil(static_cast<double>(sample.expected->bytes - sample.bytes) / rate);
}

std::string human_bytes(std::uint64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  std::size_t unit = 0;
  while (value >= 1024 && unit + 1 < std::size(units)) value /= 1024, ++unit;
  return unit == 0 ? std::format("{} B", bytes) : std::format("{:.1f} {}", value, units[unit]);
}

std::string clock_duration(double seconds) {
  const auto whole = static_cast<std::uint64_t>(std::ceil(std::max(seconds, 0.0)));
  if (whole >= 3600)
    return std::format("{}:{:02}:{:02}", whole / 3600, whole / 60 % 60, whole % 60);
  return std::format("{}:{:02}", whole / 60, whole % 60);
}

std::string progress_text(const ProgressSample& sample) {
  const std::string rate = human_bytes(static_cast<std::uint64_t>(bytes_per_second(sample))) + "/s";
  if (sample.done)
    return std::format("{:<15} {}  done in {:.1f} s  {}", sample.phase, human_bytes(sample.bytes),
                       sample.elapsed_seconds, rate);
  std::string text = std::format("{:<15} {}", sample.phase, human_bytes(sample.bytes));
  const auto percent = percent_done(sample);
  if (sample.expected) {
    const bool estimate = sample.expected->source != "file size";
    text += std::format(" of {}{}", estimate ? "~" : "", human_bytes(sample.expected->bytes));
    text += percent ? std::format(" ({:.0f}%)", *percent) : std::string(" (more than expected)");
  }
  text += "  " + rate;
  if (const auto eta = eta_seconds(sample)) text += "  ETA " + clock_duration(*eta);
  return text;
}

nlohmann::json progress_json(const ProgressSample& sample) {
  using nlohmann::json;
  const auto optional = [](const auto& value) { return value ? json(*value) : json(nullptr); };
  return {{"phase", sample.phase},
          {"bytes", sample.bytes},
          {"expectedBytes", sample.expected ? json(sample.expected->bytes) : json(nullptr)},
          {"expectedFrom", sample.expected ? json(sample.expected->source) : json(nullptr)},
          {"percent", optional(percent_done(sample))},
          {"bytesPerSecond", static_cast<std::uint64_t>(bytes_per_second(sample))},
          {"etaSeconds", optional(eta_seconds(sample))},
          {"elapsedSeconds", std::round(sample.elapsed_seconds * 10) / 10},
          {"done", sample.done}};
}

ProgressBoard::ProgressBoard(status::StatusReporter& status, const ProgressSettings& settings)
    : status_(status), settings_(settings), thread_([this] { loop(); }) {}

ProgressBoard::~ProgressBoard() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  stop_.notify_all();
  thread_.join();
  report(/*final=*/true);
  if (settings_.mode == ProgressMode::live) keep_live_lines();
}

ProgressCounter& ProgressBoard::start(std::string phase, std::optional<ExpectedTotal> expected) {
  std::lock_guard lock(mutex_);
  reported_done_.push_back(false);
  return counters_.emplace_back(std::move(phase), std::move(expected));
}

ProgressCounter& ProgressBoard::start_reading(std::string phase,
                                              const std::filesystem::path& file) {
  std::error_code error;
  const auto size = std::filesystem::file_size(file, error);
  return start(std::move(phase),
               error ? std::nullopt : std::optional(ExpectedTotal{size, "file size"}));
}

void ProgressBoard::loop() {
  const auto tick = settings_.mode == ProgressMode::live
                        ? std::min<std::chrono::milliseconds>(kLiveRedraw, settings_.interval)
                        : settings_.interval;
  std::unique_lock lock(mutex_);
  last_published_ = std::chrono::steady_clock::now();
  while (!stop_.wait_for(lock, tick, [&] { return stopping_; })) {
    lock.unlock();
    report(/*final=*/false);
    lock.lock();
  }
}

// Called by the loop, then once by the destructor after the loop has ended: never twice at once.
void ProgressBoard::report(bool final) {
  std::vector<ProgressSample> samples;
  std::vector<bool> announce;  // JSON lines: running phases, and each finished one once
  {
    std::lock_guard lock(mutex_);
    for (std::size_t i = 0; i < counters_.size(); ++i) {
      samples.push_back(sample(counters_[i]));
      announce.push_back(!reported_done_[i]);
      if (samples.back().done) reported_done_[i] = true;
    }
  }
  if (samples.empty()) return;
  nlohmann::json phases = nlohmann::json::array();
  std::vector<std::string> lines;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    phases.push_back(progress_json(samples[i]));
    lines.push_back(progress_text(samples[i]));
    if (settings_.mode == ProgressMode::json && announce[i])
      write_stderr_line(nlohmann::json{
          {"time", store::rfc3339(store::Clock::now())},
          {"level", "info"},
          {"msg", "progress: " + lines.back()},
          {"progress",
           phases.back()}}.dump());
  }
  if (settings_.mode == ProgressMode::live) show_live_lines(lines);
  // The status file is rewritten at the reporting interval, not at every redraw.
  const auto now = std::chrono::steady_clock::now();
  if (final || settings_.mode != ProgressMode::live ||
      now - last_published_ >= settings_.interval - kLiveRedraw / 2) {
    last_published_ = now;
    status_.update([&](status::JobStatus& job) { job.details["progress"] = phases; });
  }
}

}  // namespace hivekeeper::jobs
