// Decodes an LZ4 frame stream as it arrives, in pieces of any size. pg_dump (Postgres 16 and
// later) compresses its plain output with --compress=lz4 inside the database container, so only
// about a third of the bytes cross the Docker exec stream, which on a small host costs more CPU
// than pg_dump itself; the runner turns it back into SQL for the dump scanner and the gzip writer.
#pragma once

#include <functional>
#include <string>
#include <string_view>

struct LZ4F_dctx_s;

namespace hivekeeper::archive {

class Lz4FrameDecoder {
 public:
  using Sink = std::function<void(std::string_view)>;

  explicit Lz4FrameDecoder(Sink on_output);
  ~Lz4FrameDecoder();
  Lz4FrameDecoder(const Lz4FrameDecoder&) = delete;
  Lz4FrameDecoder& operator=(const Lz4FrameDecoder&) = delete;

  // Throws hivekeeper::Error (job failed) on data that is not a valid LZ4 frame.
  void feed(std::string_view compressed);
  // Throws if the stream ended inside a frame.
  void finish() const;

 private:
  Sink on_output_;
  LZ4F_dctx_s* context_ = nullptr;
  std::string buffer_;
  std::size_t expected_ = 0;  // LZ4F's hint of the bytes still needed; 0 at a frame's end
};

}  // namespace hivekeeper::archive
