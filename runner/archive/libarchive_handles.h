// What every libarchive user here needs: owning handles, and the callbacks that connect readers
// and writers to a BytePipe (a tar stream to or from the Docker engine, or between threads).
#pragma once

#include <archive.h>

#include <cstddef>
#include <memory>

#include "archive/byte_pipe.h"

namespace hivekeeper::archive {

// How much of an entry's content each libarchive read or write moves at once.
inline constexpr std::size_t kTarReadBuffer = 256 * 1024;

struct ArchiveReaderDeleter {
  void operator()(struct archive* handle) const { archive_read_free(handle); }
};
struct ArchiveWriterDeleter {
  void operator()(struct archive* handle) const { archive_write_free(handle); }
};
using ArchiveReader = std::unique_ptr<struct archive, ArchiveReaderDeleter>;
using ArchiveWriter = std::unique_ptr<struct archive, ArchiveWriterDeleter>;

// archive_read_open callback; CONTEXT is the BytePipe. The chunk stays valid until the next call.
inline la_ssize_t read_from_pipe(struct archive*, void* context, const void** buffer) {
  const std::string& chunk = static_cast<BytePipe*>(context)->pop();
  *buffer = chunk.data();
  return static_cast<la_ssize_t>(chunk.size());
}

// archive_write_open2 callback; CONTEXT is the BytePipe.
inline la_ssize_t push_to_pipe(struct archive*, void* context, const void* buffer, size_t length) {
  static_cast<BytePipe*>(context)->push(std::string_view(static_cast<const char*>(buffer), length));
  return static_cast<la_ssize_t>(length);
}

}  // namespace hivekeeper::archive
