// An S3-compatible bucket (spec.storage.s3) as a BackupStore. Artifacts are multipart uploads
// that stream while the backup is made and become objects only when the set is committed
// (CompleteMultipartUpload); the metadata object is put last and is the set's commit marker. An
// upload that is not committed is aborted: when its sink is destroyed, and on SIGTERM by the
// signal thread (with a client of its own). One that a SIGKILL left open is listed by
// pending_uploads() and aborted by prune. The bucket has no lock: jobs take turns through the
// local directory's (spec.output.directory), which also keeps the journal and status/.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "s3/client.h"
#include "store/backup_store.h"

namespace hivekeeper::store {

class BucketStore final : public BackupStore {
 public:
  BucketStore(s3::BucketConfig config, s3::Credentials credentials,
              std::filesystem::path lock_directory);

  std::string describe() const override;
  // The objects directly under the prefix (records under verified/ are not names).
  std::vector<std::string> names() const override;
  // A bucket has no paths; jobs read objects through read() instead.
  std::filesystem::path path_of(const std::string& name) const override;
  bool is_local() const override { return false; }
  std::string location_of(const std::string& name) const override;
  bool read(const std::string& name,
            const std::function<void(std::string_view)>& sink) const override;
  std::optional<std::string> read_small(const std::string& name) const override;
  std::optional<std::uint64_t> size_of(const std::string& name) const override;
  void put_record(const std::string& name, std::string_view content) override;
  void remove(const std::string& name) override;
  std::unique_ptr<archive::ArtifactSink> create(const std::string& name) override;
  std::string commit_set(const std::vector<archive::ArtifactSink*>& artifacts,
                         const std::string& metadata_name, std::string_view metadata) override;
  std::unique_ptr<JobLock> lock(
      const std::string& holder,
      const std::function<void(const std::string& other)>& on_wait) override;

  std::vector<UnfinishedUpload> unfinished_uploads() const override;
  void abort_upload(const UnfinishedUpload& upload) override;

 private:
  s3::BucketConfig config_;
  s3::Credentials credentials_;
  std::filesystem::path lock_directory_;
  mutable s3::Client client_;
  std::mutex listing_mutex_;
  std::optional<std::vector<s3::ObjectInfo>> objects_for_part_sizes_;
};

}  // namespace hivekeeper::store
