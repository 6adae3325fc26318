#include "archive/artifact_writer.h"

#include "archive/gzip_writer.h"
#include "archive/zstd_writer.h"

namespace hivekeeper::archive {

void ArtifactWriter::store(std::string_view bytes) {
  sink_->write(bytes.data(), bytes.size());
  sha256_.update(bytes);
  bytes_out_ += bytes.size();
}

WrittenFile ArtifactWriter::stored_file() {
  return {sink_->location(), bytes_out_, sha256_.hex_digest()};
}

std::unique_ptr<ArtifactWriter> make_artifact_writer(Compression compression,
                                                     std::unique_ptr<ArtifactSink> sink, int level,
                                                     unsigned workers) {
  if (compression == Compression::zstd)
    return std::make_unique<ZstdWriter>(std::move(sink), level, workers);
  return std::make_unique<ParallelGzipWriter>(std::move(sink), level, workers);
}

}  // namespace hivekeeper::archive
