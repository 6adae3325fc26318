#include "store/mirrored_store.h"

#include "common/error.h"

namespace hivekeeper::store {
namespace {

// Each write goes to both; the local file first, so a full disk stops the upload too.
class TeeSink final : public archive::ArtifactSink {
 public:
  TeeSink(std::unique_ptr<archive::ArtifactSink> local,
          std::unique_ptr<archive::ArtifactSink> remote)
      : local_(std::move(local)), remote_(std::move(remote)) {}

  void write(const void* data, std::size_t size) override {
    local_->write(data, size);
    remote_->write(data, size);
  }
  // MirroredStore::commit_set commits the two halves itself, each in its own store's order.
  void commit() override {
    local_->commit();
    remote_->commit();
  }
  void uncommit() override {
    remote_->uncommit();
    local_->uncommit();
  }
  std::string location() const override { return local_->location(); }

  archive::ArtifactSink& local() { return *local_; }
  archive::ArtifactSink& remote() { return *remote_; }

 private:
  std::unique_ptr<archive::ArtifactSink> local_;
  std::unique_ptr<archive::ArtifactSink> remote_;
};

}  // namespace

MirroredStore::MirroredStore(std::unique_ptr<LocalDirectoryStore> local,
                             std::unique_ptr<BucketStore> bucket)
    : local_(std::move(local)), bucket_(std::move(bucket)) {}

std::string MirroredStore::describe() const {
  return local_->describe() + " and " + bucket_->describe();
}

void MirroredStore::put_record(const std::string& name, std::string_view content) {
  local_->put_record(name, content);
  bucket_->put_record(name, content);
}

void MirroredStore::remove(const std::string& name) {
  bucket_->remove(name);
  local_->remove(name);
}

std::unique_ptr<archive::ArtifactSink> MirroredStore::create(const std::string& name) {
  return std::make_unique<TeeSink>(local_->create(name), bucket_->create(name));
}

std::string MirroredStore::commit_set(const std::vector<archive::ArtifactSink*>& artifacts,
                                      const std::string& metadata_name, std::string_view metadata) {
  std::vector<archive::ArtifactSink*> local, remote;
  for (auto* artifact : artifacts) {
    auto* tee = dynamic_cast<TeeSink*>(artifact);
    if (tee == nullptr)
      throw job_failed("InternalError", "an artifact of " + describe() + " was not made by it");
    local.push_back(&tee->local());
    remote.push_back(&tee->remote());
  }
  const std::string location = local_->commit_set(local, metadata_name, metadata);
  try {
    bucket_->commit_set(remote, metadata_name, metadata);
  } catch (const Error& error) {
    throw job_failed(error.reason(),
                     std::string(error.what()) + "; the set is whole in " + local_->describe() +
                         " but has no copy in " + bucket_->describe(),
                     error.hint());
  }
  return location;
}

}  // namespace hivekeeper::store
