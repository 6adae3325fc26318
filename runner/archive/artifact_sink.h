// Where an artifact's bytes go while a backup writes it: a destination that stays invisible
// until commit() and is abandoned, leaving nothing, if it is destroyed uncommitted. AtomicFile is
// the local directory's; a store without renames (object storage) commits by completing an
// upload instead.
#pragma once

#include <cstddef>
#include <string>

namespace hivekeeper::archive {

class ArtifactSink {
 public:
  virtual ~ArtifactSink() = default;
  virtual void write(const void* data, std::size_t size) = 0;
  // Makes the artifact visible under its final name; durable once it returns.
  virtual void commit() = 0;
  // Takes a committed artifact away again (a set that could not be completed).
  virtual void uncommit() = 0;
  // The final location, for messages and the status: a path, or a URL.
  virtual std::string location() const = 0;
};

}  // namespace hivekeeper::archive
