// One job at a time per backup directory. Jobs that share a directory share an app: a backup
// that reads the media volume while a restore swaps it would archive half of each (and the
// restore's staging folder), and two restores would take each other's staging away. So every
// job holds an flock on <directory>/.hivekeeper.lock for its whole run, and a job that finds it
// taken waits, saying for whom, instead of failing: dev and prod crons that fire together
// simply run one after the other. flock is per open file, so it also works across containers
// that bind-mount the directory and across pods on one node's volume, and the kernel drops it
// when a job dies, so there is no stale lock to clean up. The file is removed when the job
// ends; one left by a killed job (SIGKILL) is taken by the next job at once.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "common/interrupt.h"
#include "store/backup_store.h"

namespace hivekeeper::store {

inline constexpr const char* kLockFileName = ".hivekeeper.lock";

class DirectoryLock final : public JobLock {
 public:
  // Returns once this job holds `directory` (created if missing); `holder` describes this job to
  // jobs that wait for it. While another job holds it, `on_wait` is called once with that job's
  // description, then the lock is tried every `poll` until it is free or SIGTERM/SIGINT ends the
  // job. A read-only directory, or a filesystem without locks (some network or FUSE mounts),
  // gets a warning and no lock.
  DirectoryLock(const std::filesystem::path& directory, const std::string& holder,
                const std::function<void(const std::string& other)>& on_wait,
                std::chrono::milliseconds poll = std::chrono::milliseconds(250));
  ~DirectoryLock() override;
  DirectoryLock(const DirectoryLock&) = delete;
  DirectoryLock& operator=(const DirectoryLock&) = delete;

  bool held() const { return fd_ >= 0; }

 private:
  std::filesystem::path path_;
  int fd_ = -1;
  std::unique_ptr<ScopedCleanup> remove_on_interrupt_;  // removes the file, at scope end too
};

}  // namespace hivekeeper::store
