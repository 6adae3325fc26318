// Reads a plain-format pg_dump stream as it passes to the compressor and takes from it what the
// metadata records: the server's and pg_dump's versions (from the dump's header comments) and the
// row count of every table (the lines of each COPY block). The counts come from the very snapshot
// the dump was taken in, at the cost of one memchr pass, so later restores can verify against
// them. It holds at most the first kPrefixBytes of one partial line between feed() calls, never a
// whole line: a COPY row holding one huge value is a line of hundreds of MiB.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace hivekeeper::postgres {

class DumpScanner {
 public:
  void feed(std::string_view bytes);

  const std::string& server_version() const { return server_version_; }
  const std::string& pg_dump_version() const { return pg_dump_version_; }
  // "public.glyphs" -> rows, for every table whose data the dump holds (empty tables included).
  const std::map<std::string, std::uint64_t>& row_counts() const { return row_counts_; }
  // True once pg_dump wrote its closing "-- PostgreSQL database dump complete" line.
  bool complete() const { return complete_; }

 private:
  static constexpr std::size_t kPrefixBytes = 64 * 1024;
  // TEXT is the whole line, or its first kPrefixBytes when CUT.
  void line(std::string_view text, bool cut);

  std::string partial_;
  std::uint64_t partial_bytes_ = 0;  // the partial line's length, beyond what partial_ holds
  std::string server_version_;
  std::string pg_dump_version_;
  std::map<std::string, std::uint64_t> row_counts_;
  // The count of the COPY block being read, null outside one. std::map never moves its values,
  // so one lookup per table, not per row.
  std::uint64_t* copy_rows_ = nullptr;
  bool complete_ = false;
};

}  // namespace hivekeeper::postgres
