#include "postgres/queries.h"

#include <string_view>

#include "common/error.h"
#include "common/text.h"
#include "postgres/restore_sql.h"

namespace hivekeeper::postgres {
namespace {

constexpr char kFieldSeparator = '\x1f';

std::vector<std::string> split(std::string_view text, char separator) {
  std::vector<std::string> parts;
  for (;;) {
    const auto at = text.find(separator);
    parts.emplace_back(text.substr(0, at));
    if (at == std::string_view::npos) return parts;
    text.remove_prefix(at + 1);
  }
}

}  // namespace

std::vector<std::vector<std::string>> query(const DatabaseCommands& commands,
                                            const DatabaseIdentity& database,
                                            const std::string& sql) {
  std::string out;
  std::string errors;
  const int exit_code = commands.run(
      {"psql", "-X", "-A", "-t", "-F", std::string(1, kFieldSeparator), "-v", "ON_ERROR_STOP=1",
       "--username", database.user, "--dbname", database.name, "-c", sql},
      [&](std::string_view bytes) { out.append(bytes); },
      [&](std::string_view bytes) { append_capped(errors, bytes); });
  if (exit_code != 0) {
    const auto error = first_psql_error(errors);
    throw job_failed("DatabaseQueryFailed",
                     "cannot query database " + database.name + " as " + database.user + " in " +
                         commands.where + ": " +
                         (error.message.empty() ? errors.substr(0, 300) : error.message),
                     "check spec.database.name / spec.database.user (" +
                         commands.typed("psql -U " + database.user + " -l") + ")");
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& line : split(out, '\n'))
    if (!line.empty()) rows.push_back(split(line, kFieldSeparator));
  return rows;
}

int server_version_num(const DatabaseCommands& commands, const DatabaseIdentity& database) {
  const auto rows = query(commands, database, "SELECT current_setting('server_version_num')");
  return rows.empty() || rows.front().empty() ? 0 : std::stoi(rows.front().front());
}

std::vector<Session> other_sessions(const DatabaseCommands& commands,
                                    const DatabaseIdentity& database, bool terminate) {
  // One query lists the sessions and, when asked, ends them: each row is read before its
  // backend is gone, so the ones ended are the ones reported.
  const std::string sql =
      "SELECT pid, usename, application_name, coalesce(state, '')" +
      std::string(terminate ? ", pg_terminate_backend(pid)" : "") +
      " FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
      "AND backend_type = 'client backend'";
  std::vector<Session> sessions;
  for (const auto& row : query(commands, database, sql))
    if (row.size() >= 4) sessions.push_back({row[0], row[1], row[2], row[3]});
  return sessions;
}

std::vector<std::string> readiness_command(const DatabaseIdentity& database) {
  return {"pg_isready", "-q", "-h", "127.0.0.1", "-U", database.user, "-d", database.name};
}

}  // namespace hivekeeper::postgres
