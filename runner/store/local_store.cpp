#include "store/local_store.h"

#include <fstream>
#include <sstream>
#include <system_error>

#include "archive/atomic_file.h"
#include "common/error.h"
#include "common/interrupt.h"
#include "store/directory_lock.h"

namespace hivekeeper::store {

LocalDirectoryStore::LocalDirectoryStore(std::filesystem::path directory, bool group_readable)
    : directory_(std::move(directory)),
      modes_(group_readable ? archive::kGroupReadableModes : archive::kPrivateModes) {}

std::vector<std::string> LocalDirectoryStore::names() const {
  std::vector<std::string> names;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(directory_, error))
    names.push_back(entry.path().filename().string());
  // A directory not made yet holds no backups; any other failure is the store's.
  if (error && error != std::errc::no_such_file_or_directory)
    throw job_failed(
        "BackupDirectoryUnreadable",
        "cannot list the backup directory " + directory_.string() + ": " + error.message(),
        "check spec.source.directory and the bind mount of ./backups/django");
  return names;
}

bool LocalDirectoryStore::read(const std::string& name,
                               const std::function<void(std::string_view)>& sink) const {
  std::ifstream stream(directory_ / name, std::ios::binary);
  if (!stream) return false;
  std::vector<char> buffer(1024 * 1024);
  while (stream) {
    stream.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    if (stream.gcount() > 0)
      sink(std::string_view(buffer.data(), static_cast<std::size_t>(stream.gcount())));
  }
  if (stream.bad())
    throw job_failed("BackupUnreadable", "cannot read " + (directory_ / name).string(),
                     "check the disk and the file's permissions");
  return true;
}

std::optional<std::string> LocalDirectoryStore::read_small(const std::string& name) const {
  std::ifstream stream(directory_ / name, std::ios::binary);
  if (!stream) return std::nullopt;
  std::ostringstream content;
  content << stream.rdbuf();
  return content.str();
}

std::optional<std::uint64_t> LocalDirectoryStore::size_of(const std::string& name) const {
  std::error_code error;
  const auto size = std::filesystem::file_size(directory_ / name, error);
  if (error) return std::nullopt;
  return size;
}

void LocalDirectoryStore::put_record(const std::string& name, std::string_view content) {
  const std::filesystem::path path = directory_ / name;
  if (const std::error_code error =
          archive::create_directories(path.parent_path(), modes_.directory))
    throw job_failed("OutputDirectoryUnusable",
                     "cannot create " + path.parent_path().string() + ": " + error.message(),
                     "check that the backup directory is writable");
  archive::write_file_atomically(path, content, modes_.file);
}

void LocalDirectoryStore::remove(const std::string& name) {
  std::error_code error;
  std::filesystem::remove(directory_ / name, error);
  if (error && error != std::errc::no_such_file_or_directory)
    throw job_failed("BackupNotRemoved",
                     "cannot delete " + (directory_ / name).string() + ": " + error.message(),
                     "check that the backup directory is writable by the runner's user");
}

void LocalDirectoryStore::create_directory() const {
  if (const std::error_code error = archive::create_directories(directory_, modes_.directory))
    throw job_failed(
        "OutputDirectoryUnusable",
        "cannot create the backup directory " + directory_.string() + ": " + error.message(),
        "check spec.output.directory and the bind mount of ./backups/django");
}

std::unique_ptr<archive::ArtifactSink> LocalDirectoryStore::create(const std::string& name) {
  create_directory();
  return std::make_unique<archive::AtomicFile>(directory_ / name, modes_.file,
                                               archive::Existing::refuse);
}

std::string LocalDirectoryStore::commit_set(const std::vector<archive::ArtifactSink*>& artifacts,
                                            const std::string& metadata_name,
                                            std::string_view metadata) {
  // A SIGTERM now waits until the set is whole (or, on a failure, taken away again): its
  // cleanups must not run beside the renames and leave, say, the metadata without the dump.
  IrreversibleStep renames;
  std::vector<archive::ArtifactSink*> committed;
  bool complete = false;
  ScopedCleanup undo_partial_set([&] {
    if (complete) return;
    for (auto* artifact : committed) artifact->uncommit();
  });
  for (auto* artifact : artifacts) {
    artifact->commit();
    committed.push_back(artifact);
  }
  archive::write_file_atomically(directory_ / metadata_name, metadata, modes_.file,
                                 archive::Existing::refuse);
  complete = true;
  return (directory_ / metadata_name).string();
}

std::unique_ptr<JobLock> LocalDirectoryStore::lock(
    const std::string& holder, const std::function<void(const std::string& other)>& on_wait) {
  // A failure here is reported by opening the lock file, which says what is wrong.
  (void)archive::create_directories(directory_, modes_.directory);
  return std::make_unique<DirectoryLock>(directory_, holder, on_wait);
}

}  // namespace hivekeeper::store
