#include "jobs/direct_server.h"

#include <cstdlib>
#include <optional>

namespace hivekeeper::jobs {
namespace {

int client_major(const std::string& tool) {
  std::string version;
  run_process(
      {{tool, "--version"}, {}, false}, [&](std::string_view bytes) { version.append(bytes); },
      [](std::string_view) {});
  return postgres::client_major_version(version);
}

}  // namespace

DirectServer::DirectServer(const manifest::PostgresTarget& target)
    : settings_{target.host, target.port,    target.database,
                target.user, target.sslmode, {target.password_env, target.password_file}},
      address_(target.host + ":" + std::to_string(target.port)) {
  const std::string password = postgres::resolve_password(
      settings_.password_from, [](const std::string& name) -> std::optional<std::string> {
        const char* value = std::getenv(name.c_str());
        return value ? std::optional<std::string>(value) : std::nullopt;
      });
  info_ = postgres::probe_server(settings_, password);
  // pg_dump takes backups (and the restore's safety backup); psql loads them.
  for (const char* tool : {"pg_dump", "psql"})
    postgres::require_client_not_older(client_major(tool), info_, tool);
  pgpass_ = std::make_unique<postgres::PgpassFile>(settings_, password);
  commands_ =
      commands_beside_runner(postgres::client_environment(settings_, pgpass_->path()), address_);
}

Discovered DirectServer::as_discovered() const {
  Discovered found;
  found.server = address_;
  found.database = database();
  return found;
}

}  // namespace hivekeeper::jobs
