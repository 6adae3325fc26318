// What a restore drill creates and drops again (jobs/drill/): a scratch database on the job's own
// server, and a scratch place for the media that is neither the live volume nor the live
// directory: a new Docker volume (Docker mode) or a new folder under the backup directory (direct
// mode). Each is created only under a name that did not exist (a name taken is refused, and the
// object under it never reused or removed), and removed when its object goes, on SIGTERM too
// (common/interrupt.h). remove() removes it now and says when it could not.
#pragma once

#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "archive/media_restore.h"
#include "common/interrupt.h"
#include "docker/client.h"
#include "postgres/commands.h"
#include "postgres/scratch_sql.h"
#include "target/media_replacement.h"

namespace hivekeeper::target {

// The label every scratch volume carries, beside the run's and the job's.
inline constexpr const char* kScratchLabel = "hivekeeper.io/scratch";

class ScratchDatabase {
 public:
  // Creates NAME on the server that LIVE_COMMANDS reach, connected to LIVE (the one database the
  // role is sure to reach), like it (postgres/scratch_sql.h) and owned by its user. Throws
  // DrillScratchNotCreated when the role may not create databases or NAME exists already.
  // SCRATCH_COMMANDS run psql against NAME; KEEP holds what they need (direct mode: their pgpass).
  ScratchDatabase(postgres::DatabaseCommands live_commands, postgres::DatabaseIdentity live,
                  const std::string& name, postgres::DatabaseCommands scratch_commands,
                  std::shared_ptr<void> keep = nullptr);
  ~ScratchDatabase();  // drops it (ending any session still on it), warning on failure
  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;

  const postgres::DatabaseIdentity& database() const { return scratch_; }
  const postgres::DatabaseCommands& commands() const { return scratch_commands_; }
  // Drops it now; throws ScratchNotRemoved naming the command that would.
  void drop();

 private:
  postgres::DatabaseCommands live_commands_;
  postgres::DatabaseIdentity live_;
  postgres::DatabaseIdentity scratch_;
  postgres::DatabaseCommands scratch_commands_;
  std::shared_ptr<void> keep_;
  int server_version_num_ = 0;
  std::atomic<bool> created_ = false;
  std::unique_ptr<ScopedCleanup> cleanup_;
};

class ScratchMedia {
 public:
  virtual ~ScratchMedia() = default;
  // Extracts the checked archive into the scratch place and reads every entry back against it,
  // as a restore stages media (target/media_replacement.h).
  virtual void stage(const std::filesystem::path& archive_file,
                     const archive::MediaArchiveContents& contents,
                     const archive::ReadProgress& on_read) = 0;
  // Removes the place and all in it now; throws ScratchNotRemoved.
  virtual void remove() = 0;
};

// A new Docker volume, labelled kScratchLabel=drill and with LABELS (the run's, so a recovery
// finds a killed drill's helper), staged through a helper of IMAGE_ID.
class ScratchVolume final : public ScratchMedia {
 public:
  ScratchVolume(const docker::Client& docker, std::string image_id, std::string volume,
                std::map<std::string, std::string> labels);
  ~ScratchVolume() override;

  void stage(const std::filesystem::path& archive_file,
             const archive::MediaArchiveContents& contents,
             const archive::ReadProgress& on_read) override;
  void remove() override;

 private:
  void remove_volume();

  const docker::Client& docker_;
  std::string image_id_;
  std::string volume_;
  std::map<std::string, std::string> labels_;
  std::atomic<bool> created_ = false;
  std::unique_ptr<ScopedCleanup> cleanup_;  // before staging_: it must be the older cleanup
  std::unique_ptr<MediaStaging> staging_;
};

// A new folder (mode 0700), which must not exist yet.
class ScratchFolder final : public ScratchMedia {
 public:
  explicit ScratchFolder(std::filesystem::path folder);
  ~ScratchFolder() override;

  void stage(const std::filesystem::path& archive_file,
             const archive::MediaArchiveContents& contents,
             const archive::ReadProgress& on_read) override;
  void remove() override;

 private:
  std::filesystem::path folder_;
  std::atomic<bool> created_ = false;
  std::unique_ptr<ScopedCleanup> cleanup_;
};

}  // namespace hivekeeper::target
