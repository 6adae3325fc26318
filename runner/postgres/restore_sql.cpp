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

std::string_view trim_newline_only(std::string_view line) {
  if (line.ends_with('\n')) line.remove_suffix(1);
  return line;
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
  if (line.empty() || line.starts_with("--")) return true;
  if (!rewritable_) return true;
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

void RestoreSqlFilter::held_line(std::string_view line) {
  const bool clean_before = checker_.between_statements();
  checker_.piece(trim_newline_only(line));
  const bool copy_header = !checker_.in_copy_data();
  const auto action = checker_.end_line();
  // A line the filter drops or rewrites must leave psql where the checker believes it is (an
  // ownership line ending in `SELECT $$;` would otherwise open a quote only the checker sees).
  rewritable_ = clean_before && checker_.between_statements();
  if (action == DumpChecker::LineAction::blank) {
    // pg_dump's own BEGIN;/COMMIT; around large-object data: the restore's transaction holds it.
    previous_blank_ = true;
    sink_(line.ends_with('\n') ? "\n" : "");
    return;
  }
  if (copy_header && checker_.in_copy_data()) {
    copy_tables_.push_back(copy_target(line));
    previous_blank_ = false;
    sink_(line);
    return;
  }
  sink_(keep(line) ? line : std::string_view(replacement_));
}

void RestoreSqlFilter::feed(std::string_view bytes) {
  // Bytes that pass on as they came (COPY rows, long lines) go out in one run per call.
  const char* run = bytes.data();
  const auto flush = [&](const char* upto) {
    if (upto > run) sink_(std::string_view(run, static_cast<std::size_t>(upto - run)));
    run = upto;
  };
  while (!bytes.empty()) {
    const char* newline = static_cast<const char*>(std::memchr(bytes.data(), '\n', bytes.size()));
    const std::size_t length =
        newline ? static_cast<std::size_t>(newline - bytes.data()) : bytes.size();
    const std::string_view part = bytes.substr(0, length);
    if (!line_started_) {
      line_started_ = true;
      passing_through_ = checker_.in_copy_data();
      if (!passing_through_) flush(bytes.data());
    }
    if (passing_through_) {
      checker_.piece(part);  // before it passes on: what the checker refuses never does
    } else {
      line_.append(part);
      if (line_.size() > DumpChecker::kPrefixBytes) {
        // Too long to be a statement the filter changes: checked, then passed on as it comes.
        checker_.piece(line_);
        sink_(line_);
        line_.clear();
        line_.shrink_to_fit();
        passing_through_ = true;
      }
      run = bytes.data() + length;
    }
    if (newline == nullptr) break;
    if (passing_through_) {
      checker_.end_line();
      previous_blank_ = false;
    } else {
      line_ += '\n';
      held_line(line_);
      line_.clear();
      run = newline + 1;
    }
    line_started_ = false;
    bytes.remove_prefix(length + 1);
  }
  flush(bytes.data() + bytes.size());
}

void RestoreSqlFilter::finish() {
  if (line_started_) {
    if (passing_through_)
      checker_.end_line();
    else
      held_line(line_);
    line_.clear();
    line_started_ = false;
  }
  checker_.finish();
}

void PsqlOutput::feed(std::string_view bytes) {
  while (!bytes.empty()) {
    const auto newline = bytes.find('\n');
    const std::string_view part = bytes.substr(0, newline);
    if (newline != std::string_view::npos && partial_.empty() && !partial_cut_) {
      line(part);
    } else {
      const std::size_t room = kLineBytes - std::min(kLineBytes, partial_.size());
      partial_.append(part.substr(0, room));
      partial_cut_ = partial_cut_ || part.size() > room;
      if (newline == std::string_view::npos) return;
      if (!partial_cut_) line(partial_);
      partial_.clear();
      partial_cut_ = false;
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
