#include "postgres/connection.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <pqxx/pqxx>
#include <regex>
#include <sstream>

#include "common/error.h"

namespace hivekeeper::postgres {
namespace {

std::string escape_pgpass_field(const std::string& value) {
  std::string escaped;
  for (const char c : value) {
    if (c == ':' || c == '\\') escaped += '\\';
    escaped += c;
  }
  return escaped;
}

// A libpq connection string value: single-quoted, with ' and \ escaped.
std::string conninfo_value(const std::string& value) {
  std::string quoted = "'";
  for (const char c : value) {
    if (c == '\'' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "'";
}

std::string where(const ConnectionSettings& settings) {
  return settings.user + "@" + settings.host + ":" + std::to_string(settings.port) + "/" +
         settings.database;
}

std::string major_of(int version_num) {
  return std::to_string(version_num / 10000);
}

}  // namespace

std::string resolve_password(
    const PasswordSource& source,
    const std::function<std::optional<std::string>(const std::string&)>& environment_variable) {
  std::string password;
  if (!source.env.empty()) {
    const auto value = environment_variable(source.env);
    if (!value)
      throw invalid_input("PasswordMissing",
                          "spec.target.postgres.passwordFrom.env names " + source.env +
                              ", which is not set in the runner's environment",
                          "set it from the Secret (env: valueFrom: secretKeyRef) or use "
                          "passwordFrom.file");
    password = *value;
  } else if (!source.file.empty()) {
    std::ifstream in(source.file, std::ios::binary);
    if (!in)
      throw invalid_input("PasswordMissing",
                          "cannot read the password file " + source.file +
                              " (spec.target.postgres.passwordFrom.file)",
                          "mount the Secret there, readable by the runner's user");
    std::ostringstream text;
    text << in.rdbuf();
    password = text.str();
  } else {
    return "";  // trust or certificate authentication
  }
  if (password.ends_with("\r\n"))
    password.resize(password.size() - 2);
  else if (password.ends_with('\n'))
    password.pop_back();
  return password;
}

std::string pgpass_line(const ConnectionSettings& settings, const std::string& password) {
  return escape_pgpass_field(settings.host) + ":" + std::to_string(settings.port) + ":" +
         escape_pgpass_field(settings.database) + ":" + escape_pgpass_field(settings.user) + ":" +
         escape_pgpass_field(password) + "\n";
}

PgpassFile::PgpassFile(const ConnectionSettings& settings, const std::string& password) {
  const auto base = std::filesystem::temp_directory_path();
  std::string pattern = (base / "hivekeeper-pgpass-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr)
    throw job_failed("OutputWriteFailed",
                     "cannot create a private directory in " + base.string() + ": " +
                         errno_text("mkdtemp", errno),
                     "the runner needs a writable temporary directory (mount an emptyDir at "
                     "/tmp when the root filesystem is read-only)");
  directory_ = pattern;
  path_ = directory_ / "pgpass";
  remove_ = std::make_unique<ScopedCleanup>([directory = directory_] {
    std::error_code ignored;
    std::filesystem::remove_all(directory, ignored);
  });
  // Created 0600 before a byte is written, so the password is never readable by others.
  const int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  const std::string line = pgpass_line(settings, password);
  if (fd < 0 || ::write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
    if (fd >= 0) ::close(fd);
    throw job_failed("OutputWriteFailed", "cannot write a pgpass file in " + directory_.string());
  }
  ::close(fd);
}

std::map<std::string, std::string> client_environment(const ConnectionSettings& settings,
                                                      const std::filesystem::path& pgpass,
                                                      const std::string& application_name) {
  return {{"PGHOST", settings.host},         {"PGPORT", std::to_string(settings.port)},
          {"PGDATABASE", settings.database}, {"PGUSER", settings.user},
          {"PGSSLMODE", settings.sslmode},   {"PGPASSFILE", pgpass.string()},
          {"PGAPPNAME", application_name}};
}

namespace {

std::string conninfo(const ConnectionSettings& settings, const std::string& password) {
  return "host=" + conninfo_value(settings.host) + " port=" + std::to_string(settings.port) +
         " dbname=" + conninfo_value(settings.database) + " user=" + conninfo_value(settings.user) +
         " sslmode=" + conninfo_value(settings.sslmode) +
         " application_name=hivekeeper connect_timeout=10" +
         (password.empty() ? std::string() : " password=" + conninfo_value(password));
}

}  // namespace

int terminate_sessions(const ConnectionSettings& settings, const std::string& password,
                       const std::string& application_name) {
  try {
    pqxx::connection connection(conninfo(settings, password));
    pqxx::nontransaction query(connection);
    return query.query_value<int>(
        "SELECT count(pg_terminate_backend(pid))::int FROM pg_stat_activity "
        "WHERE application_name = $1 AND pid <> pg_backend_pid()",
        pqxx::params{application_name});
  } catch (const pqxx::failure& error) {
    throw job_failed("DatabaseQueryFailed", "cannot end the job's sessions on " + where(settings) +
                                                ": " + std::string(error.what()));
  }
}

ServerInfo probe_server(const ConnectionSettings& settings, const std::string& password) {
  try {
    pqxx::connection connection(conninfo(settings, password));
    pqxx::nontransaction query(connection);
    const auto row = query
                         .exec(
                             "SELECT current_setting('server_version_num')::int, "
                             "current_setting('server_version')")
                         .one_row();
    return {row[0].as<int>(), row[1].as<std::string>()};
  } catch (const pqxx::broken_connection& error) {
    throw job_failed(
        "DatabaseUnreachable",
        "cannot connect to PostgreSQL as " + where(settings) + ": " + std::string(error.what()),
        "check spec.target.postgres (host, port, database, user), the password "
        "Secret, and that the server accepts this client (pg_hba.conf)");
  } catch (const pqxx::failure& error) {
    throw job_failed("DatabaseQueryFailed", "cannot read the server version of " + where(settings) +
                                                ": " + std::string(error.what()));
  }
}

void require_client_not_older(int client_major, const ServerInfo& server, const std::string& tool) {
  if (server.version_num / 10000 <= client_major) return;
  throw job_failed("ServerNewerThanClient",
                   "the server runs PostgreSQL " + server.version + " (major " +
                       major_of(server.version_num) + "), newer than this runner's " + tool + " " +
                       std::to_string(client_major) + "; nothing was done",
                   "use a Hivekeeper image whose postgresql-client is " +
                       major_of(server.version_num) + " or newer");
}

int client_major_version(const std::string& version_line) {
  static const std::regex version(R"(\(PostgreSQL\)\s+(\d+))");
  std::smatch match;
  if (!std::regex_search(version_line, match, version))
    throw job_failed("ProcessFailed", "cannot read a version from \"" + version_line + "\"");
  return std::stoi(match[1].str());
}

}  // namespace hivekeeper::postgres
