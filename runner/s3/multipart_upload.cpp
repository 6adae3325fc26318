#include "s3/multipart_upload.h"

#include <spdlog/spdlog.h>

#include "common/error.h"

namespace hivekeeper::s3 {
namespace {

constexpr std::uint64_t kPartSizeUnit = 1024 * 1024;

std::string mebibytes(std::uint64_t bytes) {
  return std::to_string(bytes / kPartSizeUnit) + " MiB";
}

}  // namespace

std::size_t choose_part_size(std::uint64_t expected_bytes, int max_parts) {
  const auto parts = static_cast<std::uint64_t>(std::max(max_parts, 1));
  const std::uint64_t room = expected_bytes * 2;  // the headroom: twice the estimate
  const std::uint64_t smallest_fitting = (room + parts - 1) / parts;
  const std::uint64_t whole_mebibytes = (smallest_fitting + kPartSizeUnit - 1) / kPartSizeUnit;
  return static_cast<std::size_t>(
      std::max<std::uint64_t>(whole_mebibytes * kPartSizeUnit, kMinimumPartSize));
}

MultipartUpload::MultipartUpload(Client& client, std::string key, std::uint64_t expected_bytes,
                                 const std::filesystem::path& spool_directory)
    : client_(client),
      key_(std::move(key)),
      part_size_(choose_part_size(expected_bytes, client.config().max_parts)),
      filling_(std::make_unique<PartSpool>(spool_directory)),
      in_flight_part_(std::make_unique<PartSpool>(spool_directory)),
      abort_disarmed_(std::make_shared<std::atomic<bool>>(false)) {
  const int max_parts = client.config().max_parts;
  if (max_parts < 1 || max_parts > 10000) {
    throw invalid_input("S3MaxPartsInvalid",
                        "spec.storage.s3.maxParts is " + std::to_string(max_parts),
                        "S3 takes 1 to 10000 parts per upload; leave maxParts out for 10000");
  }
  if (part_size_ > kMaximumPartSize) {
    throw job_failed("S3PartSizeTooLarge",
                     "uploading " + key_ + " (some " + mebibytes(expected_bytes) +
                         ", with room for twice that) in " + std::to_string(max_parts) +
                         " parts needs parts of " + mebibytes(part_size_) +
                         "; S3 takes 5 GiB per part at most",
                     "raise spec.storage.s3.maxParts (S3 allows 10000)");
  }
}

MultipartUpload::~MultipartUpload() {
  if (in_flight_.valid()) {
    try {
      in_flight_.get();
    } catch (...) {
      // Reported by whoever threw first; here only the upload is to be aborted.
    }
  }
  if (!finished_) abort_now();
}

void MultipartUpload::start_upload() {
  upload_id_ = client_.create_multipart_upload(key_);
  // A client of its own: the signal thread may run this while our thread is in client_.
  std::shared_ptr<Client> aborter = client_.clone();
  auto cleanup = [aborter, key = key_, upload_id = upload_id_, disarmed = abort_disarmed_] {
    if (*disarmed) return;
    *disarmed = true;
    const std::string where =
        "s3://" + aborter->config().bucket + "/" + full_key(aborter->config(), key);
    try {
      aborter->keep_going_when_interrupted();
      aborter->abort_multipart_upload(key, upload_id);
      spdlog::info("aborted the unfinished multipart upload of {}", where);
    } catch (const Error& error) {
      spdlog::warn(
          "could not abort the multipart upload {} of {} ({}); the bucket's lifecycle rule "
          "for incomplete uploads will remove it",
          upload_id, where, error.what());
    }
  };
  abort_on_signal_.emplace(std::move(cleanup), /*self_contained=*/true);
}

void MultipartUpload::abort_now() {
  abort_on_signal_.reset();  // runs the abort, unless the signal thread took it
}

void MultipartUpload::wait_for_part_in_flight() {
  if (!in_flight_.valid()) return;
  parts_.push_back(in_flight_.get());
}

void MultipartUpload::send_buffered_part() {
  wait_for_part_in_flight();
  const int number = static_cast<int>(parts_.size()) + 1;
  if (number > client_.config().max_parts) {
    throw job_failed("S3TooManyParts",
                     "uploading " + key_ + ": part " + std::to_string(number) + " of " +
                         mebibytes(part_size_) + " would pass spec.storage.s3.maxParts (" +
                         std::to_string(client_.config().max_parts) + "); " + mebibytes(written_) +
                         " were written, more than twice the estimate",
                     "raise spec.storage.s3.maxParts; the upload was aborted");
  }
  if (upload_id_.empty()) start_upload();
  in_flight_part_.swap(filling_);
  filling_->clear();
  in_flight_ = std::async(std::launch::async, [this, number] {
    return client_.upload_part(key_, upload_id_, number, *in_flight_part_);
  });
}

void MultipartUpload::write(std::string_view bytes) {
  while (!bytes.empty()) {
    if (interrupted()) {
      throw job_failed("S3TransferInterrupted", "the upload of " + key_ + " was interrupted",
                       "the job was interrupted (SIGTERM or SIGINT); run it again");
    }
    const std::size_t take = std::min(part_size_ - filling_->size(), bytes.size());
    filling_->append(bytes.substr(0, take));
    bytes.remove_prefix(take);
    written_ += take;
    if (filling_->size() == part_size_) send_buffered_part();
  }
}

ObjectInfo MultipartUpload::finish() {
  if (finished_) throw std::logic_error("MultipartUpload::finish called twice");
  if (upload_id_.empty()) {
    client_.put_object(key_, *filling_);  // shorter than one part: no multipart upload needed
  } else {
    if (filling_->size() > 0) send_buffered_part();
    wait_for_part_in_flight();
    client_.complete_multipart_upload(key_, upload_id_, parts_);
    *abort_disarmed_ = true;
    abort_on_signal_.reset();
  }
  finished_ = true;
  filling_.reset();
  in_flight_part_.reset();
  const auto stored = client_.head_object(key_);
  if (!stored || stored->size != written_) {
    throw job_failed("S3UploadIncomplete",
                     "s3://" + client_.config().bucket + "/" + full_key(client_.config(), key_) +
                         " holds " + (stored ? std::to_string(stored->size) : "nothing") +
                         " bytes after its upload of " + std::to_string(written_) + " bytes",
                     "run the job again; if it recurs, the S3 server is losing data");
  }
  return *stored;
}

}  // namespace hivekeeper::s3
