// --progress and --progress-interval: how a job shows its phases (jobs/progress.h).
#include <gtest/gtest.h>

#include "cli/args.h"
#include "support/test_support.h"

namespace hivekeeper::cli {
namespace {

using hivekeeper::testing::error_from;

TEST(ProgressFlags, DefaultIsAutoEveryFiveSeconds) {
  const Invocation invocation = parse_arguments({"backup", "prod"});
  EXPECT_EQ(invocation.progress, "auto");
  EXPECT_EQ(invocation.progress_interval_seconds, 5);
}

TEST(ProgressFlags, ModesAndIntervalOnJobCommands) {
  for (const char* mode : {"auto", "live", "json", "off"})
    EXPECT_EQ(parse_arguments({"restore", "dev", "--progress", mode}).progress, mode);
  EXPECT_EQ(
      parse_arguments({"drill", "prod", "--progress-interval", "30"}).progress_interval_seconds,
      30);
}

TEST(ProgressFlags, RefusedValuesAndCommandsSayWhy) {
  for (const std::vector<std::string>& arguments :
       {std::vector<std::string>{"backup", "prod", "--progress", "bar"},
        {"backup", "prod", "--progress-interval", "0"},
        {"backup", "prod", "--progress-interval", "5s"},
        {"backup", "prod", "--progress-interval", "99999"},
        {"list", "--progress", "json"}}) {
    const auto error = error_from([&] { parse_arguments(arguments); });
    ASSERT_TRUE(error) << arguments.back();
    EXPECT_EQ(error->reason(), "InvalidUsage") << error->what();
  }
}

}  // namespace
}  // namespace hivekeeper::cli
