// A thin client for the Docker Engine API over its Unix socket: it negotiates the API version,
// turns HTTP failures into hivekeeper::Error with the engine's own message appended, streams
// large bodies through callbacks (never buffering them whole), and runs commands in containers
// through the exec API with stdout and stderr demultiplexed and the exit code checked by the
// caller. It knows nothing about backups: discovery and naming live in jobs/.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "docker/exec_session.h"
#include "docker/objects.h"

namespace hivekeeper::docker {

// Oldest and newest Engine API versions this client speaks. 1.41 is Docker 20.10.
inline constexpr std::string_view kMinApiVersion = "1.40";
inline constexpr std::string_view kMaxApiVersion = "1.45";

using DataSink = std::function<void(std::string_view)>;
using Filters = std::map<std::string, std::vector<std::string>>;

struct ExecCommand {
  std::vector<std::string> argv;
  std::vector<std::string> env;  // "NAME=value"
  std::string user;              // "" = the container's default user
};

class Client {
 public:
  explicit Client(std::string socket_path);

  // DOCKER_HOST=unix:///path, else /var/run/docker.sock. Any other scheme is invalid input.
  static std::string socket_path_from_environment();

  // Checks the socket, then negotiates the API version via /_ping and /version.
  void connect();
  const std::string& socket_path() const { return socket_path_; }
  const std::string& api_version() const { return api_version_; }

  std::vector<Container> list_containers(const Filters& filters) const;
  // Throws (reason ContainerNotFound) when no container has that name or ID.
  Container inspect_container(const std::string& name_or_id) const;
  std::vector<Volume> list_volumes(const Filters& filters) const;
  // The volume NAME; nullopt when there is none.
  std::optional<Volume> inspect_volume(const std::string& name) const;
  // Creates a local volume NAME with LABELS. The engine answers an existing name with that
  // volume, unchanged: callers tell theirs by the labels.
  Volume create_volume(const std::string& name, const Labels& labels) const;
  void remove_volume(const std::string& name) const;  // one that is already gone is no error

  // Creates a container that is never started; returns its ID.
  std::string create_container(const std::string& name, const nlohmann::json& config) const;
  void remove_container(const std::string& id) const;  // forced; anonymous volumes go, named stay

  // Streams a tar of PATH inside the container (GET /containers/{id}/archive).
  void download_archive(const std::string& container_id, const std::string& path,
                        const DataSink& on_data) const;

  // Runs a command in a running container and returns its exit code.
  int exec(const std::string& container_id, const ExecCommand& command, const DataSink& on_stdout,
           const DataSink& on_stderr) const;

  // Runs a command with its standard input attached: the caller writes to the session, closes
  // its input, waits for its output, then asks exec_exit_code(id).
  struct AttachedExec {
    std::string id;
    std::unique_ptr<ExecSession> session;
  };
  AttachedExec exec_attached(const std::string& container_id, const ExecCommand& command,
                             const DataSink& on_stdout, const DataSink& on_stderr) const;
  int exec_exit_code(const std::string& exec_id, const std::string& program) const;

  void start_container(const std::string& id) const;  // no-op if it is running
  void stop_container(const std::string& id, int timeout_seconds) const;

  // Extracts the tar stream that `next_chunk` yields (empty = end) into PATH in the container,
  // which may be stopped. The engine refuses entries that would land outside the container.
  using ChunkSource = std::function<std::string_view()>;
  void upload_archive(const std::string& container_id, const std::string& path,
                      const ChunkSource& next_chunk) const;

  nlohmann::json get_json(const std::string& path) const;
  nlohmann::json post_json(const std::string& path, const nlohmann::json& body) const;

 private:
  std::string versioned(const std::string& path) const;
  std::string create_exec(const std::string& container_id, const ExecCommand& command,
                          bool attach_stdin) const;
  void stream(const std::string& method, const std::string& path, const std::string& body,
              const DataSink& on_data) const;

  std::string socket_path_;
  std::string api_version_;
};

// "%7B%22label%22..." for the filters= query parameter.
std::string encode_filters(const Filters& filters);

}  // namespace hivekeeper::docker
