// What psql is fed during a restore and what is read back from it: the preamble and epilogue
// around the dump, the filter that drops ownership statements and sets the lock timeout (and
// must not depend on how the stream is chunked), psql's COPY tags and its first error.
#include "postgres/restore_sql.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "support/test_support.h"

namespace hivekeeper::postgres {
namespace {

using hivekeeper::testing::error_from;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

// Shaped like pg_dump 17's plain output, with the statements the filter changes.
const std::string kRestoreSqlDump =
    "--\n"
    "-- PostgreSQL database dump\n"
    "--\n"
    "\n"
    "SET statement_timeout = 0;\n"
    "SET lock_timeout = 0;\n"
    "\n"
    "CREATE TABLE public.glyphs (id integer NOT NULL, name text);\n"
    "\n"
    "ALTER TABLE public.glyphs OWNER TO beelab;\n"
    "\n"
    "COPY public.glyphs (id, name) FROM stdin;\n"
    "1\talpha\n"
    "\n"
    "GRANT ALL ON TABLE x TO y;\n"
    "\\.\n"
    "\n"
    "COPY public.\"my table\" (id) FROM stdin;\n"
    "10\n"
    "\\.\n"
    "\n"
    "ALTER TABLE ONLY public.glyphs\n"
    "    ADD CONSTRAINT glyphs_pkey PRIMARY KEY (id);\n"
    "ALTER TABLE public.kept OWNER TO beelab;\n"
    "\n"
    "REVOKE USAGE ON SCHEMA public FROM PUBLIC;\n"
    "\n"
    "GRANT ALL ON SCHEMA public TO beelab;\n"
    "\n"
    "ALTER DEFAULT PRIVILEGES FOR ROLE beelab GRANT ALL ON TABLES TO beelab;\n"
    "\n"
    "-- PostgreSQL database dump complete";

// The same dump after the filter, with lock_timeout_seconds = 30.
const std::string kFiltered =
    "--\n"
    "-- PostgreSQL database dump\n"
    "--\n"
    "\n"
    "SET statement_timeout = 0;\n"
    "SET lock_timeout = '30s';\n"
    "\n"
    "CREATE TABLE public.glyphs (id integer NOT NULL, name text);\n"
    "\n"
    "\n"  // ALTER TABLE ... OWNER TO
    "\n"
    "COPY public.glyphs (id, name) FROM stdin;\n"
    "1\talpha\n"
    "\n"
    "GRANT ALL ON TABLE x TO y;\n"  // COPY data, not a statement
    "\\.\n"
    "\n"
    "COPY public.\"my table\" (id) FROM stdin;\n"
    "10\n"
    "\\.\n"
    "\n"
    "ALTER TABLE ONLY public.glyphs\n"
    "    ADD CONSTRAINT glyphs_pkey PRIMARY KEY (id);\n"
    "ALTER TABLE public.kept OWNER TO beelab;\n"  // not after a blank line
    "\n"
    "\n"  // REVOKE
    "\n"
    "\n"  // GRANT
    "\n"
    "\n"  // ALTER DEFAULT PRIVILEGES
    "\n"
    "-- PostgreSQL database dump complete";

RestoreSqlOptions options_with_timeout(int seconds) {
  RestoreSqlOptions options;
  options.lock_timeout_seconds = seconds;
  return options;
}

struct Filtered {
  std::string output;
  std::vector<std::string> copy_tables;
  std::uint64_t skipped = 0;
};

Filtered filter(const std::vector<std::string_view>& pieces,
                const RestoreSqlOptions& options = options_with_timeout(30)) {
  Filtered result;
  RestoreSqlFilter sql(options, [&](std::string_view bytes) { result.output.append(bytes); });
  for (const auto piece : pieces) sql.feed(piece);
  sql.finish();
  result.copy_tables = sql.copy_tables();
  result.skipped = sql.statements_skipped();
  return result;
}

Filtered filter_split_at(const std::string& dump, std::size_t offset) {
  const std::string_view text(dump);
  return filter({text.substr(0, offset), text.substr(offset)});
}

Filtered filter_bytewise(const std::string& dump) {
  std::vector<std::string_view> pieces;
  for (std::size_t i = 0; i < dump.size(); ++i)
    pieces.push_back(std::string_view(dump).substr(i, 1));
  return filter(pieces);
}

std::size_t count_lines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

TEST(RestorePreamble, IsOneLineThatBeginsTheTransactionWithTheLockTimeout) {
  EXPECT_EQ(restore_preamble(options_with_timeout(45)), "BEGIN; SET LOCAL lock_timeout = '45s';\n");
}

TEST(RestorePreamble, ResetOnPostgres15AndLaterGivesPublicToPgDatabaseOwner) {
  RestoreSqlOptions options = options_with_timeout(60);
  options.reset = true;
  options.server_version_num = 170002;
  EXPECT_EQ(restore_preamble(options),
            "BEGIN; SET LOCAL lock_timeout = '60s'; DROP SCHEMA IF EXISTS public CASCADE; CREATE "
            "SCHEMA public; ALTER SCHEMA public OWNER TO pg_database_owner; GRANT USAGE ON SCHEMA "
            "public TO PUBLIC;\n");
}

TEST(RestorePreamble, ResetBeforePostgres15GrantsAllToPublic) {
  RestoreSqlOptions options = options_with_timeout(60);
  options.reset = true;
  options.server_version_num = 140011;
  const std::string sql = restore_preamble(options);
  EXPECT_THAT(sql, HasSubstr(" DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;"));
  EXPECT_THAT(sql, HasSubstr(" GRANT ALL ON SCHEMA public TO PUBLIC;\n"));
  EXPECT_THAT(sql, Not(HasSubstr("pg_database_owner")));
  EXPECT_EQ(count_lines(sql), 1u);
  EXPECT_TRUE(sql.ends_with('\n'));
}

TEST(RestoreEpilogue, EndsAnOpenLineThenEchoesTheLoadedMarker) {
  EXPECT_EQ(restore_epilogue(), "\n\\echo hivekeeper:dump-loaded\n");
}

// The names are arguments of their own, never part of a script a shell could read.
TEST(PsqlLoadCommand, StopsOnErrorIgnoresPsqlrcAndReadsNamedInput) {
  const std::string hostile = "x\"; touch /tmp/owned; echo \"";
  const auto command = psql_load_command(hostile, "beelab");
  EXPECT_EQ(command, (std::vector<std::string>{"psql", "-X", "-v", "ON_ERROR_STOP=1", "--username",
                                               "beelab", "--dbname", hostile, "-f", "-"}));
}

TEST(RestoreSqlFilter, BlanksOwnershipStatementsAfterABlankLineAndSetsTheLockTimeout) {
  const Filtered result = filter({kRestoreSqlDump});
  EXPECT_EQ(result.output, kFiltered);
  EXPECT_EQ(result.skipped, 4u);
}

TEST(RestoreSqlFilter, KeepsTheDumpsLineNumbers) {
  EXPECT_EQ(count_lines(filter({kRestoreSqlDump}).output), count_lines(kRestoreSqlDump));
}

TEST(RestoreSqlFilter, RecordsCopyTablesInStreamOrder) {
  EXPECT_THAT(filter({kRestoreSqlDump}).copy_tables,
              ElementsAre("public.glyphs", "public.\"my table\""));
}

TEST(RestoreSqlFilter, KeepsOwnershipStatementsWhenAsked) {
  RestoreSqlOptions options = options_with_timeout(30);
  options.skip_ownership = false;
  const Filtered result = filter({kRestoreSqlDump}, options);
  EXPECT_EQ(result.skipped, 0u);
  EXPECT_THAT(result.output, HasSubstr("\nALTER TABLE public.glyphs OWNER TO beelab;\n"));
  EXPECT_THAT(result.output, HasSubstr("\nGRANT ALL ON SCHEMA public TO beelab;\n"));
  EXPECT_THAT(result.output, HasSubstr("\nSET lock_timeout = '30s';\n"));
}

TEST(RestoreSqlFilter, OwnershipStatementAtTheStartOfTheDumpCountsAsAfterABlankLine) {
  EXPECT_EQ(filter({"GRANT SELECT ON t TO u;\nSELECT 1;\n"}).output, "\nSELECT 1;\n");
}

TEST(RestoreSqlFilter, MultiLineStatementsAndStatementsWithoutSemicolonAreKept) {
  const std::string dump = "\nGRANT SELECT ON t\n    TO u;\n";
  EXPECT_EQ(filter({dump}).output, dump);
}

TEST(RestoreSqlFilter, OutputDoesNotDependOnWhereTheInputIsSplit) {
  const Filtered whole = filter({kRestoreSqlDump});
  for (std::size_t offset = 0; offset <= kRestoreSqlDump.size(); ++offset) {
    const Filtered split = filter_split_at(kRestoreSqlDump, offset);
    ASSERT_EQ(split.output, whole.output) << "split at byte " << offset;
    ASSERT_EQ(split.copy_tables, whole.copy_tables) << "split at byte " << offset;
    ASSERT_EQ(split.skipped, whole.skipped) << "split at byte " << offset;
  }
}

TEST(RestoreSqlFilter, OutputIsTheSameWhenFedOneByteAtATime) {
  const Filtered bytewise = filter_bytewise(kRestoreSqlDump);
  EXPECT_EQ(bytewise.output, kFiltered);
  EXPECT_THAT(bytewise.copy_tables, ElementsAre("public.glyphs", "public.\"my table\""));
  EXPECT_EQ(bytewise.skipped, 4u);
}

// psql accepts "\.\r\n" as the end of COPY data, so a dump with Windows line ends must leave
// COPY mode there too, whichever way it is chunked.
TEST(RestoreSqlFilter, CrlfCopyEndMarkerEndsCopyDataWhateverTheChunking) {
  const std::string dump =
      "COPY public.a (id) FROM stdin;\r\n"
      "1\r\n"
      "\\.\r\n"
      "\r\n"
      "GRANT ALL ON TABLE public.a TO beelab;\r\n"
      "COPY public.b (id) FROM stdin;\r\n"
      "\\.\r\n";
  const Filtered whole = filter({dump});
  EXPECT_THAT(whole.copy_tables, ElementsAre("public.a", "public.b"));
  EXPECT_EQ(whole.skipped, 1u);
  EXPECT_THAT(whole.output, Not(HasSubstr("GRANT")));
  for (std::size_t offset = 0; offset <= dump.size(); ++offset) {
    const Filtered split = filter_split_at(dump, offset);
    ASSERT_EQ(split.output, whole.output) << "split at byte " << offset;
    ASSERT_EQ(split.copy_tables, whole.copy_tables) << "split at byte " << offset;
  }
  EXPECT_EQ(filter_bytewise(dump).output, whole.output);
}

TEST(RestoreSqlFilter, PassesOnALastLineWithoutNewlineAtFinish) {
  std::string output;
  RestoreSqlFilter sql(options_with_timeout(30), [&](std::string_view bytes) { output += bytes; });
  sql.feed("SELECT 1;\nSELECT 2;");
  EXPECT_EQ(output, "SELECT 1;\n");
  sql.finish();
  EXPECT_EQ(output, "SELECT 1;\nSELECT 2;");
}

TEST(RestoreSqlFilter, ReplacesALastLockTimeoutLineWithoutNewline) {
  EXPECT_EQ(filter({"SET lock_timeout = 0;"}).output, "SET lock_timeout = '30s';\n");
}

TEST(RestoreSqlFilter, RefusesADumpThatSwitchesDatabases) {
  const std::string dump = "SET x = 1;\n\\connect beelab\nSELECT 1;\n";
  const auto error = error_from([&] { filter({dump}); });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->reason(), "DumpNotRestorable");
  EXPECT_EQ(error->kind(), ErrorKind::job_failed);
  EXPECT_THAT(error->what(), HasSubstr("\\connect"));
  const auto bytewise = error_from([&] { filter_bytewise(dump); });
  ASSERT_TRUE(bytewise.has_value());
  EXPECT_EQ(bytewise->reason(), "DumpNotRestorable");
}

TEST(RestoreSqlFilter, ConnectInsideCopyDataIsJustData) {
  const std::string dump = "COPY public.t (x) FROM stdin;\n\\connect\n\\.\n";
  EXPECT_EQ(filter({dump}).output, dump);
}

// pg_dump's own BEGIN;/COMMIT; around large-object data never reach psql: the lines become
// empty, so the objects load in the restore's transaction and line numbers stay the dump's.
TEST(RestoreSqlFilter, BlanksTheLargeObjectBlocksBeginAndCommit) {
  const std::string dump =
      "SELECT pg_catalog.lo_create('16385');\n"
      "\n"
      "BEGIN;\n"
      "\n"
      "SELECT pg_catalog.lo_open('16385', 131072);\n"
      "SELECT pg_catalog.lowrite(0, '\\x616263');\n"
      "SELECT pg_catalog.lo_close(0);\n"
      "\n"
      "COMMIT;\n"
      "\n"
      "GRANT ALL ON TABLE x TO y;\n";
  const std::string expected =
      "SELECT pg_catalog.lo_create('16385');\n"
      "\n"
      "\n"
      "\n"
      "SELECT pg_catalog.lo_open('16385', 131072);\n"
      "SELECT pg_catalog.lowrite(0, '\\x616263');\n"
      "SELECT pg_catalog.lo_close(0);\n"
      "\n"
      "\n"
      "\n"
      "\n";
  EXPECT_EQ(filter({dump}).output, expected);
  EXPECT_EQ(filter_bytewise(dump).output, expected);
  for (std::size_t offset = 0; offset <= dump.size(); ++offset)
    ASSERT_EQ(filter_split_at(dump, offset).output, expected) << "split at byte " << offset;
}

// The filter checks each line before passing it on: nothing of a refused line reaches psql.
TEST(RestoreSqlFilter, RefusesWhatTheCheckerRefusesBeforePassingItOn) {
  for (const std::string hostile :
       {"SELECT 1 \\g |touch /tmp/x\n", "COMMIT;\n", "\\! id\n", "BEGIN;\nSET a = 1;\n"}) {
    std::string output;
    RestoreSqlFilter sql(options_with_timeout(30),
                         [&](std::string_view bytes) { output += bytes; });
    const auto error = error_from([&] {
      sql.feed("SET a = 1;\n" + hostile + "SELECT 2;\n");
      sql.finish();
    });
    ASSERT_TRUE(error.has_value()) << hostile;
    EXPECT_EQ(error->reason(), "DumpNotRestorable");
    EXPECT_THAT(output, Not(HasSubstr("\\"))) << hostile;
    EXPECT_THAT(output, Not(HasSubstr("COMMIT"))) << hostile;
    EXPECT_THAT(output, Not(HasSubstr("SELECT 2"))) << hostile;
  }
}

// A COPY row or a statement longer than the filter holds passes on as it came, in pieces,
// whatever the chunking; the filter keeps working after it.
TEST(RestoreSqlFilter, PassesLongLinesOnUnchangedWithoutHoldingThem) {
  const std::string value(DumpChecker::kPrefixBytes * 3 + 17, 'v');
  const std::string dump = "COPY public.big (payload) FROM stdin;\n\\x" + value +
                           "\n\\.\n\nSELECT '" + value + "';\n\nGRANT ALL ON t TO u;\n";
  const std::string expected = dump.substr(0, dump.rfind("GRANT")) + "\n";
  for (const std::size_t piece : {std::size_t{1000}, std::size_t{65536}, dump.size()}) {
    std::vector<std::string_view> pieces;
    for (std::size_t at = 0; at < dump.size(); at += piece)
      pieces.push_back(std::string_view(dump).substr(at, piece));
    const Filtered result = filter(pieces);
    ASSERT_EQ(result.output, expected) << "pieces of " << piece;
    EXPECT_THAT(result.copy_tables, ElementsAre("public.big"));
    EXPECT_EQ(result.skipped, 1u);
  }
}

// An ownership line that would leave a quote open is kept: dropping it would hide the quote
// from psql while the checker reads what follows as quoted, letting a meta-command through.
TEST(RestoreSqlFilter, KeepsAnOwnershipLineThatOpensAQuote) {
  const std::string dump = "\nGRANT ALL ON t TO u; SELECT $$;\n\\! id\n$$;\n";
  EXPECT_EQ(filter({dump}).output, dump);
  EXPECT_EQ(filter({dump}).skipped, 0u);
}

// Whatever psql echoes (a long NOTICE), only a short prefix of a line is held, and a cut line is
// never taken for a tag.
TEST(PsqlOutput, KeepsOnlyShortLinesWhole) {
  PsqlOutput output;
  output.feed("COPY 1");
  output.feed(std::string(1024 * 1024, '2'));
  output.feed("\nCOMMIT");
  output.feed(std::string(1000, ' '));
  output.feed("\nCOPY 4\nhivekeeper:dump-loaded\n");
  EXPECT_THAT(output.copy_counts(), ElementsAre(4u));
  EXPECT_FALSE(output.committed());
  EXPECT_TRUE(output.loaded());
}

TEST(PsqlOutput, CollectsCopyCountsTheLoadedMarkerAndCommit) {
  PsqlOutput output;
  output.feed(
      "BEGIN\nSET\nCOPY 3\nCOPY 0\nALTER TABLE\nCOPY 1200\nhivekeeper:dump-loaded\nCOMMIT\n");
  EXPECT_THAT(output.copy_counts(), ElementsAre(3u, 0u, 1200u));
  EXPECT_TRUE(output.loaded());
  EXPECT_TRUE(output.committed());
}

TEST(PsqlOutput, NothingLoadedOrCommittedUntilPsqlSaysSo) {
  PsqlOutput output;
  output.feed("BEGIN\nCOPY 3\nROLLBACK\n");
  EXPECT_THAT(output.copy_counts(), ElementsAre(3u));
  EXPECT_FALSE(output.loaded());
  EXPECT_FALSE(output.committed());
}

TEST(PsqlOutput, IgnoresCopyLinesThatAreNotARowCount) {
  PsqlOutput output;
  output.feed("COPY 3x\nCOPY \nCOPY -1\nCOPY public.t (id) FROM stdin;\nCOPY 7\n");
  EXPECT_THAT(output.copy_counts(), ElementsAre(7u));
}

TEST(PsqlOutput, SameResultWhenFedOneByteAtATime) {
  const std::string text = "BEGIN\nCOPY 3\nCOPY 45\nhivekeeper:dump-loaded\nCOMMIT\n";
  PsqlOutput output;
  for (const char byte : text) output.feed(std::string_view(&byte, 1));
  EXPECT_THAT(output.copy_counts(), ElementsAre(3u, 45u));
  EXPECT_TRUE(output.loaded());
  EXPECT_TRUE(output.committed());
}

TEST(PsqlOutput, ALineIsOnlyReadOnceItsNewlineArrives) {
  PsqlOutput output;
  output.feed("COPY 1");
  EXPECT_THAT(output.copy_counts(), IsEmpty());
  output.feed("2\nCOMM");
  EXPECT_THAT(output.copy_counts(), ElementsAre(12u));
  EXPECT_FALSE(output.committed());
  output.feed("IT\n");
  EXPECT_TRUE(output.committed());
}

TEST(FirstPsqlError, ConvertsPsqlsInputLineToTheDumpsAndKeepsDetailAndContext) {
  const PsqlError error = first_psql_error(
      "psql:<stdin>:5: NOTICE:  schema \"x\" does not exist, skipping\n"
      "psql:<stdin>:43: ERROR:  duplicate key value violates unique constraint \"glyphs_pkey\"\n"
      "DETAIL:  Key (id)=(1) already exists.\n"
      "CONTEXT:  COPY glyphs, line 1\n"
      "psql:<stdin>:44: ERROR:  current transaction is aborted\n");
  EXPECT_EQ(error.dump_line, 42);
  EXPECT_EQ(error.message,
            "ERROR:  duplicate key value violates unique constraint \"glyphs_pkey\"\n"
            "DETAIL:  Key (id)=(1) already exists.\n"
            "CONTEXT:  COPY glyphs, line 1");
}

TEST(FirstPsqlError, AnErrorInThePreambleHasNoDumpLine) {
  const PsqlError error =
      first_psql_error("psql:<stdin>:1: ERROR:  permission denied for schema public\n");
  EXPECT_EQ(error.dump_line, 0);
  EXPECT_EQ(error.message, "ERROR:  permission denied for schema public");
}

TEST(FirstPsqlError, ConnectionFailureHasNoLine) {
  const PsqlError error = first_psql_error(
      "psql: error: connection to server on socket \"/var/run/postgresql/.s.PGSQL.5432\" failed: "
      "FATAL:  role \"nobody\" does not exist");
  EXPECT_EQ(error.dump_line, 0);
  EXPECT_THAT(error.message, HasSubstr("FATAL:  role \"nobody\" does not exist"));
  EXPECT_TRUE(error.message.starts_with("error: connection to server"));
}

TEST(FirstPsqlError, NoErrorGivesAnEmptyResult) {
  const PsqlError error = first_psql_error("psql:<stdin>:3: NOTICE:  nothing to do\n");
  EXPECT_EQ(error.dump_line, 0);
  EXPECT_EQ(error.message, "");
}

TEST(FirstPsqlError, StopsCollectingAtABlankLine) {
  const PsqlError error =
      first_psql_error("psql:<stdin>:11: ERROR:  syntax error\nLINE 1: x\n\nunrelated\n");
  EXPECT_EQ(error.dump_line, 10);
  EXPECT_EQ(error.message, "ERROR:  syntax error\nLINE 1: x");
}

}  // namespace
}  // namespace hivekeeper::postgres
