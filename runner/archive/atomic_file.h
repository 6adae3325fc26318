// A file that appears under its final name complete or not at all. It is written under a hidden
// temporary name in the target directory (".NAME.partial-TOKEN", which never looks like a backup to
// "latest" selection), and commit() fsyncs it, renames it into place and fsyncs the directory.
// The destructor never commits: a file abandoned by an exception is removed, and so is one
// still open when SIGINT/SIGTERM arrives (its removal is a ScopedCleanup).
#pragma once

#include <atomic>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string_view>

#include "archive/artifact_sink.h"
#include "common/interrupt.h"

namespace hivekeeper::archive {

class AtomicFile final : public ArtifactSink {
 public:
  explicit AtomicFile(std::filesystem::path final_path);
  ~AtomicFile() override;
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(const void* data, std::size_t size) override;
  void commit() override;
  void uncommit() override;
  std::string location() const override { return final_path_.string(); }

  const std::filesystem::path& final_path() const { return final_path_; }
  const std::filesystem::path& temporary_path() const { return temporary_path_; }

 private:
  std::filesystem::path final_path_;
  std::filesystem::path temporary_path_;
  int fd_ = -1;
  // Shared with the removal cleanup, which may outlive this object on the signal thread.
  std::shared_ptr<std::atomic<bool>> committed_ = std::make_shared<std::atomic<bool>>(false);
  std::unique_ptr<ScopedCleanup> remove_unless_committed_;
};

// Writes a small file (status, metadata) atomically in one call.
void write_file_atomically(const std::filesystem::path& path, std::string_view content);

}  // namespace hivekeeper::archive
