#include "archive/tree_recorder.h"

#include <cstring>
#include <vector>

namespace hivekeeper::archive {
namespace {

std::string_view print_bytes(const PathPrint& print, std::array<char, 12>& storage) {
  std::memcpy(storage.data(), &print.hash, sizeof print.hash);
  std::memcpy(storage.data() + 8, &print.check, sizeof print.check);
  return {storage.data(), storage.size()};
}

}  // namespace

TreeRecorder::TreeRecorder(const MediaTree& tree, std::string root)
    : hasher_(tree.key()), root_(std::move(root)) {}

std::string TreeRecorder::held(const std::string& relative) const {
  if (root_.empty()) return relative;
  return relative.empty() ? root_ : root_ + "/" + relative;
}

void TreeRecorder::folder(const PathPrint& print) {
  record("d", print, {});
}

void TreeRecorder::file(const PathPrint& print, PathKind kind, const FileDigest& content) {
  const std::string size = std::to_string(content.bytes);
  if (kind == PathKind::file) return record("f", print, {size, content.sha256});
  const auto shared = hasher_.digest({"content", size, content.sha256});
  linked_[print] = shared;
  member(print, shared);
}

bool TreeRecorder::hardlink(const PathPrint& print, const PathPrint& target) {
  const auto found = linked_.find(target);
  if (found == linked_.end()) return false;
  const auto shared = found->second;  // a copy: the map may grow below
  linked_[print] = shared;
  member(print, shared);
  return true;
}

void TreeRecorder::symlink(const PathPrint& print, const std::string& target) {
  record("l", print, {target});
}

void TreeRecorder::folders_of(const MediaTree& tree) {
  const PathPrint root = hasher_.print(root_);
  tree.paths().for_each([&](const PathPrint& print, PathKind kind) {
    if (is_folder(kind) && (root_.empty() || !(print == root))) folder(print);
  });
}

void TreeRecorder::member(const PathPrint& print, const std::array<unsigned char, 32>& shared) {
  record("m", print,
         {std::string_view(reinterpret_cast<const char*>(shared.data()), shared.size())});
}

void TreeRecorder::record(std::string_view tag, const PathPrint& print,
                          std::initializer_list<std::string_view> payload) {
  std::array<char, 12> storage{};
  std::vector<std::string_view> parts{tag, print_bytes(print, storage)};
  parts.insert(parts.end(), payload.begin(), payload.end());
  digest_.add(hasher_.digest(parts));
}

}  // namespace hivekeeper::archive
