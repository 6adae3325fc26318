#include "archive/media_entry_rules.h"

#include <sys/stat.h>

#include <cstdio>
#include <set>

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

using EntryTree = std::map<std::string, const MediaEntry*>;

// Follows TARGET from the folder AT (components below the root) the way the kernel would in the
// extracted tree, every symlink of the archive included; AT ends where it leads.
Resolution resolve(const EntryTree& tree, std::vector<std::string>& at, std::string_view target,
                   int& links_left) {
  if (target.starts_with('/')) return Resolution::outside;
  for (const auto part : components(target)) {
    if (part == "..") {
      if (at.empty()) return Resolution::outside;
      at.pop_back();
      continue;
    }
    at.emplace_back(part);
    const auto found = tree.find(join(at, at.size()));
    if (found == tree.end() || found->second->type != EntryType::symlink) continue;
    if (--links_left < 0) return Resolution::loop;
    at.pop_back();  // a link's target is read from the link's own folder
    const Resolution inner = resolve(tree, at, found->second->link, links_left);
    if (inner != Resolution::inside) return inner;
  }
  return Resolution::inside;
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

std::optional<UnsafeEntry> tree_problem(
    const std::vector<std::pair<std::string, MediaEntry>>& entries) {
  EntryTree tree;
  for (const auto& [path, entry] : entries) {
    const auto [existing, inserted] = tree.emplace(path, &entry);
    // A tar extractor replaces an entry by a later one of the same name; only a folder listed
    // twice leaves the tree as judged.
    if (!inserted &&
        (existing->second->type != EntryType::directory || entry.type != EntryType::directory))
      return UnsafeEntry{path, "is listed twice in the archive, not both times as a folder"};
  }
  std::map<std::string, EntryType> seen;
  for (const auto& [path, entry] : entries) {
    if (path.empty()) {
      if (entry.type != EntryType::directory)
        return UnsafeEntry{path, "is the root of the archive but not a folder"};
      continue;
    }
    for (auto slash = path.find('/'); slash != std::string::npos;
         slash = path.find('/', slash + 1)) {
      const std::string parent = path.substr(0, slash);
      const auto found = tree.find(parent);
      if (found == tree.end() || found->second->type == EntryType::directory) continue;
      if (found->second->type == EntryType::symlink)
        return UnsafeEntry{path, "lies below the symlink " + parent +
                                     " in the archive: it would be written through that link"};
      return UnsafeEntry{path, "lies below " + parent + ", which the archive holds as a file"};
    }
    if (entry.type == EntryType::hardlink) {
      const auto target = seen.find(entry.link);
      if (target == seen.end())
        return UnsafeEntry{path, "is a hard link to " + entry.link +
                                     ", which is not a file earlier in the archive"};
      if (target->second == EntryType::symlink)
        return UnsafeEntry{path, "is a hard link to the symlink " + entry.link +
                                     ": the link's target would be read from another folder"};
      if (target->second == EntryType::directory)
        return UnsafeEntry{path, "is a hard link to the folder " + entry.link};
    }
    if (entry.type == EntryType::symlink) {
      std::vector<std::string> at;
      for (const auto part : components(path)) at.emplace_back(part);
      at.pop_back();  // the link itself
      int links_left = kMaxLinksFollowed;
      switch (resolve(tree, at, entry.link, links_left)) {
        case Resolution::inside:
          break;
        case Resolution::outside:
          return UnsafeEntry{path,
                             "is a symlink pointing outside the volume when followed link "
                             "by link through the archive's links (-> " +
                                 entry.link + ")"};
        case Resolution::loop:
          return UnsafeEntry{
              path, "is a symlink that loops through the archive's links (-> " + entry.link + ")"};
      }
    }
    // A hard link to a hard link names the same file.
    seen.emplace(path, entry.type == EntryType::hardlink ? EntryType::file : entry.type);
  }
  return std::nullopt;
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
