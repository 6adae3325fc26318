// A backup artifact being written: bytes in, compressed on every core in the chosen format, into
// an ArtifactSink, with the SHA-256 of the stored bytes taken as they are written. The backup
// job writes through this and does not care which format it is.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "archive/artifact_sink.h"
#include "archive/compression.h"
#include "archive/sha256.h"

namespace hivekeeper::archive {

struct WrittenFile {
  std::filesystem::path path;
  std::uint64_t bytes = 0;
  std::string sha256;
};

class ArtifactWriter {
 public:
  explicit ArtifactWriter(std::unique_ptr<ArtifactSink> sink) : sink_(std::move(sink)) {}
  virtual ~ArtifactWriter() = default;  // abandons the file unless finish() and commit() ran
  ArtifactWriter(const ArtifactWriter&) = delete;
  ArtifactWriter& operator=(const ArtifactWriter&) = delete;

  virtual void write(std::string_view data) = 0;
  // Whether set_level() is worth calling: a format that notices incompressible data by itself
  // (zstd) is not helped by a trial compression of each media file's first bytes.
  virtual bool takes_level_hints() const = 0;
  // The level for data written from now on; 0 stores it (content that does not compress).
  virtual void set_level(int level) = 0;
  // Flushes and waits for the workers; the file is complete but still under its temporary name.
  virtual WrittenFile finish() = 0;
  ArtifactSink& sink() { return *sink_; }
  // fsyncs and renames the file into place (see ArtifactSink::commit).
  void commit() { sink_->commit(); }

 protected:
  // The next compressed bytes, in order: into the sink, the hash and the count.
  void store(std::string_view bytes);
  // What was stored, once the last bytes were.
  WrittenFile stored_file();

 private:
  // Destroyed after the subclass's members: a subclass's threads stop before the sink goes.
  std::unique_ptr<ArtifactSink> sink_;
  Sha256 sha256_;
  std::uint64_t bytes_out_ = 0;
};

std::unique_ptr<ArtifactWriter> make_artifact_writer(Compression compression,
                                                     std::unique_ptr<ArtifactSink> sink, int level,
                                                     unsigned workers);

}  // namespace hivekeeper::archive
