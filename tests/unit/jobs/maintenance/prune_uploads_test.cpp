// Prune aborts the multipart uploads a killed backup left open in a bucket, but only those older
// than the grace (default 1 hour): a younger one may be a backup another host is still making,
// since a bucket has no lock across hosts. The store is a local directory with a made-up list of
// open uploads: a real server cannot be made to report an upload started hours ago.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "jobs/maintenance/prune.h"
#include "store/local_store.h"
#include "support/test_support.h"

namespace hivekeeper::jobs {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

class StoreWithOpenUploads final : public store::BackupStore {
 public:
  StoreWithOpenUploads(const std::filesystem::path& directory,
                       std::vector<store::UnfinishedUpload> open)
      : directory_(directory), open_(std::move(open)) {}

  std::string describe() const override { return directory_.describe(); }
  std::vector<std::string> names() const override { return directory_.names(); }
  std::filesystem::path path_of(const std::string& name) const override {
    return directory_.path_of(name);
  }
  bool read(const std::string& name,
            const std::function<void(std::string_view)>& sink) const override {
    return directory_.read(name, sink);
  }
  std::optional<std::string> read_small(const std::string& name) const override {
    return directory_.read_small(name);
  }
  std::optional<std::uint64_t> size_of(const std::string& name) const override {
    return directory_.size_of(name);
  }
  void put_record(const std::string& name, std::string_view content) override {
    directory_.put_record(name, content);
  }
  void remove(const std::string& name) override { directory_.remove(name); }
  std::unique_ptr<archive::ArtifactSink> create(const std::string& name) override {
    return directory_.create(name);
  }
  std::string commit_set(const std::vector<archive::ArtifactSink*>& artifacts,
                         const std::string& metadata_name, std::string_view metadata) override {
    return directory_.commit_set(artifacts, metadata_name, metadata);
  }
  std::vector<store::UnfinishedUpload> unfinished_uploads() const override { return open_; }
  void abort_upload(const store::UnfinishedUpload& upload) override {
    aborted.push_back(upload.id);
  }
  std::unique_ptr<store::JobLock> lock(
      const std::string& holder,
      const std::function<void(const std::string& other)>& on_wait) override {
    return directory_.lock(holder, on_wait);
  }

  std::vector<std::string> aborted;

 private:
  store::LocalDirectoryStore directory_;
  std::vector<store::UnfinishedUpload> open_;
};

std::vector<store::UnfinishedUpload> open_uploads() {
  const auto now = store::Clock::now();
  return {{"beelab_prod_db_app_2026-11-30_030000.sql.gz", "two-hours", now - 2h},
          {"beelab_prod_media_2026-11-30_040000.tgz", "ten-minutes", now - 10min},
          {"beelab_dev_db_app_2026-11-29_030000.sql.gz", "other-environment", now - 30h},
          {"other_prod_db_app_2026-11-29_030000.sql.gz", "other-prefix", now - 30h},
          {"notes.txt", "not-a-backup", now - 30h}};
}

manifest::RetentionPolicy keep_last_three() {
  manifest::RetentionPolicy policy;
  policy.keep_last = 3;
  return policy;
}

TEST(PruneUploads, AbortsOnlyUploadsOlderThanAnHourOfItsEnvironmentAndPrefix) {
  hivekeeper::testing::TempDir directory;
  StoreWithOpenUploads store(directory.path(), open_uploads());
  const auto outcome =
      prune_sets(store, keep_last_three(), {manifest::Environment::prod, "beelab", "", false});
  EXPECT_THAT(store.aborted, ElementsAre("two-hours"));
  EXPECT_THAT(outcome.aborted_uploads, ElementsAre("beelab_prod_db_app_2026-11-30_030000.sql.gz"));
}

TEST(PruneUploads, AGraceOfZeroAbortsTheYoungOneTooAndADryRunAbortsNothing) {
  hivekeeper::testing::TempDir directory;
  StoreWithOpenUploads store(directory.path(), open_uploads());
  PruneRequest request{manifest::Environment::prod, "beelab", "", true};
  request.upload_grace = *manifest::parse_duration("0h");
  const auto planned = prune_sets(store, keep_last_three(), request);
  EXPECT_THAT(store.aborted, IsEmpty());
  EXPECT_EQ(planned.aborted_uploads.size(), 2u);

  request.dry_run = false;
  prune_sets(store, keep_last_three(), request);
  EXPECT_THAT(store.aborted, ElementsAre("two-hours", "ten-minutes"));
}

TEST(PruneUploads, AGraceOfADayKeepsEveryUploadOfToday) {
  hivekeeper::testing::TempDir directory;
  StoreWithOpenUploads store(directory.path(), open_uploads());
  PruneRequest request{manifest::Environment::prod, "", "", false};
  request.upload_grace = *manifest::parse_duration("1d");
  prune_sets(store, keep_last_three(), request);
  EXPECT_THAT(store.aborted, ElementsAre("other-prefix"));
}

}  // namespace
}  // namespace hivekeeper::jobs
