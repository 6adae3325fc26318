#include "target/scratch.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <system_error>

#include <spdlog/spdlog.h>

#include "archive/media_directory.h"
#include "common/error.h"

namespace hivekeeper::target {
namespace {

Error not_created(const std::string& what, const std::string& hint) {
  return job_failed("DrillScratchNotCreated", what + "; the drill did not start", hint);
}

Error not_removed(const std::string& what, const std::string& hint) {
  return job_failed("ScratchNotRemoved", "the drill could not remove " + what, hint);
}

}  // namespace

ScratchDatabase::ScratchDatabase(postgres::DatabaseCommands live_commands,
                                 postgres::DatabaseIdentity live, const std::string& name,
                                 postgres::DatabaseCommands scratch_commands,
                                 std::shared_ptr<void> keep)
    : live_commands_(std::move(live_commands)),
      live_(std::move(live)),
      scratch_{name, live_.user},
      scratch_commands_(std::move(scratch_commands)),
      keep_(std::move(keep)) {
  const postgres::DatabaseFacts facts = postgres::database_facts(live_commands_, live_);
  server_version_num_ = facts.server_version_num;
  const std::string where = " on " + live_commands_.where;
  if (!facts.can_create_databases)
    throw not_created("role " + live_.user + " may not create databases" + where +
                          ", and the drill restores into a database of its own",
                      "as a superuser: ALTER ROLE " + postgres::quote_identifier(live_.user) +
                          " CREATEDB; or drill as a role that may (spec.database.user)");
  if (postgres::database_exists(live_commands_, live_, name))
    throw not_created("a database named " + name + " exists already" + where,
                      "run the drill again: its scratch name is new each time");
  cleanup_ = std::make_unique<ScopedCleanup>([this] {
    if (!created_) return;
    try {
      drop();
    } catch (const Error& error) {
      spdlog::warn("{}; {}", error.what(), error.hint());
    }
  });
  // A signal now waits until the database exists and is known to exist, so the cleanup drops it.
  IrreversibleStep creating;
  try {
    postgres::create_database(live_commands_, live_, name, facts);
  } catch (const Error& error) {
    throw not_created("cannot create the scratch database " + name + where + ": " + error.what(),
                      "check the server's log; the role needs CREATEDB");
  }
  created_ = true;
  spdlog::info("created the scratch database {}{}", name, where);
}

ScratchDatabase::~ScratchDatabase() {
  cleanup_.reset();
}

void ScratchDatabase::drop() {
  if (!created_) return;
  try {
    postgres::drop_database(live_commands_, live_, scratch_.name, server_version_num_);
  } catch (const Error& error) {
    throw not_removed(
        "the scratch database " + scratch_.name + " on " + live_commands_.where + ": " +
            error.what(),
        "drop it by hand: " +
            live_commands_.typed("psql -U " + live_.user + " -d " + live_.name +
                                 " -c 'DROP DATABASE " + scratch_.name + " WITH (FORCE)'"));
  }
  created_ = false;
  spdlog::info("dropped the scratch database {}", scratch_.name);
}

ScratchVolume::ScratchVolume(const docker::Client& docker, std::string image_id, std::string volume,
                             std::map<std::string, std::string> labels)
    : docker_(docker),
      image_id_(std::move(image_id)),
      volume_(std::move(volume)),
      labels_(std::move(labels)) {
  labels_[kScratchLabel] = "drill";
  if (docker_.inspect_volume(volume_))
    throw not_created("a Docker volume named " + volume_ + " exists already",
                      "run the drill again: its scratch name is new each time");
  cleanup_ = std::make_unique<ScopedCleanup>([this] {
    if (!created_) return;
    try {
      remove_volume();
    } catch (const Error& error) {
      spdlog::warn("{}; {}", error.what(), error.hint());
    }
  });
  IrreversibleStep creating;
  // The engine answers a name taken meanwhile with that volume, unchanged: ours has our labels.
  const docker::Volume created = docker_.create_volume(volume_, labels_);
  const bool ours = std::all_of(labels_.begin(), labels_.end(), [&](const auto& label) {
    return docker::label_of(created.labels, label.first.c_str()) == label.second;
  });
  if (!ours)
    throw not_created("a Docker volume named " + volume_ + " appeared while the drill created it",
                      "run the drill again: its scratch name is new each time");
  created_ = true;
  spdlog::info("created the scratch volume {}", volume_);
}

ScratchVolume::~ScratchVolume() {
  staging_.reset();  // the helper goes first: a volume in use cannot be removed
  cleanup_.reset();
}

void ScratchVolume::stage(const std::filesystem::path& archive_file,
                          const archive::MediaArchiveContents& contents,
                          const archive::ReadProgress& on_read) {
  staging_ = std::make_unique<MediaStaging>(docker_, image_id_, volume_, volume_, labels_);
  staging_->stage(archive_file, contents, on_read);
}

void ScratchVolume::remove() {
  staging_.reset();
  remove_volume();
}

void ScratchVolume::remove_volume() {
  if (!created_) return;
  try {
    docker_.remove_volume(volume_);
  } catch (const Error& error) {
    throw not_removed("the scratch volume " + volume_ + ": " + error.what(),
                      "remove it by hand: `docker volume rm " + volume_ + "`");
  }
  created_ = false;
  spdlog::info("removed the scratch volume {}", volume_);
}

ScratchFolder::ScratchFolder(std::filesystem::path folder) : folder_(std::move(folder)) {
  cleanup_ = std::make_unique<ScopedCleanup>([this] {
    if (!created_) return;
    try {
      remove();
    } catch (const Error& error) {
      spdlog::warn("{}; {}", error.what(), error.hint());
    }
  });
  IrreversibleStep creating;
  if (::mkdir(folder_.c_str(), 0700) != 0)
    throw not_created(errno_text("cannot create the scratch folder " + folder_.string(), errno),
                      errno == EEXIST ? "run the drill again: its scratch name is new each time"
                                      : "the backup directory must be writable");
  created_ = true;
}

ScratchFolder::~ScratchFolder() {
  cleanup_.reset();
}

void ScratchFolder::stage(const std::filesystem::path& archive_file,
                          const archive::MediaArchiveContents& contents,
                          const archive::ReadProgress& on_read) {
  archive::stage_into_directory(archive_file, contents, folder_, "media", on_read);
}

void ScratchFolder::remove() {
  if (!created_) return;
  std::error_code error;
  std::filesystem::remove_all(folder_, error);
  if (error)
    throw not_removed("the scratch folder " + folder_.string() + ": " + error.message(),
                      "remove it by hand: `rm -rf " + folder_.string() + "`");
  created_ = false;
}

}  // namespace hivekeeper::target
