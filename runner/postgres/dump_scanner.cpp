#include "postgres/dump_scanner.h"

#include <algorithm>
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
    const std::size_t length =
        found ? static_cast<std::size_t>(static_cast<const char*>(found) - bytes.data())
              : bytes.size();
    if (found != nullptr && partial_bytes_ == 0) {
      line(bytes.substr(0, length), false);
    } else {
      // A line split between calls: only its prefix is kept (a COPY row may be hundreds of MiB).
      const std::size_t room = kPrefixBytes - std::min(kPrefixBytes, partial_.size());
      partial_.append(bytes.substr(0, std::min(room, length)));
      partial_bytes_ += length;
      if (found == nullptr) return;
      line(partial_, partial_bytes_ > partial_.size());
      partial_.clear();
      partial_bytes_ = 0;
    }
    bytes.remove_prefix(length + 1);
  }
}

void DumpScanner::line(std::string_view text, bool cut) {
  if (copy_rows_ != nullptr) {
    // In COPY's text format a row never spans lines: newlines in values are escaped as \n.
    if (!cut && text == kCopyEnd)
      copy_rows_ = nullptr;
    else
      ++*copy_rows_;
    return;
  }
  if (cut) return;  // no header, COPY or trailer line is that long
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
