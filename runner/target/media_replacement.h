// The media half of a restore: staged next to the current content, verified, then swapped in.
// In Docker mode a helper container from the database's image mounts the volume; the engine
// extracts the checked archive into a staging folder inside the volume (PUT
// /containers/{id}/archive), the staged tree is read back and compared with the archive's listing,
// and only then does one short shell step swap it in: the old top-level entries move aside, the
// staged ones move up (renames within one filesystem), the old ones are deleted. Files absent from
// the archive are thereby gone. Until the swap the volume's content is untouched; a failure or a
// signal removes the staging folder and the helper. In direct mode the runner does the same in a
// directory it mounts itself (archive/media_directory.h).
#pragma once

#include <map>
#include <memory>
#include <string>

#include "archive/media_restore.h"
#include "common/interrupt.h"
#include "docker/client.h"

namespace hivekeeper::target {

// The shell step that swaps STAGING (a folder in the volume's root, mounted at MOUNT) into place.
// Old entries are moved back if moving the new ones up fails.
std::string media_swap_script(const std::string& mount, const std::string& staging,
                              const std::string& old);

class MediaReplacement {
 public:
  virtual ~MediaReplacement() = default;
  // Extracts the archive into the staging folder and verifies it against the listing.
  virtual void stage(const std::filesystem::path& archive_file,
                     const archive::MediaArchiveContents& contents,
                     const archive::ReadProgress& on_read) = 0;
  // Replaces the content with the staged tree.
  virtual void swap() = 0;
};

class MediaStaging final : public MediaReplacement {
 public:
  // The helper carries LABELS (the run's, so a killed job's helper is found and removed).
  MediaStaging(const docker::Client& docker, const std::string& image_id, const std::string& volume,
               const std::string& unique_suffix, const std::map<std::string, std::string>& labels);
  ~MediaStaging() override;  // removes the staging folder unless swapped, then the helper

  void stage(const std::filesystem::path& archive_file,
             const archive::MediaArchiveContents& contents,
             const archive::ReadProgress& on_read) override;
  void swap() override;

 private:
  void run(const std::string& script, const std::string& what);
  void clean_up();

  const docker::Client& docker_;
  std::string volume_;
  std::string staging_;
  std::string old_;
  std::string helper_;
  bool swapped_ = false;
  std::unique_ptr<ScopedCleanup> cleanup_;
};

class DirectoryStaging final : public MediaReplacement {
 public:
  DirectoryStaging(std::filesystem::path directory, const std::string& unique_suffix);
  ~DirectoryStaging() override;  // removes the staging folder unless swapped

  void stage(const std::filesystem::path& archive_file,
             const archive::MediaArchiveContents& contents,
             const archive::ReadProgress& on_read) override;
  void swap() override;

 private:
  std::filesystem::path directory_;
  std::string staging_;
  std::string old_;
  bool swapped_ = false;
  std::unique_ptr<ScopedCleanup> cleanup_;
};

}  // namespace hivekeeper::target
