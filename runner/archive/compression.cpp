#include "archive/compression.h"

namespace hivekeeper::archive {

std::string to_string(Compression compression) {
  return compression == Compression::zstd ? "zstd" : "gzip";
}

std::optional<Compression> parse_compression(std::string_view text) {
  if (text == "gzip") return Compression::gzip;
  if (text == "zstd") return Compression::zstd;
  return std::nullopt;
}

int default_level(Compression compression) {
  return compression == Compression::zstd ? 3 : 6;
}

std::string_view database_extension(Compression compression) {
  return compression == Compression::zstd ? ".sql.zst" : ".sql.gz";
}

std::string_view media_extension(Compression compression) {
  return compression == Compression::zstd ? ".tar.zst" : ".tgz";
}

bool starts_zstd_frame(std::string_view bytes) {
  return bytes.size() >= 4 && bytes[0] == '\x28' && bytes[1] == '\xb5' && bytes[2] == '\x2f' &&
         bytes[3] == '\xfd';
}

}  // namespace hivekeeper::archive
