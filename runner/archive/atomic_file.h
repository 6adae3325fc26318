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
#include <system_error>

#include "archive/artifact_sink.h"
#include "common/interrupt.h"

namespace hivekeeper::archive {

// Who may read what a job writes: backups hold the whole database, so by default only the
// runner's user (files 0600, folders 0700), whatever the umask; groupReadable in the manifest
// opens them to the group (0640, 0750).
struct FileModes {
  unsigned file = 0600;
  unsigned directory = 0700;
};
inline constexpr FileModes kPrivateModes{0600, 0700};
inline constexpr FileModes kGroupReadableModes{0640, 0750};

// What commit() does when the final name exists: a status file is replaced, a backup never is.
enum class Existing { replace, refuse };

// Creates DIRECTORY and its missing parents with MODE (exactly, whatever the umask); folders
// that exist keep theirs.
std::error_code create_directories(const std::filesystem::path& directory, unsigned mode);

class AtomicFile final : public ArtifactSink {
 public:
  explicit AtomicFile(std::filesystem::path final_path, unsigned mode = kPrivateModes.file,
                      Existing existing = Existing::replace);
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
  void move_into_place_unless_taken();

  std::filesystem::path final_path_;
  std::filesystem::path temporary_path_;
  int fd_ = -1;
  Existing existing_;
  // Shared with the removal cleanup, which may outlive this object on the signal thread.
  std::shared_ptr<std::atomic<bool>> committed_ = std::make_shared<std::atomic<bool>>(false);
  std::unique_ptr<ScopedCleanup> remove_unless_committed_;
};

// Writes a small file (status, metadata) atomically in one call.
void write_file_atomically(const std::filesystem::path& path, std::string_view content,
                           unsigned mode = kPrivateModes.file,
                           Existing existing = Existing::replace);

}  // namespace hivekeeper::archive
