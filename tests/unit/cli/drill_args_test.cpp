// `hivekeeper drill`'s command line: the environment, a set, and the options it shares with the
// other commands.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cli/args.h"
#include "support/test_support.h"

namespace hivekeeper::cli {
namespace {

using hivekeeper::testing::error_from;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(ParseDrillArguments, TheEnvironmentAlone) {
  const Invocation invocation = parse_arguments({"drill", "prod"});
  EXPECT_EQ(invocation.command, "drill");
  EXPECT_THAT(invocation.operands, ElementsAre("prod"));
  EXPECT_FALSE(invocation.dry_run);
  EXPECT_FALSE(invocation.no_media);
}

TEST(ParseDrillArguments, ASetAndEveryOption) {
  const Invocation invocation = parse_arguments(
      {"drill", "dev", "2026-11-24_031500", "--dry-run", "--no-media", "-p", "beelab", "--prefix",
       "bee", "--directory", "/backups", "--status-file", "/tmp/s.json"});
  EXPECT_THAT(invocation.operands, ElementsAre("dev", "2026-11-24_031500"));
  EXPECT_TRUE(invocation.dry_run);
  EXPECT_TRUE(invocation.no_media);
  EXPECT_EQ(invocation.project, "beelab");
  EXPECT_EQ(invocation.prefix, "bee");
  EXPECT_EQ(invocation.output_directory, "/backups");
  EXPECT_EQ(invocation.status_file, "/tmp/s.json");
}

TEST(ParseDrillArguments, NeedsAnEnvironmentOfDevOrProd) {
  for (const std::vector<std::string>& arguments :
       {std::vector<std::string>{"drill"}, {"drill", "staging"}, {"drill", "prod", "a", "b"}}) {
    const auto error = error_from([&] { parse_arguments(arguments); });
    ASSERT_TRUE(error.has_value());
    EXPECT_EQ(error->reason(), "InvalidUsage");
    EXPECT_EQ(error->exit_code(), 2);
  }
}

TEST(ParseDrillArguments, NoMediaIsTheDrillsOwn) {
  const auto error = error_from([] { parse_arguments({"backup", "prod", "--no-media"}); });
  ASSERT_TRUE(error.has_value());
  EXPECT_STREQ(error->what(), "--no-media does not apply to backup");
}

TEST(DrillUsage, ListsTheCommandAndItsOptions) {
  EXPECT_THAT(usage(), HasSubstr("drill <dev|prod> [SET|latest] [--dry-run] [--no-media]"));
  const std::string text = usage("drill");
  EXPECT_THAT(text, HasSubstr("usage: hivekeeper drill <dev|prod> [SET|latest]"));
  for (const char* option : {"--dry-run", "--no-media", "--project", "--prefix", "--directory",
                             "--status-file", "--termination-log"})
    EXPECT_THAT(text, HasSubstr(option));
}

}  // namespace
}  // namespace hivekeeper::cli
