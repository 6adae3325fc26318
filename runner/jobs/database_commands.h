// Where pg_dump and psql run for a job: in the database container through the Docker Engine's
// exec (Compose), or beside the runner as its own child processes, with libpq's environment
// pointing at the server (direct mode, in a cluster). The backup and restore steps see only this.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/process.h"
#include "docker/client.h"

namespace hivekeeper::jobs {

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
};

DatabaseCommands commands_in_container(const docker::Client& docker,
                                       const docker::Container& container);

// ENV: libpq's variables (PGHOST, PGPASSFILE, ...), added to the runner's environment.
DatabaseCommands commands_beside_runner(const std::map<std::string, std::string>& env,
                                        const std::string& server);

}  // namespace hivekeeper::jobs
