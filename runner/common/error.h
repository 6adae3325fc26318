// hivekeeper::Error is the one exception type the runner throws. It carries what a user needs to
// act: a message naming the object ("database container beelab-db-1 is not running"), a hint with
// the next command, a machine-readable reason for the status conditions, and the exit code class.
// Library text (errno, HTTP, libpq, libarchive) is appended to our context, never shown alone.
// Only cli/ catches it, reports it once and turns it into the exit code.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace hivekeeper {

enum class ErrorKind {
  invalid_input,  // exit 2: the manifest or the command line is wrong; nothing was touched
  job_failed,     // exit 1: the job ran and could not finish
};

inline constexpr int kExitOk = 0;
inline constexpr int kExitJobFailed = 1;
inline constexpr int kExitInvalidInput = 2;

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, std::string reason, std::string message, std::string hint = {},
        std::vector<std::string> details = {});

  ErrorKind kind() const { return kind_; }
  // CamelCase, as Kubernetes condition reasons are: "DatabaseContainerNotRunning".
  const std::string& reason() const { return reason_; }
  const std::string& hint() const { return hint_; }
  // One line each, e.g. every manifest field error.
  const std::vector<std::string>& details() const { return details_; }
  int exit_code() const {
    return kind_ == ErrorKind::invalid_input ? kExitInvalidInput : kExitJobFailed;
  }

  // Message, details and hint as the user reads them on stderr.
  std::string describe() const;

 private:
  ErrorKind kind_;
  std::string reason_;
  std::string hint_;
  std::vector<std::string> details_;
};

inline Error invalid_input(std::string reason, std::string message, std::string hint = {},
                           std::vector<std::string> details = {}) {
  return Error(ErrorKind::invalid_input, std::move(reason), std::move(message), std::move(hint),
               std::move(details));
}

inline Error job_failed(std::string reason, std::string message, std::string hint = {}) {
  return Error(ErrorKind::job_failed, std::move(reason), std::move(message), std::move(hint));
}

// "what we were doing: strerror(errno)" for system calls.
std::string errno_text(const std::string& context, int error_number);

}  // namespace hivekeeper
