// spec.storage.s3 with keepLocal (the default): every artifact is written to the local directory
// and uploaded to the bucket in the same pass (no second read of the data), and a set is
// committed in the directory first, then in the bucket, metadata last in each. Reads, names and
// the lock are the directory's; a removal (prune) removes both copies.
#pragma once

#include "store/bucket_store.h"
#include "store/local_store.h"

namespace hivekeeper::store {

class MirroredStore final : public BackupStore {
 public:
  MirroredStore(std::unique_ptr<LocalDirectoryStore> local, std::unique_ptr<BucketStore> bucket);

  std::string describe() const override;
  std::vector<std::string> names() const override { return local_->names(); }
  std::filesystem::path path_of(const std::string& name) const override {
    return local_->path_of(name);
  }
  bool read(const std::string& name,
            const std::function<void(std::string_view)>& sink) const override {
    return local_->read(name, sink);
  }
  std::optional<std::string> read_small(const std::string& name) const override {
    return local_->read_small(name);
  }
  std::optional<std::uint64_t> size_of(const std::string& name) const override {
    return local_->size_of(name);
  }
  void put_record(const std::string& name, std::string_view content) override;
  void remove(const std::string& name) override;
  std::unique_ptr<archive::ArtifactSink> create(const std::string& name) override;
  // When the bucket fails after the directory's set is whole, the directory keeps it (it is a
  // good set) and the job fails saying the off-site copy is missing.
  std::string commit_set(const std::vector<archive::ArtifactSink*>& artifacts,
                         const std::string& metadata_name, std::string_view metadata) override;
  std::unique_ptr<JobLock> lock(
      const std::string& holder,
      const std::function<void(const std::string& other)>& on_wait) override {
    return local_->lock(holder, on_wait);
  }

  std::vector<UnfinishedUpload> unfinished_uploads() const override {
    return bucket_->unfinished_uploads();
  }
  void abort_upload(const UnfinishedUpload& upload) override { bucket_->abort_upload(upload); }

 private:
  std::unique_ptr<LocalDirectoryStore> local_;
  std::unique_ptr<BucketStore> bucket_;
};

}  // namespace hivekeeper::store
