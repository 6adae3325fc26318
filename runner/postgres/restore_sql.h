// What psql is fed and what it answers, during a restore. The dump runs inside one transaction
// that Hivekeeper opens itself (the preamble, on the stream's first line so psql's line numbers
// are the dump's plus one) and closes only after every check has passed: the gzip stream ended
// cleanly, the dump's "dump complete" trailer arrived, the checksums agree, and the row counts
// psql reports match. Until then a failure simply ends psql's input and the server rolls back.
// With ON_ERROR_STOP psql stops at the first failing statement, which rolls back too.
//
// The filter makes dumps portable between environments, as pg_restore --no-owner
// --no-privileges would: ALTER ... OWNER TO, GRANT and REVOKE statements become empty lines (so
// line numbers still match the dump), and pg_dump's `SET lock_timeout = 0;` becomes the job's
// lock timeout so a restore blocked by another session fails instead of waiting forever.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "postgres/dump_checker.h"

namespace hivekeeper::postgres {

// psql prints this (\echo) once it has executed every statement of the dump.
inline constexpr std::string_view kLoadedMarker = "hivekeeper:dump-loaded";

struct RestoreSqlOptions {
  bool reset = false;          // DROP SCHEMA public CASCADE; CREATE SCHEMA public first
  int server_version_num = 0;  // 170002; decides how public's ownership is recreated
  int lock_timeout_seconds = 60;
  bool skip_ownership = true;
};

// One line, ending in a newline: BEGIN, the lock timeout, and the reset when asked.
std::string restore_preamble(const RestoreSqlOptions& options);
// After the dump: ends a last unterminated line, then asks psql to print kLoadedMarker.
std::string restore_epilogue();

// psql reading plain SQL on its standard input (in the database container or beside the runner):
// stops on the first error, ignores ~/.psqlrc (-X), and with -f - names the input's line in its
// errors. Not quiet: its "COPY n" tags are the row counts the restore verifies.
std::vector<std::string> psql_load_command(const std::string& database, const std::string& user);

// Every line passes the DumpChecker before it is passed on, so what it refuses never reaches
// psql. Memory is bounded whatever a line holds: COPY rows and lines longer than
// DumpChecker::kPrefixBytes pass on as they come (checked, never changed), only shorter SQL lines
// are held whole.
class RestoreSqlFilter {
 public:
  using Sink = std::function<void(std::string_view)>;
  RestoreSqlFilter(const RestoreSqlOptions& options, Sink sink);

  void feed(std::string_view bytes);
  void finish();  // passes on a last line without newline

  // The tables of the dump's COPY blocks, in stream order: psql reports "COPY n" in this order.
  const std::vector<std::string>& copy_tables() const { return copy_tables_; }
  std::uint64_t statements_skipped() const { return skipped_; }

 private:
  // Returns true when the line is passed on unchanged, else sets replacement_.
  bool keep(std::string_view line);
  // A whole held line, with its newline unless it is the dump's last.
  void held_line(std::string_view line);

  RestoreSqlOptions options_;
  Sink sink_;
  DumpChecker checker_;
  std::string line_;              // the current line, while it is SQL short enough to hold
  bool line_started_ = false;     // bytes of the current line were read
  bool passing_through_ = false;  // the current line passes on as it comes
  std::string replacement_;
  std::vector<std::string> copy_tables_;
  bool previous_blank_ = true;
  bool rewritable_ = false;  // the held line starts and ends between statements
  std::uint64_t skipped_ = 0;
};

// Collects psql's standard output: the row count of each COPY, the loaded marker, the COMMIT.
class PsqlOutput {
 public:
  void feed(std::string_view bytes);
  const std::vector<std::uint64_t>& copy_counts() const { return copy_counts_; }
  bool loaded() const { return loaded_; }
  bool committed() const { return committed_; }

 private:
  void line(std::string_view text);
  // Only short lines matter (tags, markers): a longer one is kept cut, never whole.
  static constexpr std::size_t kLineBytes = 256;
  std::string partial_;
  bool partial_cut_ = false;
  std::vector<std::uint64_t> copy_counts_;
  bool loaded_ = false;
  bool committed_ = false;
};

struct PsqlError {
  long dump_line = 0;   // line of the dump (0 when psql named none)
  std::string message;  // "ERROR:  relation \"x\" already exists" and its DETAIL/CONTEXT lines
};

// The first error in psql's standard error, with the line converted from psql's input to the
// dump's (the preamble is line 1).
PsqlError first_psql_error(std::string_view stderr_text);

}  // namespace hivekeeper::postgres
