#include "archive/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
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

AtomicFile::AtomicFile(std::filesystem::path final_path) : final_path_(std::move(final_path)) {
  temporary_path_ = final_path_.parent_path() /
                    ("." + final_path_.filename().string() + ".partial-" + random_token());
  fd_ = ::open(temporary_path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd_ < 0) throw write_failed(temporary_path_, "create", errno);
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
  if (::rename(temporary_path_.c_str(), final_path_.c_str()) != 0)
    throw write_failed(final_path_, "rename into place", errno);
  *committed_ = true;
  fsync_directory(final_path_.parent_path());
}

void AtomicFile::uncommit() {
  if (*committed_) ::unlink(final_path_.c_str());
}

void write_file_atomically(const std::filesystem::path& path, std::string_view content) {
  AtomicFile file(path);
  file.write(content.data(), content.size());
  file.commit();
}

}  // namespace hivekeeper::archive
