// A .zst file written by libzstd's multithreaded streaming compressor into an ArtifactSink, with
// a content checksum in the frame so that `zstd -t` and every reader catch a damaged file. One
// frame; zstd cuts it into jobs of kJobSize on its worker threads.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "archive/artifact_writer.h"

struct ZSTD_CCtx_s;

namespace hivekeeper::archive {

class ZstdWriter final : public ArtifactWriter {
 public:
  // Small jobs keep peak memory bounded: each worker holds its job's input and output, and the
  // window overlaps between jobs. 2 MiB costs about 1 % in size against zstd's default at level 3.
  static constexpr int kJobSize = 2 << 20;

  ZstdWriter(std::unique_ptr<ArtifactSink> sink, int level, unsigned workers);
  ~ZstdWriter() override;

  void write(std::string_view data) override;
  bool takes_level_hints() const override { return false; }
  void set_level(int) override {}
  WrittenFile finish() override;

 private:
  void compress(std::string_view data, bool end);

  ZSTD_CCtx_s* context_ = nullptr;
  std::vector<char> output_;
};

}  // namespace hivekeeper::archive
