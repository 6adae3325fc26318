// What a restore lets through of a dump, which is untrusted input: psql reads it as a script, so
// whatever psql would run that pg_dump never writes is refused (reason DumpNotRestorable, naming
// the dump's line) before it reaches psql. The checker lexes the stream as psql does (psqlscan.l)
// so it finds statements and backslashes where psql finds them: not inside '...', E'...', "...",
// $tag$...$tag$, -- or /* */ comments, nor in COPY data (from `COPY ... FROM stdin;` to `\.`).
//
// The rules, and why each is a refusal rather than a rewrite:
// - Meta-commands: only pg_dump's own `\restrict KEY` and `\unrestrict KEY` (alone on a line)
//   pass. Anything else (\!, \o |cmd, \g |cmd, \gexec, \copy, \i, \set, \connect...) can run a
//   shell, read or write files, or change how psql goes on: there is no safe rewrite.
// - Transaction control is the runner's alone. pg_dump wraps large-object data in `BEGIN;` ...
//   `COMMIT;` on lines of their own holding only `SELECT pg_catalog.lo_...` statements: those two
//   lines are dropped (LineAction::blank keeps the line numbers), so the objects load inside the
//   restore's one transaction. Any other BEGIN, START, COMMIT, END, ROLLBACK, ABORT, SAVEPOINT,
//   RELEASE or PREPARE TRANSACTION is refused: dropping it would silently change what the file
//   says, and no dump pg_dump makes holds one.
// - COPY only as pg_dump writes it, `COPY name (columns) FROM stdin;` alone on its line: the
//   checker must know where COPY data starts, and COPY ... PROGRAM runs a shell on the server.
// - A '...' string whose end depends on standard_conforming_strings (an odd run of backslashes
//   before a quote): psql follows the server's setting, which SQL in the dump can change without
//   the checker seeing it, so such a string could hide a meta-command from one reading of it.
//
// Memory is bounded: the checker keeps the first kPrefixBytes of the current line and a few
// words of the current statement, never a whole line.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace hivekeeper::postgres {

class DumpChecker {
 public:
  enum class LineAction { keep, blank };
  static constexpr std::size_t kPrefixBytes = 64 * 1024;

  // Part of the current line, without its newline; throws DumpNotRestorable as soon as the part
  // holds what may not run, so a caller that checks a part before passing it on never passes on
  // a refused command.
  void piece(std::string_view bytes);
  // The current line ended (its newline, or the end of the dump): what to do with it.
  LineAction end_line();
  // After the last line; ends a last line without newline first.
  void finish();
  // The whole dump in parts split anywhere: piece() and end_line() for each line.
  void feed(std::string_view bytes);

  // True while the lines read are COPY data (the next line is a row or the end marker).
  bool in_copy_data() const { return state_ == State::copy_data; }
  // True when psql would be between statements here: nothing open (quote, comment, parenthesis,
  // statement). A filter may only drop a line that starts and ends so, or psql's reading of what
  // follows would differ from the checker's.
  bool between_statements() const {
    return state_ == State::normal && !statement_started_ && !in_word_ && dollar_.empty() &&
           pending_ == 0 && paren_depth_ == 0 && begin_depth_ == 0;
  }
  // The number of the line being read, counting from 1.
  std::uint64_t line_number() const { return line_; }

 private:
  enum class State {
    normal,
    line_comment,
    block_comment,
    quoted,         // '...' (and B'', X'', N'', U&'')
    escape_quoted,  // E'...'
    escape_quote_end,
    identifier,  // "..."
    dollar_quoted,
    copy_data,
  };

  void character(std::size_t at, std::string_view bytes);
  void normal(char c, std::size_t at, std::string_view bytes);
  void block_comment(char c);
  void dollar_quoted(char c);
  void note_token();
  bool word_character(char c);
  void quote_start();
  void punctuation(char c);
  void word_ended();
  void statement_word(const std::string& word);
  void statement_ended();
  void dollar_candidate(char c, std::size_t at, std::string_view bytes);
  void normal_or_state(char newline);
  [[noreturn]] void refuse(const std::string& what, const std::string& why) const;
  [[noreturn]] void refuse_meta_command(std::string_view rest) const;
  bool line_is(std::string_view text) const;

  State state_ = State::normal;
  std::uint64_t line_ = 1;
  std::string prefix_;             // the current line's first kPrefixBytes
  std::uint64_t line_bytes_ = 0;   // the current line's length so far
  bool line_blank_so_far_ = true;  // nothing but whitespace yet on this line

  // The word (identifier or number) being read, lower case, capped.
  std::string word_;
  bool in_word_ = false;
  bool word_is_number_ = false;
  bool word_has_letter_ = false;
  char pending_ = 0;     // '-' or '/' or '*' waiting for the next character; '$' starts a tag
  std::string dollar_;   // "$tag" read so far in normal state (a dollar quote opening?)
  std::string tag_;      // the open dollar quote's "$tag$"
  std::string closing_;  // what may be the closing tag, inside a dollar quote
  int comment_depth_ = 0;
  int backslashes_ = 0;  // the run of backslashes just read inside '...'

  // psql's statement state: where `;` ends a statement (psqlscan.l's paren_depth, begin_depth
  // and the identifiers that spot CREATE [OR REPLACE] FUNCTION|PROCEDURE ... BEGIN ATOMIC).
  int paren_depth_ = 0;
  int begin_depth_ = 0;
  int word_count_ = 0;
  std::array<char, 4> identifiers_ = {};
  std::string first_word_;
  bool statement_started_ = false;    // a token of the current statement was read
  std::uint64_t statement_line_ = 0;  // where it started
  bool statement_at_line_start_ = false;

  // What the line's end decides.
  bool meta_line_ = false;
  bool backslash_pending_ = false;  // a backslash outside quotes, not at a line's start
  std::string meta_name_;           // what follows it, capped      // a
                                    // backslash command at the line's start: \restrict, \unrestrict
  bool begin_line_ = false;         // "BEGIN;" that opens pg_dump's large-object block
  bool commit_line_ = false;        // "COMMIT;" that closes it
  bool copy_line_ = false;          // pg_dump's COPY header: data follows
  bool after_end_ = false;          // one of those four ended; nothing else may follow on the line
  bool large_objects_ = false;      // inside pg_dump's large-object block
  std::uint64_t large_objects_line_ = 0;
};

}  // namespace hivekeeper::postgres
