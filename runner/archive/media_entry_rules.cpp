#include "archive/media_entry_rules.h"

#include <sys/stat.h>

#include <cstdio>

namespace hivekeeper::archive {
namespace {

// As Linux's MAXSYMLINKS: a resolution that follows more links than this is a loop.
constexpr int kMaxLinksFollowed = 40;

std::vector<std::string_view> components(std::string_view path) {
  std::vector<std::string_view> parts;
  while (!path.empty()) {
    const auto slash = path.find('/');
    const auto part = path.substr(0, slash);
    if (!part.empty() && part != ".") parts.push_back(part);
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return parts;
}

bool has_parent_component(std::string_view path) {
  for (const auto part : components(path))
    if (part == "..") return true;
  return false;
}

// Whether TARGET, read from the folder of the link at PATH, stays inside the volume.
bool symlink_stays_inside(std::string_view path, std::string_view target) {
  if (target.starts_with('/')) return false;
  auto resolved = components(path);
  if (!resolved.empty()) resolved.pop_back();  // the link itself
  for (const auto part : components(target)) {
    if (part != "..") {
      resolved.push_back(part);
    } else if (resolved.empty()) {
      return false;
    } else {
      resolved.pop_back();
    }
  }
  return true;
}

std::string join(const std::vector<std::string>& parts, std::size_t count) {
  std::string path;
  for (std::size_t i = 0; i < count; ++i) {
    if (i != 0) path += '/';
    path += parts[i];
  }
  return path;
}

enum class Resolution { inside, outside, loop };

using Symlinks = std::unordered_map<std::string, std::string>;

// Follows TARGET from the folder AT (components below ROOT) the way the kernel would in the
// extracted tree, every symlink of the archive included; AT ends where it leads.
Resolution resolve(const Symlinks& symlinks, const std::string& root, std::vector<std::string>& at,
                   std::string_view target, int& links_left) {
  if (target.starts_with('/')) return Resolution::outside;
  for (const auto part : components(target)) {
    if (part == "..") {
      if (at.empty()) return Resolution::outside;
      at.pop_back();
      continue;
    }
    at.emplace_back(part);
    const std::string below = join(at, at.size());
    const auto found = symlinks.find(root.empty() ? below : root + "/" + below);
    if (found == symlinks.end()) continue;
    if (--links_left < 0) return Resolution::loop;
    at.pop_back();  // a link's target is read from the link's own folder
    const Resolution inner = resolve(symlinks, root, at, found->second, links_left);
    if (inner != Resolution::inside) return inner;
  }
  return Resolution::inside;
}

PathKind kind_of_entry(EntryType type) {
  switch (type) {
    case EntryType::directory:
      return PathKind::folder;
    case EntryType::symlink:
      return PathKind::symlink;
    case EntryType::hardlink:
      return PathKind::hardlink;
    case EntryType::file:
      break;
  }
  return PathKind::file;
}

std::string below_problem(PathKind parent_kind, const std::string& parent) {
  if (parent_kind == PathKind::symlink)
    return "lies below the symlink " + parent +
           " in the archive: it would be written through that link";
  return "lies below " + parent + ", which the archive holds as a file";
}

std::string octal(unsigned perm) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", perm & 07777U);
  return text;
}

}  // namespace

std::string normalize_entry_path(std::string_view raw) {
  std::string path;
  for (const auto part : components(raw)) {
    if (!path.empty()) path += '/';
    path += part;
  }
  return path;
}

std::string entry_problem(std::string_view raw_path, unsigned filetype, std::string_view symlink,
                          std::string_view hardlink) {
  if (raw_path.starts_with('/')) return "has an absolute path";
  if (has_parent_component(raw_path)) return "has a .. component";
  if (!hardlink.empty()) {
    // A hard link has its target's type; tar readers report none (0) for it.
    if (hardlink.starts_with('/') || has_parent_component(hardlink))
      return "is a hard link pointing outside the volume (-> " + std::string(hardlink) + ")";
    return "";
  }
  switch (filetype) {
    case S_IFREG:
    case S_IFDIR:
      break;
    case S_IFLNK:
      if (!symlink_stays_inside(normalize_entry_path(raw_path), symlink))
        return "is a symlink pointing outside the volume (-> " + std::string(symlink) + ")";
      break;
    case S_IFCHR:
    case S_IFBLK:
      return "is a device file";
    default:
      return "is a special file (FIFO or socket)";
  }
  return "";
}

std::string mode_problem(unsigned filetype, unsigned perm) {
  if ((perm & S_ISUID) != 0) return "has the set-user-ID bit (mode " + octal(perm) + ")";
  if ((perm & S_ISGID) != 0 && filetype != S_IFDIR)
    return "has the set-group-ID bit (mode " + octal(perm) + ")";
  return "";
}

MediaTree::MediaTree() : key_(random_digest_key()), hasher_(std::make_unique<KeyedHasher>(key_)) {}

std::optional<UnsafeEntry> MediaTree::add_parents(const std::string& path) {
  // Every path in the table has its parents there, as folders: the walk up stops at the first
  // one already known.
  for (auto slash = path.rfind('/'); slash != std::string::npos && slash != 0;
       slash = path.rfind('/', slash - 1)) {
    const std::string parent = path.substr(0, slash);
    const PathPrint print = hasher_->print(parent);
    const PathKind kind = paths_.find(print);
    if (is_folder(kind)) break;
    if (kind != PathKind::absent) return UnsafeEntry{path, below_problem(kind, parent)};
    paths_.put(print, PathKind::implied_folder);
  }
  return std::nullopt;
}

std::optional<UnsafeEntry> MediaTree::add_hardlink(const std::string& path,
                                                   const MediaEntry& entry) {
  const PathPrint target = hasher_->print(entry.link);
  switch (paths_.find(target)) {
    case PathKind::file:
      paths_.put(target, PathKind::linked_file);
      break;
    case PathKind::linked_file:
    case PathKind::hardlink:  // a hard link to a hard link names the same file
      break;
    case PathKind::symlink:
      return UnsafeEntry{path, "is a hard link to the symlink " + entry.link +
                                   ": the link's target would be read from another folder"};
    case PathKind::folder:
      return UnsafeEntry{path, "is a hard link to the folder " + entry.link};
    case PathKind::implied_folder:
    case PathKind::absent:
      return UnsafeEntry{
          path, "is a hard link to " + entry.link + ", which is not a file earlier in the archive"};
  }
  return std::nullopt;
}

std::optional<UnsafeEntry> MediaTree::add(const std::string& path, const MediaEntry& entry) {
  ++entries_;
  if (path.empty()) {
    all_under_media_ = false;  // a ./ root entry: paths are relative to the volume
    if (entry.type != EntryType::directory)
      return UnsafeEntry{path, "is the root of the archive but not a folder"};
    return std::nullopt;
  }
  if (path != "media" && !path.starts_with("media/")) all_under_media_ = false;
  if (entry.type == EntryType::symlink || entry.type == EntryType::hardlink)
    if (++links_ > kMaxLinks)
      return UnsafeEntry{path, "is one link too many: the archive holds more than " +
                                   std::to_string(kMaxLinks) +
                                   " symbolic or hard links, which the runner keeps in memory "
                                   "to check"};
  if (auto problem = add_parents(path)) return problem;
  if (entry.type == EntryType::hardlink)
    if (auto problem = add_hardlink(path, entry)) return problem;
  const PathPrint print = hasher_->print(path);
  const PathKind listed = paths_.find(print);
  const PathKind kind = kind_of_entry(entry.type);
  if (listed == PathKind::implied_folder && kind != PathKind::folder)
    return UnsafeEntry{path, kind == PathKind::symlink
                                 ? "is a symlink with entries listed below it before it: they "
                                   "would be written through that link"
                                 : "is a file with entries listed below it before it"};
  // A tar extractor replaces an entry by a later one of the same name; only a folder listed
  // twice leaves the tree as judged.
  if (listed != PathKind::absent && listed != PathKind::implied_folder &&
      (listed != PathKind::folder || kind != PathKind::folder))
    return UnsafeEntry{path, "is listed twice in the archive, not both times as a folder"};
  paths_.put(print, kind);
  if (kind == PathKind::symlink) {
    symlink_paths_.push_back(path);
    symlinks_.emplace(path, entry.link);
  }
  return std::nullopt;
}

std::optional<UnsafeEntry> MediaTree::finish(const std::string& root) const {
  if (!root.empty() && !is_folder(paths_.find(hasher_->print(root))))
    return UnsafeEntry{"", "is the root of the archive but not a folder"};
  for (const auto& path : symlink_paths_) {
    if (!root.empty() && !path.starts_with(root + "/")) continue;
    // A named string: components() returns views into it.
    const std::string below_root = root.empty() ? path : path.substr(root.size() + 1);
    std::vector<std::string> at;
    for (const auto part : components(below_root)) at.emplace_back(part);
    at.pop_back();  // the link itself
    int links_left = kMaxLinksFollowed;
    const std::string& target = symlinks_.at(path);
    switch (resolve(symlinks_, root, at, target, links_left)) {
      case Resolution::inside:
        break;
      case Resolution::outside:
        return UnsafeEntry{path,
                           "is a symlink pointing outside the volume when followed link by link "
                           "through the archive's links (-> " +
                               target + ")"};
      case Resolution::loop:
        return UnsafeEntry{
            path, "is a symlink that loops through the archive's links (-> " + target + ")"};
    }
  }
  return std::nullopt;
}

const std::string* MediaTree::symlink_target(const std::string& path) const {
  const auto found = symlinks_.find(path);
  return found == symlinks_.end() ? nullptr : &found->second;
}

std::optional<UnsafeEntry> tree_problem(
    const std::vector<std::pair<std::string, MediaEntry>>& entries) {
  MediaTree tree;
  for (const auto& [path, entry] : entries)
    if (auto problem = tree.add(path, entry)) return problem;
  return tree.finish("");
}

std::string seed_top_folder(const std::vector<std::string>& paths) {
  std::string top;
  for (const auto& path : paths) {
    if (path.empty()) return "";  // a ./ root entry: paths are relative to the volume
    const std::string first = path.substr(0, path.find('/'));
    if (top.empty()) top = first;
    if (first != top) return "";
  }
  return top == "media" ? top : "";
}

}  // namespace hivekeeper::archive
