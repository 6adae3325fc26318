// redact_secrets: the one place where passwords are masked before anything is logged or shown.
#include "common/log.h"

#include <gtest/gtest.h>

namespace hivekeeper {
namespace {

TEST(RedactSecrets, MasksPasswordAssignments) {
  EXPECT_EQ(redact_secrets("connecting with password=xyz to db"),
            "connecting with password=*** to db");
  EXPECT_EQ(redact_secrets("PGPASSWORD=xyz pg_dump app"), "PGPASSWORD=*** pg_dump app");
  EXPECT_EQ(redact_secrets("POSTGRES_PASSWORD: xyz"), "POSTGRES_PASSWORD: ***");
  EXPECT_EQ(redact_secrets("Password = s3cr3t!"), "Password = ***");
}

TEST(RedactSecrets, StopsAtTheEndOfTheValue) {
  EXPECT_EQ(redact_secrets("host=db password=xyz&sslmode=disable"),
            "host=db password=***&sslmode=disable");
  EXPECT_EQ(redact_secrets("env: POSTGRES_PASSWORD=abc, POSTGRES_USER=app"),
            "env: POSTGRES_PASSWORD=***, POSTGRES_USER=app");
}

TEST(RedactSecrets, MasksEveryOccurrence) {
  EXPECT_EQ(redact_secrets("PGPASSWORD=a password=b"), "PGPASSWORD=*** password=***");
}

TEST(RedactSecrets, MasksThePasswordInPostgresUrls) {
  EXPECT_EQ(redact_secrets("postgresql://u:pw@h/db"), "postgresql://u:***@h/db");
  EXPECT_EQ(redact_secrets("DATABASE_URL is postgres://django:s3cret@db:5432/app"),
            "DATABASE_URL is postgres://django:***@db:5432/app");
}

// Quoted values are still values: a shell line or a JSON document must not carry the secret
// through just because of its quotes.
TEST(RedactSecrets, MasksQuotedValues) {
  EXPECT_EQ(redact_secrets("PGPASSWORD='s3cret' pg_dump app"), "PGPASSWORD='***' pg_dump app");
  EXPECT_EQ(redact_secrets(R"({"POSTGRES_PASSWORD": "s3cret"})"),
            R"({"POSTGRES_PASSWORD": "***"})");
}

TEST(RedactSecrets, LeavesOtherTextAlone) {
  for (const char* text :
       {"pg_dump: error: connection to server on socket \"/var/run/postgresql/.s.PGSQL.5432\" "
        "failed",
        "postgresql://db:5432/app", "user=app dbname=app", "the password is checked by the server",
        "database container beelab-db-1 is not running (state: exited)", ""}) {
    EXPECT_EQ(redact_secrets(text), text);
  }
}

}  // namespace
}  // namespace hivekeeper
