// The SQL a job sends besides the dump itself, run with psql through DatabaseCommands: the
// server's version, the other sessions on the database (and ending them), and the command that
// asks whether the server accepts connections yet. Results come back as plain rows.
#pragma once

#include <string>
#include <vector>

#include "postgres/commands.h"

namespace hivekeeper::postgres {

// Runs SQL with psql -A -t and returns its rows split into fields. Throws DatabaseQueryFailed
// with psql's error.
std::vector<std::vector<std::string>> query(const DatabaseCommands& commands,
                                            const DatabaseIdentity& database,
                                            const std::string& sql);

// server_version_num, e.g. 170012; 0 when the server does not say.
int server_version_num(const DatabaseCommands& commands, const DatabaseIdentity& database);

struct Session {
  std::string pid;
  std::string user;
  std::string application;
  std::string state;
};

// Other client sessions on the database; terminates them first when `terminate` is set.
std::vector<Session> other_sessions(const DatabaseCommands& commands,
                                    const DatabaseIdentity& database, bool terminate);

// pg_isready over TCP, exit 0 once the server accepts connections. Over TCP because the official
// image's first-start initialisation runs a server on the socket only, which must not be
// mistaken for the real one.
std::vector<std::string> readiness_command(const DatabaseIdentity& database);

}  // namespace hivekeeper::postgres
