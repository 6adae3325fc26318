// DumpChecker reads a dump as psql would and refuses what pg_dump never writes: meta-commands
// other than \restrict and \unrestrict, transaction control other than pg_dump's large-object
// block, COPY other than `COPY ... FROM stdin;`, and strings whose end depends on
// standard_conforming_strings. Backslashes and keywords inside quotes, comments and COPY data are
// text. The verdict and the line it names never depend on how the stream is split.
#include "postgres/dump_checker.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/test_support.h"

namespace hivekeeper::postgres {
namespace {

using hivekeeper::testing::error_from;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Shaped like pg_dump 17's plain output, with large objects and an SQL-standard function body.
const std::string kCheckedDump =
    "--\n"
    "-- PostgreSQL database dump\n"
    "--\n"
    "\n"
    "\\restrict Abc123XYZ\n"
    "\n"
    "SET standard_conforming_strings = on;\n"
    "SELECT pg_catalog.set_config('search_path', '', false);\n"
    "CREATE FUNCTION public.add(a integer, b integer) RETURNS integer\n"
    "    LANGUAGE sql\n"
    "    BEGIN ATOMIC\n"
    " SELECT (a + b);\n"
    "END;\n"
    "CREATE FUNCTION public.f() RETURNS text LANGUAGE plpgsql AS $_$\n"
    "BEGIN\n"
    "  COMMIT; -- \\! in a body\n"
    "  RETURN E'\\\\';\n"
    "END $_$;\n"
    "COMMENT ON TABLE public.t IS 'a \\\\ b ''quoted'' \\g';\n"
    "/* a /* nested */ \\! comment */ SELECT \"odd\\name\";\n"
    "SELECT E'it\\'s \\\\! fine';\n"
    "SELECT pg_catalog.lo_create('16385');\n"
    "COPY public.t (id, body) FROM stdin;\n"
    "1\t\\\\! touch /tmp/x\n"
    "2\tCOMMIT;\n"
    "\\N\t\\\\connect\n"
    "\\.\n"
    "\n"
    "--\n"
    "-- Data for Name: BLOBS; Type: BLOBS; Schema: -; Owner: -\n"
    "--\n"
    "\n"
    "BEGIN;\n"
    "\n"
    "SELECT pg_catalog.lo_open('16385', 131072);\n"
    "SELECT pg_catalog.lowrite(0, '\\x616263');\n"
    "SELECT pg_catalog.lo_close(0);\n"
    "\n"
    "COMMIT;\n"
    "\n"
    "\\unrestrict Abc123XYZ\n"
    "\n"
    "-- PostgreSQL database dump complete\n";

// The line numbers (from 1) whose action is blank.
std::vector<std::uint64_t> blank_lines(std::string_view dump) {
  DumpChecker checker;
  std::vector<std::uint64_t> blank;
  while (!dump.empty()) {
    const auto newline = dump.find('\n');
    checker.piece(dump.substr(0, newline));
    const auto line = checker.line_number();
    if (checker.end_line() == DumpChecker::LineAction::blank) blank.push_back(line);
    dump.remove_prefix(newline == std::string_view::npos ? dump.size() : newline + 1);
  }
  checker.finish();
  return blank;
}

std::optional<Error> check(const std::string& dump) {
  return error_from([&] {
    DumpChecker checker;
    checker.feed(dump);
    checker.finish();
  });
}

std::optional<Error> check_bytewise(const std::string& dump) {
  return error_from([&] {
    DumpChecker checker;
    for (const char byte : dump) checker.feed(std::string_view(&byte, 1));
    checker.finish();
  });
}

// Refused as DumpNotRestorable naming LINE, fed whole and one byte at a time.
void expect_refused(const std::string& dump, int line, const std::string& words = "") {
  for (const auto& error : {check(dump), check_bytewise(dump)}) {
    const std::string shown = dump.substr(0, 200);
    ASSERT_TRUE(error.has_value()) << shown;
    EXPECT_EQ(error->reason(), "DumpNotRestorable") << shown;
    EXPECT_EQ(error->kind(), ErrorKind::job_failed);
    EXPECT_THAT(error->what(), HasSubstr("line " + std::to_string(line) + " of the dump")) << shown;
    EXPECT_THAT(error->what(), HasSubstr(words)) << shown;
    if (words.find("connect") == std::string::npos) {
      EXPECT_THAT(error->hint(), HasSubstr("sed -n '" + std::to_string(line) + "p'"));
    }
  }
}

TEST(DumpChecker, PassesWhatPgDumpWritesAndBlanksOnlyTheLargeObjectBlocksBeginAndCommit) {
  EXPECT_FALSE(check(kCheckedDump).has_value());
  EXPECT_FALSE(check_bytewise(kCheckedDump).has_value());
  EXPECT_THAT(blank_lines(kCheckedDump), ElementsAre(33u, 39u));
}

TEST(DumpChecker, TracksCopyDataFromTheHeaderToTheEndMarker) {
  DumpChecker checker;
  checker.feed("COPY public.t (x) FROM stdin;\n");
  EXPECT_TRUE(checker.in_copy_data());
  checker.feed("\\.x\n\\\\.\n");
  EXPECT_TRUE(checker.in_copy_data());
  checker.feed("\\.\r\n");
  EXPECT_FALSE(checker.in_copy_data());
  EXPECT_EQ(checker.line_number(), 5u);
}

TEST(DumpChecker, RefusesMetaCommandsWhereverPsqlWouldRunThem) {
  expect_refused("SELECT 1;\n\\! touch /tmp/pwned\n", 2, "\\!");
  expect_refused("SELECT 1;\n\\o |touch /tmp/pwned\n", 2, "\\o");
  expect_refused("\\copy (SELECT 1) TO '/tmp/x'\n", 1, "\\copy");
  expect_refused("SELECT 1;\n   \\! touch /tmp/x\n", 2, "\\!");
  expect_refused("SET a = 1;\nSELECT 1 \\g |touch /tmp/x\n", 2, "\\g");
  expect_refused("SELECT 'CREATE TABLE t (x int)' \\gexec\n", 1, "\\gexec");
  expect_refused("\\i /etc/passwd\n", 1, "\\i");
  expect_refused("\\set ON_ERROR_STOP off\n", 1, "\\set");
  expect_refused("SELECT (1,\n2) \\;\n", 2);
  expect_refused("SELECT 1;\n\\connect other\n", 2, "switches databases (\\connect)");
  expect_refused("\\c other\n", 1, "\\connect");
}

TEST(DumpChecker, AcceptsRestrictOnlyAloneWithAnAlphanumericKey) {
  EXPECT_FALSE(check("\\restrict abc\n\\unrestrict abc").has_value());
  EXPECT_FALSE(check("\\restrict abc\r\nSELECT 1;\n").has_value());
  expect_refused("\\restrict abc \\! id\n", 1);
  expect_refused("\\restrict\n", 1);
  expect_refused("\\restrictx abc\n", 1);
  expect_refused("SELECT 1 \\restrict abc\n", 1);
  expect_refused(" \\restrict abc\n", 1);
}

TEST(DumpChecker, BackslashesInQuotesCommentsAndBodiesAreText) {
  for (const std::string dump : {
           "SELECT '\\\\! x';\n",
           "SELECT E'\\' \\\\! x';\n",
           "SELECT E'a''\\\\';\n",
           "SELECT \"a\\\"\"b\\\";\n",
           "SELECT $$ \\! x $$;\n",
           "SELECT $a$ $b$ \\! $ab$ $a$;\n",
           "SELECT 1; -- \\! x\n",
           "/* \\! /* nested */ \\! */ SELECT 1;\n",
           "SELECT 'line\n\\! still the string';\n",
           "SELECT a$b$ FROM t;\n",
       })
    EXPECT_FALSE(check(dump).has_value()) << dump;
  expect_refused("SELECT $1 \\! x;\n", 1);
  expect_refused("SELECT a$b$ \\! x $b$;\n", 1);
  expect_refused("SELECT E'a\\'' \\! x;\n", 1);
  expect_refused("SELECT 1; /* a */ \\! x\n", 1);
}

TEST(DumpChecker, RefusesStringsWhoseEndDependsOnStandardConformingStrings) {
  expect_refused("SELECT 'a\\';\n\\! x';\n", 1, "standard_conforming_strings");
  expect_refused("SELECT 1E'a';\n", 1, "after a number");
  EXPECT_FALSE(check("SELECT 'a\\\\';\nSELECT 'a\\\\''b';\n").has_value());
}

TEST(DumpChecker, RefusesTransactionControlOutsideTheLargeObjectBlock) {
  expect_refused("SET a = 1;\nCOMMIT;\n", 2, "COMMIT");
  expect_refused("ROLLBACK;\n", 1, "rollback");
  expect_refused("END;\n", 1, "end");
  expect_refused("ABORT;\n", 1, "abort");
  expect_refused("COMMIT AND CHAIN;\n", 1, "COMMIT");
  expect_refused("  commit ;\n", 1, "commit");
  expect_refused("SELECT 1; COMMIT;\n", 1, "commit");
  expect_refused("SELECT 1;\nSTART TRANSACTION;\n", 2, "start");
  expect_refused("SAVEPOINT a;\n", 1, "savepoint");
  expect_refused("RELEASE SAVEPOINT a;\n", 1, "release");
  expect_refused("PREPARE TRANSACTION 'x';\n", 1, "PREPARE TRANSACTION");
  expect_refused("/* x */ COMMIT;\n", 1, "commit");
  EXPECT_FALSE(check("PREPARE q AS SELECT 1;\n").has_value());
}

TEST(DumpChecker, ABeginIsOnlyPgDumpsLargeObjectBlock) {
  expect_refused("BEGIN;\nSET a = 1;\n", 2, "large-object block of line 1");
  expect_refused("BEGIN;\nSELECT pg_catalog.lo_open('1', 1); COMMIT;\n", 2, "commit");
  expect_refused("BEGIN;\nBEGIN;\n", 2, "BEGIN inside");
  expect_refused("BEGIN; SELECT 1;\n", 1, "alone on its line");
  expect_refused("BEGIN ISOLATION LEVEL SERIALIZABLE;\n", 1, "begin");
  expect_refused("BEGIN;\nSELECT pg_catalog.lo_close(0)\n;\n", 3, "large-object block");
  expect_refused("BEGIN;\nSELECT pg_catalog.lo_close(0);\nCOMMIT; SELECT 1;\n", 3, "alone");
}

TEST(DumpChecker, RefusesCopyOtherThanPgDumpsFromStdin) {
  expect_refused("COPY public.t TO PROGRAM 'id';\n", 1, "COPY");
  expect_refused("copy public.t from stdin;\n1\n\\.\n", 1, "COPY");
  expect_refused("COPY public.t FROM '/etc/passwd';\n", 1, "COPY");
  expect_refused("SELECT 1; COPY public.t FROM stdin;\n", 1, "copy");
  expect_refused("COPY public.t FROM stdin; \\! x\n", 1);
}

TEST(DumpChecker, LongLinesAreCheckedWithoutBeingHeld) {
  const std::string value(2 * 1024 * 1024, 'a');
  EXPECT_FALSE(check("COPY public.t (x) FROM stdin;\n" + value + "\n\\.\nSELECT 1;\n").has_value());
  EXPECT_FALSE(check("SELECT '" + value + "';\n").has_value());
  // Past the part of a line the filter holds back, refused at the backslash itself.
  expect_refused("SELECT '" + value + "' \\! x;\n", 1, "meta-command \\");
  expect_refused("COPY public.t (x) FROM stdin;\n" + value + "\n\\.\nCOMMIT;\n", 4, "COMMIT");
}

}  // namespace
}  // namespace hivekeeper::postgres
