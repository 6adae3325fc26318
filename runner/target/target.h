// What a job acts on: one database (and, when the job has media, one media volume or directory),
// built once per job and the only place that decides between the two modes:
//   Docker mode  the database container and media volume are discovered through the engine
//                (target/discovery.h); pg_dump and psql run in the container through exec,
//                media are read and staged through a helper container that mounts the volume
//   direct mode  spec.target.postgres names a server reached over the network (no Docker
//                socket); pg_dump and psql run beside the runner, media live in a mounted
//                directory (spec.media.path)
// Jobs see only this interface and the plain TargetFacts, so what they decide is the same in both
// modes and their planners are unit-tested with facts alone.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "archive/byte_pipe.h"
#include "manifest/manifest.h"
#include "postgres/commands.h"
#include "target/media_replacement.h"
#include "target/scratch.h"

namespace hivekeeper::target {

// Where a job's data lives, for the status and the metadata: ("container", name) or, in direct
// mode, ("server", host:port); ("volume", name) or, in direct mode, ("directory", path).
using Location = std::pair<std::string, std::string>;

// Labels on every helper container, so the job that recovers from a killed one finds its helpers:
// the run's random token (recorded in the journal) and the job's name, for people.
inline constexpr const char* kRunLabel = "hivekeeper.io/run";
inline constexpr const char* kJobLabel = "hivekeeper.io/job";

struct TargetFacts {
  std::string project;  // the Compose project; "" in direct mode
  postgres::DatabaseIdentity database;
  Location database_location;
  std::optional<Location> media_location;  // nullopt: the job has no media
  std::string helper_image;                // Docker mode: the image helper containers run
};

// What a manifest asks of its target, read from spec.target, spec.database and spec.media (and,
// for a restore, whether spec.source names media).
struct TargetRequest {
  manifest::TargetSpec target;
  manifest::DatabaseSpec database;
  bool media = false;
  std::string media_volume;       // Docker mode: spec.media.volume, "" = discover
  std::string media_path;         // direct mode: spec.media.path
  bool database_must_run = true;  // a restore starts a stopped database itself
  std::map<std::string, std::string> helper_labels;  // kRunLabel and kJobLabel, set by jobs/run
};
TargetRequest target_request(const manifest::Manifest& manifest);

// A drill's --dry-run: what can be learnt, changing nothing, about where its scratch data would go.
struct ScratchPreview {
  bool place_taken = false;                          // the scratch volume or folder exists already
  std::optional<std::uint64_t> database_free_bytes;  // nullopt: not measurable from the runner
  std::string database_free_where;                   // what was measured, or why it was not
  std::optional<std::uint64_t> media_free_bytes;
  std::string media_free_where;
};

class Target {
 public:
  virtual ~Target() = default;

  virtual const TargetFacts& facts() const = 0;
  // Where pg_dump and psql run.
  virtual const postgres::DatabaseCommands& commands() const = 0;
  // For the log: "container beelab-db-1 (project beelab)", "server db:5432 (PostgreSQL 17.12)".
  virtual std::string describe() const = 0;

  // Backup: pushes the media into OUT as an uncompressed tar, every path under one top folder;
  // ON_CONTENT gets each piece's size, for progress. Any helper container carries the request's
  // helper_labels.
  virtual void read_media(archive::BytePipe& out,
                          const std::function<void(std::size_t)>& on_content) const = 0;
  // Backup: the media's size, for progress when no earlier set says it: du in a helper container
  // ("volume size"), or a walk of the directory ("directory size"). nullopt when it cannot be
  // measured; never throws.
  virtual std::optional<std::pair<std::uint64_t, std::string>> measure_media() const = 0;

  // Restore: the database made ready for a load (started if stopped, then accepting
  // connections) and the app's services in QUIESCE stopped; they start again when the target
  // is destroyed, whatever the outcome. BEFORE_STOPPING gets the names of the containers about
  // to be stopped (for the journal: a killed job cannot start them again itself). Returns them.
  using BeforeStopping = std::function<void(const std::vector<std::string>& containers)>;
  virtual std::vector<std::string> prepare_restore(const manifest::QuiesceSpec& quiesce,
                                                   const BeforeStopping& before_stopping) = 0;

  // Restore: a staging place for the media, beside their current content.
  virtual std::unique_ptr<MediaReplacement> replace_media(
      const std::string& unique_suffix) const = 0;

  // Drill: the database NAME, created on this server and reached as the job's own database is;
  // dropped when the object goes (target/scratch.h).
  virtual std::unique_ptr<ScratchDatabase> create_scratch_database(
      const std::string& name) const = 0;
  // Drill: an empty place for the media, PLACE as the drill's plan names it: ("volume", NAME) in
  // Docker mode, ("directory", PATH) in direct mode; removed when the object goes.
  virtual std::unique_ptr<ScratchMedia> create_scratch_media(const Location& place) const = 0;
  virtual ScratchPreview preview_scratch(const Location& place) const = 0;
};

// Docker mode or direct mode, as the request says; checks that the target exists and answers.
std::unique_ptr<Target> open_target(const TargetRequest& request);

}  // namespace hivekeeper::target
