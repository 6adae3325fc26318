// Where backup sets live, and the only way jobs reach them. A set is the dump, the media archive
// and the metadata of one timestamp (store/naming.h names them); the metadata is written last and
// is the set's commit marker, so a set without it is not a set. The interface assumes neither
// listing nor renames are cheap or even possible: artifacts are written into sinks that stay
// invisible until committed, and commit_set() makes a set visible whole or not at all. The local
// directory (store/local_store.h) is the first implementation.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "archive/artifact_sink.h"

namespace hivekeeper::store {

// An upload a killed job left open in a bucket: no object yet, but billed until aborted.
struct UnfinishedUpload {
  std::string name;
  std::string id;
  std::chrono::system_clock::time_point started;
};

// Held for a job's whole run: one job at a time per store.
class JobLock {
 public:
  virtual ~JobLock() = default;
};

class BackupStore {
 public:
  virtual ~BackupStore() = default;

  // For messages: "backups/django".
  virtual std::string describe() const = 0;

  // Every name in the store: artifacts, metadata and leftovers alike. Throws when the store
  // cannot be listed.
  virtual std::vector<std::string> names() const = 0;

  // Where the runner reads the artifact NAME from (a local store's only; see is_local).
  virtual std::filesystem::path path_of(const std::string& name) const = 0;

  // Where NAME is, for messages and the status: a path, or a URL.
  virtual std::string location_of(const std::string& name) const { return path_of(name).string(); }

  // False for a bucket: its artifacts are fetched into a local file before a job reads them.
  virtual bool is_local() const { return true; }

  // Streams NAME's bytes to SINK; false when the store has no NAME.
  virtual bool read(const std::string& name,
                    const std::function<void(std::string_view)>& sink) const = 0;

  // A small object (a set's metadata) whole; nullopt when there is none.
  virtual std::optional<std::string> read_small(const std::string& name) const = 0;

  // The size of NAME in bytes; nullopt when it does not exist.
  virtual std::optional<std::uint64_t> size_of(const std::string& name) const = 0;

  // A small document (a verification record) under NAME, which may name a folder: replaced
  // whole, never seen half-written.
  virtual void put_record(const std::string& name, std::string_view content) = 0;

  // Deletes NAME for good; one that is already gone is not an error.
  virtual void remove(const std::string& name) = 0;

  // A new artifact, invisible until committed through commit_set().
  virtual std::unique_ptr<archive::ArtifactSink> create(const std::string& name) = 0;

  // Makes a set visible: ARTIFACTS are committed in order, then METADATA is written under
  // METADATA_NAME. Should any step fail, or SIGTERM arrive, the artifacts already committed are
  // taken away again: a set is whole or absent. Returns the metadata's location.
  virtual std::string commit_set(const std::vector<archive::ArtifactSink*>& artifacts,
                                 const std::string& metadata_name, std::string_view metadata) = 0;

  // Uploads killed jobs left open (a bucket's; a directory has none), and their abort.
  virtual std::vector<UnfinishedUpload> unfinished_uploads() const { return {}; }
  virtual void abort_upload(const UnfinishedUpload& /*upload*/) {}

  // Waits while another job holds the store (ON_WAIT gets its description once), then holds it
  // for as long as the returned lock lives.
  virtual std::unique_ptr<JobLock> lock(
      const std::string& holder, const std::function<void(const std::string& other)>& on_wait) = 0;
};

}  // namespace hivekeeper::store
