// common/text: suggestions for misspelt words and the random tokens that keep concurrent jobs'
// names apart.
#include "common/text.h"

#include <set>

#include <gtest/gtest.h>

namespace hivekeeper {
namespace {

TEST(EditDistance, CountsInsertionsDeletionsAndSubstitutions) {
  EXPECT_EQ(edit_distance("", ""), 0U);
  EXPECT_EQ(edit_distance("media", "media"), 0U);
  EXPECT_EQ(edit_distance("medai", "media"), 2U);
  EXPECT_EQ(edit_distance("projct", "project"), 1U);
  EXPECT_EQ(edit_distance("", "dev"), 3U);
}

TEST(ClosestMatch, FindsTheNearestWithinTheLimitIgnoringDashes) {
  const std::vector<std::string> options{"--project", "--prefix", "--media"};
  EXPECT_EQ(closest_match("--projct", options), "--project");
  EXPECT_EQ(closest_match("prefx", options), "--prefix");
  EXPECT_EQ(closest_match("--completely-else", options), "");
}

TEST(RandomToken, IsSixteenHexDigitsAndDiffersEachTime) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string token = random_token();
    ASSERT_EQ(token.size(), 16U) << token;
    ASSERT_EQ(token.find_first_not_of("0123456789abcdef"), std::string::npos) << token;
    seen.insert(token);
  }
  EXPECT_EQ(seen.size(), 1000U);
}

}  // namespace
}  // namespace hivekeeper
