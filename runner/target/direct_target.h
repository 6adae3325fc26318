// Direct mode's target (spec.target.postgres), for a runner with no Docker socket: the password
// from its variable or Secret file, the server checked before anything is written (it answers,
// and its major version is not newer than the runner's pg_dump and psql), pg_dump and psql run
// beside the runner with a private pgpass file, and the media in a mounted directory
// (spec.media.path). The job's sessions carry an application name of their own; on SIGTERM the
// server is asked to end them, so an interrupted load or dump never leaves a backend holding its
// locks.
#pragma once

#include <memory>
#include <string>

#include "common/interrupt.h"
#include "postgres/connection.h"
#include "target/target.h"

namespace hivekeeper::target {

class DirectTarget final : public Target {
 public:
  explicit DirectTarget(const TargetRequest& request);

  const TargetFacts& facts() const override { return facts_; }
  const postgres::DatabaseCommands& commands() const override { return commands_; }
  std::string describe() const override;
  std::optional<std::pair<std::uint64_t, std::string>> measure_media() const override;
  void read_media(archive::BytePipe& out,
                  const std::function<void(std::size_t)>& on_content) const override;
  // Nothing to start or stop: the server is not ours to manage, and no Compose app is in reach.
  std::vector<std::string> prepare_restore(const manifest::QuiesceSpec& quiesce,
                                           const BeforeStopping& before_stopping) override;
  std::unique_ptr<MediaReplacement> replace_media(const std::string& unique_suffix) const override;
  std::unique_ptr<ScratchDatabase> create_scratch_database(const std::string& name) const override;
  std::unique_ptr<ScratchMedia> create_scratch_media(const Location& place) const override;
  ScratchPreview preview_scratch(const Location& place) const override;

 private:
  postgres::ConnectionSettings settings_;
  std::string password_;
  std::string application_name_;  // hivekeeper-<random>: this job's sessions on the server
  std::string media_path_;
  TargetFacts facts_;
  postgres::ServerInfo info_;
  std::unique_ptr<postgres::PgpassFile> pgpass_;
  postgres::DatabaseCommands commands_;
  std::unique_ptr<ScopedCleanup> end_sessions_on_interrupt_;
};

}  // namespace hivekeeper::target
