#include "archive/gzip_writer.h"

namespace hivekeeper::archive {

ParallelGzipWriter::ParallelGzipWriter(std::filesystem::path final_path, int level,
                                       unsigned workers)
    : ParallelGzipWriter(std::make_unique<AtomicFile>(std::move(final_path)), level, workers) {}

ParallelGzipWriter::ParallelGzipWriter(std::unique_ptr<ArtifactSink> sink, int level,
                                       unsigned workers)
    : ArtifactWriter(std::move(sink)),
      encoder_([this](std::string_view member) { store(member); }, level, workers) {}

WrittenFile ParallelGzipWriter::finish() {
  encoder_.finish();
  return stored_file();
}

}  // namespace hivekeeper::archive
