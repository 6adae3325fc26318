#include "store/directory_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <system_error>
#include <thread>

#include <spdlog/spdlog.h>

#include "archive/atomic_file.h"
#include "common/error.h"
#include "common/interrupt.h"

namespace hivekeeper::store {
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

// The open lock file's descriptor; -1 when the directory is read-only (warned: no lock).
int open_lock_file(const std::filesystem::path& path) {
  // Never through a link, and only a regular file: the holder is written into it, and a link
  // planted in a shared directory would otherwise have the runner truncate its target.
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
  struct stat opened{};
  if (fd >= 0 && ::fstat(fd, &opened) == 0 && S_ISREG(opened.st_mode)) return fd;
  const int error_number = fd >= 0 ? EINVAL : errno;
  if (fd >= 0) ::close(fd);
  if (error_number == ELOOP || error_number == EINVAL)
    throw job_failed("LockFileUnsafe",
                     path.string() +
                         " is not a regular file (a symbolic link or a special file); "
                         "the runner will not write through it",
                     "remove it (`rm " + path.string() + "`); the runner creates its own");
  if (error_number == EROFS || error_number == EACCES) {
    // A restore may read backups from a read-only mount (status and safety backup elsewhere).
    spdlog::warn("{}; running without the one-job-at-a-time lock",
                 errno_text("cannot create " + path.string(), error_number));
    return -1;
  }
  throw job_failed("OutputWriteFailed", errno_text("cannot open " + path.string(), error_number),
                   "the backup directory must be writable: each job locks it for its run");
}

bool names_the_open_file(const std::filesystem::path& path, int fd) {
  struct stat opened{};
  struct stat named{};
  return ::fstat(fd, &opened) == 0 && ::stat(path.c_str(), &named) == 0 &&
         opened.st_dev == named.st_dev && opened.st_ino == named.st_ino;
}

}  // namespace

DirectoryLock::DirectoryLock(const std::filesystem::path& directory, const std::string& holder,
                             const std::function<void(const std::string& other)>& on_wait,
                             std::chrono::milliseconds poll)
    : path_(directory / kLockFileName) {
  // A failure here is reported by opening the lock file, which says what is wrong.
  (void)archive::create_directories(directory, archive::kPrivateModes.directory);
  bool told = false;
  for (;;) {
    const int fd = open_lock_file(path_);
    if (fd < 0) return;
    while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int error_number = errno;
      if (error_number == EINTR) continue;
      if (error_number != EWOULDBLOCK) {
        ::close(fd);
        spdlog::warn("{}; running without the one-job-at-a-time lock",
                     errno_text("cannot lock " + path_.string(), error_number));
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
    if (names_the_open_file(path_, fd)) {
      fd_ = fd;
      write_holder(fd_, holder);
      // On SIGTERM the destructor never runs: the file goes with the job's other cleanups, and
      // the lock itself stays held until the process exits, after them.
      remove_on_interrupt_ =
          std::make_unique<ScopedCleanup>([path = path_] { ::unlink(path.c_str()); });
      return;
    }
    ::close(fd);  // its holder removed this file when it ended: lock the one at the path now
  }
}

DirectoryLock::~DirectoryLock() {
  if (fd_ < 0) return;
  // Removed while still locked, so a job that opens the path after this finds a new file; one
  // that opened the old file before sees that it is no longer the path's, and opens again.
  remove_on_interrupt_.reset();
  ::close(fd_);
}

}  // namespace hivekeeper::store
