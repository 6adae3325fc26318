#include "docker/exec_session.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include "common/error.h"

namespace hivekeeper::docker {
namespace {

constexpr std::size_t kMaxResponseHead = 16 * 1024;
constexpr std::size_t kReadChunk = 64 * 1024;

Error stream_error(const std::string& what) {
  return job_failed("DockerStreamBroken", "the attached exec stream broke: " + what,
                    "check the Docker engine's log; the connection to the engine was lost");
}

int connect_unix(const std::string& socket_path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw stream_error(errno_text("socket", errno));
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, socket_path.c_str(), sizeof(address.sun_path) - 1);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    const int error = errno;
    ::close(fd);
    throw stream_error(errno_text("connect to " + socket_path, error));
  }
  return fd;
}

void send_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t sent = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent < 0) {
      if (errno == EINTR) continue;
      throw std::system_error(errno, std::generic_category());
    }
    bytes.remove_prefix(static_cast<std::size_t>(sent));
  }
}

}  // namespace

int parse_http_status(std::string_view head) {
  if (!head.starts_with("HTTP/1.")) return 0;
  const auto space = head.find(' ');
  if (space == std::string_view::npos || space + 4 > head.size()) return 0;
  int status = 0;
  const auto [end, error] =
      std::from_chars(head.data() + space + 1, head.data() + space + 4, status);
  return error == std::errc() && end == head.data() + space + 4 ? status : 0;
}

ExecSession::ExecSession(const std::string& socket_path, const std::string& start_path,
                         Sink on_stdout, Sink on_stderr)
    : on_stdout_(std::move(on_stdout)), on_stderr_(std::move(on_stderr)) {
  socket_ = connect_unix(socket_path);
  const std::string body = R"({"Detach":false,"Tty":false})";
  const std::string request = "POST " + start_path +
                              " HTTP/1.1\r\n"
                              "Host: docker\r\n"
                              "Content-Type: application/json\r\n"
                              "Connection: Upgrade\r\n"
                              "Upgrade: tcp\r\n"
                              "Content-Length: " +
                              std::to_string(body.size()) + "\r\n\r\n" + body;
  try {
    send_all(socket_, request);
  } catch (const std::system_error& error) {
    ::close(socket_);
    throw stream_error("sending the exec start request: " + std::string(error.what()));
  }
  // Read the answer's head; what follows the blank line already belongs to the output stream.
  std::string received;
  std::size_t head_end = std::string::npos;
  char buffer[4096];
  while (head_end == std::string::npos) {
    const ssize_t got = ::recv(socket_, buffer, sizeof(buffer), 0);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0 || received.size() > kMaxResponseHead) {
      ::close(socket_);
      throw stream_error("the engine closed the connection before answering the exec start");
    }
    received.append(buffer, static_cast<std::size_t>(got));
    head_end = received.find("\r\n\r\n");
  }
  const std::string_view head(received.data(), head_end);
  const int status = parse_http_status(head);
  if (status != 101 && status != 200) {
    ::close(socket_);
    const std::string body_text = received.substr(head_end + 4, 300);
    throw job_failed("DockerApiError", "the Docker engine refused POST " + start_path + " (HTTP " +
                                           std::to_string(status) + "): " + body_text);
  }
  reader_ = std::thread(
      [this, rest = received.substr(head_end + 4)]() mutable { read_output(std::move(rest)); });
}

ExecSession::~ExecSession() {
  if (socket_ >= 0) ::shutdown(socket_, SHUT_RDWR);
  if (reader_.joinable()) reader_.join();
  if (socket_ >= 0) ::close(socket_);
}

void ExecSession::read_output(std::string initial_bytes) {
  try {
    ExecStreamDemuxer demuxer(on_stdout_, on_stderr_);
    demuxer.feed(initial_bytes);
    std::string buffer(kReadChunk, '\0');
    for (;;) {
      const ssize_t got = ::recv(socket_, buffer.data(), buffer.size(), 0);
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) throw stream_error(errno_text("reading the output", errno));
      if (got == 0) break;
      demuxer.feed(std::string_view(buffer.data(), static_cast<std::size_t>(got)));
    }
    demuxer.finish();
  } catch (...) {
    reader_failure_ = std::current_exception();
  }
  output_ended_ = true;
  // Wakes a writer blocked on a full socket: the process that would have read it is gone.
  ::shutdown(socket_, SHUT_WR);
}

void ExecSession::write(std::string_view bytes) {
  if (output_ended_) throw job_failed("ExecInputRefused", "the process stopped reading its input");
  try {
    send_all(socket_, bytes);
  } catch (const std::system_error&) {
    throw job_failed("ExecInputRefused", "the process stopped reading its input");
  }
}

void ExecSession::close_input() {
  if (input_closed_) return;
  input_closed_ = true;
  ::shutdown(socket_, SHUT_WR);
}

void ExecSession::wait_output() {
  if (reader_.joinable()) reader_.join();
  if (reader_failure_) std::rethrow_exception(reader_failure_);
}

}  // namespace hivekeeper::docker
