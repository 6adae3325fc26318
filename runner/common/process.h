// A child process of the runner itself (pg_dump and psql in direct mode, where there is no
// database container to exec into): argv without a shell, extra environment variables, standard
// output and error streamed to callbacks as they arrive, standard input written by the caller.
// Errors name the program and say what to do; the exit code is the caller's to judge.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace hivekeeper {

class ScopedCleanup;

struct ProcessSpec {
  std::vector<std::string> argv;           // argv[0] is looked up in PATH
  std::map<std::string, std::string> env;  // added to (or replacing) the runner's environment
  bool with_input = false;                 // false: standard input is /dev/null
};

using OutputSink = std::function<void(std::string_view)>;

class Process {
 public:
  // Starts the child. stdout and stderr are read on a thread of the Process and handed to the
  // sinks there, in arrival order per stream.
  Process(const ProcessSpec& spec, OutputSink on_stdout, OutputSink on_stderr);
  ~Process();  // closes the input, kills the child if it still runs, and reaps it
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  // Writes to the child's standard input; throws Error reason ExecInputRefused once the child
  // stopped reading (as an exec session does).
  void write(std::string_view bytes);
  void close_input();
  // True once the child closed both its output streams (it exited, as a rule).
  bool output_ended() const { return output_ended_; }
  // Waits for the child to exit and its output to be read; returns its exit code (128 + signal
  // number when a signal ended it).
  int wait();

 private:
  void read_output();
  // Ends the child and waits until it has exited, without reaping it; a no-op once reaped.
  void stop_child();

  std::string program_;
  pid_t pid_ = -1;
  int input_ = -1;
  int output_ = -1;
  int errors_ = -1;
  OutputSink on_stdout_;
  OutputSink on_stderr_;
  std::thread reader_;
  std::atomic<bool> output_ended_ = false;
  int exit_code_ = -1;
  std::mutex reap_mutex_;  // the child's pid stays valid (ours to signal) until reaped_
  bool reaped_ = false;
  // On SIGTERM the runner ends its children before it exits, so their connections close while
  // the container's network still exists: a server never sees a vanished peer's close, and its
  // backend would hold the job's locks until TCP keepalive gives up, hours later.
  std::unique_ptr<ScopedCleanup> stop_on_interrupt_;
};

// Runs SPEC to completion without input; returns the exit code.
int run_process(const ProcessSpec& spec, const OutputSink& on_stdout, const OutputSink& on_stderr);

}  // namespace hivekeeper
