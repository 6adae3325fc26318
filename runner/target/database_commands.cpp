#include "target/database_commands.h"

#include "docker/exec_session.h"

namespace hivekeeper::target {

using postgres::AttachedCommand;
using postgres::DatabaseCommands;

namespace {

class AttachedExecCommand final : public AttachedCommand {
 public:
  AttachedExecCommand(const docker::Client& docker, docker::Client::AttachedExec exec,
                      std::string program)
      : docker_(docker), exec_(std::move(exec)), program_(std::move(program)) {}
  void write(std::string_view bytes) override { exec_.session->write(bytes); }
  void close_input() override { exec_.session->close_input(); }
  bool output_ended() const override { return exec_.session->output_ended(); }
  int wait() override {
    exec_.session->wait_output();
    return docker_.exec_exit_code(exec_.id, program_);
  }

 private:
  const docker::Client& docker_;
  docker::Client::AttachedExec exec_;
  std::string program_;
};

class ChildProcessCommand final : public AttachedCommand {
 public:
  ChildProcessCommand(const ProcessSpec& spec, OutputSink on_stdout, OutputSink on_stderr)
      : process_(spec, std::move(on_stdout), std::move(on_stderr)) {}
  void write(std::string_view bytes) override { process_.write(bytes); }
  void close_input() override { process_.close_input(); }
  bool output_ended() const override { return process_.output_ended(); }
  int wait() override { return process_.wait(); }

 private:
  Process process_;
};

}  // namespace

DatabaseCommands commands_in_container(const docker::Client& docker,
                                       const docker::Container& container) {
  return {"container " + container.name, "docker exec " + container.name + " ", true,
          [&docker, id = container.id](const std::vector<std::string>& argv,
                                       const OutputSink& on_stdout, const OutputSink& on_stderr) {
            return docker.exec(id, {argv, {}, {}}, on_stdout, on_stderr);
          },
          [&docker, id = container.id](const std::vector<std::string>& argv, OutputSink on_stdout,
                                       OutputSink on_stderr) -> std::unique_ptr<AttachedCommand> {
            auto exec = docker.exec_attached(id, {argv, {}, {}}, on_stdout, on_stderr);
            return std::make_unique<AttachedExecCommand>(docker, std::move(exec), argv.front());
          }};
}

DatabaseCommands commands_beside_runner(const std::map<std::string, std::string>& env,
                                        const std::string& server) {
  return {"server " + server, "", false,
          [env](const std::vector<std::string>& argv, const OutputSink& on_stdout,
                const OutputSink& on_stderr) {
            return run_process({argv, env, false}, on_stdout, on_stderr);
          },
          [env](const std::vector<std::string>& argv, OutputSink on_stdout,
                OutputSink on_stderr) -> std::unique_ptr<AttachedCommand> {
            return std::make_unique<ChildProcessCommand>(
                ProcessSpec{argv, env, true}, std::move(on_stdout), std::move(on_stderr));
          }};
}

}  // namespace hivekeeper::target
