#include "archive/file_reader.h"

#include <archive.h>
#include <fcntl.h>
#include <unistd.h>

#include <vector>

#include "archive/libarchive_handles.h"
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

// The file on disk, opened by the constructor, read in 1 MiB chunks and hashed on the way: the
// one reader behind digest_file, read_gzip_file and ArchiveFileReader.
class FileSource {
 public:
  explicit FileSource(std::filesystem::path path, ReadProgress on_read = {})
      : path_(std::move(path)), on_read_(std::move(on_read)) {
    fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) throw unreadable(path_, errno_text("open", errno));
  }
  ~FileSource() { ::close(fd_); }
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;

  // The next chunk, hashed and counted; empty at the end of the file.
  std::string_view next_chunk() {
    for (;;) {
      const ssize_t got = ::read(fd_, buffer_.data(), buffer_.size());
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) throw unreadable(path_, errno_text("read", errno));
      if (got == 0) at_end_ = true;
      const std::string_view chunk(buffer_.data(), static_cast<std::size_t>(got));
      hash_.update(chunk);
      bytes_ += chunk.size();
      if (on_read_) on_read_(chunk.size());
      return chunk;
    }
  }

  // libarchive may stop before the last byte (tar's end blocks, padding); the checksum covers
  // the whole file.
  FileDigest drain_and_digest() {
    while (!at_end_) next_chunk();
    return {bytes_, hash_.hex_digest()};
  }

  const std::filesystem::path& path() const { return path_; }

  // archive_read_open callback; CONTEXT is the FileSource.
  static la_ssize_t read(struct archive* handle, void* context, const void** data) {
    auto* source = static_cast<FileSource*>(context);
    try {
      const std::string_view chunk = source->next_chunk();
      *data = chunk.data();
      return static_cast<la_ssize_t>(chunk.size());
    } catch (const Error&) {
      archive_set_error(handle, EIO, "read failed");
      return -1;
    }
  }

 private:
  std::filesystem::path path_;
  ReadProgress on_read_;
  int fd_ = -1;
  std::vector<char> buffer_ = std::vector<char>(kFileChunk);
  Sha256 hash_;
  std::uint64_t bytes_ = 0;
  bool at_end_ = false;
};

namespace {

// A libarchive reader over SOURCE with the given setup; throws `unreadable` with libarchive's
// reason when the file does not open as that format.
ArchiveReader open_reader(FileSource& source, void (*setup)(struct archive*),
                          const std::string& what_it_is_not) {
  ArchiveReader reader(archive_read_new());
  setup(reader.get());
  if (archive_read_open(reader.get(), &source, nullptr, &FileSource::read, nullptr) != ARCHIVE_OK) {
    const char* text = archive_error_string(reader.get());
    throw unreadable(source.path(), what_it_is_not + " (" + (text ? text : "unknown") + ")");
  }
  return reader;
}

}  // namespace

ArchiveFileReader::ArchiveFileReader(const std::filesystem::path& path, const ReadProgress& on_read)
    : source_(std::make_unique<FileSource>(path, on_read)) {
  reader_ = open_reader(
      *source_,
      [](struct archive* handle) {
        archive_read_support_filter_gzip(handle);
        archive_read_support_format_tar(handle);
      },
      "not a tar archive");
}

ArchiveFileReader::~ArchiveFileReader() = default;

FileDigest ArchiveFileReader::digest() {
  return source_->drain_and_digest();
}

FileDigest digest_file(const std::filesystem::path& path) {
  return FileSource(path).drain_and_digest();
}

FileDigest read_gzip_file(const std::filesystem::path& path,
                          const std::function<void(std::string_view)>& sink,
                          const ReadProgress& on_read) {
  FileSource source(path, on_read);
  const ArchiveReader reader = open_reader(
      source,
      [](struct archive* handle) {
        archive_read_support_filter_gzip(handle);
        archive_read_support_format_raw(handle);
      },
      "not readable");
  struct archive_entry* entry = nullptr;
  if (archive_read_next_header(reader.get(), &entry) != ARCHIVE_OK) {
    const char* text = archive_error_string(reader.get());
    throw unreadable(path, text ? text : "empty");
  }
  if (archive_filter_code(reader.get(), 0) != ARCHIVE_FILTER_GZIP)
    throw unreadable(path, "not gzip-compressed");
  std::vector<char> buffer(kFileChunk);
  for (;;) {
    const la_ssize_t got = archive_read_data(reader.get(), buffer.data(), buffer.size());
    if (got < 0) {
      const char* text = archive_error_string(reader.get());
      throw unreadable(path, text ? text : "corrupt gzip data");
    }
    if (got == 0) break;
    sink(std::string_view(buffer.data(), static_cast<std::size_t>(got)));
  }
  return source.drain_and_digest();
}

}  // namespace hivekeeper::archive
