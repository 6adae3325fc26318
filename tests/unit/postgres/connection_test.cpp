// Direct mode's pure decisions: where the password comes from, how it is written for libpq, what
// the client tools get in their environment, and which servers are refused before anything runs.
#include "postgres/connection.h"

#include <sys/stat.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "common/error.h"
#include "support/test_support.h"

namespace hivekeeper::postgres {
namespace {

using hivekeeper::testing::read_file;
using hivekeeper::testing::TempDir;
using ::testing::HasSubstr;
using ::testing::Not;

std::optional<std::string> no_variables(const std::string&) {
  return std::nullopt;
}

ConnectionSettings settings() {
  ConnectionSettings result;
  result.host = "db.beelab.svc";
  result.port = 5433;
  result.database = "beelab";
  result.user = "beelab_app";
  return result;
}

TEST(ResolvePassword, FromAVariableAsIs) {
  const auto lookup = [](const std::string& name) -> std::optional<std::string> {
    if (name == "PGPASSWORD_FROM_SECRET") return " s3cr:t\\ ";
    return std::nullopt;
  };
  EXPECT_EQ(resolve_password({"PGPASSWORD_FROM_SECRET", ""}, lookup), " s3cr:t\\ ");
}

TEST(ResolvePassword, FromAFileWithoutItsTrailingNewline) {
  TempDir dir;
  std::ofstream(dir / "password") << "from-secret\n";
  EXPECT_EQ(resolve_password({"", (dir / "password").string()}, no_variables), "from-secret");
  std::ofstream(dir / "crlf") << "windows\r\n";
  EXPECT_EQ(resolve_password({"", (dir / "crlf").string()}, no_variables), "windows");
}

TEST(ResolvePassword, AMissingVariableOrFileIsInvalidInputNamingItNotAValue) {
  try {
    resolve_password({"DB_PASSWORD", ""}, no_variables);
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_EQ(error.reason(), "PasswordMissing");
    EXPECT_EQ(error.exit_code(), 2);
    EXPECT_THAT(error.what(), HasSubstr("DB_PASSWORD"));
  }
  EXPECT_THROW(resolve_password({"", "/nonexistent/secret"}, no_variables), Error);
}

TEST(ResolvePassword, NoSourceMeansNoPassword) {
  EXPECT_EQ(resolve_password({}, no_variables), "");
}

TEST(PgpassLine, EscapesColonsAndBackslashesInEveryField) {
  ConnectionSettings odd = settings();
  odd.database = "be:lab";
  EXPECT_EQ(pgpass_line(odd, "p:a\\ss"), "db.beelab.svc:5433:be\\:lab:beelab_app:p\\:a\\\\ss\n");
}

TEST(PgpassFile, IsPrivateAndGoneAfterwards) {
  std::filesystem::path path;
  {
    const PgpassFile file(settings(), "secret");
    path = file.path();
    EXPECT_EQ(read_file(path), "db.beelab.svc:5433:beelab:beelab_app:secret\n");
    struct stat info{};
    ASSERT_EQ(::stat(path.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600u);
    ASSERT_EQ(::stat(path.parent_path().c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0700u);
  }
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_FALSE(std::filesystem::exists(path.parent_path()));
}

TEST(ClientEnvironment, PointsAtThePgpassFileAndNeverHoldsThePassword) {
  const auto env = client_environment(settings(), "/tmp/x/pgpass", "hivekeeper-0123abcd");
  EXPECT_EQ(env.at("PGHOST"), "db.beelab.svc");
  EXPECT_EQ(env.at("PGPORT"), "5433");
  EXPECT_EQ(env.at("PGDATABASE"), "beelab");
  EXPECT_EQ(env.at("PGUSER"), "beelab_app");
  EXPECT_EQ(env.at("PGSSLMODE"), "prefer");
  EXPECT_EQ(env.at("PGPASSFILE"), "/tmp/x/pgpass");
  EXPECT_EQ(env.at("PGAPPNAME"), "hivekeeper-0123abcd");
  EXPECT_FALSE(env.contains("PGPASSWORD"));
}

TEST(RequireClientNotOlder, AcceptsTheSameOrAnOlderServer) {
  EXPECT_NO_THROW(require_client_not_older(17, {170012, "17.12"}, "pg_dump"));
  EXPECT_NO_THROW(require_client_not_older(17, {160004, "16.4"}, "pg_dump"));
  EXPECT_NO_THROW(require_client_not_older(17, {90624, "9.6.24"}, "pg_dump"));
}

TEST(RequireClientNotOlder, RefusesANewerServerNamingBothVersionsAndTheWayOut) {
  try {
    require_client_not_older(17, {180001, "18.1 (Debian 18.1-1)"}, "pg_dump");
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_EQ(error.reason(), "ServerNewerThanClient");
    EXPECT_THAT(error.what(), HasSubstr("18.1 (Debian 18.1-1)"));
    EXPECT_THAT(error.what(), HasSubstr("pg_dump 17"));
    EXPECT_THAT(error.what(), HasSubstr("nothing was done"));
    EXPECT_THAT(error.hint(), HasSubstr("postgresql-client is 18 or newer"));
  }
}

TEST(ClientMajorVersion, ReadsTheVersionLineOfTheTools) {
  EXPECT_EQ(client_major_version("pg_dump (PostgreSQL) 17.6 (Debian 17.6-0+deb13u1)\n"), 17);
  EXPECT_EQ(client_major_version("psql (PostgreSQL) 9.6.24"), 9);
  EXPECT_THROW(client_major_version("bash: pg_dump: command not found"), Error);
}

}  // namespace
}  // namespace hivekeeper::postgres
