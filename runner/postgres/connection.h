// Direct mode's view of a PostgreSQL server (spec.target.postgres), for a runner in a cluster
// with no Docker socket: connection settings, the password from an environment variable or a
// mounted Secret file, the pgpass file that hands it to pg_dump and psql (never a command line),
// and the version check that refuses a server newer than the runner's client tools.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "common/interrupt.h"

namespace hivekeeper::postgres {

struct PasswordSource {
  std::string env;   // name of an environment variable, or ""
  std::string file;  // path of a file (a mounted Secret), or ""
};

struct ConnectionSettings {
  std::string host;
  int port = 5432;
  std::string database;
  std::string user;
  std::string sslmode = "prefer";
  PasswordSource password_from;
};

// The password, from the variable or the file (one trailing newline dropped, as `echo` and
// kubectl's --from-literal leave one). Throws naming the variable or file, never the value.
std::string resolve_password(
    const PasswordSource& source,
    const std::function<std::optional<std::string>(const std::string&)>& environment_variable);

// One line of a pgpass file, with ':' and '\' escaped as libpq requires.
std::string pgpass_line(const ConnectionSettings& settings, const std::string& password);

// A pgpass file of mode 0600 in a private directory (0700), removed with the object, or by the
// interrupt handling on SIGTERM.
class PgpassFile {
 public:
  PgpassFile(const ConnectionSettings& settings, const std::string& password);
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path directory_;
  std::filesystem::path path_;
  std::unique_ptr<ScopedCleanup> remove_;
};

// What libpq's tools get in their environment: where to connect, never the password itself.
// APPLICATION_NAME marks the job's sessions, so they can be found again (terminate_sessions).
std::map<std::string, std::string> client_environment(const ConnectionSettings& settings,
                                                      const std::filesystem::path& pgpass,
                                                      const std::string& application_name);

struct ServerInfo {
  int version_num = 0;  // server_version_num, e.g. 170012
  std::string version;  // server_version, e.g. "17.12 (Debian 17.12-0+deb13u1)"
};

// Connects with libpqxx and reads the server's version. Throws job_failed naming host, port,
// database and user (never the password), with libpq's reason.
ServerInfo probe_server(const ConnectionSettings& settings, const std::string& password);

// Ends the server's sessions named APPLICATION_NAME (pg_terminate_backend), rolling back their
// transactions and releasing their locks; returns how many. For an interrupted job: a client
// killed with its network torn down never closes its connection, and its backend would otherwise
// wait for it until TCP keepalive gives up.
int terminate_sessions(const ConnectionSettings& settings, const std::string& password,
                       const std::string& application_name);

// pg_dump refuses servers of a newer major version, and psql may not load their dumps: so the
// runner refuses first, before anything is written, naming both versions and what to do.
void require_client_not_older(int client_major, const ServerInfo& server, const std::string& tool);

// The major version of a client tool from its `--version` line ("pg_dump (PostgreSQL) 17.6").
int client_major_version(const std::string& version_line);

}  // namespace hivekeeper::postgres
