#include "archive/file_reader.h"

#include <archive.h>
#include <fcntl.h>
#include <libdeflate.h>
#include <unistd.h>

#include <memory>
#include <optional>
#include <vector>

#include "archive/compression.h"
#include "archive/libarchive_handles.h"
#include "archive/sha256.h"
#include "archive/zstd_decoder.h"
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
// one reader behind digest_file, read_compressed_file and ArchiveFileReader.
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

// libarchive's read callback over a file whose first bytes were already read: first PENDING,
// then the rest of the file.
struct ResumedSource {
  std::string_view pending;
  FileSource& source;
  bool sent_pending = false;

  static la_ssize_t read(struct archive* handle, void* context, const void** data) {
    auto* self = static_cast<ResumedSource*>(context);
    if (!self->sent_pending && !self->pending.empty()) {
      self->sent_pending = true;
      *data = self->pending.data();
      return static_cast<la_ssize_t>(self->pending.size());
    }
    return FileSource::read(handle, &self->source, data);
  }
};

// A zstd file's content, a chunk at a time: FIRST (the file's first chunk, already read), then
// the rest of SOURCE, decompressed.
class ZstdChunks {
 public:
  ZstdChunks(FileSource& source, std::string_view first)
      : source_(source), input_(first), file_end_(first.empty()) {}

  // The next chunk of content; empty at the end. Throws `unreadable` on corrupt or cut data.
  std::string_view next() {
    for (;;) {
      if (input_.empty() && !file_end_) {
        input_ = source_.next_chunk();
        file_end_ = input_.empty();
      }
      std::size_t produced = 0;
      try {
        produced = decoder_.decode(input_, output_);
      } catch (const Error& error) {
        throw unreadable(source_.path(), error.what());
      }
      if (produced > 0) return {output_.data(), produced};
      if (file_end_ && input_.empty()) {
        if (!decoder_.at_frame_end())
          throw unreadable(source_.path(), "the zstd stream ends inside a frame (truncated)");
        return {};
      }
    }
  }

  static la_ssize_t read(struct archive* handle, void* context, const void** data) {
    try {
      const std::string_view chunk = static_cast<ZstdChunks*>(context)->next();
      *data = chunk.data();
      return static_cast<la_ssize_t>(chunk.size());
    } catch (const Error& error) {
      archive_set_error(handle, EIO, "%s", error.what());
      return -1;
    }
  }

 private:
  FileSource& source_;
  std::string_view input_;
  bool file_end_;
  ZstdDecoder decoder_;
  std::vector<char> output_ = std::vector<char>(kFileChunk);
};

// What libarchive reads for ArchiveFileReader: a gzip or plain tar file as it is (libarchive
// unpacks gzip itself), a zstd one decompressed here, where its window is capped.
class ArchiveInput {
 public:
  explicit ArchiveInput(FileSource& source) : resumed_{source.next_chunk(), source} {
    if (starts_zstd_frame(resumed_.pending)) zstd_.emplace(source, resumed_.pending);
  }

  static la_ssize_t read(struct archive* handle, void* context, const void** data) {
    auto* self = static_cast<ArchiveInput*>(context);
    if (self->zstd_) return ZstdChunks::read(handle, &*self->zstd_, data);
    return ResumedSource::read(handle, &self->resumed_, data);
  }

 private:
  ResumedSource resumed_;
  std::optional<ZstdChunks> zstd_;
};

namespace {

// A libarchive reader over the bytes READ hands out from CONTEXT (those of the file PATH), with
// the given setup; throws `unreadable` with libarchive's reason when they do not open as that
// format.
ArchiveReader open_reader(const std::filesystem::path& path, void* context,
                          archive_read_callback* read, void (*setup)(struct archive*),
                          const std::string& what_it_is_not) {
  ArchiveReader reader(archive_read_new());
  setup(reader.get());
  if (archive_read_open(reader.get(), context, nullptr, read, nullptr) != ARCHIVE_OK) {
    const char* text = archive_error_string(reader.get());
    throw unreadable(path, what_it_is_not + " (" + (text ? text : "unknown") + ")");
  }
  return reader;
}

}  // namespace

ArchiveFileReader::ArchiveFileReader(const std::filesystem::path& path, const ReadProgress& on_read)
    : source_(std::make_unique<FileSource>(path, on_read)),
      input_(std::make_unique<ArchiveInput>(*source_)) {
  reader_ = open_reader(
      path, input_.get(), &ArchiveInput::read,
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

namespace {

// The largest member the fast path inflates whole: ParallelGzipEncoder's block, which every
// .sql.gz Hivekeeper writes is made of. Its compressed form is at most kLargestMember (the block
// stored, plus headers): the window is topped up to twice that whenever less is left, so a
// member that fits is always in it whole, and what is left moves to the front once per MiB read
// rather than once per member.
constexpr std::size_t kMemberOutput = 1 << 20;
constexpr std::size_t kLargestMember = kMemberOutput + 4096;

struct Deflate {
  void operator()(libdeflate_decompressor* decompressor) const {
    libdeflate_free_decompressor(decompressor);
  }
};

// Streams what is left (PENDING, then the rest of SOURCE) through libarchive's gzip filter:
// one large member, as gzip and pigz write, or anything the fast path would not take.
void inflate_with_libarchive(std::string_view pending, FileSource& source,
                             const std::function<void(std::string_view)>& sink) {
  ResumedSource resumed{pending, source};
  const ArchiveReader reader = open_reader(
      source.path(), &resumed, &ResumedSource::read,
      [](struct archive* handle) {
        archive_read_support_filter_gzip(handle);
        archive_read_support_format_raw(handle);
      },
      "not readable");
  struct archive_entry* entry = nullptr;
  if (archive_read_next_header(reader.get(), &entry) != ARCHIVE_OK) {
    const char* text = archive_error_string(reader.get());
    throw unreadable(source.path(), text ? text : "empty");
  }
  if (archive_filter_code(reader.get(), 0) != ARCHIVE_FILTER_GZIP)
    throw unreadable(source.path(), "not gzip-compressed");
  std::vector<char> buffer(kFileChunk);
  for (;;) {
    const la_ssize_t got = archive_read_data(reader.get(), buffer.data(), buffer.size());
    if (got < 0) {
      const char* text = archive_error_string(reader.get());
      throw unreadable(source.path(), text ? text : "corrupt gzip data");
    }
    if (got == 0) break;
    sink(std::string_view(buffer.data(), static_cast<std::size_t>(got)));
  }
}

bool starts_a_gzip_member(std::string_view bytes) {
  return bytes.size() >= 3 && bytes[0] == '\x1f' && bytes[1] == '\x8b' && bytes[2] == '\x08';
}

// Hivekeeper's own dumps are many members of at most 1 MiB each: libdeflate inflates such a
// member whole, checking its CRC-32 and size, at some 2.5 times zlib's streaming speed. At the
// first member it cannot take whole (a single large member, as gzip writes; a damaged one; the
// end of a truncated file), libarchive goes on from that member, as it read every file before,
// with its own error messages. FIRST is the file's first chunk, already read from SOURCE.
void inflate_gzip(FileSource& source, std::string_view first,
                  const std::function<void(std::string_view)>& sink) {
  const std::unique_ptr<libdeflate_decompressor, Deflate> decompressor(
      libdeflate_alloc_decompressor());
  std::string window(first);
  std::size_t start = 0;
  bool at_end = first.empty();
  std::vector<char> output(kMemberOutput);
  bool inflated_any = false;
  while (decompressor) {
    if (window.size() - start < kLargestMember && !at_end) {
      window.erase(0, start);
      start = 0;
      while (window.size() < 2 * kLargestMember && !at_end) {
        const std::string_view chunk = source.next_chunk();
        at_end = chunk.empty();
        window.append(chunk);
      }
    }
    const std::string_view rest = std::string_view(window).substr(start);
    // After whole members, the end of the file, or what does not start another member (which
    // libarchive ignored too).
    if (inflated_any && !starts_a_gzip_member(rest)) return;
    std::size_t used_in = 0;
    std::size_t used_out = 0;
    if (libdeflate_gzip_decompress_ex(decompressor.get(), rest.data(), rest.size(), output.data(),
                                      output.size(), &used_in, &used_out) != LIBDEFLATE_SUCCESS)
      break;
    if (used_out > 0) sink(std::string_view(output.data(), used_out));
    start += used_in;
    inflated_any = true;
  }
  inflate_with_libarchive(std::string_view(window).substr(start), source, sink);
}

}  // namespace

FileDigest read_compressed_file(const std::filesystem::path& path,
                                const std::function<void(std::string_view)>& sink,
                                const ReadProgress& on_read) {
  FileSource source(path, on_read);
  const std::string_view first = source.next_chunk();
  if (starts_zstd_frame(first)) {
    ZstdChunks content(source, first);
    for (std::string_view chunk = content.next(); !chunk.empty(); chunk = content.next())
      sink(chunk);
  } else {
    inflate_gzip(source, first, sink);
  }
  return source.drain_and_digest();
}

}  // namespace hivekeeper::archive
