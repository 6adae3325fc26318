// The two places pg_dump and psql run (postgres/commands.h): in the database container through
// the engine's exec, or beside the runner as child processes with libpq's environment.
#pragma once

#include <map>
#include <string>

#include "docker/client.h"
#include "postgres/commands.h"

namespace hivekeeper::target {

postgres::DatabaseCommands commands_in_container(const docker::Client& docker,
                                                 const docker::Container& container);

// ENV: libpq's variables (PGHOST, PGPASSFILE, ...), added to the runner's environment.
postgres::DatabaseCommands commands_beside_runner(const std::map<std::string, std::string>& env,
                                                  const std::string& server);

}  // namespace hivekeeper::target
