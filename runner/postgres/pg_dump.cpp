#include "postgres/pg_dump.h"

#include <cctype>

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
                                         const std::string& database, const std::string& user,
                                         Transport transport) {
  std::vector<std::string> argv = {"pg_dump"};
  for (auto& option : pg_dump_options(dump)) argv.push_back(std::move(option));
  if (transport == Transport::lz4) argv.push_back("--compress=lz4:1");
  argv.push_back("--username=" + user);
  argv.push_back("--dbname=" + database);
  return argv;
}

int pg_dump_major_version(std::string_view version_output) {
  constexpr std::string_view marker = "(PostgreSQL) ";
  const auto at = version_output.find(marker);
  if (at == std::string_view::npos) return 0;
  int major = 0;
  for (std::size_t i = at + marker.size();
       i < version_output.size() && std::isdigit(static_cast<unsigned char>(version_output[i]));
       ++i)
    major = major * 10 + (version_output[i] - '0');
  return major;
}

Transport transport_for(int pg_dump_major) {
  return pg_dump_major >= 16 ? Transport::lz4 : Transport::plain;
}

bool is_lz4_unsupported_line(std::string_view line) {
  return line.find("does not support compression with LZ4") != std::string_view::npos;
}

bool is_pg_dump_error_line(std::string_view line) {
  return line.find("error:") != std::string_view::npos ||
         line.find("FATAL:") != std::string_view::npos;
}

}  // namespace hivekeeper::postgres
