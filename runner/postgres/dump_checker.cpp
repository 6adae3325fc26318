#include "postgres/dump_checker.h"

#include <array>
#include <cstring>

namespace hivekeeper::postgres {
namespace {

constexpr std::size_t kWordBytes = 64;
constexpr std::size_t kMetaLineBytes = 256;
constexpr std::size_t kDollarTagBytes = 256;

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
// psqlscan.l's ident_start and dolq_start: letters, '_' and any byte of a multibyte character.
bool is_word_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}
char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// pg_dump 17.6 and later: `\restrict KEY` and `\unrestrict KEY`, KEY alphanumeric.
bool restrict_line(std::string_view line, bool complete) {
  if (line.ends_with('\r')) line.remove_suffix(1);
  for (const std::string_view command : {"\\restrict ", "\\unrestrict "}) {
    if (line.size() <= command.size()) {
      if (!complete && command.starts_with(line)) return true;
      continue;
    }
    if (!line.starts_with(command)) continue;
    for (const char c : line.substr(command.size()))
      if (!is_digit(c) && !is_word_start(c)) return false;
    return true;
  }
  return false;
}

}  // namespace

void DumpChecker::piece(std::string_view bytes) {
  if (state_ == State::copy_data) {
    // Only the end marker matters in COPY data; psql sends the rest to the server as it is.
    if (prefix_.size() < 4) prefix_.append(bytes.substr(0, 4 - prefix_.size()));
    line_bytes_ += bytes.size();
    return;
  }
  for (std::size_t at = 0; at < bytes.size(); ++at) character(at, bytes);
  line_bytes_ += bytes.size();
}

void DumpChecker::character(std::size_t at, std::string_view bytes) {
  const char c = bytes[at];
  if (prefix_.size() < kPrefixBytes) prefix_ += c;
  if (backslash_pending_) {
    // The command's name, for the message, while the line is still one the filter holds back
    // unsent (kPrefixBytes); past that, refused at once, so at most the backslash went on.
    if (!is_space(c) && c != '\\' && meta_name_.size() < kWordBytes &&
        prefix_.size() < kPrefixBytes) {
      meta_name_ += c;
      return;
    }
    refuse_meta_command("\\" + meta_name_);
  }
  if (meta_line_) {
    // Judged at the line's end (it is held back until then), or once longer than any
    // \restrict line.
    if (prefix_.size() > kMetaLineBytes) refuse_meta_command(prefix_);
    return;
  }
  if (after_end_ && !is_space(c))
    refuse("holds more after " + first_word_ + " on the same line",
           "pg_dump writes that statement alone on its line");
  switch (state_) {
    case State::line_comment:
    case State::copy_data:
      break;
    case State::block_comment:
      block_comment(c);
      break;
    case State::quoted:
      if (c == '\\') {
        ++backslashes_;
      } else {
        if (c == '\'') {
          if (backslashes_ % 2 != 0)
            refuse("holds a string whose end depends on standard_conforming_strings",
                   "a backslash right before its closing quote reads differently as psql "
                   "follows the server's setting, so the string could hide a meta-command");
          state_ = State::normal;
        }
        backslashes_ = 0;
      }
      break;
    case State::escape_quoted:
      if (backslashes_ != 0)
        backslashes_ = 0;
      else if (c == '\\')
        backslashes_ = 1;
      else if (c == '\'')
        state_ = State::escape_quote_end;
      break;
    case State::escape_quote_end:
      if (c == '\'') {
        state_ = State::escape_quoted;  // a doubled quote
      } else {
        state_ = State::normal;
        normal(c, at, bytes);
      }
      break;
    case State::identifier:
      // A doubled quote leaves and re-enters: the same as psql's "" inside the name.
      if (c == '"') state_ = State::normal;
      break;
    case State::dollar_quoted:
      dollar_quoted(c);
      break;
    case State::normal:
      normal(c, at, bytes);
      break;
  }
  if (!is_space(c)) line_blank_so_far_ = false;
}

// psql nests /* */ comments.
void DumpChecker::block_comment(char c) {
  if (pending_ == '/' && c == '*') {
    ++comment_depth_;
    pending_ = 0;
  } else if (pending_ == '*' && c == '/') {
    pending_ = 0;
    if (--comment_depth_ == 0) state_ = State::normal;
  } else {
    pending_ = (c == '/' || c == '*') ? c : 0;
  }
}

// Inside $tag$...: only the same "$tag$" ends it.
void DumpChecker::dollar_quoted(char c) {
  if (!closing_.empty() && c == '$') {
    closing_ += c;
    if (closing_ == tag_) {
      state_ = State::normal;
      closing_.clear();
    } else {
      closing_ = "$";  // this '$' may open the closing tag
    }
  } else if (!closing_.empty() && (is_word_start(c) || is_digit(c)) &&
             (closing_.size() > 1 || !is_digit(c)) && closing_.size() < tag_.size()) {
    closing_ += c;
  } else {
    closing_ = c == '$' ? "$" : "";
  }
}

void DumpChecker::note_token() {
  if (statement_started_) return;
  statement_started_ = true;
  statement_line_ = line_;
  statement_at_line_start_ = line_blank_so_far_ && prefix_.size() == 1;
}

void DumpChecker::normal(char c, std::size_t at, std::string_view bytes) {
  if (pending_ != 0) {
    const char first = pending_;
    pending_ = 0;
    if (first == '-' && c == '-') {
      state_ = State::line_comment;
      return;
    }
    if (first == '/' && c == '*') {
      state_ = State::block_comment;
      comment_depth_ = 1;
      return;
    }
    note_token();
  }
  if (!dollar_.empty()) {
    dollar_candidate(c, at, bytes);
    return;
  }
  if (word_character(c)) return;
  if (c == '\'') {
    quote_start();
    return;
  }
  word_ended();
  if (!is_space(c)) punctuation(c);
}

// Names, keywords and numbers; returns false for a character that is none of them.
bool DumpChecker::word_character(char c) {
  if (is_word_start(c) || is_digit(c) || c == '$') {
    if (!in_word_) {
      note_token();
      if (c == '$') {
        dollar_ = "$";
        return true;
      }
      in_word_ = true;
      word_.clear();
      word_is_number_ = is_digit(c);
      word_has_letter_ = false;
    } else if (c == '$' && word_is_number_ && !word_has_letter_) {
      word_ended();
      dollar_ = "$";
      return true;
    }
    if (!is_digit(c) && c != '$') word_has_letter_ = true;
    if (word_.size() < kWordBytes) word_ += lower(c);
    return true;
  }
  if (c == '.' && in_word_ && word_is_number_ && !word_has_letter_) {
    word_ += c;
    return true;
  }
  return false;
}

void DumpChecker::quote_start() {
  // E'...' takes backslash escapes; N'', B'', X'' and U&'' read like '...'. The prefix is a
  // token of its own only at a word's start ("abcE'" is a name, then a string).
  const bool prefix = in_word_ && !word_is_number_ && word_.size() == 1 &&
                      std::string_view("enbxu").find(word_[0]) != std::string_view::npos;
  if (in_word_ && word_is_number_ && word_.ends_with('e'))
    refuse("holds a string right after a number ending in E",
           "psql versions read it differently (an E'' string or a '' string)");
  const bool escaped = prefix && word_[0] == 'e';
  if (prefix)
    in_word_ = false;  // psql reads E' as the string's start, not as a name
  else
    word_ended();
  note_token();
  state_ = escaped ? State::escape_quoted : State::quoted;
  backslashes_ = 0;
}

void DumpChecker::punctuation(char c) {
  switch (c) {
    case '\\':
      // pg_dump's \restrict and \unrestrict stand alone at a line's start between statements;
      // any other backslash outside quotes is a meta-command to psql.
      if (prefix_.size() == 1 && !statement_started_) {
        meta_line_ = true;
        return;
      }
      // Refused at the next character, so the message can name the command; psql runs
      // nothing of a line before its end.
      backslash_pending_ = true;
      return;
    case '"':
      note_token();
      state_ = State::identifier;
      return;
    case '-':
    case '/':
      pending_ = c;
      return;
    case '(':
      note_token();
      ++paren_depth_;
      return;
    case ')':
      note_token();
      if (paren_depth_ > 0) --paren_depth_;
      return;
    case ';':
      if (paren_depth_ == 0 && begin_depth_ == 0) statement_ended();
      return;
    default:
      note_token();
  }
}

// After '$' outside a word: "$tag$" opens a dollar quote, "$1" is a parameter, anything else
// leaves '$' an operator and the name after it a name (psqlscan.l's dolqfailed).
void DumpChecker::dollar_candidate(char c, std::size_t at, std::string_view bytes) {
  if (c == '$') {
    tag_ = dollar_ + "$";
    dollar_.clear();
    closing_.clear();
    state_ = State::dollar_quoted;
    return;
  }
  if (is_word_start(c) || (is_digit(c) && dollar_.size() > 1)) {
    if (dollar_.size() >= kDollarTagBytes)
      refuse("holds a dollar quote tag longer than " + std::to_string(kDollarTagBytes) + " bytes",
             "pg_dump's tags are short");
    dollar_ += c;
    return;
  }
  const std::string name = dollar_.substr(1);
  dollar_.clear();
  for (const char n : name) normal(n, 0, std::string_view(&n, 1));
  normal(c, at, bytes);
}

void DumpChecker::word_ended() {
  if (!in_word_) return;
  in_word_ = false;
  if (!word_is_number_) statement_word(word_);  // psql counts names, never numbers
}

DumpChecker::LineAction DumpChecker::end_line() {
  LineAction action = LineAction::keep;
  if (state_ == State::copy_data) {
    // psql ends COPY data at "\." alone on a line, or "\.\r".
    if ((line_bytes_ == 2 || (line_bytes_ == 3 && prefix_[2] == '\r')) &&
        prefix_.starts_with("\\."))
      state_ = State::normal;
  } else {
    if (backslash_pending_) refuse_meta_command("\\" + meta_name_);
    if (meta_line_ && !restrict_line(prefix_, true)) refuse_meta_command(prefix_);
    meta_line_ = false;
    const char newline = '\n';
    const std::size_t kept = prefix_.size();
    normal_or_state(newline);
    prefix_.resize(kept);
    if (state_ == State::line_comment) state_ = State::normal;
    if (begin_line_ || commit_line_) action = LineAction::blank;
    if (copy_line_) state_ = State::copy_data;
  }
  prefix_.clear();
  line_bytes_ = 0;
  line_blank_so_far_ = true;
  after_end_ = begin_line_ = commit_line_ = copy_line_ = false;
  ++line_;
  return action;
}

void DumpChecker::normal_or_state(char newline) {
  // The newline is whitespace to every state: it ends a word, a pending '-' or '/', a dollar
  // candidate, an E'' string's closing quote.
  const bool after = after_end_;
  after_end_ = false;
  character(0, std::string_view(&newline, 1));
  after_end_ = after;
}

void DumpChecker::feed(std::string_view bytes) {
  while (!bytes.empty()) {
    const void* found = std::memchr(bytes.data(), '\n', bytes.size());
    if (found == nullptr) {
      piece(bytes);
      return;
    }
    const std::size_t length =
        static_cast<std::size_t>(static_cast<const char*>(found) - bytes.data());
    piece(bytes.substr(0, length));
    end_line();
    bytes.remove_prefix(length + 1);
  }
}

void DumpChecker::finish() {
  // A large-object block left open is harmless: its statements ran in the restore's transaction,
  // and a dump cut short there lacks pg_dump's trailer, which the load refuses.
  if (line_bytes_ > 0) end_line();
}

}  // namespace hivekeeper::postgres
