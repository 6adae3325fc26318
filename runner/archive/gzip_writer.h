// A .gz file written by ParallelGzipEncoder (on every core, one gzip member per ~1 MiB block)
// into an ArtifactSink (an AtomicFile by default). set_level() changes the level between blocks,
// so already-compressed media (PNG, JPEG) is stored instead of being deflated again for nothing.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string_view>

#include "archive/artifact_writer.h"
#include "archive/atomic_file.h"
#include "archive/gzip_encoder.h"

namespace hivekeeper::archive {

class ParallelGzipWriter final : public ArtifactWriter {
 public:
  ParallelGzipWriter(std::unique_ptr<ArtifactSink> sink, int level, unsigned workers);
  // Into an AtomicFile at FINAL_PATH.
  ParallelGzipWriter(std::filesystem::path final_path, int level, unsigned workers);

  void write(std::string_view data) override { encoder_.write(data); }
  bool takes_level_hints() const override { return true; }
  void set_level(int level) override { encoder_.set_level(level); }
  WrittenFile finish() override;

  std::uint64_t bytes_in() const { return encoder_.bytes_in(); }

 private:
  ParallelGzipEncoder encoder_;  // its threads stop before the base class's sink goes
};

}  // namespace hivekeeper::archive
