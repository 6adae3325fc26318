// A command running in a container with its standard input attached. The exec API gives stdin
// only on a hijacked connection (the HTTP request upgrades to a raw byte stream both ways), which
// cpp-httplib cannot hold open, so this one call speaks HTTP/1.1 itself over the Unix socket: it
// sends the start request, checks the 101/200 answer, and then the caller writes stdin while a
// reader thread demultiplexes stdout and stderr. Closing the input half-closes the socket, which
// the engine passes on as end-of-file to the process.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "docker/exec_stream.h"

namespace hivekeeper::docker {

// The status line and headers of the engine's answer to the upgrade request, up to the blank
// line. Returns the HTTP status code, or 0 when the text is not an HTTP response.
int parse_http_status(std::string_view response_head);

class ExecSession {
 public:
  using Sink = std::function<void(std::string_view)>;

  // Sends POST /exec/{id}/start on a new connection to `socket_path`. The sinks run on the
  // session's reader thread.
  ExecSession(const std::string& socket_path, const std::string& start_path, Sink on_stdout,
              Sink on_stderr);
  ~ExecSession();
  ExecSession(const ExecSession&) = delete;
  ExecSession& operator=(const ExecSession&) = delete;

  // Blocks while the process does not read. Throws once the process has gone (it exited, or the
  // engine closed the stream), so a writer never blocks on a dead reader.
  void write(std::string_view bytes);
  // End of input: the process reads EOF.
  void close_input();
  // Waits for the process's output to end; rethrows a failure of the reader thread.
  void wait_output();
  bool output_ended() const { return output_ended_; }

 private:
  void read_output(std::string initial_bytes);

  int socket_ = -1;
  Sink on_stdout_;
  Sink on_stderr_;
  std::thread reader_;
  std::atomic<bool> output_ended_ = false;
  std::exception_ptr reader_failure_;
  bool input_closed_ = false;
};

}  // namespace hivekeeper::docker
