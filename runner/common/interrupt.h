// SIGINT and SIGTERM end a job cleanly: temporary files are removed (so no file that looks like a
// backup is left), registered cleanups run (a helper container is removed), the status is written
// as Failed, and the process exits 1. The signals are blocked in every thread and taken by one
// thread with sigwait(), so the cleanup runs as ordinary code, not in a signal handler.
// The job's own thread is not stopped from outside; it stops itself where it matters: at an
// IrreversibleStep, in a ScopedCleanup the signal thread has taken over, and at the job's end
// (wait_if_interrupted), each of which never returns once the signal has come.
#pragma once

#include <functional>
#include <mutex>
#include <string>

namespace hivekeeper {

// Call once, before any other thread starts. `on_signal` gets "SIGTERM" or "SIGINT" and runs
// after the registered cleanups; the process then exits with status 1.
void install_interrupt_handling(std::function<void(const std::string& signal_name)> on_signal);

// True once SIGINT or SIGTERM has arrived.
bool interrupted();

// For the job's thread at its end: never returns after a signal, so a job does not report
// success (or exit) while the signal thread is still cleaning up.
void wait_if_interrupted();

// Around a step that cannot be taken back (a restore's COMMIT, the media swap): the signal's
// cleanups wait until the step is over, and a step that the signal precedes never starts (the
// constructor does not return).
class IrreversibleStep {
 public:
  IrreversibleStep();
  IrreversibleStep(const IrreversibleStep&) = delete;
  IrreversibleStep& operator=(const IrreversibleStep&) = delete;

 private:
  std::unique_lock<std::mutex> lock_;
};

// Runs every registered cleanup now, the newest first (as scopes unwind): what the signal thread
// does. Public for tests; a cleanup run this way does not run again at its scope's end.
void run_pending_cleanups();

// The one registry of what a job must undo (temporary files, helper containers, private files):
// runs `cleanup` when it goes out of scope, or on SIGINT/SIGTERM if that comes first; in that
// case the destructor does not return (the signal thread is running the cleanup and then ends
// the process), so nothing the cleanup uses is destroyed under it.
class ScopedCleanup {
 public:
  // SELF_CONTAINED: the cleanup owns copies of all it uses (a temporary file's path), so the
  // destructor never waits for the signal thread. Such objects are destroyed where the job holds
  // other locks (a status file is written under the status's mutex); parking there would leave
  // the signal thread waiting for that mutex forever.
  explicit ScopedCleanup(std::function<void()> cleanup, bool self_contained = false);
  ~ScopedCleanup();
  ScopedCleanup(const ScopedCleanup&) = delete;
  ScopedCleanup& operator=(const ScopedCleanup&) = delete;

 private:
  int id_;
  bool self_contained_;
};

}  // namespace hivekeeper
