// LocalDirectoryStore: the backup directory as a store of sets, committed whole and never over
// an existing set.
#include "store/local_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/test_support.h"

namespace hivekeeper::store {
namespace {

using hivekeeper::testing::error_from;
using hivekeeper::testing::mode_of;
using hivekeeper::testing::read_file;
using hivekeeper::testing::TempDir;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

TEST(LocalDirectoryStore, ADirectoryNotMadeYetHoldsNoBackups) {
  TempDir dir;
  EXPECT_THAT(LocalDirectoryStore(dir / "backups" / "django").names(), IsEmpty());
}

TEST(LocalDirectoryStore, ASetAppearsWholeAndPrivate) {
  TempDir dir;
  LocalDirectoryStore store(dir / "django");
  auto dump = store.create("x_prod_db_app_2026-11-24_031500.sql.gz");
  dump->write("sql", 3);
  EXPECT_THAT(store.names(), ::testing::SizeIs(1));  // only the hidden temporary
  store.commit_set({dump.get()}, "x_prod_2026-11-24_031500.json", "{}");
  EXPECT_THAT(store.names(), UnorderedElementsAre("x_prod_db_app_2026-11-24_031500.sql.gz",
                                                  "x_prod_2026-11-24_031500.json"));
  EXPECT_EQ(mode_of(dir / "django"), 0700u);
  EXPECT_EQ(mode_of(dir / "django" / "x_prod_db_app_2026-11-24_031500.sql.gz"), 0600u);
  EXPECT_EQ(mode_of(dir / "django" / "x_prod_2026-11-24_031500.json"), 0600u);
}

TEST(LocalDirectoryStore, GroupReadableWhenAsked) {
  TempDir dir;
  LocalDirectoryStore store(dir / "django", /*group_readable=*/true);
  auto dump = store.create("d.sql.gz");
  store.commit_set({dump.get()}, "m.json", "{}");
  EXPECT_EQ(mode_of(dir / "django"), 0750u);
  EXPECT_EQ(mode_of(dir / "django" / "d.sql.gz"), 0640u);
}

TEST(LocalDirectoryStore, AnExistingSetIsNeverReplacedAndTheNewOneLeavesNothing) {
  TempDir dir;
  LocalDirectoryStore store(dir.path());
  auto first = store.create("d.sql.gz");
  first->write("first", 5);
  store.commit_set({first.get()}, "m.json", "first");
  auto second_dump = store.create("d2.sql.gz");
  auto second_media = store.create("m2.tgz");
  const auto error = error_from(
      [&] { store.commit_set({second_dump.get(), second_media.get()}, "m.json", "second"); });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->reason(), "BackupSetExists");
  EXPECT_EQ(read_file(dir / "m.json"), "first");
  second_dump.reset();
  second_media.reset();
  // The second set's committed artifacts were taken away again: whole or absent.
  EXPECT_THAT(store.names(), UnorderedElementsAre("d.sql.gz", "m.json"));
}

}  // namespace
}  // namespace hivekeeper::store
