// The fingerprint table and the order-independent tree digest the media restore keeps instead of
// an archive's listing (issue 11: bounded memory for a volume of a million files).
#include "archive/path_prints.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace hivekeeper::archive {
namespace {

TEST(PathTable, FindsEveryPathPutAcrossManyGrowths) {
  KeyedHasher hasher(random_digest_key());
  PathTable table;
  constexpr int kPaths = 200'000;
  for (int i = 0; i < kPaths; ++i)
    table.put(hasher.print("uploads/" + std::to_string(i % 97) + "/" + std::to_string(i)),
              i % 2 == 0 ? PathKind::file : PathKind::folder);
  EXPECT_EQ(table.size(), static_cast<std::size_t>(kPaths));
  for (int i = 0; i < kPaths; ++i)
    ASSERT_EQ(
        table.find(hasher.print("uploads/" + std::to_string(i % 97) + "/" + std::to_string(i))),
        i % 2 == 0 ? PathKind::file : PathKind::folder)
        << i;
  EXPECT_EQ(table.find(hasher.print("uploads/0/200000")), PathKind::absent);
  // About 20 bytes a path at most load, 30 right after a growth: never the names.
  EXPECT_LT(table.bytes(), static_cast<std::size_t>(kPaths) * 32);
}

TEST(PathTable, AKindCanChangeWithoutAddingAPath) {
  KeyedHasher hasher(random_digest_key());
  PathTable table;
  table.put(hasher.print("a"), PathKind::implied_folder);
  table.put(hasher.print("a"), PathKind::folder);
  EXPECT_EQ(table.size(), 1u);
  EXPECT_EQ(table.find(hasher.print("a")), PathKind::folder);
}

TEST(KeyedHasher, TheKeyChangesEveryPrint) {
  KeyedHasher one(random_digest_key());
  KeyedHasher other(random_digest_key());
  EXPECT_EQ(one.print("a/b"), one.print("a/b"));
  EXPECT_FALSE(one.print("a/b") == other.print("a/b"));
  EXPECT_FALSE(one.print("a/b") == one.print("a/c"));
}

TEST(KeyedHasher, PartsAreNotJustConcatenated) {
  KeyedHasher hasher(random_digest_key());
  EXPECT_NE(hasher.digest({"ab", "c"}), hasher.digest({"a", "bc"}));
}

TEST(TreeDigest, TheOrderOfEntriesDoesNotMatterTheirSetDoes) {
  KeyedHasher hasher(random_digest_key());
  TreeDigest forward, backward, fewer, other;
  for (const char* name : {"a", "b", "c"}) forward.add(hasher.digest({name}));
  for (const char* name : {"c", "b", "a"}) backward.add(hasher.digest({name}));
  for (const char* name : {"a", "b"}) fewer.add(hasher.digest({name}));
  for (const char* name : {"a", "b", "d"}) other.add(hasher.digest({name}));
  EXPECT_EQ(forward, backward);
  EXPECT_FALSE(forward == fewer);
  EXPECT_FALSE(forward == other);
}

TEST(TreeDigest, SumsCarryAcrossLimbs) {
  KeyedHasher hasher(random_digest_key());
  TreeDigest in_order, reversed;
  for (int i = 0; i < 1000; ++i) in_order.add(hasher.digest({std::to_string(i)}));
  for (int i = 999; i >= 0; --i) reversed.add(hasher.digest({std::to_string(i)}));
  EXPECT_EQ(in_order, reversed);
  EXPECT_EQ(in_order.entries(), 1000u);
}

}  // namespace
}  // namespace hivekeeper::archive
