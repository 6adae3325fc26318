#include "common/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <mutex>

#include "common/error.h"
#include "common/interrupt.h"

extern char** environ;

namespace hivekeeper {
namespace {

struct Pipe {
  int read_end = -1;
  int write_end = -1;
};

Pipe make_pipe(const std::string& program) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0)
    throw job_failed("ProcessFailed", "cannot start " + program + ": " + errno_text("pipe", errno));
  return {fds[0], fds[1]};
}

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

// The runner's environment with SPEC's variables added or replaced, as "NAME=value" strings.
std::vector<std::string> child_environment(const std::map<std::string, std::string>& extra) {
  std::vector<std::string> result;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const std::string name(text.substr(0, text.find('=')));
    if (!extra.contains(name)) result.emplace_back(text);
  }
  for (const auto& [name, value] : extra) result.push_back(name + "=" + value);
  return result;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> result;
  for (auto& text : strings) result.push_back(text.data());
  result.push_back(nullptr);
  return result;
}

}  // namespace

Process::Process(const ProcessSpec& spec, OutputSink on_stdout, OutputSink on_stderr)
    : program_(spec.argv.empty() ? std::string() : spec.argv.front()),
      on_stdout_(std::move(on_stdout)),
      on_stderr_(std::move(on_stderr)) {
  if (spec.argv.empty()) throw std::invalid_argument("Process: empty argv");
  // A child that stops reading must make write() fail with EPIPE, not kill the runner.
  static std::once_flag ignore_sigpipe;
  std::call_once(ignore_sigpipe, [] { ::signal(SIGPIPE, SIG_IGN); });
  Pipe input{-1, -1};
  if (spec.with_input) input = make_pipe(program_);
  Pipe output = make_pipe(program_);
  Pipe errors = make_pipe(program_);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (spec.with_input)
    posix_spawn_file_actions_adddup2(&actions, input.read_end, STDIN_FILENO);
  else
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, output.write_end, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, errors.write_end, STDERR_FILENO);
  // The runner blocks SIGINT and SIGTERM in every thread (common/interrupt); the child must not
  // inherit that, so a `docker stop` reaches pg_dump too.
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attributes, &none);
  sigset_t defaults;  // and SIGPIPE back to its default, which an ignored disposition is not
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  std::vector<std::string> argv_strings = spec.argv;
  std::vector<std::string> env_strings = child_environment(spec.env);
  auto argv = pointers(argv_strings);
  auto envp = pointers(env_strings);
  const int spawned =
      posix_spawnp(&pid_, program_.c_str(), &actions, &attributes, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  close_fd(input.read_end);
  close_fd(output.write_end);
  close_fd(errors.write_end);
  if (spawned != 0) {
    close_fd(input.write_end);
    close_fd(output.read_end);
    close_fd(errors.read_end);
    throw job_failed(
        "ProcessFailed", "cannot start " + program_ + ": " + errno_text("posix_spawn", spawned),
        spawned == ENOENT ? program_ + " is not installed in the runner's image" : std::string());
  }
  input_ = input.write_end;
  output_ = output.read_end;
  errors_ = errors.read_end;
  reader_ = std::thread([this] { read_output(); });
  stop_on_interrupt_ = std::make_unique<ScopedCleanup>([this] { stop_child(); });
}

Process::~Process() {
  close_input();
  stop_on_interrupt_.reset();  // stops a child still running
  if (exit_code_ < 0 && pid_ > 0) {
    try {
      wait();
    } catch (...) {
    }
  }
  if (reader_.joinable()) reader_.join();
  close_fd(output_);
  close_fd(errors_);
}

void Process::read_output() {
  std::array<char, 1 << 16> buffer{};
  std::array<pollfd, 2> streams{{{output_, POLLIN, 0}, {errors_, POLLIN, 0}}};
  int open_streams = 2;
  while (open_streams > 0) {
    if (::poll(streams.data(), streams.size(), -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (std::size_t i = 0; i < streams.size(); ++i) {
      if (streams[i].fd < 0 || streams[i].revents == 0) continue;
      const ssize_t got = ::read(streams[i].fd, buffer.data(), buffer.size());
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) {
        streams[i].fd = -1;  // poll ignores negative descriptors
        --open_streams;
        continue;
      }
      const std::string_view bytes(buffer.data(), static_cast<std::size_t>(got));
      try {
        (i == 0 ? on_stdout_ : on_stderr_)(bytes);
      } catch (...) {
        // A sink that fails must not stop the draining, or the child blocks on a full pipe.
      }
    }
  }
  output_ended_ = true;
}

void Process::write(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t put = ::write(input_, bytes.data(), bytes.size());
    if (put < 0 && errno == EINTR) continue;
    if (put < 0) throw job_failed("ExecInputRefused", program_ + " stopped reading its input");
    bytes.remove_prefix(static_cast<std::size_t>(put));
  }
}

void Process::close_input() {
  close_fd(input_);
}

void Process::stop_child() {
  std::lock_guard lock(reap_mutex_);
  if (reaped_ || pid_ <= 0) return;
  const auto exited = [this] {
    siginfo_t info{};
    return ::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
           info.si_pid == pid_;
  };
  if (exited()) return;
  ::kill(pid_, SIGTERM);
  // pg_dump and psql end at once on SIGTERM; SIGKILL after a grace period regardless.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!exited()) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid_, SIGKILL);
      siginfo_t info{};
      ::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOWAIT);
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

int Process::wait() {
  if (exit_code_ >= 0) return exit_code_;
  {
    // Exited, not yet reaped: from here on the pid may be reused, so no signal may reach it.
    siginfo_t info{};
    while (::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOWAIT) < 0 &&
           errno == EINTR) {
    }
    std::lock_guard lock(reap_mutex_);
    reaped_ = true;
  }
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0) {
    if (errno != EINTR)
      throw job_failed("ProcessFailed",
                       "lost track of " + program_ + ": " + errno_text("waitpid", errno));
  }
  if (reader_.joinable()) reader_.join();
  exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return exit_code_;
}

int run_process(const ProcessSpec& spec, const OutputSink& on_stdout, const OutputSink& on_stderr) {
  Process process(spec, on_stdout, on_stderr);
  return process.wait();
}

}  // namespace hivekeeper
