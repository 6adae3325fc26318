#include "jobs/progress.h"

#include <format>

#include <spdlog/spdlog.h>

namespace hivekeeper::jobs {

std::string human_bytes(std::uint64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  std::size_t unit = 0;
  while (value >= 1024 && unit + 1 < std::size(units)) value /= 1024, ++unit;
  return unit == 0 ? std::format("{} B", bytes) : std::format("{:.1f} {}", value, units[unit]);
}

ProgressReporter::ProgressReporter(std::vector<const ProgressCounter*> counters,
                                   std::chrono::milliseconds interval)
    : counters_(std::move(counters)), interval_(interval), thread_([this] { loop(); }) {}

ProgressReporter::~ProgressReporter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  stop_.notify_all();
  thread_.join();
}

void ProgressReporter::loop() {
  std::vector<std::uint64_t> last(counters_.size(), 0);
  auto last_time = std::chrono::steady_clock::now();
  std::unique_lock lock(mutex_);
  while (!stop_.wait_for(lock, interval_, [&] { return stopping_; })) {
    const auto now = std::chrono::steady_clock::now();
    const double seconds = std::chrono::duration<double>(now - last_time).count();
    std::string line;
    for (std::size_t i = 0; i < counters_.size(); ++i) {
      const std::uint64_t bytes = counters_[i]->bytes();
      const auto rate = static_cast<std::uint64_t>(static_cast<double>(bytes - last[i]) / seconds);
      if (counters_[i]->done())
        line += std::format("{}{}: {} read, done", line.empty() ? "" : "; ", counters_[i]->label(),
                            human_bytes(bytes));
      else
        line += std::format("{}{}: {} read, {}/s", line.empty() ? "" : "; ", counters_[i]->label(),
                            human_bytes(bytes), human_bytes(rate));
      last[i] = bytes;
    }
    last_time = now;
    spdlog::info("progress: {}", line);
  }
}

}  // namespace hivekeeper::jobs
