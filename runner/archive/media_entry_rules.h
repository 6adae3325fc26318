// The rules a media archive's entries must follow before any of them is restored, as plain
// functions of the entries' paths, types, modes and link targets (archive/media_restore.h reads
// the archive and applies them): no absolute path or `..` component, no device or special file,
// no set-user-ID bit (nor set-group-ID on anything but a folder), and a tree in which every
// symlink, resolved component by component against all the archive's links, stays inside the
// volume, no entry sits below a symlink or a file, and hard links name regular files listed
// before them.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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

// "./a//b/" -> "a/b"; "./" and "." -> "". Does not judge safety.
std::string normalize_entry_path(std::string_view raw);

// Why an entry must not be restored, or "" when it is safe. RAW_PATH, SYMLINK and HARDLINK are
// as the archive holds them (empty when not a link); FILETYPE is the stat type (S_IFREG, ...).
std::string entry_problem(std::string_view raw_path, unsigned filetype, std::string_view symlink,
                          std::string_view hardlink);

// Why an entry's permission bits must not be restored, or "": a set-user-ID bit anywhere, a
// set-group-ID bit on anything but a folder (on a folder it only makes new files inherit the
// folder's group, as shared upload folders use it). PERM as archive_entry_perm gives it.
std::string mode_problem(unsigned filetype, unsigned perm);

// An entry refused for what it is in the archive's tree, not for itself.
struct UnsafeEntry {
  std::string path;
  std::string problem;
};

// Judges ENTRIES (normalized paths relative to where they land, "" the root, in archive order;
// hard link targets relative to the same root) as one tree, with each symlink resolved link by
// link against all the archive's symlinks, since the extracted tree holds them all: a symlink
// whose resolution leaves the root or loops; an entry below a symlink (written through it) or
// below a file; a hard link to anything but a regular file earlier in the archive; a path listed
// twice (unless both are folders); a root that is not a folder. Returns the first such entry.
std::optional<UnsafeEntry> tree_problem(
    const std::vector<std::pair<std::string, MediaEntry>>& entries);

// The single top folder every entry lives under, when it is named media and the archive has no
// entry at its root; else "".
std::string seed_top_folder(const std::vector<std::string>& normalized_paths);

}  // namespace hivekeeper::archive
