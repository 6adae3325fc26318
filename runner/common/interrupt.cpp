#include "common/interrupt.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>

namespace hivekeeper {
namespace {

std::mutex registry_mutex;
std::map<int, std::function<void()>> registry;
int next_id = 0;
std::atomic<bool> signal_received{false};
std::mutex irreversible_step_mutex;

[[noreturn]] void park_until_exit() {
  for (;;) std::this_thread::sleep_for(std::chrono::hours(1));
}

}  // namespace

void run_pending_cleanups() {
  // Until none is left: a cleanup may register another (a file created while they ran).
  for (;;) {
    std::map<int, std::function<void()>> cleanups;
    {
      std::lock_guard lock(registry_mutex);
      if (registry.empty()) return;
      cleanups.swap(registry);
    }
    // Newest first, as scopes unwind: what a job set up last (a staging folder) goes before what
    // it set up first (the lock, so no other job starts while the cleanups run).
    for (auto it = cleanups.rbegin(); it != cleanups.rend(); ++it) {
      try {
        it->second();
      } catch (...) {
        // Best effort: the process is going down either way.
      }
    }
  }
}

void install_interrupt_handling(std::function<void(const std::string&)> on_signal) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::thread([signals, on_signal = std::move(on_signal)] {
    int received = 0;
    sigwait(&signals, &received);
    signal_received = true;
    // Held to the end: a step under way finishes first, and none starts after this.
    std::lock_guard step(irreversible_step_mutex);
    run_pending_cleanups();
    if (on_signal) on_signal(received == SIGINT ? "SIGINT" : "SIGTERM");
    _exit(1);
  }).detach();
}

bool interrupted() {
  return signal_received;
}

void wait_if_interrupted() {
  if (signal_received) park_until_exit();
}

IrreversibleStep::IrreversibleStep() : lock_(irreversible_step_mutex) {
  if (signal_received) {
    lock_.unlock();
    park_until_exit();
  }
}

ScopedCleanup::ScopedCleanup(std::function<void()> cleanup, bool self_contained)
    : self_contained_(self_contained) {
  std::lock_guard lock(registry_mutex);
  id_ = next_id++;
  registry.emplace(id_, std::move(cleanup));
}

ScopedCleanup::~ScopedCleanup() {
  std::function<void()> cleanup;
  bool taken_by_signal_thread = false;
  {
    std::lock_guard lock(registry_mutex);
    const auto found = registry.find(id_);
    if (found == registry.end()) {
      taken_by_signal_thread = true;
    } else {
      cleanup = std::move(found->second);
      registry.erase(found);
    }
  }
  // Never park holding the registry's mutex: the signal thread registers cleanups of its own
  // after running ours (the Interrupted status is written through an AtomicFile), and would wait
  // for that mutex forever.
  if (taken_by_signal_thread) {
    if (signal_received && !self_contained_) park_until_exit();
    return;  // run_pending_cleanups() ran it already
  }
  try {
    cleanup();
  } catch (...) {
  }
}

}  // namespace hivekeeper
