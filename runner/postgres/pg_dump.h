// Everything Hivekeeper says to PostgreSQL lives in postgres/. This file builds the pg_dump
// command line from the manifest's dump options and reads pg_dump's stderr. The dump runs inside
// the database container, so its version always matches the server's and no password travels:
// the official image trusts local socket connections, as `docker compose exec db pg_dump` does.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "manifest/manifest.h"

namespace hivekeeper::postgres {

// pg_dump's options, as recorded in the metadata and passed to pg_dump (plain SQL format).
std::vector<std::string> pg_dump_options(const manifest::DumpSpec& dump);

// Full argv: pg_dump OPTIONS --username USER --dbname DB.
std::vector<std::string> pg_dump_command(const manifest::DumpSpec& dump,
                                         const std::string& database, const std::string& user);

// pg_dump reports failures as "pg_dump: error: ..." lines; warnings and notices are not failures.
bool is_pg_dump_error_line(std::string_view line);

}  // namespace hivekeeper::postgres
