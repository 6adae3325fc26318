// Docker mode's target: the Compose app's database container and media volume, found through
// the engine (target/discovery.h). pg_dump and psql run in the database container through exec;
// the media are read through a never-started helper container that mounts the volume read-only,
// and staged through a running one that mounts it read-write (target/media_replacement.h). For a
// restore it starts a stopped database container, waits until Postgres accepts connections, and
// stops the app's services to quiesce, starting them again when the job ends.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "common/interrupt.h"
#include "docker/client.h"
#include "target/discovery.h"
#include "target/target.h"

namespace hivekeeper::target {

// The running containers of the project's services named in QUIESCE.services. Refuses the
// database itself (the restore needs it) and a service the project does not have.
std::vector<docker::Container> services_to_quiesce(const std::vector<docker::Container>& containers,
                                                   const std::string& project,
                                                   const manifest::QuiesceSpec& quiesce,
                                                   const docker::Container& database);

class DockerTarget final : public Target {
 public:
  explicit DockerTarget(const TargetRequest& request);
  ~DockerTarget() override;

  const TargetFacts& facts() const override { return facts_; }
  const postgres::DatabaseCommands& commands() const override { return commands_; }
  std::string describe() const override;
  std::optional<std::pair<std::uint64_t, std::string>> measure_media() const override;
  void read_media(archive::BytePipe& out,
                  const std::function<void(std::size_t)>& on_content) const override;
  std::vector<std::string> prepare_restore(const manifest::QuiesceSpec& quiesce,
                                           const BeforeStopping& before_stopping) override;
  std::unique_ptr<MediaReplacement> replace_media(const std::string& unique_suffix) const override;
  std::unique_ptr<ScratchDatabase> create_scratch_database(const std::string& name) const override;
  std::unique_ptr<ScratchMedia> create_scratch_media(const Location& place) const override;
  ScratchPreview preview_scratch(const Location& place) const override;

 private:
  void wait_until_ready(std::chrono::seconds timeout);
  void start_quiesced_again();

  docker::Client docker_;
  Discovered found_;
  TargetFacts facts_;
  std::map<std::string, std::string> helper_labels_;
  postgres::DatabaseCommands commands_;
  std::vector<std::string> quiesced_;
  std::unique_ptr<ScopedCleanup> restart_quiesced_;
};

}  // namespace hivekeeper::target
