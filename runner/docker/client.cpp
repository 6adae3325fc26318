#include "docker/client.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <exception>
#include <memory>
#include <thread>

#include <httplib.h>

#include "common/error.h"
#include "docker/exec_stream.h"

namespace hivekeeper::docker {
namespace {

using nlohmann::json;

// Metadata calls answer in milliseconds; a stalled engine should fail the job, not hang it.
constexpr auto kCallTimeout = std::chrono::seconds(60);
// A dump can sit silent while pg_dump waits for a lock; only a really dead stream times out.
constexpr auto kStreamIdleTimeout = std::chrono::hours(1);

std::unique_ptr<httplib::Client> open_client(const std::string& socket_path, bool streaming) {
  auto client = std::make_unique<httplib::Client>(socket_path);
  client->set_address_family(AF_UNIX);
  client->set_connection_timeout(std::chrono::seconds(10));
  client->set_read_timeout(
      streaming ? std::chrono::duration_cast<std::chrono::seconds>(kStreamIdleTimeout)
                : kCallTimeout);
  client->set_write_timeout(kCallTimeout);
  // The engine's Go HTTP server insists on a valid Host header; a socket path is not one.
  client->set_default_headers({{"Host", "docker"}});
  return client;
}

Error engine_unreachable(const std::string& socket_path, const std::string& what) {
  return job_failed("DockerUnreachable",
                    "cannot talk to the Docker engine at " + socket_path + ": " + what,
                    "is dockerd running? `docker info` on the host tells; if it is, check that the "
                    "socket is mounted into this container");
}

std::string engine_message(const httplib::Result& result) {
  try {
    const json body = json::parse(result->body);
    if (body.contains("message")) return body["message"].get<std::string>();
  } catch (const json::exception&) {
  }
  return result->body.substr(0, 200);
}

Error api_error(const std::string& method, const std::string& path, const httplib::Result& result) {
  return job_failed("DockerApiError", "the Docker engine refused " + method + " " + path +
                                          " (HTTP " + std::to_string(result->status) +
                                          "): " + engine_message(result));
}

void check_result(const std::string& method, const std::string& path,
                  const std::string& socket_path, const httplib::Result& result) {
  if (!result) throw engine_unreachable(socket_path, httplib::to_string(result.error()));
  if (result->status < 200 || result->status >= 300) throw api_error(method, path, result);
}

// "1.41" < "1.9" must be false: compare major and minor as numbers.
bool version_less(std::string_view a, std::string_view b) {
  auto parse = [](std::string_view text) {
    const auto dot = text.find('.');
    return std::pair{
        std::stoi(std::string(text.substr(0, dot))),
        dot == std::string_view::npos ? 0 : std::stoi(std::string(text.substr(dot + 1)))};
  };
  return parse(a) < parse(b);
}

std::string percent_encode(std::string_view text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace

std::string encode_filters(const Filters& filters) {
  json object = json::object();
  for (const auto& [key, values] : filters) object[key] = values;
  return percent_encode(object.dump());
}

Client::Client(std::string socket_path) : socket_path_(std::move(socket_path)) {}

std::string Client::socket_path_from_environment() {
  const char* docker_host = std::getenv("DOCKER_HOST");
  if (docker_host == nullptr || *docker_host == '\0') return "/var/run/docker.sock";
  const std::string_view value(docker_host);
  if (value.starts_with("unix://")) return std::string(value.substr(7));
  throw invalid_input("UnsupportedDockerHost",
                      "DOCKER_HOST=" + std::string(value) + " is not a Unix socket",
                      "Hivekeeper talks to the engine over its Unix socket: unset DOCKER_HOST or "
                      "set it to unix:///var/run/docker.sock");
}

void Client::connect() {
  // Probe the socket ourselves first: httplib reports only "connection failed", and the user
  // needs to know whether the socket is missing or forbidden.
  struct stat info{};
  if (::stat(socket_path_.c_str(), &info) != 0) {
    throw job_failed(
        "DockerSocketMissing", "the Docker socket " + socket_path_ + " does not exist",
        "mount it into the container (volumes: - /var/run/docker.sock:/var/run/docker.sock) "
        "or set DOCKER_HOST=unix:///path/to/docker.sock");
  }
  const int probe = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, socket_path_.c_str(), sizeof(address.sun_path) - 1);
  const int connected = ::connect(probe, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  const int connect_errno = errno;
  ::close(probe);
  if (connected != 0) {
    if (connect_errno == EACCES || connect_errno == EPERM)
      throw job_failed("DockerSocketPermissionDenied",
                       "permission denied on the Docker socket " + socket_path_,
                       "run Hivekeeper as root or as a member of the socket's group (`ls -l " +
                           socket_path_ + "` shows it)");
    throw engine_unreachable(socket_path_, std::strerror(connect_errno));
  }

  const auto client = open_client(socket_path_, false);
  const auto ping = client->Get("/_ping");
  check_result("GET", "/_ping", socket_path_, ping);
  const auto version = client->Get("/version");
  check_result("GET", "/version", socket_path_, version);
  const json info_json = json::parse(version->body);
  const std::string server_max = info_json.value("ApiVersion", std::string(kMinApiVersion));
  const std::string server_min = info_json.value("MinAPIVersion", std::string(kMinApiVersion));
  if (version_less(server_max, kMinApiVersion))
    throw job_failed("DockerTooOld",
                     "the Docker engine speaks API " + server_max + ", older than the " +
                         std::string(kMinApiVersion) + " Hivekeeper needs (Docker 19.03 or later)",
                     "upgrade the Docker engine");
  api_version_ =
      version_less(server_max, kMaxApiVersion) ? server_max : std::string(kMaxApiVersion);
  if (version_less(api_version_, server_min)) api_version_ = server_min;
}

std::string Client::versioned(const std::string& path) const {
  return api_version_.empty() ? path : "/v" + api_version_ + path;
}

json Client::get_json(const std::string& path) const {
  const auto client = open_client(socket_path_, false);
  const auto result = client->Get(versioned(path));
  check_result("GET", path, socket_path_, result);
  return json::parse(result->body);
}

json Client::post_json(const std::string& path, const json& body) const {
  const auto client = open_client(socket_path_, false);
  const auto result = client->Post(versioned(path), body.dump(), "application/json");
  check_result("POST", path, socket_path_, result);
  return result->body.empty() ? json::object() : json::parse(result->body);
}

std::vector<Container> Client::list_containers(const Filters& filters) const {
  return parse_container_list(
      get_json("/containers/json?all=true&filters=" + encode_filters(filters)));
}

Container Client::inspect_container(const std::string& name_or_id) const {
  const auto client = open_client(socket_path_, false);
  const std::string path = "/containers/" + percent_encode(name_or_id) + "/json";
  const auto result = client->Get(versioned(path));
  if (result && result->status == 404)
    throw job_failed("ContainerNotFound", "no container named " + name_or_id + " exists",
                     "`docker ps -a` lists the containers; check spec.target.databaseContainer");
  check_result("GET", path, socket_path_, result);
  return parse_container_inspect(json::parse(result->body));
}

std::vector<Volume> Client::list_volumes(const Filters& filters) const {
  return parse_volume_list(get_json("/volumes?filters=" + encode_filters(filters)));
}

std::optional<Volume> Client::inspect_volume(const std::string& name) const {
  const auto client = open_client(socket_path_, false);
  const std::string path = "/volumes/" + percent_encode(name);
  const auto result = client->Get(versioned(path));
  if (result && result->status == 404) return std::nullopt;
  check_result("GET", path, socket_path_, result);
  const json volume = json::parse(result->body);
  return parse_volume_list(json{{"Volumes", json::array({volume})}}).front();
}

Volume Client::create_volume(const std::string& name, const Labels& labels) const {
  const json created =
      post_json("/volumes/create", {{"Name", name}, {"Driver", "local"}, {"Labels", labels}});
  return parse_volume_list(json{{"Volumes", json::array({created})}}).front();
}

void Client::remove_volume(const std::string& name) const {
  const auto client = open_client(socket_path_, false);
  const std::string path = "/volumes/" + percent_encode(name);
  const auto result = client->Delete(versioned(path));
  if (result && result->status == 404) return;
  check_result("DELETE", path, socket_path_, result);
}

std::string Client::create_container(const std::string& name, const json& config) const {
  return post_json("/containers/create?name=" + percent_encode(name), config)
      .at("Id")
      .get<std::string>();
}

void Client::remove_container(const std::string& id) const {
  const auto client = open_client(socket_path_, false);
  // v=true removes only the anonymous volumes the image's VOLUME lines created for the helper
  // (the Postgres image declares one); named volumes, the media volume included, never go.
  const std::string path = "/containers/" + id + "?force=true&v=true";
  const auto result = client->Delete(versioned(path));
  if (result && result->status == 404) return;
  check_result("DELETE", path, socket_path_, result);
}

void Client::stream(const std::string& method, const std::string& path, const std::string& body,
                    const DataSink& on_data) const {
  const auto client = open_client(socket_path_, true);
  httplib::Request request;
  request.method = method;
  request.path = versioned(path);
  request.body = body;
  if (!body.empty()) request.set_header("Content-Type", "application/json");
  int status = 0;
  std::string error_body;
  request.response_handler = [&](const httplib::Response& response) {
    status = response.status;
    return true;
  };
  // An exception must not unwind through httplib's read loop: the receiver stops the transfer
  // instead, and the exception is rethrown once httplib has closed the connection.
  std::exception_ptr receiver_failure;
  request.content_receiver = [&](const char* data, size_t length, uint64_t, uint64_t) {
    try {
      if (status >= 200 && status < 300)
        on_data(std::string_view(data, length));
      else if (error_body.size() < 4096)
        error_body.append(data, length);
      return true;
    } catch (...) {
      receiver_failure = std::current_exception();
      return false;
    }
  };
  httplib::Response response;
  httplib::Error error = httplib::Error::Success;
  const bool sent = client->send(request, response, error);
  if (receiver_failure) std::rethrow_exception(receiver_failure);
  if (status < 200 || status >= 300) {
    if (status == 0) throw engine_unreachable(socket_path_, httplib::to_string(error));
    std::string message = error_body;
    try {
      message = json::parse(error_body).value("message", error_body);
    } catch (const json::exception&) {
    }
    throw job_failed("DockerApiError", "the Docker engine refused " + method + " " + path +
                                           " (HTTP " + std::to_string(status) + "): " + message);
  }
  if (!sent)
    throw engine_unreachable(socket_path_,
                             "the stream of " + path + " broke: " + httplib::to_string(error));
}

void Client::download_archive(const std::string& container_id, const std::string& path,
                              const DataSink& on_data) const {
  stream("GET", "/containers/" + container_id + "/archive?path=" + percent_encode(path), "",
         on_data);
}

std::string Client::create_exec(const std::string& container_id, const ExecCommand& command,
                                bool attach_stdin) const {
  json create = {{"AttachStdin", attach_stdin},
                 {"AttachStdout", true},
                 {"AttachStderr", true},
                 {"Tty", false},
                 {"Cmd", command.argv}};
  if (!command.env.empty()) create["Env"] = command.env;
  if (!command.user.empty()) create["User"] = command.user;
  return post_json("/containers/" + container_id + "/exec", create).at("Id").get<std::string>();
}

int Client::exec(const std::string& container_id, const ExecCommand& command,
                 const DataSink& on_stdout, const DataSink& on_stderr) const {
  const std::string exec_id = create_exec(container_id, command, /*attach_stdin=*/false);

  ExecStreamDemuxer demuxer(on_stdout, on_stderr);
  stream("POST", "/exec/" + exec_id + "/start", json{{"Detach", false}, {"Tty", false}}.dump(),
         [&](std::string_view bytes) { demuxer.feed(bytes); });
  demuxer.finish();
  return exec_exit_code(exec_id, command.argv.front());
}

int Client::exec_exit_code(const std::string& exec_id, const std::string& program) const {
  // The engine closes the stream as the process exits but may record the exit code a moment
  // later; poll briefly before calling the stream broken.
  json state = get_json("/exec/" + exec_id + "/json");
  for (int attempt = 0; attempt < 50 && state.value("Running", false); ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    state = get_json("/exec/" + exec_id + "/json");
  }
  if (state.value("Running", false))
    throw job_failed("DockerStreamTruncated",
                     "the output of `" + program + "` ended while it was still running",
                     "check the engine's log; the connection to the Docker engine broke");
  return state.value("ExitCode", -1);
}

Client::AttachedExec Client::exec_attached(const std::string& container_id,
                                           const ExecCommand& command, const DataSink& on_stdout,
                                           const DataSink& on_stderr) const {
  AttachedExec exec;
  exec.id = create_exec(container_id, command, /*attach_stdin=*/true);
  exec.session = std::make_unique<ExecSession>(
      socket_path_, versioned("/exec/" + exec.id + "/start"), on_stdout, on_stderr);
  return exec;
}

void Client::start_container(const std::string& id) const {
  const auto client = open_client(socket_path_, false);
  const std::string path = "/containers/" + id + "/start";
  const auto result = client->Post(versioned(path), "", "application/json");
  if (result && result->status == 304) return;  // already running
  check_result("POST", path, socket_path_, result);
}

void Client::stop_container(const std::string& id, int timeout_seconds) const {
  auto client = open_client(socket_path_, false);
  client->set_read_timeout(std::chrono::seconds(timeout_seconds + 30));
  const std::string path = "/containers/" + id + "/stop?t=" + std::to_string(timeout_seconds);
  const auto result = client->Post(versioned(path), "", "application/json");
  if (result && result->status == 304) return;  // already stopped
  check_result("POST", path, socket_path_, result);
}

void Client::upload_archive(const std::string& container_id, const std::string& path,
                            const ChunkSource& next_chunk) const {
  const auto client = open_client(socket_path_, true);
  const std::string request_path = "/containers/" + container_id +
                                   "/archive?noOverwriteDirNonDir=1&path=" + percent_encode(path);
  std::exception_ptr source_failure;
  const auto result = client->Put(
      versioned(request_path),
      [&](size_t, httplib::DataSink& sink) {
        try {
          const std::string_view chunk = next_chunk();
          if (chunk.empty()) {
            sink.done();
          } else {
            sink.write(chunk.data(), chunk.size());
          }
          return true;
        } catch (...) {
          source_failure = std::current_exception();
          return false;
        }
      },
      "application/x-tar");
  if (source_failure) std::rethrow_exception(source_failure);
  check_result("PUT", request_path, socket_path_, result);
}

}  // namespace hivekeeper::docker
