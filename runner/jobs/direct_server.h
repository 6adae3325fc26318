// Direct mode's server (spec.target.postgres), for a runner with no Docker socket: the password
// from its variable or Secret file, the server checked before anything is written (it answers,
// and its major version is not newer than the runner's pg_dump and psql), and the commands that
// run pg_dump and psql beside the runner with a private pgpass file. Backups and restores share it.
// The job's sessions carry an application name of their own; on SIGTERM the server is asked to
// end them, so an interrupted load or dump never leaves a backend holding its locks.
#pragma once

#include <memory>
#include <string>

#include "common/interrupt.h"
#include "jobs/database_commands.h"
#include "jobs/discovery.h"
#include "manifest/manifest.h"
#include "postgres/connection.h"

namespace hivekeeper::jobs {

class DirectServer {
 public:
  explicit DirectServer(const manifest::PostgresTarget& target);

  const DatabaseCommands& commands() const { return commands_; }
  const std::string& address() const { return address_; }  // host:port, for messages
  const postgres::ServerInfo& info() const { return info_; }
  DatabaseIdentity database() const { return {settings_.database, settings_.user}; }
  // What plan_backup needs to know of the target: no project, the server in place of a container.
  Discovered as_discovered() const;

 private:
  postgres::ConnectionSettings settings_;
  std::string password_;
  std::string application_name_;  // hivekeeper-<random>: this job's sessions on the server
  std::string address_;
  postgres::ServerInfo info_;
  std::unique_ptr<postgres::PgpassFile> pgpass_;
  DatabaseCommands commands_;
  std::unique_ptr<ScopedCleanup> end_sessions_on_interrupt_;
};

}  // namespace hivekeeper::jobs
