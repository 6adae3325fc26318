// The rules a media archive's entries must follow before any of them is restored, as plain
// functions of the entries' paths, types, modes and link targets (archive/media_restore.h reads
// the archive and applies them): no absolute path or `..` component, no device or special file,
// no set-user-ID bit (nor set-group-ID on anything but a folder), and a tree in which every
// symlink, resolved component by component against all the archive's links, stays inside the
// volume, no entry sits below a symlink or a file, and hard links name regular files listed
// before them.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "archive/path_prints.h"

namespace hivekeeper::archive {

enum class EntryType { file, directory, symlink, hardlink };

struct MediaEntry {
  EntryType type = EntryType::file;
  std::string link;  // symlink target as written; hardlink target relative to the volume root
};

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

// At most this many symlinks and hard links in one archive: their targets are kept whole.
inline constexpr std::size_t kMaxLinks = 100'000;

// A media archive's tree, judged one entry at a time as the archive is read, in memory that
// grows by a fingerprint a path (archive/path_prints.h) and keeps only links whole. Entries are
// normalized paths relative to where they land ("" the root), in archive order; hard link
// targets are relative to the same root. Refused: a path listed twice (unless both times as a
// folder); an entry below a symlink (written through it) or below a file, whichever is listed
// first; a hard link to anything but a regular file earlier in the archive; a root that is not a
// folder; more than kMaxLinks links; and, once every entry is in, a symlink whose resolution, link
// by link through all the archive's symlinks as the extracted tree holds them, leaves the root or
// loops.
class MediaTree {
 public:
  MediaTree();

  std::optional<UnsafeEntry> add(const std::string& path, const MediaEntry& entry);
  // After the last entry, with the archive's root at ROOT: the archive's own root, or the top
  // folder to be stripped, which must then be a folder.
  std::optional<UnsafeEntry> finish(const std::string& root) const;

  const DigestKey& key() const { return key_; }
  PathKind kind_of(const PathPrint& path) const { return paths_.find(path); }
  const PathTable& paths() const { return paths_; }
  // The target of the symlink at PATH as the archive holds it; nullptr when none is listed there.
  const std::string* symlink_target(const std::string& path) const;
  // Whether every entry lies under one top folder named media and none is the root: the seed's
  // `tar czf - -C /app media` layout.
  bool under_seed_top_folder() const { return entries_ > 0 && all_under_media_; }
  std::uint64_t entries() const { return entries_; }

 private:
  std::optional<UnsafeEntry> add_parents(const std::string& path);
  std::optional<UnsafeEntry> add_hardlink(const std::string& path, const MediaEntry& entry);

  DigestKey key_;
  std::unique_ptr<KeyedHasher> hasher_;
  PathTable paths_;
  std::vector<std::string> symlink_paths_;  // archive order, for the first refused one
  std::unordered_map<std::string, std::string> symlinks_;
  std::size_t links_ = 0;
  std::uint64_t entries_ = 0;
  bool all_under_media_ = true;
};

// The tree of ENTRIES (as MediaTree takes them, root at the archive's root): the first entry it
// refuses, if any.
std::optional<UnsafeEntry> tree_problem(
    const std::vector<std::pair<std::string, MediaEntry>>& entries);

// The single top folder every entry lives under, when it is named media and the archive has no
// entry at its root; else "".
std::string seed_top_folder(const std::vector<std::string>& normalized_paths);

}  // namespace hivekeeper::archive
