// s3/multipart_upload: a stream of unknown final length (a backup being made) written to one S3
// object. It holds one part while it fills and at most one more on its way to the server, both
// spooled to unlinked files (s3/part_spool.h), so memory stays flat whatever the part size and
// disk holds two parts per upload. Each part travels with its MD5 and SHA-256
// (s3/client.h). An upload that is not finished is aborted, on an exception (the destructor) and
// on SIGTERM (a registered cleanup, with a client of its own), so no upload is left open to be
// billed.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/interrupt.h"
#include "s3/client.h"
#include "s3/part_spool.h"

namespace hivekeeper::s3 {

inline constexpr std::size_t kMinimumPartSize = 5 * 1024 * 1024;  // S3's floor (not last)
inline constexpr std::uint64_t kMaximumPartSize = 5ULL * 1024 * 1024 * 1024;  // S3's ceiling

// The part size for a stream expected to be `expected_bytes` long: room for twice that (a
// backup may outgrow its estimate) in `max_parts` parts, rounded up to a whole MiB, and never
// below 5 MiB. So ceil(2 * expected / part) <= max_parts always holds.
std::size_t choose_part_size(std::uint64_t expected_bytes, int max_parts);

class MultipartUpload {
 public:
  // `key` is relative to the client's prefix. The upload starts with the first full part;
  // fails (S3PartSizeTooLarge) if the expected size cannot fit in max_parts parts of 5 GiB.
  // SPOOL_DIRECTORY: where the parts wait (the backup directory; "" the system's temp folder).
  MultipartUpload(Client& client, std::string key, std::uint64_t expected_bytes,
                  const std::filesystem::path& spool_directory = {});
  ~MultipartUpload();
  MultipartUpload(const MultipartUpload&) = delete;
  MultipartUpload& operator=(const MultipartUpload&) = delete;

  void write(std::string_view bytes);
  // Sends the last part and completes the upload (a stream shorter than one part is one
  // PutObject), then checks the object's size; the ObjectInfo is the server's.
  ObjectInfo finish();

  std::size_t part_size() const { return part_size_; }
  int parts_sent() const { return static_cast<int>(parts_.size()); }

 private:
  void start_upload();
  void send_buffered_part();
  void wait_for_part_in_flight();
  void abort_now();

  Client& client_;
  std::string key_;
  std::size_t part_size_;
  std::unique_ptr<PartSpool> filling_;
  std::unique_ptr<PartSpool> in_flight_part_;
  std::future<CompletedPart> in_flight_;
  std::vector<CompletedPart> parts_;
  std::uint64_t written_ = 0;
  std::string upload_id_;
  bool finished_ = false;
  std::shared_ptr<std::atomic<bool>> abort_disarmed_;
  std::optional<ScopedCleanup> abort_on_signal_;
};

}  // namespace hivekeeper::s3
