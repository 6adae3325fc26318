// A .gz file written by ParallelGzipEncoder (on every core, one gzip member per ~1 MiB block)
// into an ArtifactSink (an AtomicFile by default), with the SHA-256 of the file's bytes taken as
// they are written. set_level() changes the level between blocks, so already-compressed media (PNG,
// JPEG) is stored instead of being deflated again for nothing.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "archive/atomic_file.h"
#include "archive/gzip_encoder.h"
#include "archive/sha256.h"

namespace hivekeeper::archive {

struct WrittenFile {
  std::filesystem::path path;
  std::uint64_t bytes = 0;
  std::string sha256;
};

class ParallelGzipWriter {
 public:
  ParallelGzipWriter(std::unique_ptr<ArtifactSink> sink, int level, unsigned workers);
  // Into an AtomicFile at FINAL_PATH.
  ParallelGzipWriter(std::filesystem::path final_path, int level, unsigned workers);
  // Abandons the file unless finish() and commit() succeeded.

  void write(std::string_view data) { encoder_.write(data); }
  void set_level(int level) { encoder_.set_level(level); }
  // Flushes and waits for the workers; the file is complete but still under its temporary name.
  WrittenFile finish();
  // fsyncs and renames the file into place (see AtomicFile::commit).
  void commit() { sink_->commit(); }
  ArtifactSink& sink() { return *sink_; }

  std::uint64_t bytes_in() const { return encoder_.bytes_in(); }

 private:
  std::unique_ptr<ArtifactSink> sink_;
  Sha256 sha256_;
  std::uint64_t bytes_out_ = 0;
  ParallelGzipEncoder encoder_;  // last: its threads stop before the file goes
};

}  // namespace hivekeeper::archive
