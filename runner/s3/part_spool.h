// s3/part_spool: a part of a multipart upload while it fills and while it is on its way, kept in
// an unlinked temporary file (in the backup directory) instead of in memory, its MD5 and SHA-256
// computed as it fills. The runner's memory then does not grow with the part size (which grows
// with the artifact) or with the number of artifacts uploaded at once; the kernel's page cache
// holds the bytes, and nothing is left on disk whatever ends the process.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string_view>

#include "s3/digests.h"

namespace hivekeeper::s3 {

class PartSpool {
 public:
  explicit PartSpool(const std::filesystem::path& directory);
  ~PartSpool();
  PartSpool(const PartSpool&) = delete;
  PartSpool& operator=(const PartSpool&) = delete;

  void append(std::string_view bytes);
  std::size_t size() const { return size_; }
  // The digests of what was appended since the last clear().
  const BodyDigests& digests();
  // Up to COUNT bytes from OFFSET into BUFFER; the number read.
  std::size_t read_at(std::size_t offset, char* buffer, std::size_t count) const;
  void clear();

 private:
  std::filesystem::path directory_;
  int descriptor_ = -1;
  std::size_t size_ = 0;
  BodyDigester digester_;
  std::optional<BodyDigests> digests_;
};

}  // namespace hivekeeper::s3
