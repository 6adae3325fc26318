#include "archive/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <string_view>

#include "common/error.h"
#include "common/text.h"

namespace hivekeeper::archive {
namespace {

// A fixed table of C strings, because the signal path may not allocate or lock.
constexpr std::size_t kMaxRegistered = 64;
constexpr std::size_t kMaxPath = 4096;
std::array<std::atomic<bool>, kMaxRegistered> slot_used{};
std::array<std::array<char, kMaxPath>, kMaxRegistered> slot_path{};

int register_temporary(const std::filesystem::path& path) {
  const std::string text = path.string();
  if (text.size() >= kMaxPath) return -1;
  for (std::size_t i = 0; i < kMaxRegistered; ++i) {
    bool expected = false;
    if (slot_used[i].load() || !slot_used[i].compare_exchange_strong(expected, true)) continue;
    std::memcpy(slot_path[i].data(), text.c_str(), text.size() + 1);
    return static_cast<int>(i);
  }
  return -1;  // more than 64 files at once: the destructor still removes them
}

void unregister_temporary(const std::filesystem::path& path) {
  const std::string text = path.string();
  for (std::size_t i = 0; i < kMaxRegistered; ++i)
    if (slot_used[i].load() && text == slot_path[i].data()) slot_used[i].store(false);
}

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
  register_temporary(temporary_path_);
  fd_ = ::open(temporary_path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    const int error_number = errno;
    unregister_temporary(temporary_path_);
    throw write_failed(temporary_path_, "create", error_number);
  }
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) ::unlink(temporary_path_.c_str());
  unregister_temporary(temporary_path_);
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
  committed_ = true;
  unregister_temporary(temporary_path_);
  fsync_directory(final_path_.parent_path());
}

void write_file_atomically(const std::filesystem::path& path, std::string_view content) {
  AtomicFile file(path);
  file.write(content.data(), content.size());
  file.commit();
}

void remove_registered_temporaries() noexcept {
  for (std::size_t i = 0; i < kMaxRegistered; ++i)
    if (slot_used[i].load()) ::unlink(slot_path[i].data());
}

}  // namespace hivekeeper::archive
