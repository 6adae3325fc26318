#include "archive/file_reader.h"

#include <archive.h>
#include <fcntl.h>
#include <unistd.h>

#include <vector>

#include "archive/sha256.h"
#include "common/error.h"

namespace hivekeeper::archive {
namespace {

constexpr std::size_t kFileChunk = 1 << 20;

Error unreadable(const std::filesystem::path& path, const std::string& what) {
  return job_failed("BackupFileUnreadable", "cannot read " + path.string() + ": " + what,
                    "the file is truncated or corrupt; pick another backup (`ls -l " +
                        path.parent_path().string() + "` lists them)");
}

}  // namespace

// The file on disk, read in 1 MiB chunks and hashed on the way to libarchive.
struct FileSource {
  std::filesystem::path path;
  int fd = -1;
  std::vector<char> buffer = std::vector<char>(kFileChunk);
  Sha256 hash;
  std::uint64_t bytes = 0;
  bool at_end = false;

  static la_ssize_t read(struct archive* handle, void* context, const void** data) {
    auto* source = static_cast<FileSource*>(context);
    for (;;) {
      const ssize_t got = ::read(source->fd, source->buffer.data(), source->buffer.size());
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) {
        archive_set_error(handle, errno, "read failed");
        return -1;
      }
      if (got == 0) source->at_end = true;
      source->hash.update(std::string_view(source->buffer.data(), static_cast<std::size_t>(got)));
      source->bytes += static_cast<std::uint64_t>(got);
      *data = source->buffer.data();
      return got;
    }
  }
  // libarchive may stop before the last byte (tar's end blocks, padding); the checksum covers
  // the whole file.
  void drain() {
    while (!at_end) {
      const ssize_t got = ::read(fd, buffer.data(), buffer.size());
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) throw unreadable(path, errno_text("read", errno));
      if (got == 0) break;
      hash.update(std::string_view(buffer.data(), static_cast<std::size_t>(got)));
      bytes += static_cast<std::uint64_t>(got);
    }
    at_end = true;
  }
};

ArchiveFileReader::ArchiveFileReader(const std::filesystem::path& path)
    : source_(std::make_unique<FileSource>()) {
  source_->path = path;
  source_->fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (source_->fd < 0) throw unreadable(path, errno_text("open", errno));
  handle_ = archive_read_new();
  archive_read_support_filter_gzip(handle_);
  archive_read_support_format_tar(handle_);
  if (archive_read_open(handle_, source_.get(), nullptr, &FileSource::read, nullptr) !=
      ARCHIVE_OK) {
    const std::string text = archive_error_string(handle_) ? archive_error_string(handle_) : "";
    archive_read_free(handle_);
    ::close(source_->fd);
    throw unreadable(path, "not a tar archive (" + text + ")");
  }
}

ArchiveFileReader::~ArchiveFileReader() {
  archive_read_free(handle_);
  ::close(source_->fd);
}

FileDigest ArchiveFileReader::digest() {
  source_->drain();
  return {source_->bytes, source_->hash.hex_digest()};
}

FileDigest digest_file(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw unreadable(path, errno_text("open", errno));
  std::vector<char> buffer(kFileChunk);
  Sha256 hash;
  FileDigest digest;
  for (;;) {
    const ssize_t got = ::read(fd, buffer.data(), buffer.size());
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      const int error = errno;
      ::close(fd);
      throw unreadable(path, errno_text("read", error));
    }
    if (got == 0) break;
    hash.update(std::string_view(buffer.data(), static_cast<std::size_t>(got)));
    digest.bytes += static_cast<std::uint64_t>(got);
  }
  ::close(fd);
  digest.sha256 = hash.hex_digest();
  return digest;
}

FileDigest read_gzip_file(const std::filesystem::path& path,
                          const std::function<void(std::string_view)>& sink) {
  auto source = std::make_unique<FileSource>();
  source->path = path;
  source->fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (source->fd < 0) throw unreadable(path, errno_text("open", errno));
  struct archive* handle = archive_read_new();
  const auto cleanup = [&] {
    archive_read_free(handle);
    ::close(source->fd);
  };
  archive_read_support_filter_gzip(handle);
  archive_read_support_format_raw(handle);
  struct archive_entry* entry = nullptr;
  if (archive_read_open(handle, source.get(), nullptr, &FileSource::read, nullptr) != ARCHIVE_OK ||
      archive_read_next_header(handle, &entry) != ARCHIVE_OK) {
    const std::string text = archive_error_string(handle) ? archive_error_string(handle) : "empty";
    cleanup();
    throw unreadable(path, text);
  }
  if (archive_filter_code(handle, 0) != ARCHIVE_FILTER_GZIP) {
    cleanup();
    throw unreadable(path, "not gzip-compressed");
  }
  std::vector<char> buffer(kFileChunk);
  try {
    for (;;) {
      const la_ssize_t got = archive_read_data(handle, buffer.data(), buffer.size());
      if (got < 0) {
        const char* text = archive_error_string(handle);
        throw unreadable(path, text ? text : "corrupt gzip data");
      }
      if (got == 0) break;
      sink(std::string_view(buffer.data(), static_cast<std::size_t>(got)));
    }
    source->drain();
  } catch (...) {
    cleanup();
    throw;
  }
  cleanup();
  return {source->bytes, source->hash.hex_digest()};
}

}  // namespace hivekeeper::archive
