#include "store/bucket_store.h"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "archive/atomic_file.h"
#include "common/error.h"
#include "common/interrupt.h"
#include "s3/multipart_upload.h"
#include "store/directory_lock.h"
#include "store/naming.h"

namespace hivekeeper::store {
namespace {

// Metadata, verification records: never more than this.
constexpr std::size_t kSmallObjectLimit = 4 * 1024 * 1024;

std::string url_of(const s3::BucketConfig& config, const std::string& name) {
  return "s3://" + config.bucket + "/" + s3::full_key(config, name);
}

// One artifact: a multipart upload with a client of its own (the database and the media are
// uploaded by two threads at once). Until commit() completes it, nothing is visible in the
// bucket; destroyed or interrupted before that, the upload aborts itself (s3/multipart_upload.h).
class UploadSink final : public archive::ArtifactSink {
 public:
  UploadSink(const s3::BucketConfig& config, const s3::Credentials& credentials, std::string name,
             std::uint64_t expected_bytes, const std::filesystem::path& spool_directory)
      : config_(config),
        name_(std::move(name)),
        client_(config, credentials),
        upload_(std::make_unique<s3::MultipartUpload>(client_, name_, expected_bytes,
                                                      spool_directory)) {}

  void write(const void* data, std::size_t size) override {
    upload_->write(std::string_view(static_cast<const char*>(data), size));
  }
  void commit() override {
    upload_->finish();
    committed_ = true;
  }
  void uncommit() override {
    if (committed_) client_.delete_object(name_);
    committed_ = false;
  }
  std::string location() const override { return url_of(config_, name_); }

 private:
  s3::BucketConfig config_;
  std::string name_;
  s3::Client client_;
  std::unique_ptr<s3::MultipartUpload> upload_;
  bool committed_ = false;
};

}  // namespace

BucketStore::BucketStore(s3::BucketConfig config, s3::Credentials credentials,
                         std::filesystem::path lock_directory)
    : config_(std::move(config)),
      credentials_(std::move(credentials)),
      lock_directory_(std::move(lock_directory)),
      client_(config_, credentials_) {}

std::string BucketStore::describe() const {
  return "s3://" + config_.bucket + "/" + config_.prefix;
}

std::vector<std::string> BucketStore::names() const {
  std::vector<std::string> names;
  for (const s3::ObjectInfo& object : client_.list_objects(""))
    if (object.key.find('/') == std::string::npos) names.push_back(object.key);
  return names;
}

std::string BucketStore::location_of(const std::string& name) const {
  return url_of(config_, name);
}

std::filesystem::path BucketStore::path_of(const std::string& name) const {
  throw job_failed("InternalError", "a bucket has no local path for " + url_of(config_, name));
}

bool BucketStore::read(const std::string& name,
                       const std::function<void(std::string_view)>& sink) const {
  if (!client_.head_object(name)) return false;
  client_.get_object(name, sink);
  return true;
}

std::optional<std::string> BucketStore::read_small(const std::string& name) const {
  const auto info = client_.head_object(name);
  if (!info) return std::nullopt;
  if (info->size > kSmallObjectLimit)
    throw job_failed("MetadataUnreadable",
                     url_of(config_, name) + " is " + std::to_string(info->size) +
                         " bytes, too large for a set's metadata",
                     "it was not written by Hivekeeper; remove it or pick another set");
  std::string content;
  client_.get_object(name, [&](std::string_view chunk) {
    if (content.size() + chunk.size() > kSmallObjectLimit)
      throw job_failed("MetadataUnreadable", url_of(config_, name) + " grew while being read");
    content.append(chunk);
  });
  return content;
}

std::optional<std::uint64_t> BucketStore::size_of(const std::string& name) const {
  const auto info = client_.head_object(name);
  if (!info) return std::nullopt;
  return info->size;
}

void BucketStore::put_record(const std::string& name, std::string_view content) {
  client_.put_object(name, content);
}

void BucketStore::remove(const std::string& name) {
  client_.delete_object(name);
}

std::unique_ptr<archive::ArtifactSink> BucketStore::create(const std::string& name) {
  // The part size follows the size this artifact had in the newest set (0 for a first backup):
  // MultipartUpload leaves room for twice that within maxParts.
  std::uint64_t expected_bytes = 0;
  if (const auto made = parse_backup_file_name(name)) {
    std::string newest;
    // The dump's and the media's threads create their artifacts at the same moment, and a
    // Client serves one thread at a time: one listing per store (per backup), under the lock.
    const std::lock_guard listing(listing_mutex_);
    if (!objects_for_part_sizes_) objects_for_part_sizes_ = client_.list_objects("");
    for (const s3::ObjectInfo& object : *objects_for_part_sizes_) {
      const auto other = parse_backup_file_name(object.key);
      if (other && other->kind == made->kind && other->prefix == made->prefix &&
          other->environment == made->environment && other->timestamp >= newest) {
        newest = other->timestamp;
        expected_bytes = object.size;
      }
    }
  }
  // The parts wait in the local directory, which lock() made and which holds the lock.
  return std::make_unique<UploadSink>(config_, credentials_, name, expected_bytes, lock_directory_);
}

std::string BucketStore::commit_set(const std::vector<archive::ArtifactSink*>& artifacts,
                                    const std::string& metadata_name, std::string_view metadata) {
  // As in the directory: a SIGTERM waits until the set is whole or taken away again.
  IrreversibleStep completions;
  std::vector<archive::ArtifactSink*> committed;
  bool complete = false;
  ScopedCleanup undo_partial_set([&] {
    if (complete) return;
    for (auto* artifact : committed) {
      try {
        artifact->uncommit();
      } catch (const std::exception& error) {
        spdlog::warn("could not take {} back out of the bucket: {}", artifact->location(),
                     error.what());
      }
    }
  });
  for (auto* artifact : artifacts) {
    artifact->commit();
    committed.push_back(artifact);
  }
  if (client_.head_object(metadata_name))
    throw job_failed("BackupSetExists", url_of(config_, metadata_name) + " already exists",
                     "a set is never replaced; run the backup again for a new timestamp");
  client_.put_object(metadata_name, metadata);
  complete = true;
  return url_of(config_, metadata_name);
}

std::unique_ptr<JobLock> BucketStore::lock(
    const std::string& holder, const std::function<void(const std::string& other)>& on_wait) {
  (void)archive::create_directories(lock_directory_, archive::kPrivateModes.directory);
  return std::make_unique<DirectoryLock>(lock_directory_, holder, on_wait);
}

std::vector<UnfinishedUpload> BucketStore::unfinished_uploads() const {
  std::vector<UnfinishedUpload> uploads;
  for (const auto& pending : client_.list_multipart_uploads(""))
    if (pending.key.find('/') == std::string::npos)
      uploads.push_back({pending.key, pending.upload_id, pending.initiated});
  return uploads;
}

void BucketStore::abort_upload(const UnfinishedUpload& upload) {
  client_.abort_multipart_upload(upload.name, upload.id);
}

}  // namespace hivekeeper::store
