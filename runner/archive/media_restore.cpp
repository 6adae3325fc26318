#include "archive/media_restore.h"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>

#include <memory>
#include <set>
#include <vector>

#include "archive/libarchive_handles.h"
#include "archive/sha256.h"
#include "common/error.h"

namespace hivekeeper::archive {
namespace {

constexpr std::size_t kReadBuffer = 256 * 1024;

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

Error unsafe_entry(const std::filesystem::path& archive, const std::string& entry,
                   const std::string& problem) {
  return job_failed("MediaArchiveUnsafe",
                    "refusing to restore " + archive.filename().string() + ": entry \"" + entry +
                        "\" " + problem + "; nothing was changed",
                    "this archive was not made by Hivekeeper or the seed's scripts; inspect it "
                    "with `tar tzvf " +
                        archive.string() + "`");
}

Error tar_error(const std::string& action, struct archive* handle) {
  const char* text = archive_error_string(handle);
  return job_failed("MediaArchiveUnreadable",
                    action + ": " + (text ? text : "unknown libarchive error"),
                    "the archive is truncated or corrupt; pick another backup");
}

const char* name_of(archive_entry* entry) {
  const char* utf8 = archive_entry_pathname_utf8(entry);
  return utf8 != nullptr ? utf8 : archive_entry_pathname(entry);
}

std::string strip(const std::string& path, const std::string& top_folder) {
  if (top_folder.empty()) return path;
  if (path == top_folder) return "";
  return path.substr(top_folder.size() + 1);
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

MediaArchiveContents inspect_media_archive(const std::filesystem::path& path, bool strip_allowed) {
  ArchiveFileReader reader(path);
  struct archive* handle = reader.handle();
  std::vector<std::pair<std::string, MediaEntry>> entries;
  std::vector<std::string> paths;
  std::vector<char> buffer(kReadBuffer);
  MediaArchiveContents contents;
  archive_entry* entry = nullptr;
  for (;;) {
    const int status = archive_read_next_header(handle, &entry);
    if (status == ARCHIVE_EOF) break;
    if (status < ARCHIVE_WARN) throw tar_error("cannot read " + path.string(), handle);
    const char* raw = name_of(entry);
    if (raw == nullptr) throw tar_error("an entry of " + path.string() + " has no name", handle);
    const char* symlink = archive_entry_symlink(entry);
    const char* hardlink = archive_entry_hardlink(entry);
    const unsigned type = archive_entry_filetype(entry);
    const std::string problem =
        entry_problem(raw, type, symlink ? symlink : "", hardlink ? hardlink : "");
    if (!problem.empty()) throw unsafe_entry(path, raw, problem);

    MediaEntry info;
    if (hardlink != nullptr) {
      info.type = EntryType::hardlink;
      info.link = normalize_entry_path(hardlink);
    } else if (type == S_IFDIR) {
      info.type = EntryType::directory;
    } else if (type == S_IFLNK) {
      info.type = EntryType::symlink;
      info.link = symlink;
    } else {
      info.type = EntryType::file;
      Sha256 hash;
      for (;;) {
        const la_ssize_t got = archive_read_data(handle, buffer.data(), buffer.size());
        if (got < 0)
          throw tar_error("cannot read " + std::string(raw) + " in " + path.string(), handle);
        if (got == 0) break;
        hash.update(std::string_view(buffer.data(), static_cast<std::size_t>(got)));
        info.size += static_cast<std::uint64_t>(got);
      }
      info.sha256 = hash.hex_digest();
      contents.content_bytes += info.size;
    }
    paths.push_back(normalize_entry_path(raw));
    entries.emplace_back(paths.back(), std::move(info));
  }
  contents.file = reader.digest();
  contents.stripped_top_folder = strip_allowed ? seed_top_folder(paths) : "";
  for (auto& [name, info] : entries) {
    const std::string relative = strip(name, contents.stripped_top_folder);
    if (info.type == EntryType::hardlink)
      info.link = strip(info.link, contents.stripped_top_folder);
    if (!relative.empty()) contents.entries[relative] = std::move(info);
  }
  return contents;
}

void write_staging_tar(const std::filesystem::path& path, const MediaArchiveContents& contents,
                       const std::string& staging_dir, BytePipe& out) {
  ArchiveFileReader reader(path);
  struct archive* handle = reader.handle();
  ArchiveWriter writer(archive_write_new());
  archive_write_set_format_pax_restricted(writer.get());
  archive_write_set_bytes_in_last_block(writer.get(), 1);
  if (archive_write_open2(writer.get(), &out, nullptr, push_to_pipe, nullptr, nullptr) !=
      ARCHIVE_OK)
    throw tar_error("cannot start the staging stream", writer.get());

  // The staging folder itself first, so the engine creates it even for an empty archive.
  std::unique_ptr<archive_entry, decltype(&archive_entry_free)> root(archive_entry_new(),
                                                                     archive_entry_free);
  archive_entry_set_pathname(root.get(), staging_dir.c_str());
  archive_entry_set_filetype(root.get(), AE_IFDIR);
  archive_entry_set_perm(root.get(), 0755);
  if (archive_write_header(writer.get(), root.get()) < ARCHIVE_WARN)
    throw tar_error("cannot start the staging stream", writer.get());

  std::vector<char> buffer(kReadBuffer);
  archive_entry* entry = nullptr;
  for (;;) {
    const int status = archive_read_next_header(handle, &entry);
    if (status == ARCHIVE_EOF) break;
    if (status < ARCHIVE_WARN) throw tar_error("cannot read " + path.string(), handle);
    const std::string relative =
        strip(normalize_entry_path(name_of(entry)), contents.stripped_top_folder);
    if (relative.empty()) continue;
    archive_entry_set_pathname_utf8(entry, (staging_dir + "/" + relative).c_str());
    if (const char* hardlink = archive_entry_hardlink(entry)) {
      const std::string target =
          strip(normalize_entry_path(hardlink), contents.stripped_top_folder);
      archive_entry_set_hardlink_utf8(entry, (staging_dir + "/" + target).c_str());
    }
    if (archive_write_header(writer.get(), entry) < ARCHIVE_WARN)
      throw tar_error("cannot stage " + relative, writer.get());
    if (archive_entry_filetype(entry) != AE_IFREG || archive_entry_hardlink(entry) != nullptr)
      continue;
    for (;;) {
      const la_ssize_t got = archive_read_data(handle, buffer.data(), buffer.size());
      if (got < 0) throw tar_error("cannot read " + relative + " in " + path.string(), handle);
      if (got == 0) break;
      if (archive_write_data(writer.get(), buffer.data(), static_cast<std::size_t>(got)) < 0)
        throw tar_error("cannot stage " + relative, writer.get());
    }
  }
  if (archive_write_close(writer.get()) != ARCHIVE_OK)
    throw tar_error("cannot finish the staging stream", writer.get());
}

void verify_staged_tar(BytePipe& staged_tar, const MediaListing& expected) {
  ArchiveReader reader(archive_read_new());
  archive_read_support_format_tar(reader.get());
  if (archive_read_open(reader.get(), &staged_tar, nullptr, read_from_pipe, nullptr) != ARCHIVE_OK)
    throw tar_error("cannot read the staged media back", reader.get());
  auto mismatch = [](const std::string& what) {
    return job_failed(
        "MediaStagingMismatch",
        "the staged media differ from the archive: " + what + "; the volume was not changed",
        "check the volume's free space (`docker system df -v`) and retry");
  };
  // An archive need not list the folders its files are in (`tar czf m.tgz glyphs/a.svg`); the
  // engine creates them while extracting and lists them in the read-back.
  std::set<std::string> implicit_folders;
  for (const auto& [path, entry_info] : expected)
    for (auto slash = path.find('/'); slash != std::string::npos; slash = path.find('/', slash + 1))
      if (!expected.contains(path.substr(0, slash))) implicit_folders.insert(path.substr(0, slash));
  std::set<std::string> seen;
  std::vector<char> buffer(kReadBuffer);
  archive_entry* entry = nullptr;
  for (;;) {
    const int status = archive_read_next_header(reader.get(), &entry);
    if (status == ARCHIVE_EOF) break;
    if (status < ARCHIVE_WARN) throw tar_error("cannot read the staged media back", reader.get());
    // The engine names entries after the staged folder: strip it.
    const std::string name = normalize_entry_path(name_of(entry));
    const auto slash = name.find('/');
    if (slash == std::string::npos) continue;
    const std::string relative = name.substr(slash + 1);
    const auto found = expected.find(relative);
    if (found == expected.end() && archive_entry_filetype(entry) == AE_IFDIR &&
        implicit_folders.contains(relative))
      continue;
    if (found == expected.end()) throw mismatch("unexpected entry " + relative);
    seen.insert(relative);
    const bool staged_hardlink = archive_entry_hardlink(entry) != nullptr;
    const MediaEntry& want = found->second;
    // Which of several hard-linked names carries the content depends on the tar writer; the
    // content of each linked file is compared where it is sent.
    if (staged_hardlink || want.type == EntryType::hardlink) continue;
    const unsigned type = archive_entry_filetype(entry);
    const bool type_matches = (want.type == EntryType::file && type == AE_IFREG) ||
                              (want.type == EntryType::directory && type == AE_IFDIR) ||
                              (want.type == EntryType::symlink && type == AE_IFLNK);
    if (!type_matches) throw mismatch(relative + " has another file type");
    if (want.type == EntryType::symlink &&
        want.link != (archive_entry_symlink(entry) ? archive_entry_symlink(entry) : ""))
      throw mismatch(relative + " points elsewhere");
    if (want.type != EntryType::file) continue;
    Sha256 hash;
    std::uint64_t size = 0;
    for (;;) {
      const la_ssize_t got = archive_read_data(reader.get(), buffer.data(), buffer.size());
      if (got < 0) throw tar_error("cannot read the staged " + relative, reader.get());
      if (got == 0) break;
      hash.update(std::string_view(buffer.data(), static_cast<std::size_t>(got)));
      size += static_cast<std::uint64_t>(got);
    }
    if (size != want.size || hash.hex_digest() != want.sha256)
      throw mismatch(relative + " has other content (" + std::to_string(size) + " bytes, " +
                     std::to_string(want.size) + " expected)");
  }
  if (seen.size() != expected.size()) {
    for (const auto& [path, entry_info] : expected)
      if (!seen.count(path)) throw mismatch(path + " is missing");
  }
}

}  // namespace hivekeeper::archive
