#include "archive/gzip_writer.h"

namespace hivekeeper::archive {

ParallelGzipWriter::ParallelGzipWriter(std::filesystem::path final_path, int level,
                                       unsigned workers)
    : ParallelGzipWriter(std::make_unique<AtomicFile>(std::move(final_path)), level, workers) {}

ParallelGzipWriter::ParallelGzipWriter(std::unique_ptr<ArtifactSink> sink, int level,
                                       unsigned workers)
    : sink_(std::move(sink)),
      encoder_(
          [this](std::string_view member) {
            sink_->write(member.data(), member.size());
            sha256_.update(member);
            bytes_out_ += member.size();
          },
          level, workers) {}

WrittenFile ParallelGzipWriter::finish() {
  encoder_.finish();
  return {sink_->location(), bytes_out_, sha256_.hex_digest()};
}

}  // namespace hivekeeper::archive
