// The seam between the Postgres protocol and where its tools run. pg_dump and psql run either in
// the database container through the Docker Engine's exec (Compose) or beside the runner as its
// own child processes, with libpq's environment pointing at the server (direct mode, in a
// cluster); target/ builds one DatabaseCommands for the job and everything in postgres/ speaks
// through it, never knowing which.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/process.h"

namespace hivekeeper::postgres {

// The database a job reads or writes, and the role it connects as.
struct DatabaseIdentity {
  std::string name;
  std::string user;
};

// A command whose standard input the caller writes while its output streams to sinks: psql
// loading a dump.
class AttachedCommand {
 public:
  virtual ~AttachedCommand() = default;
  // Throws Error reason ExecInputRefused once the command stopped reading.
  virtual void write(std::string_view bytes) = 0;
  virtual void close_input() = 0;
  virtual bool output_ended() const = 0;
  // Waits for the output to end; returns the exit code.
  virtual int wait() = 0;
};

struct DatabaseCommands {
  std::string where;         // for messages: "container beelab-db-1", "server db.svc:5432"
  std::string by_hand;       // what to type before a command to run it the same way, or ""
  bool through_exec_stream;  // true: output crosses the engine's exec stream (worth compressing)
  std::function<int(const std::vector<std::string>& argv, const OutputSink& on_stdout,
                    const OutputSink& on_stderr)>
      run;
  std::function<std::unique_ptr<AttachedCommand>(const std::vector<std::string>& argv,
                                                 OutputSink on_stdout, OutputSink on_stderr)>
      start;

  // "`docker exec beelab-db-1 COMMAND`", or "`COMMAND` beside it" in direct mode: how a hint
  // tells the user to run the same command by hand.
  std::string typed(const std::string& command) const {
    return by_hand.empty() ? "`" + command + "` beside it" : "`" + by_hand + command + "`";
  }
};

}  // namespace hivekeeper::postgres
