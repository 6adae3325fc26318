#include "archive/media_archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <libdeflate.h>

#include <memory>
#include <vector>

#include "archive/libarchive_handles.h"
#include "common/error.h"

namespace hivekeeper::archive {
namespace {

// Below this a file's content is too short for a trial to say anything and too small to matter.
constexpr std::size_t kTrialMinimum = 16 * 1024;

la_ssize_t push_to_writer(struct archive*, void* context, const void* buffer, size_t length) {
  static_cast<ArtifactWriter*>(context)->write(
      std::string_view(static_cast<const char*>(buffer), length));
  return static_cast<la_ssize_t>(length);
}

Error archive_making_error(const std::string& action, struct archive* handle) {
  const char* text = archive_error_string(handle);
  return job_failed("MediaArchiveFailed",
                    action + ": " + (text ? text : "unknown libarchive error"));
}

}  // namespace

std::optional<std::string> strip_top_folder(std::string_view path) {
  while (path.starts_with("./")) path.remove_prefix(2);
  const auto slash = path.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::string_view rest = path.substr(slash + 1);
  if (rest.empty() || rest == "." || rest == "./") return std::nullopt;
  return std::string(rest);
}

int level_for_content(std::string_view first_bytes, int default_level) {
  if (first_bytes.size() < kTrialMinimum) return default_level;
  libdeflate_compressor* trial = libdeflate_alloc_compressor(1);
  std::vector<char> output(libdeflate_deflate_compress_bound(trial, first_bytes.size()));
  const std::size_t compressed = libdeflate_deflate_compress(
      trial, first_bytes.data(), first_bytes.size(), output.data(), output.size());
  libdeflate_free_compressor(trial);
  return compressed > first_bytes.size() * 95 / 100 ? 0 : default_level;
}

MediaArchiveStats rewrite_volume_tar(BytePipe& docker_tar, ArtifactWriter& out, int level) {
  ArchiveReader reader(archive_read_new());
  archive_read_support_format_tar(reader.get());
  if (archive_read_open(reader.get(), &docker_tar, nullptr, read_from_pipe, nullptr) != ARCHIVE_OK)
    throw archive_making_error("cannot read the volume's tar stream from the Docker engine",
                               reader.get());

  ArchiveWriter writer(archive_write_new());
  // pax_restricted writes plain ustar headers and adds pax records only where ustar cannot say
  // it (long or non-ASCII names, large files), so any tar reads the result.
  archive_write_set_format_pax_restricted(writer.get());
  if (archive_write_open2(writer.get(), &out, nullptr, push_to_writer, nullptr, nullptr) !=
      ARCHIVE_OK)
    throw archive_making_error("cannot start the media archive", writer.get());

  MediaArchiveStats stats;
  std::vector<char> buffer(kTarReadBuffer);
  archive_entry* entry = nullptr;
  for (;;) {
    const int status = archive_read_next_header(reader.get(), &entry);
    if (status == ARCHIVE_EOF) break;
    if (status < ARCHIVE_WARN)
      throw archive_making_error("cannot read the volume's tar stream", reader.get());

    // The UTF-8 view is null when the locale cannot convert the name; the raw bytes still name
    // the file, and a backup must never drop an entry silently.
    const char* utf8_name = archive_entry_pathname_utf8(entry);
    const char* name = utf8_name != nullptr ? utf8_name : archive_entry_pathname(entry);
    if (name == nullptr)
      throw archive_making_error("an entry of the volume has no readable name", reader.get());
    const auto relative = strip_top_folder(name);
    if (!relative) continue;  // the volume root itself
    if (utf8_name != nullptr)
      archive_entry_set_pathname_utf8(entry, relative->c_str());
    else
      archive_entry_copy_pathname(entry, relative->c_str());
    if (const char* link = archive_entry_hardlink_utf8(entry)) {
      if (const auto link_relative = strip_top_folder(link))
        archive_entry_set_hardlink_utf8(entry, link_relative->c_str());
    } else if (const char* raw_link = archive_entry_hardlink(entry)) {
      if (const auto link_relative = strip_top_folder(raw_link))
        archive_entry_copy_hardlink(entry, link_relative->c_str());
    }

    const bool regular =
        archive_entry_filetype(entry) == AE_IFREG && archive_entry_hardlink(entry) == nullptr;
    std::optional<la_ssize_t> first;  // read ahead for the level trial
    if (regular && archive_entry_size(entry) > 0 && out.takes_level_hints()) {
      first = archive_read_data(reader.get(), buffer.data(), buffer.size());
      if (*first < 0)
        throw archive_making_error(std::string("cannot read ") + *relative, reader.get());
      const int chosen = level_for_content(
          std::string_view(buffer.data(), static_cast<std::size_t>(*first)), level);
      out.set_level(chosen);
      if (chosen == 0) stats.stored_bytes += static_cast<std::uint64_t>(archive_entry_size(entry));
    }
    if (archive_write_header(writer.get(), entry) < ARCHIVE_WARN)
      throw archive_making_error("cannot add " + *relative + " to the media archive", writer.get());
    ++stats.entries;
    if (regular) {
      ++stats.files;
      la_ssize_t got =
          first ? *first : archive_read_data(reader.get(), buffer.data(), buffer.size());
      while (got > 0) {
        if (archive_write_data(writer.get(), buffer.data(), static_cast<std::size_t>(got)) < 0)
          throw archive_making_error("cannot add " + *relative + " to the media archive",
                                     writer.get());
        stats.content_bytes += static_cast<std::uint64_t>(got);
        got = archive_read_data(reader.get(), buffer.data(), buffer.size());
      }
      if (got < 0) throw archive_making_error("cannot read " + *relative, reader.get());
      out.set_level(level);
    }
  }
  if (archive_write_close(writer.get()) != ARCHIVE_OK)
    throw archive_making_error("cannot finish the media archive", writer.get());
  return stats;
}

}  // namespace hivekeeper::archive
