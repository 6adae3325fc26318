// Everything Hivekeeper says to PostgreSQL lives in postgres/. This file builds the pg_dump
// command line from the manifest's dump options and reads pg_dump's stderr. In Docker mode the
// dump runs inside the database container, so its version matches the server's and no password
// is needed: the official image trusts local socket connections, as `docker compose exec db
// pg_dump` does. In direct mode pg_dump runs beside the runner and reads the password from a
// private pgpass file (postgres/connection.h), never from its command line.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "manifest/manifest.h"

namespace hivekeeper::postgres {

// pg_dump's options, as recorded in the metadata and passed to pg_dump (plain SQL format).
std::vector<std::string> pg_dump_options(const manifest::DumpSpec& dump);

// How pg_dump's output crosses the Docker exec stream.
enum class Transport {
  plain,  // as SQL text
  lz4,    // --compress=lz4:1 (pg_dump 16 and later): a third of the bytes, decoded by the runner
};

// Full argv: pg_dump OPTIONS [--compress=lz4:1] --username USER --dbname DB.
std::vector<std::string> pg_dump_command(const manifest::DumpSpec& dump,
                                         const std::string& database, const std::string& user,
                                         Transport transport = Transport::plain);

// The major version from `pg_dump --version` ("pg_dump (PostgreSQL) 17.12 (Debian ...)"), or 0.
int pg_dump_major_version(std::string_view version_output);

// The transport for a pg_dump of that major version: LZ4 needs 16 or later.
Transport transport_for(int pg_dump_major);

// pg_dump built without LZ4 says so on stderr; the runner then dumps again as plain SQL.
bool is_lz4_unsupported_line(std::string_view line);

// pg_dump reports failures as "pg_dump: error: ..." lines; warnings and notices are not failures.
bool is_pg_dump_error_line(std::string_view line);

}  // namespace hivekeeper::postgres
