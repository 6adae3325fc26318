// A file that appears under its final name complete or not at all. It is written under a hidden
// temporary name in the target directory (".NAME.partial-TOKEN", which never looks like a backup to
// "latest" selection), and commit() fsyncs it, renames it into place and fsyncs the directory.
// The destructor never commits: a file abandoned by an exception is removed. Temporary names are
// also kept in a process-wide registry so that the SIGINT/SIGTERM handler removes them.
#pragma once

#include <cstddef>
#include <filesystem>

namespace hivekeeper::archive {

class AtomicFile {
 public:
  explicit AtomicFile(std::filesystem::path final_path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(const void* data, std::size_t size);
  void commit();

  const std::filesystem::path& final_path() const { return final_path_; }
  const std::filesystem::path& temporary_path() const { return temporary_path_; }

 private:
  std::filesystem::path final_path_;
  std::filesystem::path temporary_path_;
  int fd_ = -1;
  bool committed_ = false;
};

// Writes a small file (status, metadata) atomically in one call.
void write_file_atomically(const std::filesystem::path& path, std::string_view content);

// Removes every temporary file still registered. Async-signal-safe: only unlink(2) on paths
// prepared in advance.
void remove_registered_temporaries() noexcept;

}  // namespace hivekeeper::archive
