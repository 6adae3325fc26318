// SIGINT and SIGTERM end a job cleanly: temporary files are removed (so no file that looks like a
// backup is left), registered cleanups run (a helper container is removed), the status is written
// as Failed, and the process exits 1. The signals are blocked in every thread and taken by one
// thread with sigwait(), so the cleanup runs as ordinary code, not in a signal handler.
#pragma once

#include <functional>
#include <string>

namespace hivekeeper {

// Call once, before any other thread starts. `on_signal` gets "SIGTERM" or "SIGINT" and runs
// after the registered cleanups; the process then exits with status 1.
void install_interrupt_handling(std::function<void(const std::string& signal_name)> on_signal);

// Runs `cleanup` when it goes out of scope, or on SIGINT/SIGTERM if that comes first.
class ScopedCleanup {
 public:
  explicit ScopedCleanup(std::function<void()> cleanup);
  ~ScopedCleanup();
  ScopedCleanup(const ScopedCleanup&) = delete;
  ScopedCleanup& operator=(const ScopedCleanup&) = delete;

 private:
  int id_;
};

}  // namespace hivekeeper
