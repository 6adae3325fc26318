// The local backup directory (spec.output.directory, spec.source.directory; default
// backups/django, the seed's), as a BackupStore: artifacts are AtomicFiles (hidden temporary
// names, fsynced, renamed into place), a set is committed by renaming its artifacts and writing
// the metadata last (never over an existing name: a set is never replaced), and jobs take turns
// through an flock on <directory>/.hivekeeper.lock (store/directory_lock.h).
#pragma once

#include "archive/atomic_file.h"
#include "store/backup_store.h"

namespace hivekeeper::store {

class LocalDirectoryStore final : public BackupStore {
 public:
  // Files and folders the store creates are private (0600, 0700) unless GROUP_READABLE.
  explicit LocalDirectoryStore(std::filesystem::path directory, bool group_readable = false);

  std::string describe() const override { return directory_.string(); }
  std::vector<std::string> names() const override;
  std::filesystem::path path_of(const std::string& name) const override {
    return directory_ / name;
  }
  bool read(const std::string& name,
            const std::function<void(std::string_view)>& sink) const override;
  std::optional<std::string> read_small(const std::string& name) const override;
  std::optional<std::uint64_t> size_of(const std::string& name) const override;
  void put_record(const std::string& name, std::string_view content) override;
  void remove(const std::string& name) override;
  // Creates the directory first, if it is missing.
  std::unique_ptr<archive::ArtifactSink> create(const std::string& name) override;
  std::string commit_set(const std::vector<archive::ArtifactSink*>& artifacts,
                         const std::string& metadata_name, std::string_view metadata) override;
  std::unique_ptr<JobLock> lock(
      const std::string& holder,
      const std::function<void(const std::string& other)>& on_wait) override;

 private:
  void create_directory() const;

  std::filesystem::path directory_;
  archive::FileModes modes_;
};

}  // namespace hivekeeper::store
