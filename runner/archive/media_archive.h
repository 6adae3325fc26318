// Turns the tar stream the Docker engine returns for a volume (every entry under one top folder,
// the mount point's name) into the media .tgz: the same entries, modes, owners and mtimes, with
// paths relative to the volume root, so `tar xzf` in an empty directory recreates the volume.
// Reading and writing tar is libarchive's job; compression goes through an ArtifactWriter (gzip
// or zstd); with gzip, files whose content does not compress (PNG, JPEG, archives) are stored
// rather than deflated again.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "archive/artifact_writer.h"
#include "archive/byte_pipe.h"

namespace hivekeeper::archive {

struct MediaArchiveStats {
  std::uint64_t entries = 0;
  std::uint64_t files = 0;
  std::uint64_t content_bytes = 0;
  std::uint64_t stored_bytes = 0;  // content written uncompressed because it would not shrink
};

// "media/a/b.svg" -> "a/b.svg"; the top folder itself ("media/", "media") -> nullopt.
std::optional<std::string> strip_top_folder(std::string_view path);

// 0 (store) when a deflate trial on the file's first bytes saves under 5 %, else default_level.
int level_for_content(std::string_view first_bytes, int default_level);

MediaArchiveStats rewrite_volume_tar(BytePipe& docker_tar, ArtifactWriter& out, int level);

}  // namespace hivekeeper::archive
