#include "common/interrupt.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <map>
#include <mutex>
#include <thread>

#include "archive/atomic_file.h"

namespace hivekeeper {
namespace {

std::mutex registry_mutex;
std::map<int, std::function<void()>> registry;
int next_id = 0;

void run_all_cleanups() {
  std::map<int, std::function<void()>> cleanups;
  {
    std::lock_guard lock(registry_mutex);
    cleanups.swap(registry);
  }
  for (auto& [id, cleanup] : cleanups) {
    try {
      cleanup();
    } catch (...) {
      // Best effort: the process is going down either way.
    }
  }
}

}  // namespace

void install_interrupt_handling(std::function<void(const std::string&)> on_signal) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::thread([signals, on_signal = std::move(on_signal)] {
    int received = 0;
    sigwait(&signals, &received);
    archive::remove_registered_temporaries();
    run_all_cleanups();
    archive::remove_registered_temporaries();  // files created while the cleanups ran
    if (on_signal) on_signal(received == SIGINT ? "SIGINT" : "SIGTERM");
    _exit(1);
  }).detach();
}

ScopedCleanup::ScopedCleanup(std::function<void()> cleanup) {
  std::lock_guard lock(registry_mutex);
  id_ = next_id++;
  registry.emplace(id_, std::move(cleanup));
}

ScopedCleanup::~ScopedCleanup() {
  std::function<void()> cleanup;
  {
    std::lock_guard lock(registry_mutex);
    const auto found = registry.find(id_);
    if (found == registry.end()) return;  // already run by the signal thread
    cleanup = std::move(found->second);
    registry.erase(found);
  }
  try {
    cleanup();
  } catch (...) {
  }
}

}  // namespace hivekeeper
