// The command line: what each accepted form means, and for bad usage the sentence (with a guess
// for a misspelling) and the hint that point at --help.
#include "cli/args.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/test_support.h"

namespace hivekeeper::cli {
namespace {

using hivekeeper::testing::error_from;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

// The InvalidUsage error for `arguments`; fails the test if they are accepted.
Error usage_error_for(const std::vector<std::string>& arguments) {
  const auto error = error_from([&] { parse_arguments(arguments); });
  if (!error) {
    ADD_FAILURE() << "the arguments were accepted";
    return invalid_input("", "");
  }
  EXPECT_EQ(error->reason(), "InvalidUsage");
  EXPECT_EQ(error->exit_code(), 2);
  return *error;
}

TEST(ParseArguments, BackupProdWithMedia) {
  const Invocation invocation =
      parse_arguments({"backup", "prod", "--media", "--compression", "zstd"});
  EXPECT_EQ(invocation.command, "backup");
  EXPECT_THAT(invocation.operands, ElementsAre("prod"));
  EXPECT_TRUE(invocation.media);
  EXPECT_EQ(invocation.compression, "zstd");
  EXPECT_FALSE(invocation.help);
  EXPECT_EQ(invocation.log_format, LogFormat::text);
}

TEST(ParseArguments, BackupDevWithoutMediaAndItsShortcuts) {
  const Invocation invocation = parse_arguments(
      {"backup", "-o", "/srv/backups", "dev", "--prefix", "beelab", "-p", "beelab-dev"});
  EXPECT_THAT(invocation.operands, ElementsAre("dev"));
  EXPECT_FALSE(invocation.media);
  EXPECT_EQ(invocation.output_directory, "/srv/backups");
  EXPECT_EQ(invocation.prefix, "beelab");
  EXPECT_EQ(invocation.project, "beelab-dev");
}

TEST(ParseArguments, RecoverTakesAnEnvironmentAndADirectoryOrAManifest) {
  const Invocation bare = parse_arguments({"recover"});
  EXPECT_EQ(bare.command, "recover");
  EXPECT_THAT(bare.operands, IsEmpty());
  const Invocation with_directory = parse_arguments({"recover", "prod", "-o", "/srv/backups"});
  EXPECT_THAT(with_directory.operands, ElementsAre("prod"));
  EXPECT_EQ(with_directory.output_directory, "/srv/backups");
  EXPECT_EQ(parse_arguments({"recover", "-f", "backup.yaml"}).manifest_path, "backup.yaml");
  EXPECT_THAT(usage_error_for({"recover", "stage"}).what(),
              HasSubstr("environment must be dev or prod, not stage"));
  EXPECT_THAT(usage_error_for({"recover", "-f", "b.yaml", "-o", "/srv"}).what(),
              HasSubstr("not both"));
}

TEST(ParseArguments, RunWithAManifestFile) {
  const Invocation invocation = parse_arguments({"run", "-f", "x.yaml"});
  EXPECT_EQ(invocation.command, "run");
  EXPECT_EQ(invocation.manifest_path, "x.yaml");
  EXPECT_THAT(invocation.operands, IsEmpty());
}

TEST(ParseArguments, RunFromStandardInput) {
  const Invocation invocation = parse_arguments({"run", "-f", "-"});
  EXPECT_EQ(invocation.manifest_path, "-");
  EXPECT_THAT(invocation.operands, IsEmpty());
}

TEST(ParseArguments, LongFileOptionWithInlineValue) {
  EXPECT_EQ(parse_arguments({"validate", "--file=manifests/backup-prod.yaml"}).manifest_path,
            "manifests/backup-prod.yaml");
}

TEST(ParseArguments, GlobalOptionsBeforeTheCommand) {
  const Invocation invocation = parse_arguments({"--log-format", "json", "-v", "backup", "prod"});
  EXPECT_EQ(invocation.command, "backup");
  EXPECT_EQ(invocation.log_format, LogFormat::json);
  EXPECT_TRUE(invocation.verbose);
  EXPECT_THAT(invocation.operands, ElementsAre("prod"));
}

TEST(ParseArguments, StatusFileWithEquals) {
  const Invocation invocation =
      parse_arguments({"run", "--status-file=/tmp/status/x.json", "-f", "x.yaml"});
  EXPECT_EQ(invocation.status_file, "/tmp/status/x.json");
  EXPECT_EQ(invocation.manifest_path, "x.yaml");
}

TEST(ParseArguments, NoArgumentsIsHelp) {
  const Invocation invocation = parse_arguments({});
  EXPECT_EQ(invocation.command, "help");
  EXPECT_TRUE(invocation.help);
}

TEST(ParseArguments, HelpOptionAlone) {
  const Invocation invocation = parse_arguments({"--help"});
  EXPECT_EQ(invocation.command, "help");
  EXPECT_TRUE(invocation.help);
}

TEST(ParseArguments, CommandHelpNeedsNoOperands) {
  const Invocation invocation = parse_arguments({"backup", "--help"});
  EXPECT_EQ(invocation.command, "backup");
  EXPECT_TRUE(invocation.help);
}

TEST(ParseArguments, HelpCommandWithACommand) {
  const Invocation invocation = parse_arguments({"help", "run"});
  EXPECT_EQ(invocation.command, "run");
  EXPECT_TRUE(invocation.help);
}

TEST(ParseArguments, MisspeltCommandGetsASuggestion) {
  const Error error = usage_error_for({"bakup", "prod"});
  EXPECT_STREQ(error.what(), "unknown command bakup (did you mean backup?)");
  EXPECT_EQ(error.hint(), "see `hivekeeper --help`");
}

TEST(ParseArguments, UnknownCommandWithoutAGuess) {
  const Error error = usage_error_for({"frobnicate", "prod"});
  EXPECT_STREQ(error.what(), "unknown command frobnicate");
}

TEST(ParseArguments, MisspeltOptionGetsASuggestion) {
  const Error error = usage_error_for({"backup", "prod", "--mdia"});
  EXPECT_STREQ(error.what(), "unknown option --mdia (did you mean --media?)");
  EXPECT_EQ(error.hint(), "see `hivekeeper backup --help`");
}

// --prefix and --project share their first three characters ("--p"); the guess must be the
// option that was misspelt, not the first one that starts alike.
TEST(ParseArguments, MisspeltOptionSuggestsTheClosestNotTheFirstAlike) {
  const Error error = usage_error_for({"backup", "prod", "--projct", "beelab"});
  EXPECT_STREQ(error.what(), "unknown option --projct (did you mean --project?)");
}

TEST(ParseArguments, OptionOfAnotherCommand) {
  const Error error = usage_error_for({"run", "-f", "x.yaml", "--media"});
  EXPECT_STREQ(error.what(), "--media does not apply to run");
  EXPECT_EQ(error.hint(), "see `hivekeeper run --help`");
}

TEST(ParseArguments, RunWithoutAManifest) {
  const Error error = usage_error_for({"run"});
  EXPECT_STREQ(error.what(), "run needs a manifest: -f FILE, or -f - for standard input");
  EXPECT_EQ(error.hint(), "see `hivekeeper run --help`");
}

TEST(ParseArguments, FileOptionWithoutItsValue) {
  const Error error = usage_error_for({"validate", "-f"});
  EXPECT_STREQ(error.what(), "--file needs a value (FILE)");
}

TEST(ParseArguments, FlagGivenAValue) {
  const Error error = usage_error_for({"backup", "prod", "--media=yes"});
  EXPECT_STREQ(error.what(), "--media takes no value");
}

TEST(ParseArguments, BadEnvironment) {
  const Error error = usage_error_for({"backup", "staging"});
  EXPECT_STREQ(error.what(), "environment must be dev or prod, not staging");
  EXPECT_EQ(error.hint(), "see `hivekeeper backup --help`");
}

TEST(ParseArguments, BackupWithoutEnvironmentShowsTheSynopsis) {
  const Error error = usage_error_for({"backup", "--media"});
  EXPECT_STREQ(error.what(), "usage: hivekeeper backup <dev|prod> [--media]");
}

TEST(ParseArguments, RunTakesNoOperands) {
  const Error error = usage_error_for({"run", "-f", "x.yaml", "prod"});
  EXPECT_STREQ(error.what(), "usage: hivekeeper run -f FILE|-");
}

TEST(ParseArguments, UnknownLogFormat) {
  const Error error = usage_error_for({"--log-format", "xml", "version"});
  EXPECT_STREQ(error.what(), "--log-format takes text or json, not xml");
}

TEST(Usage, ListsEveryCommandAndTheExitCodes) {
  const std::string text = usage();
  EXPECT_THAT(text, HasSubstr("  run -f FILE|-"));
  EXPECT_THAT(text, HasSubstr("  backup <dev|prod> [--media]"));
  EXPECT_THAT(text, HasSubstr("  validate -f FILE|-"));
  EXPECT_THAT(text, HasSubstr("  version"));
  EXPECT_THAT(text,
              HasSubstr("Exit codes: 0 success, 1 the job failed, 2 invalid manifest or usage."));
}

TEST(Usage, CommandUsageListsOnlyItsOptions) {
  const std::string text = usage("backup");
  EXPECT_THAT(text,
              ::testing::StartsWith("usage: hivekeeper backup <dev|prod> [--media] [options]\n\n"));
  for (const char* option :
       {"--media", "-o, --output DIR", "--prefix NAME", "-p, --project NAME", "--status-file PATH",
        "--log-format text|json", "-v, --verbose", "-h, --help"})
    EXPECT_THAT(text, HasSubstr(option));
  EXPECT_THAT(text, Not(HasSubstr("--file")));
}

}  // namespace
}  // namespace hivekeeper::cli

namespace hivekeeper::cli {
namespace {

TEST(ParseArguments, PruneCollectsItsRulesAsSpecRetention) {
  const auto invocation =
      parse_arguments({"prune", "prod", "--keep-daily", "7", "--keep-within=30d", "--timezone",
                       "Europe/Berlin", "--dry-run", "-o", "json"});
  EXPECT_EQ(
      invocation.retention,
      nlohmann::json({{"keepDaily", 7}, {"keepWithin", "30d"}, {"timezone", "Europe/Berlin"}}));
  EXPECT_TRUE(invocation.dry_run);
  EXPECT_EQ(invocation.output_format, "json");
}

TEST(ParseArguments, StoreCommandsCheckTheirOperands) {
  EXPECT_THAT(usage_error_for({"prune", "staging", "--keep-last", "1"}).what(),
              HasSubstr("environment must be dev or prod"));
  EXPECT_THAT(usage_error_for({"prune", "prod", "--keep-last", "many"}).what(),
              HasSubstr("--keep-last takes a count"));
  EXPECT_THAT(usage_error_for({"list", "--max-age", "1d"}).what(), HasSubstr("one environment"));
  EXPECT_THAT(usage_error_for({"list", "-o", "xml"}).what(), HasSubstr("wide, json or yaml"));
  // verify's lone operand may be the set; -o is the format for list, the directory for backup.
  EXPECT_THAT(parse_arguments({"verify", "all"}).operands, ElementsAre("all"));
  EXPECT_EQ(parse_arguments({"list", "-d", "/b", "-o", "wide"}).output_directory, "/b");
  EXPECT_EQ(parse_arguments({"backup", "dev", "-o", "/b"}).output_directory, "/b");
}

TEST(ParseArguments, VerifyAndPrunePushToAPushgateway) {
  EXPECT_EQ(
      parse_arguments({"verify", "prod", "--pushgateway", "http://pushgateway:9091"}).pushgateway,
      "http://pushgateway:9091");
  // A trailing slash is dropped, as spec.metrics.pushgateway.url's: the path is appended to it.
  const auto prune = parse_arguments({"prune", "prod", "--keep-last", "3",
                                      "--pushgateway=https://gw.example:9091/", "--metrics-file",
                                      "/m/prune.prom"});
  EXPECT_EQ(prune.pushgateway, "https://gw.example:9091");
  EXPECT_EQ(prune.metrics_file, "/m/prune.prom");
  EXPECT_EQ(parse_arguments({"verify", "prod"}).pushgateway, "");
}

TEST(ParseArguments, PushgatewayNeedsAnHttpUrlAndAppliesOnlyToVerifyAndPrune) {
  const Error not_a_url = usage_error_for({"verify", "--pushgateway", "pushgateway:9091"});
  EXPECT_THAT(not_a_url.what(), HasSubstr("http:// or https:// URL"));
  EXPECT_THAT(not_a_url.hint(), HasSubstr("--pushgateway http://"));
  EXPECT_THAT(usage_error_for({"prune", "prod", "--keep-last", "1", "--pushgateway"}).what(),
              HasSubstr("--pushgateway needs a value (URL)"));
  // A job's Pushgateway is spec.metrics.pushgateway, in its manifest.
  EXPECT_THAT(usage_error_for({"backup", "prod", "--pushgateway", "http://gw:9091"}).what(),
              HasSubstr("--pushgateway does not apply to backup"));
  EXPECT_THAT(usage("verify"), HasSubstr("--pushgateway URL"));
  EXPECT_THAT(usage("prune"), HasSubstr("--pushgateway URL"));
  EXPECT_THAT(usage("list"), Not(HasSubstr("--pushgateway")));
}

}  // namespace
}  // namespace hivekeeper::cli
