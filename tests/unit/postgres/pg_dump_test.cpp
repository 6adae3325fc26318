// The pg_dump command line built from the manifest's dump options, and which stderr lines fail it.
#include "postgres/pg_dump.h"

#include <gmock/gmock.h>
#include <algorithm>

#include <gtest/gtest.h>

namespace hivekeeper::postgres {
namespace {

using ::testing::ElementsAre;

TEST(PgDumpOptions, DefaultsMakeARestorablePlainDump) {
  EXPECT_THAT(pg_dump_options(manifest::DumpSpec{}),
              ElementsAre("--format=plain", "--encoding=UTF8", "--clean", "--if-exists",
                          "--no-owner", "--no-privileges"));
}

TEST(PgDumpOptions, EachFlagCanBeTurnedOff) {
  manifest::DumpSpec dump;
  dump.clean = false;
  dump.if_exists = false;
  dump.no_owner = false;
  dump.no_privileges = false;
  EXPECT_THAT(pg_dump_options(dump), ElementsAre("--format=plain", "--encoding=UTF8"));
}

TEST(PgDumpOptions, ExcludedTablesFollowInOrder) {
  manifest::DumpSpec dump;
  dump.no_privileges = false;
  dump.exclude_tables = {"django_session", "public.audit_*"};
  EXPECT_THAT(
      pg_dump_options(dump),
      ElementsAre("--format=plain", "--encoding=UTF8", "--clean", "--if-exists", "--no-owner",
                  "--exclude-table=django_session", "--exclude-table=public.audit_*"));
}

TEST(PgDumpCommand, IsPgDumpThenOptionsThenUserAndDatabase) {
  EXPECT_THAT(pg_dump_command(manifest::DumpSpec{}, "app", "django"),
              ElementsAre("pg_dump", "--format=plain", "--encoding=UTF8", "--clean", "--if-exists",
                          "--no-owner", "--no-privileges", "--username=django", "--dbname=app"));
}

// Each value is one argv element: no shell ever sees it, so nothing needs quoting.
TEST(PgDumpCommand, NamesWithSpacesStayOneArgument) {
  manifest::DumpSpec dump;
  dump.exclude_tables = {"public.\"my table\""};
  const auto argv = pg_dump_command(dump, "my app", "app user");
  EXPECT_EQ(argv.at(argv.size() - 3), "--exclude-table=public.\"my table\"");
  EXPECT_EQ(argv.at(argv.size() - 2), "--username=app user");
  EXPECT_EQ(argv.back(), "--dbname=my app");
}

TEST(IsPgDumpErrorLine, ErrorsAndFatalsFail) {
  EXPECT_TRUE(
      is_pg_dump_error_line("pg_dump: error: connection to server on socket \"/var/run/postgresql/"
                            ".s.PGSQL.5432\" failed: FATAL:  database \"appp\" does not exist"));
  EXPECT_TRUE(is_pg_dump_error_line(
      "pg_dump: error: query failed: ERROR:  permission denied for table glyphs"));
  EXPECT_TRUE(is_pg_dump_error_line("FATAL:  role \"django\" does not exist"));
}

TEST(IsPgDumpErrorLine, WarningsNoticesAndDetailsDoNot) {
  EXPECT_FALSE(is_pg_dump_error_line(
      "pg_dump: warning: there are circular foreign-key constraints on this table:"));
  EXPECT_FALSE(is_pg_dump_error_line("pg_dump: detail: glyphs"));
  EXPECT_FALSE(is_pg_dump_error_line(
      "pg_dump: hint: You might not be able to restore the dump without using "
      "--disable-triggers or temporarily dropping the constraints."));
  EXPECT_FALSE(is_pg_dump_error_line("NOTICE:  table \"x\" does not exist, skipping"));
  EXPECT_FALSE(is_pg_dump_error_line(""));
}

}  // namespace
}  // namespace hivekeeper::postgres

TEST(PgDumpTransport, Lz4FromPgDump16On) {
  using hivekeeper::postgres::pg_dump_major_version;
  using hivekeeper::postgres::Transport;
  using hivekeeper::postgres::transport_for;
  EXPECT_EQ(pg_dump_major_version("pg_dump (PostgreSQL) 17.12 (Debian 17.12-0+deb13u1)\n"), 17);
  EXPECT_EQ(pg_dump_major_version("pg_dump (PostgreSQL) 9.6.24\n"), 9);
  EXPECT_EQ(pg_dump_major_version("sh: pg_dump: not found"), 0);
  EXPECT_EQ(transport_for(16), Transport::lz4);
  EXPECT_EQ(transport_for(15), Transport::plain);
  EXPECT_EQ(transport_for(0), Transport::plain);
  const auto argv = hivekeeper::postgres::pg_dump_command({}, "app", "app", Transport::lz4);
  EXPECT_NE(std::find(argv.begin(), argv.end(), "--compress=lz4:1"), argv.end());
  EXPECT_TRUE(hivekeeper::postgres::is_lz4_unsupported_line(
      "pg_dump: error: this build does not support compression with LZ4"));
}
