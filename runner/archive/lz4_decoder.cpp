#include "archive/lz4_decoder.h"

#include <lz4frame.h>

#include "common/error.h"

namespace hivekeeper::archive {
namespace {

constexpr std::size_t kOutputBuffer = 256 * 1024;

Error decode_error(const std::string& what) {
  return job_failed(
      "DumpStreamCorrupt", "the LZ4 stream of pg_dump's output is corrupt: " + what,
      "run the backup again; if it repeats, set spec.dump.compressionLevel and report it");
}

}  // namespace

Lz4FrameDecoder::Lz4FrameDecoder(Sink on_output)
    : on_output_(std::move(on_output)), buffer_(kOutputBuffer, '\0') {
  if (LZ4F_isError(LZ4F_createDecompressionContext(&context_, LZ4F_VERSION)))
    throw decode_error("cannot create a decompression context");
}

Lz4FrameDecoder::~Lz4FrameDecoder() {
  LZ4F_freeDecompressionContext(context_);
}

void Lz4FrameDecoder::feed(std::string_view compressed) {
  // Loop until the input is used up and the output buffer was not filled: a full buffer may
  // mean the context holds more decoded bytes for us.
  std::size_t produced = 0;
  do {
    produced = buffer_.size();
    std::size_t consumed = compressed.size();
    const std::size_t hint =
        LZ4F_decompress(context_, buffer_.data(), &produced, compressed.data(), &consumed, nullptr);
    if (LZ4F_isError(hint)) throw decode_error(LZ4F_getErrorName(hint));
    expected_ = hint;
    compressed.remove_prefix(consumed);
    if (produced > 0) on_output_(std::string_view(buffer_.data(), produced));
  } while (!compressed.empty() || produced == buffer_.size());
}

void Lz4FrameDecoder::finish() const {
  if (expected_ != 0) throw decode_error("the stream ended inside a frame");
}

}  // namespace hivekeeper::archive
