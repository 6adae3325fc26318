#include "jobs/directory_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <system_error>
#include <thread>

#include <spdlog/spdlog.h>

#include "common/error.h"
#include "common/interrupt.h"

namespace hivekeeper::jobs {
namespace {

std::string read_holder(int fd) {
  std::array<char, 512> buffer{};
  const ssize_t got = ::pread(fd, buffer.data(), buffer.size(), 0);
  if (got <= 0) return "another Hivekeeper job";
  return std::string(buffer.data(), static_cast<std::size_t>(got));
}

void write_holder(int fd, const std::string& holder) {
  // Only for the message of a job that waits: a failure here does not matter to this job.
  if (::ftruncate(fd, 0) == 0 && ::pwrite(fd, holder.data(), holder.size(), 0) < 0)
    spdlog::debug("could not describe this job in the lock file: {}", std::strerror(errno));
}

}  // namespace

DirectoryLock::DirectoryLock(const std::filesystem::path& directory, const std::string& holder,
                             const std::function<void(const std::string& other)>& on_wait,
                             std::chrono::milliseconds poll) {
  const std::filesystem::path path = directory / kLockFileName;
  std::error_code ignored;
  std::filesystem::create_directories(directory, ignored);  // opening the file says what failed
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    const int error_number = errno;
    if (error_number == EROFS || error_number == EACCES) {
      // A restore may read backups from a read-only mount (status and safety backup elsewhere).
      spdlog::warn("{}; running without the one-job-at-a-time lock",
                   errno_text("cannot create " + path.string(), error_number));
      return;
    }
    throw job_failed("OutputWriteFailed", errno_text("cannot open " + path.string(), error_number),
                     "the backup directory must be writable: each job locks it for its run");
  }
  bool told = false;
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int error_number = errno;
    if (error_number == EINTR) continue;
    if (error_number != EWOULDBLOCK) {
      ::close(fd);
      spdlog::warn("{}; running without the one-job-at-a-time lock",
                   errno_text("cannot lock " + path.string(), error_number));
      return;
    }
    if (!told) {
      on_wait(read_holder(fd));
      told = true;
    }
    if (interrupted()) {
      ::close(fd);
      wait_if_interrupted();
    }
    std::this_thread::sleep_for(poll);
  }
  fd_ = fd;
  write_holder(fd_, holder);
}

DirectoryLock::~DirectoryLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the last descriptor releases the flock
}

}  // namespace hivekeeper::jobs
