// zstd decompression, pulled a chunk at a time, for reading .sql.zst and .tar.zst files back.
// The files are untrusted: the window a frame may ask for is capped (kMaxWindowLog), so a
// hostile header cannot make the runner allocate more than a few MiB, and a stream that stops
// inside a frame is told apart from one that ends cleanly.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

struct ZSTD_DCtx_s;

namespace hivekeeper::archive {

class ZstdDecoder {
 public:
  // 8 MiB: what zstd -19 uses, the highest level Hivekeeper writes. A file made with --long or
  // --ultra by hand is refused with a message saying so.
  static constexpr int kMaxWindowLog = 23;

  ZstdDecoder();
  ~ZstdDecoder();
  ZstdDecoder(const ZstdDecoder&) = delete;
  ZstdDecoder& operator=(const ZstdDecoder&) = delete;

  // Decompresses from the front of INPUT (advancing it) into OUTPUT; returns how many bytes it
  // wrote there, 0 when it needs more input. Throws Error (reason CorruptZstd) on bad data.
  std::size_t decode(std::string_view& input, std::span<char> output);
  // True when the bytes decoded so far end exactly at the end of a frame.
  bool at_frame_end() const { return at_frame_end_; }

 private:
  ZSTD_DCtx_s* context_ = nullptr;
  bool at_frame_end_ = true;
};

}  // namespace hivekeeper::archive
