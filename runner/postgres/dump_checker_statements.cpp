// The statement rules of DumpChecker (postgres/dump_checker.h): what a statement's first words
// may be, pg_dump's large-object block and COPY header, and the refusals' wording. The lexing
// that finds statements is in dump_checker.cpp.
#include <array>

#include "common/error.h"
#include "postgres/dump_checker.h"

namespace hivekeeper::postgres {
namespace {

bool is_statement_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

}  // namespace

void DumpChecker::refuse(const std::string& what, const std::string& why) const {
  throw job_failed("DumpNotRestorable",
                   "line " + std::to_string(line_) + " of the dump " + what + ": " + why +
                       "; nothing was restored",
                   "a dump is a script psql runs, so the restore only runs what pg_dump writes; "
                   "`zcat FILE | sed -n '" +
                       std::to_string(line_) +
                       "p'` shows the line. Restore another backup, or a copy of this dump "
                       "without the line if you know why it is there");
}

void DumpChecker::refuse_meta_command(std::string_view rest) const {
  std::size_t end = 1;
  while (end < rest.size() && end < 24 && !is_statement_space(rest[end]) && rest[end] != '\\')
    ++end;
  const std::string command(rest.substr(0, end));
  if (command.starts_with("\\c") && std::string_view("\\connect").starts_with(command))
    throw job_failed("DumpNotRestorable",
                     "line " + std::to_string(line_) +
                         " of the dump switches databases (\\connect); it was made with pg_dump "
                         "--create or pg_dumpall, which a single-transaction restore cannot load",
                     "make the dump with plain pg_dump DBNAME, as the seed's scripts do");
  refuse("holds the psql meta-command " + command,
         "pg_dump never writes it, and a meta-command can run a shell, read or write files, or "
         "change how psql runs the rest");
}

void DumpChecker::statement_word(const std::string& word) {
  // psqlscan.l: a `;` inside CREATE [OR REPLACE] FUNCTION|PROCEDURE ... BEGIN ATOMIC ... END does
  // not end the statement; psql follows BEGIN, CASE and END to know where the body ends.
  if (word_count_ == 0) identifiers_ = {};
  if ((word == "create" || word == "function" || word == "procedure" || word == "or" ||
       word == "replace") &&
      word_count_ < static_cast<int>(identifiers_.size()))
    identifiers_[static_cast<std::size_t>(word_count_)] = word[0];
  ++word_count_;
  const auto& id = identifiers_;
  if (id[0] == 'c' &&
      (id[1] == 'f' || id[1] == 'p' ||
       (id[1] == 'o' && id[2] == 'r' && (id[3] == 'f' || id[3] == 'p'))) &&
      paren_depth_ == 0) {
    if (word == "begin")
      ++begin_depth_;
    else if (word == "case" && begin_depth_ >= 1)
      ++begin_depth_;
    else if (word == "end" && begin_depth_ > 0)
      --begin_depth_;
  }
  if (word_count_ == 2 && first_word_ == "prepare" && word == "transaction")
    refuse("holds PREPARE TRANSACTION", "transaction control is the restore's alone");
  if (word_count_ != 1) return;
  first_word_ = word;
  if (word == "begin" || word == "commit" || word == "copy") {
    // Judged at the `;`: pg_dump writes these alone on their line.
    if (!statement_at_line_start_)
      refuse("holds " + word + " after something else on the line",
             word == "copy" ? "the restore runs only COPY as pg_dump writes it"
                            : "transaction control is the restore's alone");
    if (word == "begin" && large_objects_)
      refuse("holds BEGIN inside the large-object block of line " +
                 std::to_string(large_objects_line_),
             "transaction control is the restore's alone");
    if (word == "commit" && !large_objects_)
      refuse("holds COMMIT",
             "transaction control is the restore's alone: the restore commits "
             "only after every check has passed");
    return;
  }
  static constexpr std::array kTransactionControl = {"rollback", "end",       "abort",
                                                     "start",    "savepoint", "release"};
  for (const char* keyword : kTransactionControl)
    if (word == keyword)
      refuse("holds " + word,
             "transaction control is the restore's alone: the restore commits "
             "only after every check has passed");
}

bool DumpChecker::line_is(std::string_view text) const {
  std::string_view line(prefix_);
  if (line.ends_with('\r')) line.remove_suffix(1);
  return line == text;
}

void DumpChecker::statement_ended() {
  const bool one_line = statement_at_line_start_ && statement_line_ == line_;
  if (first_word_ == "begin" || first_word_ == "commit") {
    const bool begin = first_word_ == "begin";
    if (!one_line || !line_is(begin ? "BEGIN;" : "COMMIT;"))
      refuse("holds a " + first_word_ + " statement other than pg_dump's large-object block's",
             "transaction control is the restore's alone");
    (begin ? begin_line_ : commit_line_) = true;
    large_objects_ = begin;
    large_objects_line_ = line_;
    after_end_ = true;
  } else if (first_word_ == "copy") {
    const std::string_view line(prefix_);
    if (!one_line || prefix_.size() >= kPrefixBytes || !line.starts_with("COPY ") ||
        !line.ends_with(" FROM stdin;"))
      refuse("holds a COPY other than pg_dump's `COPY table (columns) FROM stdin;`",
             "COPY can read or write the server's files or run a program there");
    copy_line_ = true;
    after_end_ = true;
  } else if (large_objects_ && (!one_line || !prefix_.starts_with("SELECT pg_catalog.lo"))) {
    refuse(
        "holds a statement inside the large-object block of line " +
            std::to_string(large_objects_line_),
        "pg_dump writes only SELECT pg_catalog.lo_open, lowrite, lo_close (and lo_unlink) there");
  }
  word_count_ = 0;
  first_word_.clear();
  statement_started_ = false;
}

}  // namespace hivekeeper::postgres
