// The drill's SQL text: the scratch database created like the live one, and dropped with any
// session still on it, on every server version.
#include "postgres/scratch_sql.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace hivekeeper::postgres {
namespace {

using ::testing::ElementsAre;

TEST(QuoteIdentifier, DoublesDoubleQuotes) {
  EXPECT_EQ(quote_identifier("hk_drill_20261127_100405_a1b2c3"),
            "\"hk_drill_20261127_100405_a1b2c3\"");
  EXPECT_EQ(quote_identifier("odd\"name"), "\"odd\"\"name\"");
}

TEST(CreateDatabaseSql, FromTemplateZeroWithTheLiveEncodingAndLocale) {
  DatabaseFacts like;
  like.encoding = "UTF8";
  like.collate = "en_US.utf8";
  like.ctype = "it's";
  EXPECT_EQ(create_database_sql("hk_drill_x", like),
            "CREATE DATABASE \"hk_drill_x\" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE "
            "'en_US.utf8' LC_CTYPE 'it''s'");
}

TEST(CreateDatabaseSql, WhatTheServerDidNotSayIsLeftToItsDefaults) {
  EXPECT_EQ(create_database_sql("hk_drill_x", DatabaseFacts{}),
            "CREATE DATABASE \"hk_drill_x\" TEMPLATE template0");
}

TEST(DropDatabaseSql, ForcedFromPostgres13) {
  EXPECT_THAT(drop_database_sql("hk_drill_x", 130000),
              ElementsAre("DROP DATABASE IF EXISTS \"hk_drill_x\" WITH (FORCE)"));
  EXPECT_THAT(drop_database_sql("hk_drill_x", 170012),
              ElementsAre("DROP DATABASE IF EXISTS \"hk_drill_x\" WITH (FORCE)"));
}

TEST(DropDatabaseSql, SessionsEndedFirstBefore13) {
  EXPECT_THAT(drop_database_sql("hk_drill_x", 120017),
              ElementsAre("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE "
                          "datname = 'hk_drill_x'",
                          "DROP DATABASE IF EXISTS \"hk_drill_x\""));
}

}  // namespace
}  // namespace hivekeeper::postgres
