#include "archive/zstd_writer.h"

#include <zstd.h>

#include <string>

#include "common/error.h"

namespace hivekeeper::archive {
namespace {

void check(std::size_t result, const std::string& action) {
  if (ZSTD_isError(result))
    throw job_failed("CompressionFailed",
                     "zstd cannot " + action + ": " + ZSTD_getErrorName(result));
}

}  // namespace

ZstdWriter::ZstdWriter(std::unique_ptr<ArtifactSink> sink, int level, unsigned workers)
    : ArtifactWriter(std::move(sink)), context_(ZSTD_createCCtx()), output_(ZSTD_CStreamOutSize()) {
  if (context_ == nullptr)
    throw job_failed("CompressionFailed", "zstd cannot allocate a compression context");
  check(ZSTD_CCtx_setParameter(context_, ZSTD_c_compressionLevel, level),
        "take level " + std::to_string(level));
  check(ZSTD_CCtx_setParameter(context_, ZSTD_c_checksumFlag, 1), "add a checksum");
  // A libzstd built without threads refuses nbWorkers: it then compresses on this thread.
  if (workers > 1 &&
      !ZSTD_isError(ZSTD_CCtx_setParameter(context_, ZSTD_c_nbWorkers, static_cast<int>(workers))))
    check(ZSTD_CCtx_setParameter(context_, ZSTD_c_jobSize, kJobSize), "take a job size");
}

ZstdWriter::~ZstdWriter() {
  ZSTD_freeCCtx(context_);
}

void ZstdWriter::write(std::string_view data) {
  compress(data, false);
}

WrittenFile ZstdWriter::finish() {
  compress({}, true);
  return stored_file();
}

// In multithreaded mode ZSTD_compressStream2 returns as soon as it has taken what it can; it
// blocks on the oldest job when it could take nothing, so this loop never spins.
void ZstdWriter::compress(std::string_view data, bool end) {
  ZSTD_inBuffer input{data.data(), data.size(), 0};
  for (;;) {
    ZSTD_outBuffer output{output_.data(), output_.size(), 0};
    const std::size_t left =
        ZSTD_compressStream2(context_, &output, &input, end ? ZSTD_e_end : ZSTD_e_continue);
    check(left, "compress");
    if (output.pos > 0) store(std::string_view(output_.data(), output.pos));
    if (end ? left == 0 : input.pos == input.size) return;
  }
}

}  // namespace hivekeeper::archive
