#include "jobs/database_commands.h"

namespace hivekeeper::jobs {

DatabaseCommands commands_in_container(const docker::Client& docker,
                                       const docker::Container& container) {
  return {"container " + container.name, "docker exec " + container.name + " ", true,
          [&docker, id = container.id](const std::vector<std::string>& argv,
                                       const OutputSink& on_stdout, const OutputSink& on_stderr) {
            return docker.exec(id, {argv, {}, {}}, on_stdout, on_stderr);
          }};
}

DatabaseCommands commands_beside_runner(const std::map<std::string, std::string>& env,
                                        const std::string& server) {
  return {"server " + server, "", false,
          [env](const std::vector<std::string>& argv, const OutputSink& on_stdout,
                const OutputSink& on_stderr) {
            return run_process({argv, env, false}, on_stdout, on_stderr);
          }};
}

}  // namespace hivekeeper::jobs
