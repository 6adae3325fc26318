#include "postgres/dump_scanner.h"

#include <cstring>

namespace hivekeeper::postgres {
namespace {

constexpr std::string_view kServerVersion = "-- Dumped from database version ";
constexpr std::string_view kPgDumpVersion = "-- Dumped by pg_dump version ";
constexpr std::string_view kComplete = "-- PostgreSQL database dump complete";
constexpr std::string_view kCopy = "COPY ";
constexpr std::string_view kCopyEnd = "\\.";

}  // namespace

void DumpScanner::feed(std::string_view bytes) {
  while (!bytes.empty()) {
    const void* found = std::memchr(bytes.data(), '\n', bytes.size());
    if (found == nullptr) {
      partial_.append(bytes);
      return;
    }
    const std::size_t length = static_cast<const char*>(found) - bytes.data();
    if (partial_.empty()) {
      line(bytes.substr(0, length));
    } else {
      partial_.append(bytes.substr(0, length));
      line(partial_);
      partial_.clear();
    }
    bytes.remove_prefix(length + 1);
  }
}

void DumpScanner::line(std::string_view text) {
  if (copy_rows_ != nullptr) {
    // In COPY's text format a row never spans lines: newlines in values are escaped as \n.
    if (text == kCopyEnd)
      copy_rows_ = nullptr;
    else
      ++*copy_rows_;
    return;
  }
  if (text.starts_with(kCopy) && text.ends_with("FROM stdin;")) {
    // COPY public.glyphs (id, name) FROM stdin;  — the table name ends at the first space outside
    // double quotes (a quoted name such as public."my table" may hold spaces).
    const std::string_view rest = text.substr(kCopy.size());
    bool quoted = false;
    std::size_t end = 0;
    for (; end < rest.size() && (quoted || rest[end] != ' '); ++end)
      if (rest[end] == '"') quoted = !quoted;
    copy_rows_ = &row_counts_.try_emplace(std::string(rest.substr(0, end)), 0).first->second;
  } else if (text.starts_with(kServerVersion)) {
    server_version_ = std::string(text.substr(kServerVersion.size()));
  } else if (text.starts_with(kPgDumpVersion)) {
    pg_dump_version_ = std::string(text.substr(kPgDumpVersion.size()));
  } else if (text.starts_with(kComplete)) {
    complete_ = true;
  }
}

}  // namespace hivekeeper::postgres
