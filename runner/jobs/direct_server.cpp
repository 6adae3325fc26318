#include "jobs/direct_server.h"

#include <cstdlib>
#include <optional>

#include <spdlog/spdlog.h>

#include "common/error.h"
#include "common/text.h"

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
  password_ = postgres::resolve_password(
      settings_.password_from, [](const std::string& name) -> std::optional<std::string> {
        const char* value = std::getenv(name.c_str());
        return value ? std::optional<std::string>(value) : std::nullopt;
      });
  info_ = postgres::probe_server(settings_, password_);
  // pg_dump takes backups (and the restore's safety backup); psql loads them.
  for (const char* tool : {"pg_dump", "psql"})
    postgres::require_client_not_older(client_major(tool), info_, tool);
  pgpass_ = std::make_unique<postgres::PgpassFile>(settings_, password_);
  application_name_ = "hivekeeper-" + random_token();
  commands_ = commands_beside_runner(
      postgres::client_environment(settings_, pgpass_->path(), application_name_), address_);
  end_sessions_on_interrupt_ = std::make_unique<ScopedCleanup>([this] {
    if (!interrupted()) return;
    try {
      const int ended = postgres::terminate_sessions(settings_, password_, application_name_);
      if (ended > 0)
        spdlog::info("ended {} session(s) of the job on {}; their transactions rolled back", ended,
                     address_);
    } catch (const Error& error) {
      spdlog::warn("{}; they end when the server notices the closed connections", error.what());
    }
  });
}

Discovered DirectServer::as_discovered() const {
  Discovered found;
  found.server = address_;
  found.database = database();
  return found;
}

}  // namespace hivekeeper::jobs
