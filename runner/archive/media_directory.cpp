#include "archive/media_directory.h"

#include <archive.h>
#include <archive_entry.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <memory>
#include <system_error>
#include <vector>

#include <spdlog/spdlog.h>

#include "archive/libarchive_handles.h"
#include "common/error.h"

namespace hivekeeper::archive {
namespace {

namespace fs = std::filesystem;

struct EntryDeleter {
  void operator()(archive_entry* entry) const { archive_entry_free(entry); }
};
struct LinkResolverDeleter {
  void operator()(archive_entry_linkresolver* resolver) const {
    archive_entry_linkresolver_free(resolver);
  }
};

Error directory_error(const std::string& action, struct archive* handle) {
  const char* text = archive_error_string(handle);
  return job_failed("MediaDirectoryFailed",
                    action + ": " + (text ? text : "unknown libarchive error"),
                    "check the media directory's mount and permissions (spec.media.path)");
}

Error swap_error(const std::string& what, const std::error_code& error) {
  return job_failed("MediaSwapFailed", what + ": " + error.message(),
                    "check the media directory's mount and free space (spec.media.path)");
}

std::vector<std::string> top_level_names(const fs::path& directory) {
  std::vector<std::string> names;
  std::error_code error;
  for (fs::directory_iterator it(directory, error), end; !error && it != end; it.increment(error)) {
    std::string name = it->path().filename().string();
    if (!is_runner_entry(name)) names.push_back(std::move(name));
  }
  if (error) throw swap_error("cannot list " + directory.string(), error);
  return names;
}

// Moves NAMES from FROM to TO, stopping at the first failure; returns the names moved.
std::vector<std::string> move_entries(const std::vector<std::string>& names, const fs::path& from,
                                      const fs::path& to, std::error_code& error) {
  std::vector<std::string> moved;
  for (const auto& name : names) {
    fs::rename(from / name, to / name, error);
    if (error) break;
    moved.push_back(name);
  }
  return moved;
}

void move_back(const std::vector<std::string>& names, const fs::path& from, const fs::path& to) {
  for (const auto& name : names) {
    std::error_code error;
    fs::rename(from / name, to / name, error);
    if (error)
      spdlog::error("could not move {} back to {}: {}", (from / name).string(), to.string(),
                    error.message());
  }
}

}  // namespace

void require_media_directory(const fs::path& directory) {
  std::error_code error;
  if (!fs::is_directory(directory, error))
    throw job_failed("MediaDirectoryMissing",
                     "the media directory " + directory.string() + " does not exist",
                     "check spec.media.path and the volume mount of the media claim");
}

std::string incoming_folder(const std::string& staging) {
  return staging + ".incoming";
}

bool is_runner_entry(const std::string& name) {
  return name.starts_with(kStagingPrefix) || name.starts_with(kOldContentPrefix);
}

void write_directory_tar(const fs::path& directory, const std::string& top, BytePipe& out,
                         const std::function<void(std::size_t)>& on_content) {
  ArchiveReader disk(archive_read_disk_new());
  // Links are archived as links; extended attributes, ACLs and file flags stay out, as in the
  // engine's tar of a volume.
  archive_read_disk_set_symlink_physical(disk.get());
  archive_read_disk_set_standard_lookup(disk.get());
  archive_read_disk_set_behavior(
      disk.get(), ARCHIVE_READDISK_NO_XATTR | ARCHIVE_READDISK_NO_ACL | ARCHIVE_READDISK_NO_FFLAGS);
  std::string root = directory.lexically_normal().string();
  while (root.size() > 1 && root.ends_with('/')) root.pop_back();
  const std::string base = root == "/" ? root : root + "/";
  if (archive_read_disk_open(disk.get(), root.c_str()) != ARCHIVE_OK)
    throw directory_error("cannot open the media directory " + root, disk.get());

  ArchiveWriter writer(archive_write_new());
  archive_write_set_format_pax_restricted(writer.get());
  if (archive_write_open2(writer.get(), &out, nullptr, push_to_pipe, nullptr, nullptr) !=
      ARCHIVE_OK)
    throw directory_error("cannot start the media tar stream", writer.get());
  std::unique_ptr<archive_entry_linkresolver, LinkResolverDeleter> links(
      archive_entry_linkresolver_new());
  archive_entry_linkresolver_set_strategy(links.get(), archive_format(writer.get()));

  std::unique_ptr<archive_entry, EntryDeleter> owned(archive_entry_new());
  std::vector<char> buffer(kTarReadBuffer);
  for (;;) {
    archive_entry* entry = owned.get();
    archive_entry_clear(entry);
    const int status = archive_read_next_header2(disk.get(), entry);
    if (status == ARCHIVE_EOF) break;
    if (status < ARCHIVE_WARN) throw directory_error("cannot read " + root, disk.get());
    const std::string path = archive_entry_pathname(entry);
    const std::string relative = path == root ? "" : path.substr(base.size());
    if (!relative.empty() && relative.find('/') == std::string::npos && is_runner_entry(relative))
      continue;  // not descended into either
    archive_read_disk_descend(disk.get());
    archive_entry_copy_pathname(entry, (relative.empty() ? top : top + "/" + relative).c_str());
    archive_entry* sparse = nullptr;
    archive_entry_linkify(links.get(), &entry, &sparse);  // tar's strategy edits ENTRY in place
    if (archive_write_header(writer.get(), entry) < ARCHIVE_WARN)
      throw directory_error("cannot add " + path + " to the media tar stream", writer.get());
    if (archive_entry_filetype(entry) != AE_IFREG || archive_entry_size(entry) == 0) continue;
    for (;;) {
      const la_ssize_t got = archive_read_data(disk.get(), buffer.data(), buffer.size());
      if (got < 0) throw directory_error("cannot read " + path, disk.get());
      if (got == 0) break;
      if (on_content) on_content(static_cast<std::size_t>(got));
      if (archive_write_data(writer.get(), buffer.data(), static_cast<std::size_t>(got)) < 0)
        throw directory_error("cannot add " + path + " to the media tar stream", writer.get());
    }
  }
  if (archive_write_close(writer.get()) != ARCHIVE_OK)
    throw directory_error("cannot finish the media tar stream", writer.get());
}

std::optional<std::uint64_t> directory_content_bytes(const fs::path& root) {
  std::error_code error;
  fs::recursive_directory_iterator walk(root, fs::directory_options::skip_permission_denied, error);
  if (error) return std::nullopt;
  std::uint64_t bytes = 0;
  for (; walk != fs::recursive_directory_iterator(); walk.increment(error)) {
    if (error) return std::nullopt;
    const auto status = walk->symlink_status(error);
    if (!error && fs::is_regular_file(status)) bytes += walk->file_size(error);
  }
  return bytes;
}

std::optional<std::uint64_t> content_bytes_from_du(std::string_view output) {
  const bool kibibytes = output.starts_with('k');
  if (kibibytes) output.remove_prefix(1);
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(output.data(), output.data() + output.size(), value);
  if (error != std::errc() || end == output.data() || end == output.data() + output.size() ||
      (*end != '\t' && *end != ' '))
    return std::nullopt;
  return kibibytes ? value * 1024 : value;
}

void stage_into_directory(const fs::path& archive_file, const MediaArchiveContents& contents,
                          const fs::path& root, const std::string& staging,
                          const ReadProgress& on_read) {
  // Before the staging folder exists: an archive that cannot fit leaves nothing behind.
  struct statvfs space{};
  if (::statvfs(root.c_str(), &space) == 0) {
    require_free_space(static_cast<std::uint64_t>(space.f_bavail) * space.f_frsize, contents,
                       "the media directory " + root.string());
  } else {
    const std::error_code error(errno, std::generic_category());
    spdlog::warn("cannot read the free space of {}: {}; staging the media without that check",
                 root.string(), error.message());
  }
  TreeDigest staged;
  pump(
      [&](BytePipe& out) {
        staged = write_staging_tar(archive_file, contents, staging, out, on_read);
      },
      [&](BytePipe& staged_tar) {
        ArchiveReader reader(archive_read_new());
        archive_read_support_format_tar(reader.get());
        if (archive_read_open(reader.get(), &staged_tar, nullptr, read_from_pipe, nullptr) !=
            ARCHIVE_OK)
          throw directory_error("cannot read the staging stream", reader.get());
        ArchiveWriter disk(archive_write_disk_new());
        int flags = ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_SECURE_SYMLINKS |
                    ARCHIVE_EXTRACT_SECURE_NODOTDOT;
        if (::geteuid() == 0) flags |= ARCHIVE_EXTRACT_OWNER;
        archive_write_disk_set_options(disk.get(), flags);
        archive_write_disk_set_standard_lookup(disk.get());
        // Canonical: the symlink check must not trip over a link in the mount's own path.
        const std::string base = fs::canonical(root).string() + "/";
        std::vector<char> buffer(kTarReadBuffer);
        archive_entry* entry = nullptr;
        for (;;) {
          const int status = archive_read_next_header(reader.get(), &entry);
          if (status == ARCHIVE_EOF) break;
          if (status < ARCHIVE_WARN)
            throw directory_error("cannot read the staging stream", reader.get());
          // The staging stream names entries STAGING/...; they land under ROOT.
          archive_entry_copy_pathname(entry, (base + archive_entry_pathname(entry)).c_str());
          if (const char* hardlink = archive_entry_hardlink(entry))
            archive_entry_copy_hardlink(entry, (base + hardlink).c_str());
          if (archive_write_header(disk.get(), entry) < ARCHIVE_WARN)
            throw directory_error("cannot stage " + std::string(archive_entry_pathname(entry)),
                                  disk.get());
          for (;;) {
            const la_ssize_t got = archive_read_data(reader.get(), buffer.data(), buffer.size());
            if (got < 0) throw directory_error("cannot read the staging stream", reader.get());
            if (got == 0) break;
            if (archive_write_data(disk.get(), buffer.data(), static_cast<std::size_t>(got)) < 0)
              throw directory_error("cannot stage " + std::string(archive_entry_pathname(entry)),
                                    disk.get());
          }
          if (archive_write_finish_entry(disk.get()) < ARCHIVE_WARN)
            throw directory_error("cannot stage " + std::string(archive_entry_pathname(entry)),
                                  disk.get());
        }
        // Folders' modes and times are set here, after their content.
        if (archive_write_close(disk.get()) != ARCHIVE_OK)
          throw directory_error("cannot finish staging the media", disk.get());
      });
  pump([&](BytePipe& out) { write_directory_tar(root / staging, staging, out); },
       [&](BytePipe& read_back) { verify_staged_tar(read_back, contents, staged); });
}

void swap_directory_content(const fs::path& root, const std::string& staging,
                            const std::string& old) {
  const fs::path staged = root / staging;
  const fs::path aside = root / old;
  std::error_code error;
  const fs::path arriving = root / incoming_folder(staging);
  const auto current = top_level_names(root);
  fs::create_directory(aside, error);
  if (error) throw swap_error("cannot create " + aside.string(), error);
  const auto moved_aside = move_entries(current, root, aside, error);
  if (error) {
    move_back(moved_aside, aside, root);
    fs::remove(aside, error);
    throw swap_error("cannot move the old media aside into " + aside.string(), error);
  }
  fs::rename(staged, arriving, error);
  if (error) {
    const std::error_code cause = error;
    move_back(moved_aside, aside, root);
    fs::remove(aside, error);
    throw swap_error("cannot rename " + staged.string(), cause);
  }
  const auto incoming = top_level_names(arriving);
  const auto moved_in = move_entries(incoming, arriving, root, error);
  if (error) {
    const std::error_code cause = error;
    move_back(moved_in, root, arriving);
    move_back(moved_aside, aside, root);
    fs::remove(aside, error);
    throw swap_error("cannot move the restored media into " + root.string(), cause);
  }
  // The content is in place; what is left is only the runner's own folders, this run's and any an
  // interrupted earlier run left behind.
  std::vector<fs::path> leftovers;
  for (fs::directory_iterator it(root, error), end; !error && it != end; it.increment(error))
    if (is_runner_entry(it->path().filename().string())) leftovers.push_back(it->path());
  for (const auto& leftover : leftovers) {
    fs::remove_all(leftover, error);
    if (error)
      spdlog::warn("could not remove {}: {}; delete it by hand", leftover.string(),
                   error.message());
  }
}

}  // namespace hivekeeper::archive
