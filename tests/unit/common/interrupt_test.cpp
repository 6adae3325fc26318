// The cleanups a signal runs: newest first, as scopes unwind, so a job's lock (taken first) is
// released last and no second job starts while the first one's cleanups still run.
#include "common/interrupt.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace hivekeeper {
namespace {

TEST(PendingCleanups, RunNewestFirstAndOnlyOnce) {
  std::vector<std::string> ran;
  {
    ScopedCleanup lock([&] { ran.push_back("lock"); });
    ScopedCleanup journal([&] { ran.push_back("journal"); });
    ScopedCleanup staging([&] { ran.push_back("staging"); });
    run_pending_cleanups();
  }
  EXPECT_THAT(ran, ::testing::ElementsAre("staging", "journal", "lock"));
}

}  // namespace
}  // namespace hivekeeper
