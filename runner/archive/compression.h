// The two formats a backup file is compressed in. gzip is the seed's and the default: `gunzip -c
// | psql` and `tar xzf` restore it by hand. zstd is opt-in (spec.dump.compression, spec.media.
// compression): smaller files, restored by hand with `zstd -dc | psql` and
// `tar --zstd -xf`. A file is read by its first bytes, never by its name.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace hivekeeper::archive {

enum class Compression { gzip, zstd };

std::string to_string(Compression compression);
std::optional<Compression> parse_compression(std::string_view text);

// gzip's own default level 6; zstd's own 3.
int default_level(Compression compression);

// ".sql.gz" / ".sql.zst" and ".tgz" / ".tar.zst".
std::string_view database_extension(Compression compression);
std::string_view media_extension(Compression compression);

// True when BYTES begin with a zstd frame's magic number (28 b5 2f fd).
bool starts_zstd_frame(std::string_view bytes);

}  // namespace hivekeeper::archive
