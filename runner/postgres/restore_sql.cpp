#include "postgres/restore_sql.h"

#include <algorithm>
#include <charconv>
#include <cstring>

#include "common/error.h"

namespace hivekeeper::postgres {
namespace {

bool ownership_statement(std::string_view line) {
  if (!line.ends_with(';')) return false;
  if (line.starts_with("GRANT ") || line.starts_with("REVOKE ")) return true;
  if (line.starts_with("ALTER DEFAULT PRIVILEGES ")) return true;
  return line.starts_with("ALTER ") && line.find(" OWNER TO ") != std::string_view::npos;
}

// "COPY public.glyphs (id, name) FROM stdin;" -> "public.glyphs". The name ends at the first
// space outside double quotes, as DumpScanner reads it: public."my table" may hold spaces.
std::string copy_target(std::string_view line) {
  line.remove_prefix(5);
  bool quoted = false;
  std::size_t end = 0;
  for (; end < line.size() && (quoted || line[end] != ' '); ++end)
    if (line[end] == '"') quoted = !quoted;
  return std::string(line.substr(0, end));
}

std::string_view trim_newline(std::string_view line) {
  if (line.ends_with('\n')) line.remove_suffix(1);
  if (line.ends_with('\r')) line.remove_suffix(1);
  return line;
}

}  // namespace

std::string restore_preamble(const RestoreSqlOptions& options) {
  std::string sql =
      "BEGIN; SET LOCAL lock_timeout = '" + std::to_string(options.lock_timeout_seconds) + "s';";
  if (options.reset) {
    sql += " DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;";
    // PostgreSQL 15 made public owned by pg_database_owner with USAGE for everyone; older
    // servers granted everything to PUBLIC. Recreate what the server would have made.
    sql += options.server_version_num >= 150000
               ? " ALTER SCHEMA public OWNER TO pg_database_owner; GRANT USAGE ON SCHEMA public "
                 "TO PUBLIC;"
               : " GRANT ALL ON SCHEMA public TO PUBLIC;";
  }
  return sql + "\n";
}

std::string restore_epilogue() {
  return "\n\\echo " + std::string(kLoadedMarker) + "\n";
}

std::vector<std::string> psql_restore_command(const std::string& database,
                                              const std::string& user) {
  // The SQL travels gzip-compressed and gzip -dc in the container unpacks it: the engine's exec
  // stdin carries about 25 MB/s into psql, so a plain 1.2 GB dump took 52 s to stream, not the
  // 19 s that psql needs. -X: no ~/.psqlrc may change what the dump does. -f -: standard input,
  // with line numbers in error messages. Not quiet: psql's "COPY n" tags are the row counts the
  // restore verifies. The names are arguments, never part of the script.
  return {"sh",
          "-c",
          "command -v gzip >/dev/null 2>&1 || { echo \"" + std::string(kNoGzipMessage) +
              "\" >&2; exit 127; }\n"
              "gzip -dc | psql -X -v ON_ERROR_STOP=1 --username \"$1\" --dbname \"$2\" -f -",
          "hivekeeper-restore",
          user,
          database};
}

std::vector<std::string> psql_load_command(const std::string& database, const std::string& user) {
  return {"psql",   "-X", "-v", "ON_ERROR_STOP=1", "--username", user, "--dbname",
          database, "-f", "-"};
}

RestoreSqlFilter::RestoreSqlFilter(const RestoreSqlOptions& options, Sink sink)
    : options_(options), sink_(std::move(sink)) {}

bool RestoreSqlFilter::keep(std::string_view raw) {
  const std::string_view line = trim_newline(raw);
  const bool after_blank = previous_blank_;
  previous_blank_ = line.empty();
  if (in_copy_) {
    if (line == "\\.") in_copy_ = false;
    return true;
  }
  if (line.empty() || line.starts_with("--")) return true;
  if (line.starts_with("COPY ") && line.ends_with(" FROM stdin;")) {
    copy_tables_.push_back(copy_target(line));
    in_copy_ = true;
    return true;
  }
  if (line.starts_with("\\connect"))
    throw job_failed("DumpNotRestorable",
                     "the dump switches databases (\\connect); it was made with pg_dump --create "
                     "or pg_dumpall, which a single-transaction restore cannot load",
                     "make the dump with plain pg_dump DBNAME, as the seed's scripts do");
  if (line == "SET lock_timeout = 0;") {
    replacement_ = "SET lock_timeout = '" + std::to_string(options_.lock_timeout_seconds) + "s';\n";
    return false;
  }
  if (options_.skip_ownership && after_blank && ownership_statement(line)) {
    ++skipped_;
    replacement_ = "\n";
    return false;
  }
  return true;
}

void RestoreSqlFilter::feed(std::string_view bytes) {
  if (!partial_.empty()) {
    const char* newline = static_cast<const char*>(std::memchr(bytes.data(), '\n', bytes.size()));
    if (newline == nullptr) {
      partial_.append(bytes);
      return;
    }
    const std::size_t length = static_cast<std::size_t>(newline - bytes.data()) + 1;
    partial_.append(bytes.substr(0, length));
    bytes.remove_prefix(length);
    sink_(keep(partial_) ? std::string_view(partial_) : std::string_view(replacement_));
    partial_.clear();
  }
  const char* data = bytes.data();
  const char* end = data + bytes.size();
  const char* run = data;
  const char* line = data;
  while (line < end) {
    const char* newline = static_cast<const char*>(std::memchr(line, '\n', end - line));
    if (newline == nullptr) break;
    const char* next = newline + 1;
    // Inside COPY data only the end marker matters: skip the full check for speed. psql also
    // takes "\\.\r\n" as the end, as keep() does.
    const auto length = next - line;
    const bool copy_row = in_copy_ && !((length == 3 || (length == 4 && line[2] == '\r')) &&
                                        line[0] == '\\' && line[1] == '.');
    if (copy_row) {
      previous_blank_ = false;
    } else if (!keep(std::string_view(line, static_cast<std::size_t>(next - line)))) {
      if (line > run) sink_(std::string_view(run, static_cast<std::size_t>(line - run)));
      sink_(replacement_);
      run = next;
    }
    line = next;
  }
  if (line > run) sink_(std::string_view(run, static_cast<std::size_t>(line - run)));
  partial_.assign(line, static_cast<std::size_t>(end - line));
}

void RestoreSqlFilter::finish() {
  if (partial_.empty()) return;
  sink_(keep(partial_) ? std::string_view(partial_) : std::string_view(replacement_));
  partial_.clear();
}

void PsqlOutput::feed(std::string_view bytes) {
  while (!bytes.empty()) {
    const auto newline = bytes.find('\n');
    if (newline == std::string_view::npos) {
      partial_.append(bytes);
      return;
    }
    if (partial_.empty()) {
      line(bytes.substr(0, newline));
    } else {
      partial_.append(bytes.substr(0, newline));
      line(partial_);
      partial_.clear();
    }
    bytes.remove_prefix(newline + 1);
  }
}

void PsqlOutput::line(std::string_view text) {
  if (text.starts_with("COPY ")) {
    std::uint64_t count = 0;
    const auto digits = text.substr(5);
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), count);
    if (error == std::errc() && end == digits.data() + digits.size()) copy_counts_.push_back(count);
  } else if (text == kLoadedMarker) {
    loaded_ = true;
  } else if (text == "COMMIT") {
    committed_ = true;
  }
}

PsqlError first_psql_error(std::string_view text) {
  PsqlError error;
  bool collecting = false;
  int extra_lines = 0;
  while (!text.empty()) {
    const auto newline = text.find('\n');
    const std::string_view line = text.substr(0, newline);
    text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
    if (!collecting) {
      const auto at = line.find("ERROR:");
      const auto fatal = line.find("FATAL:");
      const auto psql_error = line.find("psql: error:");
      const auto found = std::min({at, fatal, psql_error});
      if (found == std::string_view::npos) continue;
      // "psql:<stdin>:1234: ERROR:  ..."
      if (line.starts_with("psql:<stdin>:")) {
        long input_line = 0;
        const auto digits = line.substr(13);
        std::from_chars(digits.data(), digits.data() + digits.size(), input_line);
        error.dump_line = input_line > 1 ? input_line - 1 : 0;
      }
      error.message = std::string(line.substr(found == psql_error ? found + 6 : found));
      collecting = true;
    } else if (extra_lines < 4 && !line.empty() && !line.starts_with("psql:")) {
      error.message += "\n" + std::string(line);
      ++extra_lines;
    } else {
      break;
    }
  }
  return error;
}

}  // namespace hivekeeper::postgres
