// Logs how far a long job has come, every few seconds: bytes read per stream and the rate since
// the last report. Streams count with relaxed atomics, so the hot paths pay nothing measurable.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace hivekeeper::jobs {

class ProgressCounter {
 public:
  explicit ProgressCounter(std::string label) : label_(std::move(label)) {}
  void add(std::uint64_t bytes) { bytes_.fetch_add(bytes, std::memory_order_relaxed); }
  std::uint64_t bytes() const { return bytes_.load(std::memory_order_relaxed); }
  void finish() { done_.store(true); }
  bool done() const { return done_.load(); }
  const std::string& label() const { return label_; }

 private:
  std::string label_;
  std::atomic<std::uint64_t> bytes_{0};
  std::atomic<bool> done_{false};
};

// "812.4 MiB"
std::string human_bytes(std::uint64_t bytes);

class ProgressReporter {
 public:
  ProgressReporter(std::vector<const ProgressCounter*> counters,
                   std::chrono::milliseconds interval);
  ~ProgressReporter();

 private:
  void loop();

  std::vector<const ProgressCounter*> counters_;
  std::chrono::milliseconds interval_;
  std::mutex mutex_;
  std::condition_variable stop_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace hivekeeper::jobs
