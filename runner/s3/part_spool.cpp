#include "s3/part_spool.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <stdexcept>

#include "common/error.h"

namespace hivekeeper::s3 {
namespace {

Error spool_error(const std::filesystem::path& directory, const std::string& what, int number) {
  return job_failed(
      "S3SpoolFailed",
      errno_text("cannot " + what + " a part of the upload in " + directory.string(), number),
      "the upload keeps two parts per artifact there (5 MiB each, more for "
      "artifacts over 25 GB): free some space or make the directory writable");
}

// O_TMPFILE: never visible, gone with the descriptor. Filesystems without it get a named file
// that is unlinked at once.
int open_unlinked(const std::filesystem::path& directory) {
  int descriptor = ::open(directory.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (descriptor >= 0 || (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL))
    return descriptor;
  std::string pattern = (directory / ".hivekeeper-part.XXXXXX").string();
  descriptor = ::mkostemp(pattern.data(), O_CLOEXEC);
  if (descriptor >= 0) ::unlink(pattern.c_str());
  return descriptor;
}

}  // namespace

PartSpool::PartSpool(const std::filesystem::path& directory)
    : directory_(directory.empty() ? std::filesystem::temp_directory_path() : directory) {
  descriptor_ = open_unlinked(directory_);
  if (descriptor_ < 0) throw spool_error(directory_, "create a file for", errno);
}

PartSpool::~PartSpool() {
  if (descriptor_ >= 0) ::close(descriptor_);
}

void PartSpool::append(std::string_view bytes) {
  if (digests_) throw std::logic_error("PartSpool::append after digests(), without clear()");
  digester_.update(bytes);
  while (!bytes.empty()) {
    const ssize_t written =
        ::pwrite(descriptor_, bytes.data(), bytes.size(), static_cast<off_t>(size_));
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) throw spool_error(directory_, "write", written < 0 ? errno : ENOSPC);
    size_ += static_cast<std::size_t>(written);
    bytes.remove_prefix(static_cast<std::size_t>(written));
  }
}

const BodyDigests& PartSpool::digests() {
  if (!digests_) digests_ = digester_.finish();
  return *digests_;
}

std::size_t PartSpool::read_at(std::size_t offset, char* buffer, std::size_t count) const {
  std::size_t done = 0;
  count = std::min(count, size_ > offset ? size_ - offset : 0);
  while (done < count) {
    const ssize_t got =
        ::pread(descriptor_, buffer + done, count - done, static_cast<off_t>(offset + done));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) throw spool_error(directory_, "read back", got < 0 ? errno : EIO);
    done += static_cast<std::size_t>(got);
  }
  return done;
}

void PartSpool::clear() {
  // The space is reused by the next part: the file's pages stay allocated, no truncation.
  size_ = 0;
  digests_.reset();
  (void)digester_.finish();
}

}  // namespace hivekeeper::s3
