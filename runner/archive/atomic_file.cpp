#include "archive/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string_view>

#include "common/error.h"
#include "common/text.h"

namespace hivekeeper::archive {
namespace {

void fsync_directory(const std::filesystem::path& directory) {
  const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;  // some filesystems refuse; the rename itself already happened
  ::fsync(fd);
  ::close(fd);
}

Error write_failed(const std::filesystem::path& path, const std::string& action, int error_number) {
  std::string hint = "check that the directory exists and is writable";
  if (error_number == ENOSPC)
    hint = "free space on the backup volume (`df -h " + path.parent_path().string() + "`)";
  return job_failed("OutputWriteFailed",
                    errno_text("cannot " + action + " " + path.string(), error_number), hint);
}

}  // namespace

std::error_code create_directories(const std::filesystem::path& directory, unsigned mode) {
  std::error_code error;
  if (directory.empty() || std::filesystem::is_directory(directory, error)) return {};
  if (const auto parent = directory.parent_path(); !parent.empty() && parent != directory)
    if (auto parent_error = create_directories(parent, mode)) return parent_error;
  if (::mkdir(directory.c_str(), mode) != 0) {
    if (errno == EEXIST && std::filesystem::is_directory(directory, error)) return {};
    return {errno, std::generic_category()};
  }
  // mkdir's mode passes through the umask; the folder must have exactly MODE.
  if (::chmod(directory.c_str(), mode) != 0) return {errno, std::generic_category()};
  return {};
}

AtomicFile::AtomicFile(std::filesystem::path final_path, unsigned mode, Existing existing)
    : final_path_(std::move(final_path)), existing_(existing) {
  temporary_path_ = final_path_.parent_path() /
                    ("." + final_path_.filename().string() + ".partial-" + random_token());
  fd_ = ::open(temporary_path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
  if (fd_ < 0) throw write_failed(temporary_path_, "create", errno);
  // open's mode passes through the umask; the file must have exactly MODE.
  if (::fchmod(fd_, mode) != 0) {
    const int error_number = errno;
    ::close(fd_);
    ::unlink(temporary_path_.c_str());
    fd_ = -1;
    throw write_failed(temporary_path_, "set the mode of", error_number);
  }
  remove_unless_committed_ = std::make_unique<ScopedCleanup>(
      [path = temporary_path_, committed = committed_] {
        if (!*committed) ::unlink(path.c_str());
      },
      /*self_contained=*/true);
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) ::close(fd_);
  remove_unless_committed_.reset();
}

void AtomicFile::write(const void* data, std::size_t size) {
  const char* bytes = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t written = ::write(fd_, bytes, size);
    if (written < 0) {
      if (errno == EINTR) continue;
      throw write_failed(temporary_path_, "write", errno);
    }
    bytes += written;
    size -= static_cast<std::size_t>(written);
  }
}

void AtomicFile::commit() {
  if (::fsync(fd_) != 0) throw write_failed(temporary_path_, "fsync", errno);
  if (::close(fd_) != 0) {
    fd_ = -1;
    throw write_failed(temporary_path_, "close", errno);
  }
  fd_ = -1;
  if (existing_ == Existing::replace) {
    if (::rename(temporary_path_.c_str(), final_path_.c_str()) != 0)
      throw write_failed(final_path_, "rename into place", errno);
  } else {
    move_into_place_unless_taken();
  }
  *committed_ = true;
  fsync_directory(final_path_.parent_path());
}

void AtomicFile::move_into_place_unless_taken() {
  int result = ::renameat2(AT_FDCWD, temporary_path_.c_str(), AT_FDCWD, final_path_.c_str(),
                           RENAME_NOREPLACE);
  // Filesystems without RENAME_NOREPLACE (some network ones): link() refuses an existing name
  // just as atomically.
  if (result != 0 && errno == EINVAL) {
    result = ::link(temporary_path_.c_str(), final_path_.c_str());
    if (result == 0) ::unlink(temporary_path_.c_str());
  }
  if (result == 0) return;
  if (errno == EEXIST)
    throw job_failed("BackupSetExists",
                     final_path_.string() + " already exists; a backup is never replaced",
                     "another job wrote a set with the same name; run the job again");
  throw write_failed(final_path_, "rename into place", errno);
}

void AtomicFile::uncommit() {
  if (*committed_) ::unlink(final_path_.c_str());
}

void write_file_atomically(const std::filesystem::path& path, std::string_view content,
                           unsigned mode, Existing existing) {
  AtomicFile file(path, mode, existing);
  file.write(content.data(), content.size());
  file.commit();
}

}  // namespace hivekeeper::archive
