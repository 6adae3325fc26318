// DumpScanner on plain-format pg_dump output: versions from the header comments, one row count
// per COPY block, and the trailer that says the dump is complete.
#include "postgres/dump_scanner.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace hivekeeper::postgres {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;

// Shaped like pg_dump 17's output for a small Django database.
const std::string kScannedDump =
    "--\n"
    "-- PostgreSQL database dump\n"
    "--\n"
    "\n"
    "-- Dumped from database version 17.12 (Debian 17.12-1.pgdg130+1)\n"
    "-- Dumped by pg_dump version 17.12 (Debian 17.12-1.pgdg130+1)\n"
    "\n"
    "SET statement_timeout = 0;\n"
    "CREATE TABLE public.glyphs (id integer NOT NULL, name text);\n"
    "--\n"
    "-- Data for Name: glyphs; Type: TABLE DATA; Schema: public; Owner: -\n"
    "--\n"
    "\n"
    "COPY public.glyphs (id, name) FROM stdin;\n"
    "1\talpha\n"
    "2\tline one\\nline two\n"
    "3\t\\N\n"
    "\\.\n"
    "\n"
    "COPY public.django_session (session_key, session_data, expire_date) FROM stdin;\n"
    "\\.\n"
    "\n"
    "COPY public.\"my table\" (id) FROM stdin;\n"
    "10\n"
    "11\n"
    "\\.\n"
    "\n"
    "COPY beefont.jobs (id, state) FROM stdin;\n"
    "7\tdone\n"
    "\\.\n"
    "\n"
    "SELECT pg_catalog.setval('public.glyphs_id_seq', 3, true);\n"
    "\n"
    "--\n"
    "-- PostgreSQL database dump complete\n"
    "--\n"
    "\n";

void expect_full_scan(const DumpScanner& scanner) {
  EXPECT_EQ(scanner.server_version(), "17.12 (Debian 17.12-1.pgdg130+1)");
  EXPECT_EQ(scanner.pg_dump_version(), "17.12 (Debian 17.12-1.pgdg130+1)");
  EXPECT_THAT(scanner.row_counts(),
              ElementsAre(Pair("beefont.jobs", 1u), Pair("public.\"my table\"", 2u),
                          Pair("public.django_session", 0u), Pair("public.glyphs", 3u)));
  EXPECT_TRUE(scanner.complete());
}

TEST(DumpScanner, ReadsVersionsRowCountsAndTrailer) {
  DumpScanner scanner;
  scanner.feed(kScannedDump);
  expect_full_scan(scanner);
}

TEST(DumpScanner, SameResultWhateverByteTheStreamIsSplitAt) {
  for (std::size_t split = 0; split <= kScannedDump.size(); ++split) {
    SCOPED_TRACE("split at byte " + std::to_string(split));
    DumpScanner scanner;
    scanner.feed(std::string_view(kScannedDump).substr(0, split));
    scanner.feed(std::string_view(kScannedDump).substr(split));
    expect_full_scan(scanner);
  }
}

TEST(DumpScanner, SameResultFedOneByteAtATime) {
  DumpScanner scanner;
  for (char byte : kScannedDump) scanner.feed(std::string_view(&byte, 1));
  expect_full_scan(scanner);
}

TEST(DumpScanner, IncompleteUntilTheTrailerLineEnds) {
  const std::string trailer = "-- PostgreSQL database dump complete\n";
  const std::size_t trailer_at = kScannedDump.find(trailer);
  ASSERT_NE(trailer_at, std::string::npos);
  DumpScanner scanner;
  scanner.feed(std::string_view(kScannedDump).substr(0, trailer_at));
  EXPECT_FALSE(scanner.complete());
  scanner.feed(std::string_view(kScannedDump)
                   .substr(trailer_at,
                           trailer.size() - 1));  // the line without its newline
  EXPECT_FALSE(scanner.complete());
  scanner.feed("\n");
  EXPECT_TRUE(scanner.complete());
}

TEST(DumpScanner, DumpCutInsideACopyBlockIsNotComplete) {
  DumpScanner scanner;
  scanner.feed(kScannedDump.substr(0, kScannedDump.find("2\tline one")));
  EXPECT_FALSE(scanner.complete());
  EXPECT_THAT(scanner.row_counts(), ElementsAre(Pair("public.glyphs", 1u)));
}

// A row that looks like a header comment or COPY statement is still a row inside a COPY block.
TEST(DumpScanner, RowsAreCountedNotInterpreted) {
  DumpScanner scanner;
  scanner.feed(
      "COPY public.notes (body) FROM stdin;\n"
      "-- PostgreSQL database dump complete\n"
      "COPY public.fake (x) FROM stdin;\n"
      "\\.\n");
  EXPECT_THAT(scanner.row_counts(), ElementsAre(Pair("public.notes", 2u)));
  EXPECT_FALSE(scanner.complete());
}

// A row of hundreds of MiB (one bytea value) is counted from the prefix the scanner keeps; an end
// marker split across calls still ends the block.
TEST(DumpScanner, HugeRowsSplitAnywhereAreCountedWithoutBeingHeld) {
  const std::string value(3 * 1024 * 1024, 'x');
  DumpScanner scanner;
  scanner.feed("COPY public.big (payload) FROM stdin;\n\\x");
  for (std::size_t at = 0; at < value.size(); at += 100 * 1000)
    scanner.feed(std::string_view(value).substr(at, 100 * 1000));
  scanner.feed("\n\\");
  scanner.feed(".\n-- PostgreSQL database dump complete\n");
  EXPECT_THAT(scanner.row_counts(), ElementsAre(Pair("public.big", 1u)));
  EXPECT_TRUE(scanner.complete());
}

TEST(DumpScanner, NothingFedNothingKnown) {
  DumpScanner scanner;
  EXPECT_EQ(scanner.server_version(), "");
  EXPECT_EQ(scanner.pg_dump_version(), "");
  EXPECT_THAT(scanner.row_counts(), IsEmpty());
  EXPECT_FALSE(scanner.complete());
}

}  // namespace
}  // namespace hivekeeper::postgres
