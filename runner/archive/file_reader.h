// Reading backup files back: the decompressed content of a .sql.gz or .sql.zst (told apart by
// their first bytes, not their names), and an archive's entries (tar, plain, gzip or zstd), with
// the SHA-256 of the file's bytes on disk taken in the same pass so a metadata checksum costs no
// second read. A truncated or corrupt file throws, naming the file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "archive/libarchive_handles.h"

namespace hivekeeper::archive {

class FileSource;
class ArchiveInput;

// Told the size of each chunk read from the file, for progress; may be empty.
using ReadProgress = std::function<void(std::size_t)>;

struct FileDigest {
  std::uint64_t bytes = 0;
  std::string sha256;
};

FileDigest digest_file(const std::filesystem::path& path);

// Streams the uncompressed content of the gzip or zstd file PATH to `sink`, in chunks of up to
// 1 MiB.
FileDigest read_compressed_file(const std::filesystem::path& path,
                                const std::function<void(std::string_view)>& sink,
                                const ReadProgress& on_read = {});

// An open libarchive reader over a file (tar: plain, gzip or zstd), hashing the file as it goes.
class ArchiveFileReader {
 public:
  explicit ArchiveFileReader(const std::filesystem::path& path, const ReadProgress& on_read = {});
  ~ArchiveFileReader();
  ArchiveFileReader(const ArchiveFileReader&) = delete;
  ArchiveFileReader& operator=(const ArchiveFileReader&) = delete;

  struct archive* handle() { return reader_.get(); }
  // After the last entry: the size and SHA-256 of the whole file.
  FileDigest digest();

 private:
  std::unique_ptr<FileSource> source_;  // first: the reader reads from them until destroyed
  std::unique_ptr<ArchiveInput> input_;
  ArchiveReader reader_;
};

}  // namespace hivekeeper::archive
