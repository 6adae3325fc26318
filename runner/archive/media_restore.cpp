#include "archive/media_restore.h"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>

#include <charconv>
#include <cstdio>
#include <memory>
#include <vector>

#include "archive/libarchive_handles.h"
#include "archive/sha256.h"
#include "archive/tree_recorder.h"
#include "common/error.h"

namespace hivekeeper::archive {
namespace {

Error unsafe_entry(const std::filesystem::path& archive, const std::string& entry,
                   const std::string& problem) {
  return job_failed("MediaArchiveUnsafe",
                    "refusing to restore " + archive.filename().string() + ": entry \"" + entry +
                        "\" " + problem + "; nothing was changed",
                    "this archive was not made by Hivekeeper or the seed's scripts; inspect it "
                    "with `tar tzvf " +
                        archive.string() + "`");
}

Error unsafe_mode(const std::filesystem::path& archive, const std::string& entry,
                  const std::string& problem) {
  return job_failed("MediaArchiveUnsafe",
                    "refusing to restore " + archive.filename().string() + ": entry \"" + entry +
                        "\" " + problem +
                        "; such bits are refused, not stripped; nothing was changed",
                    "a media volume holds no programs to run as their owner: unpack the archive, "
                    "`chmod -R ug-s` the entries (`tar tzvf " +
                        archive.string() +
                        " | grep -E '^.{3}[sS]|^.{6}[sS]'` lists them) and pack "
                        "it again");
}

// The second read of the archive met something the first did not check.
Error archive_changed(const std::filesystem::path& archive, const std::string& what) {
  return job_failed("MediaArchiveChanged",
                    archive.filename().string() + " changed between its check and its staging (" +
                        what + "); the staging stream was abandoned and the volume was not changed",
                    "something wrote to the backup file during the restore; check what else "
                    "writes to the backup directory, then restore again");
}

std::string size_text(std::uint64_t bytes) {
  if (bytes < 1024 * 1024) return std::to_string(bytes) + " bytes";
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  return text;
}

// What the archive holds at ENTRY, as the listing records it; a hard link's target is normalized
// but not stripped.
MediaEntry header_of(archive_entry* entry) {
  MediaEntry info;
  if (const char* hardlink = archive_entry_hardlink(entry)) {
    info.type = EntryType::hardlink;
    info.link = normalize_entry_path(hardlink);
  } else if (archive_entry_filetype(entry) == AE_IFDIR) {
    info.type = EntryType::directory;
  } else if (archive_entry_filetype(entry) == AE_IFLNK) {
    info.type = EntryType::symlink;
    const char* symlink = archive_entry_symlink(entry);
    info.link = symlink != nullptr ? symlink : "";
  }
  return info;
}

// Every check an entry gets on its own; "" when none refuses it.
std::string own_problem(archive_entry* entry, const char* raw) {
  const char* symlink = archive_entry_symlink(entry);
  const char* hardlink = archive_entry_hardlink(entry);
  const unsigned type = archive_entry_filetype(entry);
  std::string problem = entry_problem(raw, type, symlink ? symlink : "", hardlink ? hardlink : "");
  if (problem.empty()) problem = mode_problem(type, archive_entry_perm(entry));
  return problem;
}

Error unreadable_archive_error(const std::string& action, struct archive* handle) {
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
  if (path.starts_with(top_folder + "/")) return path.substr(top_folder.size() + 1);
  return path;  // only a hard link target can be elsewhere, and tree_problem refuses it first
}

}  // namespace

MediaArchiveContents inspect_media_archive(const std::filesystem::path& path, bool strip_allowed,
                                           const ReadProgress& on_read) {
  ArchiveFileReader reader(path, on_read);
  struct archive* handle = reader.handle();
  MediaArchiveContents contents;
  archive_entry* entry = nullptr;
  for (;;) {
    const int status = archive_read_next_header(handle, &entry);
    if (status == ARCHIVE_EOF) break;
    if (status < ARCHIVE_WARN)
      throw unreadable_archive_error("cannot read " + path.string(), handle);
    const char* raw = name_of(entry);
    if (raw == nullptr)
      throw unreadable_archive_error("an entry of " + path.string() + " has no name", handle);
    const char* symlink = archive_entry_symlink(entry);
    const char* hardlink = archive_entry_hardlink(entry);
    const unsigned type = archive_entry_filetype(entry);
    const std::string problem =
        entry_problem(raw, type, symlink ? symlink : "", hardlink ? hardlink : "");
    if (!problem.empty()) throw unsafe_entry(path, raw, problem);
    const std::string mode = mode_problem(type, archive_entry_perm(entry));
    if (!mode.empty()) throw unsafe_mode(path, raw, mode);
    const MediaEntry info = header_of(entry);
    // Judged as the archive holds it (what any other tool would extract) ...
    if (const auto unsafe = contents.tree.add(normalize_entry_path(raw), info))
      throw unsafe_entry(path, unsafe->path.empty() ? "./" : unsafe->path, unsafe->problem);
    if (info.type == EntryType::file) {
      // Read through, not kept: the whole file's digest covers the content.
      if (archive_read_data_skip(handle) != ARCHIVE_OK)
        throw unreadable_archive_error("cannot read " + std::string(raw) + " in " + path.string(),
                                       handle);
      contents.content_bytes += static_cast<std::uint64_t>(archive_entry_size(entry));
    }
  }
  contents.file = reader.digest();
  if (const auto unsafe = contents.tree.finish(""))
    throw unsafe_entry(path, unsafe->path.empty() ? "./" : unsafe->path, unsafe->problem);
  // ... and as it will land: media/x -> ../etc stays inside media/, but not once media/ is gone.
  contents.stripped_top_folder =
      strip_allowed && contents.tree.under_seed_top_folder() ? "media" : "";
  const std::string& top = contents.stripped_top_folder;
  if (!top.empty())
    if (const auto unsafe = contents.tree.finish(top))
      throw unsafe_entry(path, unsafe->path.empty() ? top : unsafe->path,
                         unsafe->problem + " once the top folder " + top + "/ is stripped");
  return contents;
}

namespace {

// Whether the second read's entry at HELD (normalized, as the archive holds it; its print
// PRINT) is one the check saw there: a path of the same kind, a symlink with the same target, a
// hard link to a file (its target's print LINKED).
bool is_checked(const MediaArchiveContents& contents, const std::string& held,
                const PathPrint& print, const MediaEntry& now, const PathPrint& linked) {
  const PathKind kind = contents.tree.kind_of(print);
  switch (now.type) {
    case EntryType::directory:
      return kind == PathKind::folder;
    case EntryType::file:
      return kind == PathKind::file || kind == PathKind::linked_file;
    case EntryType::symlink: {
      const std::string* target = contents.tree.symlink_target(held);
      return kind == PathKind::symlink && target != nullptr && *target == now.link;
    }
    case EntryType::hardlink: {
      const PathKind target = contents.tree.kind_of(linked);
      return kind == PathKind::hardlink &&
             (target == PathKind::linked_file || target == PathKind::hardlink);
    }
  }
  return false;
}

// Copies the current entry's content from READER to WRITER; returns its size and SHA-256.
FileDigest copy_content(struct archive* reader, struct archive* writer, std::vector<char>& buffer,
                        const std::filesystem::path& path, const std::string& relative) {
  Sha256 hash;
  FileDigest copied;
  for (;;) {
    const la_ssize_t got = archive_read_data(reader, buffer.data(), buffer.size());
    if (got < 0)
      throw unreadable_archive_error("cannot read " + relative + " in " + path.string(), reader);
    if (got == 0) break;
    hash.update(std::string_view(buffer.data(), static_cast<std::size_t>(got)));
    copied.bytes += static_cast<std::uint64_t>(got);
    if (archive_write_data(writer, buffer.data(), static_cast<std::size_t>(got)) < 0)
      throw unreadable_archive_error("cannot stage " + relative, writer);
  }
  copied.sha256 = hash.hex_digest();
  return copied;
}

// Starts the staging stream into OUT with the staging folder itself, so the engine creates it
// even for an empty archive.
ArchiveWriter start_staging_stream(BytePipe& out, const std::string& staging_dir) {
  ArchiveWriter writer(archive_write_new());
  archive_write_set_format_pax_restricted(writer.get());
  archive_write_set_bytes_in_last_block(writer.get(), 1);
  if (archive_write_open2(writer.get(), &out, nullptr, push_to_pipe, nullptr, nullptr) !=
      ARCHIVE_OK)
    throw unreadable_archive_error("cannot start the staging stream", writer.get());
  std::unique_ptr<archive_entry, decltype(&archive_entry_free)> root(archive_entry_new(),
                                                                     archive_entry_free);
  archive_entry_set_pathname(root.get(), staging_dir.c_str());
  archive_entry_set_filetype(root.get(), AE_IFDIR);
  archive_entry_set_perm(root.get(), 0755);
  if (archive_write_header(writer.get(), root.get()) < ARCHIVE_WARN)
    throw unreadable_archive_error("cannot start the staging stream", writer.get());
  return writer;
}

}  // namespace

TreeDigest write_staging_tar(const std::filesystem::path& path,
                             const MediaArchiveContents& contents, const std::string& staging_dir,
                             BytePipe& out, const ReadProgress& on_read) {
  // The file is read again rather than its checked bytes kept (that would take a copy the size
  // of the archive): every header must be a checked one before it is passed on, so no unchecked
  // path, link or type reaches the engine; content can only differ inside the staging folder,
  // and is caught by the whole file's digest before the stream is finished.
  ArchiveFileReader reader(path, on_read);
  struct archive* handle = reader.handle();
  ArchiveWriter writer = start_staging_stream(out, staging_dir);
  const std::string& top = contents.stripped_top_folder;
  TreeRecorder staged(contents.tree, top);
  KeyedHasher hasher(contents.tree.key());
  std::vector<char> buffer(kTarReadBuffer);
  std::uint64_t index = 0;
  archive_entry* entry = nullptr;
  for (;;) {
    const int status = archive_read_next_header(handle, &entry);
    if (status == ARCHIVE_EOF) break;
    if (status < ARCHIVE_WARN)
      throw unreadable_archive_error("cannot read " + path.string(), handle);
    const char* name = name_of(entry);
    if (name == nullptr)
      throw unreadable_archive_error("an entry of " + path.string() + " has no name", handle);
    const std::string raw = name;  // a copy: the entry is renamed below
    if (++index > contents.tree.entries())
      throw archive_changed(path, "it has more than the " +
                                      std::to_string(contents.tree.entries()) + " entries checked");
    if (const std::string problem = own_problem(entry, raw.c_str()); !problem.empty())
      throw archive_changed(path, "entry \"" + raw + "\" now " + problem);
    const std::string held = normalize_entry_path(raw);
    const MediaEntry now = header_of(entry);
    const std::string relative = strip(held, top);
    if (relative.empty()) {
      if (now.type != EntryType::directory)
        throw archive_changed(path, "its root entry is no longer a folder");
      continue;
    }
    const PathPrint print = hasher.print(held);
    const PathPrint linked = now.type == EntryType::hardlink ? hasher.print(now.link) : PathPrint{};
    if (!is_checked(contents, held, print, now, linked))
      throw archive_changed(path, "entry \"" + raw + "\" is not the one checked");

    archive_entry_set_pathname_utf8(entry, (staging_dir + "/" + relative).c_str());
    if (now.type == EntryType::hardlink) {
      archive_entry_set_hardlink_utf8(entry, (staging_dir + "/" + strip(now.link, top)).c_str());
      if (!staged.hardlink(print, linked))
        throw archive_changed(path, "hard link \"" + raw + "\" now comes before its file");
    }
    if (archive_write_header(writer.get(), entry) < ARCHIVE_WARN)
      throw unreadable_archive_error("cannot stage " + relative, writer.get());
    if (now.type == EntryType::symlink) staged.symlink(print, now.link);
    if (now.type != EntryType::file) continue;
    staged.file(print, contents.tree.kind_of(print),
                copy_content(handle, writer.get(), buffer, path, relative));
  }
  if (index != contents.tree.entries())
    throw archive_changed(path, "it ends after " + std::to_string(index) + " of " +
                                    std::to_string(contents.tree.entries()) + " entries");
  // Trailing bytes after the last entry, too: the file must be the one checked, byte for byte.
  const FileDigest now = reader.digest();
  if (now.sha256 != contents.file.sha256 || now.bytes != contents.file.bytes)
    throw archive_changed(
        path, "its SHA-256 is now " + now.sha256 + ", " + contents.file.sha256 + " when checked");
  if (archive_write_close(writer.get()) != ARCHIVE_OK)
    throw unreadable_archive_error("cannot finish the staging stream", writer.get());
  staged.folders_of(contents.tree);
  return staged.digest();
}

void require_free_space(std::uint64_t available, const MediaArchiveContents& contents,
                        const std::string& where) {
  if (available >= contents.content_bytes) return;
  throw job_failed("MediaNoSpace",
                   "not enough free space to restore the media: " + where + " has " +
                       size_text(available) + " free, the archive's files hold " +
                       size_text(contents.content_bytes) +
                       "; nothing was staged and the media were not changed",
                   "the new media are staged beside the current ones until the swap: free space "
                   "there (or enlarge it), or restore another backup");
}

std::optional<std::uint64_t> available_bytes_from_df(std::string_view output) {
  // The last line describes the file system: name (which may hold spaces), 1024-blocks, used,
  // available, capacity ("42%"), mount point (ours has no spaces). Read from the end.
  while (!output.empty() && (output.back() == '\n' || output.back() == ' '))
    output.remove_suffix(1);
  const auto newline = output.rfind('\n');
  if (newline == std::string_view::npos) return std::nullopt;  // a header and nothing else
  const std::string_view line = output.substr(newline + 1);
  std::vector<std::string_view> fields;
  for (std::size_t at = 0; at < line.size();) {
    const auto start = line.find_first_not_of(" \t", at);
    if (start == std::string_view::npos) break;
    const auto stop = line.find_first_of(" \t", start);
    fields.push_back(line.substr(start, stop == std::string_view::npos ? stop : stop - start));
    at = stop == std::string_view::npos ? line.size() : stop;
  }
  if (fields.size() < 6 || !fields[fields.size() - 2].ends_with('%')) return std::nullopt;
  const std::string_view available = fields[fields.size() - 3];
  std::uint64_t kibibytes = 0;
  const auto [end, error] =
      std::from_chars(available.data(), available.data() + available.size(), kibibytes);
  if (error != std::errc() || end != available.data() + available.size()) return std::nullopt;
  return kibibytes * 1024;
}

void verify_staged_tar(BytePipe& staged_tar, const MediaArchiveContents& contents,
                       const TreeDigest& staged) {
  ArchiveReader reader(archive_read_new());
  archive_read_support_format_tar(reader.get());
  if (archive_read_open(reader.get(), &staged_tar, nullptr, read_from_pipe, nullptr) != ARCHIVE_OK)
    throw unreadable_archive_error("cannot read the staged media back", reader.get());
  auto mismatch = [](const std::string& what) {
    return job_failed(
        "MediaStagingMismatch",
        "the staged media differ from the archive: " + what + "; the volume was not changed",
        "check the volume's free space (`docker system df -v`) and retry");
  };
  TreeRecorder found(contents.tree, contents.stripped_top_folder);
  std::vector<char> buffer(kTarReadBuffer);
  archive_entry* entry = nullptr;
  for (;;) {
    const int status = archive_read_next_header(reader.get(), &entry);
    if (status == ARCHIVE_EOF) break;
    if (status < ARCHIVE_WARN)
      throw unreadable_archive_error("cannot read the staged media back", reader.get());
    // The engine names entries after the staged folder: strip it.
    const std::string name = normalize_entry_path(name_of(entry));
    const auto slash = name.find('/');
    if (slash == std::string::npos) continue;
    const std::string relative = name.substr(slash + 1);
    const PathPrint print = found.print_of(relative);
    const PathKind kind = contents.tree.kind_of(print);
    if (kind == PathKind::absent) throw mismatch("unexpected entry " + relative);
    const bool linked = kind == PathKind::linked_file || kind == PathKind::hardlink;
    const unsigned type = archive_entry_filetype(entry);
    if (const char* hardlink = archive_entry_hardlink(entry)) {
      const std::string target = normalize_entry_path(hardlink);
      const auto target_slash = target.find('/');
      if (!linked || target_slash == std::string::npos ||
          !found.hardlink(print, found.print_of(target.substr(target_slash + 1))))
        throw mismatch(relative + " is a hard link the archive does not hold");
    } else if (type == AE_IFDIR && is_folder(kind)) {
      found.folder(print);
    } else if (type == AE_IFLNK && kind == PathKind::symlink) {
      const char* target = archive_entry_symlink(entry);
      const std::string* checked = contents.tree.symlink_target(found.held(relative));
      if (target == nullptr || checked == nullptr || *checked != target)
        throw mismatch(relative + " points elsewhere");
      found.symlink(print, target);
    } else if (type == AE_IFREG && (kind == PathKind::file || linked)) {
      Sha256 hash;
      FileDigest content;
      for (;;) {
        const la_ssize_t got = archive_read_data(reader.get(), buffer.data(), buffer.size());
        if (got < 0)
          throw unreadable_archive_error("cannot read the staged " + relative, reader.get());
        if (got == 0) break;
        hash.update(std::string_view(buffer.data(), static_cast<std::size_t>(got)));
        content.bytes += static_cast<std::uint64_t>(got);
      }
      content.sha256 = hash.hex_digest();
      found.file(print, kind, content);
    } else {
      throw mismatch(relative + " has another file type");
    }
  }
  const TreeDigest& read_back = found.digest();
  if (read_back.entries() != staged.entries())
    throw mismatch(std::to_string(read_back.entries()) + " entries were staged, " +
                   std::to_string(staged.entries()) + " sent: some are missing");
  if (!(read_back == staged))
    throw mismatch("the content, size or target of some entries is not what was sent");
}

}  // namespace hivekeeper::archive
