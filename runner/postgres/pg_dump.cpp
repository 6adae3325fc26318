#include "postgres/pg_dump.h"

namespace hivekeeper::postgres {

std::vector<std::string> pg_dump_options(const manifest::DumpSpec& dump) {
  std::vector<std::string> options = {"--format=plain", "--encoding=UTF8"};
  if (dump.clean) options.push_back("--clean");
  if (dump.if_exists) options.push_back("--if-exists");
  if (dump.no_owner) options.push_back("--no-owner");
  if (dump.no_privileges) options.push_back("--no-privileges");
  for (const auto& pattern : dump.exclude_tables) options.push_back("--exclude-table=" + pattern);
  return options;
}

std::vector<std::string> pg_dump_command(const manifest::DumpSpec& dump,
                                         const std::string& database, const std::string& user) {
  std::vector<std::string> argv = {"pg_dump"};
  for (auto& option : pg_dump_options(dump)) argv.push_back(std::move(option));
  argv.push_back("--username=" + user);
  argv.push_back("--dbname=" + database);
  return argv;
}

bool is_pg_dump_error_line(std::string_view line) {
  return line.find("error:") != std::string_view::npos ||
         line.find("FATAL:") != std::string_view::npos;
}

}  // namespace hivekeeper::postgres
