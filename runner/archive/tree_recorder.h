// The digest of a staged media tree, entry by entry, as write_staging_tar sends it and as
// verify_staged_tar reads it back (archive/media_restore.h): a keyed record of each path's
// fingerprint with its type and content, summed in any order (archive/path_prints.h). Hard-linked
// files are recorded by their shared content under every name, since which name carries the
// content depends on the tar writer; only those are kept, and a tree holds at most kMaxLinks.
#pragma once

#include <array>
#include <string>
#include <unordered_map>

#include "archive/file_reader.h"
#include "archive/media_entry_rules.h"
#include "archive/path_prints.h"

namespace hivekeeper::archive {

class TreeRecorder {
 public:
  // ROOT: the top folder being stripped ("" when none); paths below are given relative to it.
  TreeRecorder(const MediaTree& tree, std::string root);

  // The print of RELATIVE as the checked tree knows it, and the path it is known by.
  PathPrint print_of(const std::string& relative) { return hasher_.print(held(relative)); }
  std::string held(const std::string& relative) const;

  void folder(const PathPrint& print);
  void file(const PathPrint& print, PathKind kind, const FileDigest& content);
  // False when TARGET carried no content before.
  bool hardlink(const PathPrint& print, const PathPrint& target);
  void symlink(const PathPrint& print, const std::string& target);
  // Every folder of TREE (listed or implied) but the landing root itself.
  void folders_of(const MediaTree& tree);
  const TreeDigest& digest() const { return digest_; }

 private:
  struct PrintHash {
    std::size_t operator()(const PathPrint& print) const {
      return static_cast<std::size_t>(print.hash);
    }
  };
  void member(const PathPrint& print, const std::array<unsigned char, 32>& shared);
  void record(std::string_view tag, const PathPrint& print,
              std::initializer_list<std::string_view> payload);

  KeyedHasher hasher_;
  std::string root_;
  std::unordered_map<PathPrint, std::array<unsigned char, 32>, PrintHash> linked_;
  TreeDigest digest_;
};

}  // namespace hivekeeper::archive
