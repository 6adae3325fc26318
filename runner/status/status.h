// The job's status, written back in Kubernetes style: the manifest echoed with a status block
// (phase Pending → Running → Succeeded | Failed, startTime, completionTime, artifacts, message,
// conditions). Rendering is a pure function; StatusReporter writes it atomically to the status
// file each time the phase changes, so a reader never sees half a document.
#pragma once

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace hivekeeper::status {

enum class Phase { Pending, Running, Succeeded, Failed };
std::string to_string(Phase phase);

struct Artifact {
  std::string kind;  // database, media, metadata
  std::string path;
  std::uint64_t bytes = 0;
  std::string sha256;
};

struct Condition {
  std::string type;    // Running, Complete, Failed
  std::string status;  // "True" / "False"
  std::string reason;  // CamelCase
  std::string message;
  std::string last_transition_time;
};

struct JobStatus {
  Phase phase = Phase::Pending;
  std::string start_time;
  std::string completion_time;
  std::string message;
  std::string hint;  // a failed job: what to do about it (the same text stderr shows)
  std::vector<Artifact> artifacts;
  std::vector<Condition> conditions;
  nlohmann::json details = nlohmann::json::object();  // job-specific extras (metadata file, tables)
};

// Replaces the condition of the same type; keeps its lastTransitionTime if the status is unchanged.
void set_condition(std::vector<Condition>& conditions, Condition condition);

nlohmann::json render(const nlohmann::json& manifest, const JobStatus& status);

// "BackupJob nightly Succeeded: 3 artifacts, 851968 bytes (completed in 12.3 s)"
std::string summary_line(const std::string& kind, const std::string& name, const JobStatus& status);

// Kubernetes keeps at most 4096 bytes of a container's termination message. The final status as
// compact JSON ({apiVersion, kind, metadata.name, status}) when it fits; else without the job's
// details, then only phase, reason and message.
inline constexpr std::size_t kTerminationMessageLimit = 4096;
std::string termination_message(const nlohmann::json& manifest, const JobStatus& status);

class StatusReporter {
 public:
  StatusReporter(std::filesystem::path path, nlohmann::json manifest);

  // Applies the change and writes the file. Thread-safe; write failures are logged, not thrown,
  // so a full disk cannot hide the job's real outcome.
  template <typename Change>
  void update(Change change) {
    std::lock_guard lock(mutex_);
    change(status_);
    write_locked();
  }
  JobStatus snapshot() const;
  const std::filesystem::path& path() const { return path_; }

 private:
  void write_locked();

  std::filesystem::path path_;
  nlohmann::json manifest_;
  mutable std::mutex mutex_;
  JobStatus status_;
};

}  // namespace hivekeeper::status
