#include "postgres/scratch_sql.h"

#include "common/error.h"
#include "postgres/queries.h"

namespace hivekeeper::postgres {
namespace {

std::string quote_literal(const std::string& text) {
  std::string quoted = "'";
  for (const char c : text) quoted += c == '\'' ? std::string("''") : std::string(1, c);
  return quoted + "'";
}

}  // namespace

DatabaseFacts database_facts(const DatabaseCommands& commands, const DatabaseIdentity& database) {
  const auto rows =
      query(commands, database,
            "SELECT current_setting('server_version_num'), r.rolcreatedb OR r.rolsuper, "
            "pg_database_size(d.oid), pg_encoding_to_char(d.encoding), d.datcollate, d.datctype "
            "FROM pg_roles r, pg_database d "
            "WHERE r.rolname = current_user AND d.datname = current_database()");
  if (rows.size() != 1 || rows.front().size() != 6)
    throw job_failed("DatabaseQueryFailed", "cannot read the facts of database " + database.name +
                                                " in " + commands.where +
                                                ": the server gave no row for it and its role");
  const auto& row = rows.front();
  DatabaseFacts facts;
  facts.server_version_num = std::stoi(row[0]);
  facts.can_create_databases = row[1] == "t";
  facts.size_bytes = std::stoull(row[2]);
  facts.encoding = row[3];
  facts.collate = row[4];
  facts.ctype = row[5];
  return facts;
}

std::string quote_identifier(const std::string& name) {
  std::string quoted = "\"";
  for (const char c : name) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

std::string create_database_sql(const std::string& name, const DatabaseFacts& like) {
  std::string sql = "CREATE DATABASE " + quote_identifier(name) + " TEMPLATE template0";
  if (!like.encoding.empty()) sql += " ENCODING " + quote_literal(like.encoding);
  if (!like.collate.empty()) sql += " LC_COLLATE " + quote_literal(like.collate);
  if (!like.ctype.empty()) sql += " LC_CTYPE " + quote_literal(like.ctype);
  return sql;
}

std::vector<std::string> drop_database_sql(const std::string& name, int server_version_num) {
  if (server_version_num >= 130000)
    return {"DROP DATABASE IF EXISTS " + quote_identifier(name) + " WITH (FORCE)"};
  return {"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = " +
              quote_literal(name),
          "DROP DATABASE IF EXISTS " + quote_identifier(name)};
}

bool database_exists(const DatabaseCommands& commands, const DatabaseIdentity& connect_to,
                     const std::string& name) {
  return !query(commands, connect_to,
                "SELECT 1 FROM pg_database WHERE datname = " + quote_literal(name))
              .empty();
}

void create_database(const DatabaseCommands& commands, const DatabaseIdentity& connect_to,
                     const std::string& name, const DatabaseFacts& like) {
  query(commands, connect_to, create_database_sql(name, like));
}

void drop_database(const DatabaseCommands& commands, const DatabaseIdentity& connect_to,
                   const std::string& name, int server_version_num) {
  for (const auto& sql : drop_database_sql(name, server_version_num))
    query(commands, connect_to, sql);
}

std::optional<std::vector<std::string>> django_migrations(const DatabaseCommands& commands,
                                                          const DatabaseIdentity& database) {
  const auto table =
      query(commands, database, "SELECT to_regclass('public.django_migrations') IS NOT NULL");
  if (table.empty() || table.front().empty() || table.front().front() != "t") return std::nullopt;
  std::vector<std::string> migrations;
  for (const auto& row :
       query(commands, database,
             "SELECT app || '.' || name FROM public.django_migrations ORDER BY 1"))
    if (!row.empty()) migrations.push_back(row.front());
  return migrations;
}

}  // namespace hivekeeper::postgres
