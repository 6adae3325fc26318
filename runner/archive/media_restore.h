// The media .tgz on its way back into a volume. First the whole archive is read once and every
// entry checked, before anything is touched: an absolute path, a `..` component, a link that
// points outside the volume or a device/special file refuses the restore, naming the entry. The
// same pass hashes every file, giving the listing the staged copy is verified against. Archives
// come from Hivekeeper (paths relative to the volume root) or from the seed's `tar czf`, with a
// leading ./ or with the whole tree under one top folder named media, which is stripped.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "archive/byte_pipe.h"
#include "archive/file_reader.h"

namespace hivekeeper::archive {

enum class EntryType { file, directory, symlink, hardlink };

struct MediaEntry {
  EntryType type = EntryType::file;
  std::uint64_t size = 0;
  std::string sha256;  // files only
  std::string link;    // symlink target as written; hardlink target relative to the volume root
};

// Path relative to the volume root -> entry; the root itself is not listed.
using MediaListing = std::map<std::string, MediaEntry>;

struct MediaArchiveContents {
  MediaListing entries;
  std::string stripped_top_folder;  // "" when paths were already relative to the volume root
  std::uint64_t content_bytes = 0;
  FileDigest file;
};

// "./a//b/" -> "a/b"; "./" and "." -> "". Does not judge safety.
std::string normalize_entry_path(std::string_view raw);

// Why an entry must not be restored, or "" when it is safe. RAW_PATH, SYMLINK and HARDLINK are
// as the archive holds them (empty when not a link); FILETYPE is the stat type (S_IFREG, ...).
std::string entry_problem(std::string_view raw_path, unsigned filetype, std::string_view symlink,
                          std::string_view hardlink);

// The single top folder every entry lives under, when it is named media and the archive has no
// entry at its root; else "".
std::string seed_top_folder(const std::vector<std::string>& normalized_paths);

// Reads and checks the whole archive. `strip_allowed` is false for Hivekeeper's own archives,
// whose paths are always relative to the volume root.
MediaArchiveContents inspect_media_archive(const std::filesystem::path& path, bool strip_allowed);

// Writes the archive's entries as an uncompressed tar under STAGING_DIR/ into `out`, for the
// engine to extract next to the volume's current content.
void write_staging_tar(const std::filesystem::path& path, const MediaArchiveContents& contents,
                       const std::string& staging_dir, BytePipe& out);

// Reads the engine's tar of the staged folder and compares it with the archive's listing: the
// same paths and types, and for every regular file the same size and SHA-256.
void verify_staged_tar(BytePipe& staged_tar, const MediaListing& expected);

}  // namespace hivekeeper::archive
