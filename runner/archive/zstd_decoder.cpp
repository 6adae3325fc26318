#include "archive/zstd_decoder.h"

#include <zstd.h>

#include <string>

#include "common/error.h"

namespace hivekeeper::archive {

ZstdDecoder::ZstdDecoder() : context_(ZSTD_createDCtx()) {
  if (context_ == nullptr)
    throw job_failed("CorruptZstd", "zstd cannot allocate a decompression context");
  ZSTD_DCtx_setParameter(context_, ZSTD_d_windowLogMax, kMaxWindowLog);
}

ZstdDecoder::~ZstdDecoder() {
  ZSTD_freeDCtx(context_);
}

std::size_t ZstdDecoder::decode(std::string_view& input, std::span<char> output) {
  ZSTD_inBuffer in{input.data(), input.size(), 0};
  ZSTD_outBuffer out{output.data(), output.size(), 0};
  const std::size_t result = ZSTD_decompressStream(context_, &out, &in);
  if (ZSTD_isError(result)) {
    const bool too_large = ZSTD_getErrorCode(result) == ZSTD_error_frameParameter_windowTooLarge;
    throw job_failed("CorruptZstd",
                     too_large
                         ? "its zstd frame needs a window over " +
                               std::to_string(1 << (kMaxWindowLog - 20)) +
                               " MiB (made with --long or --ultra?); Hivekeeper reads "
                               "levels up to 19 without --long"
                         : std::string("corrupt zstd data (") + ZSTD_getErrorName(result) + ")");
  }
  input.remove_prefix(in.pos);
  // 0: a frame ended and everything it held has been handed out.
  if (in.pos > 0 || out.pos > 0) at_frame_end_ = result == 0;
  return out.pos;
}

}  // namespace hivekeeper::archive
