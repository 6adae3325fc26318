// The SQL of a restore drill beside the dump itself: what the live database is like (so the
// scratch database is created like it), creating and dropping the scratch database on the same
// server, and reading Django's django_migrations table. Every statement on the live database is
// read-only; CREATE and DROP DATABASE name only the scratch database. Run with psql through
// DatabaseCommands, as the other queries (postgres/queries.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "postgres/commands.h"

namespace hivekeeper::postgres {

// What the drill needs to know of the live database and its role.
struct DatabaseFacts {
  int server_version_num = 0;         // 170012
  bool can_create_databases = false;  // CREATEDB or superuser
  std::uint64_t size_bytes = 0;       // pg_database_size: the scratch copy's likely size
  std::string encoding;               // UTF8
  std::string collate;                // en_US.utf8
  std::string ctype;
};
DatabaseFacts database_facts(const DatabaseCommands& commands, const DatabaseIdentity& database);

// `"name"`, with any double quote doubled.
std::string quote_identifier(const std::string& name);

// CREATE DATABASE NAME from template0 (what a plain dump expects: no objects of template1's) with
// LIKE's encoding and locale, so text sorts and converts as in the live database.
std::string create_database_sql(const std::string& name, const DatabaseFacts& like);

// The statements that drop NAME with any session still connected to it (a load a signal cut
// short): from PostgreSQL 13 one DROP ... WITH (FORCE); before, the sessions are terminated first.
// Each is run on its own: DROP DATABASE cannot run inside a transaction block.
std::vector<std::string> drop_database_sql(const std::string& name, int server_version_num);

bool database_exists(const DatabaseCommands& commands, const DatabaseIdentity& connect_to,
                     const std::string& name);

// Run connected to CONNECT_TO (the live database: the one the job's role is sure to reach).
void create_database(const DatabaseCommands& commands, const DatabaseIdentity& connect_to,
                     const std::string& name, const DatabaseFacts& like);
void drop_database(const DatabaseCommands& commands, const DatabaseIdentity& connect_to,
                   const std::string& name, int server_version_num);

// Django's applied migrations, "app.name" each, sorted; nullopt when DATABASE has no
// public.django_migrations table.
std::optional<std::vector<std::string>> django_migrations(const DatabaseCommands& commands,
                                                          const DatabaseIdentity& database);

}  // namespace hivekeeper::postgres
