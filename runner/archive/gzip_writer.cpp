#include "archive/gzip_writer.h"

namespace hivekeeper::archive {

ParallelGzipWriter::ParallelGzipWriter(std::filesystem::path final_path, int level,
                                       unsigned workers)
    : file_(std::move(final_path)),
      encoder_(
          [this](std::string_view member) {
            file_.write(member.data(), member.size());
            sha256_.update(member);
            bytes_out_ += member.size();
          },
          level, workers) {}

WrittenFile ParallelGzipWriter::finish() {
  encoder_.finish();
  return {file_.final_path(), bytes_out_, sha256_.hex_digest()};
}

}  // namespace hivekeeper::archive
