// Media in a directory the runner mounts itself (direct mode: a PersistentVolumeClaim), under the
// same rules as a Docker volume. Backup: libarchive walks the directory and yields the tar stream
// the engine would give for a volume (every entry under one top folder), which then takes the
// same path into the .tgz. Restore: the checked archive is extracted into a staging folder inside
// the directory, read back and verified, and swapped in by renames within the one filesystem;
// files absent from the archive are thereby gone, and a failure part-way puts the old entries back.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "archive/byte_pipe.h"
#include "archive/media_restore.h"

namespace hivekeeper::archive {

// Throws MediaDirectoryMissing, naming spec.media.path, unless DIRECTORY is a directory.
void require_media_directory(const std::filesystem::path& directory);

// The folders a media restore creates at the top of a volume or directory: the staged new content
// and the old content moved aside, each followed by a suffix unique to the run.
inline constexpr std::string_view kStagingPrefix = ".hivekeeper-staging-";
inline constexpr std::string_view kOldContentPrefix = ".hivekeeper-old-";

// The staging folder's name once the swap has moved all the old content aside and begins moving
// the new content up (the swap renames it so): a recovery that finds it knows every non-runner
// name at the top is new content, and one that finds the staging folder under its first name
// knows every such name is old content.
std::string incoming_folder(const std::string& staging);

// Top-level names the runner itself creates in a media directory; never backed up or swapped.
bool is_runner_entry(const std::string& name);

// Writes DIRECTORY's tree as an uncompressed tar into OUT, every path under TOP/ (TOP itself
// first), hard links as tar links, symbolic links not followed. ON_CONTENT gets the size of each
// piece of file content read (for progress). The caller closes OUT.
void write_directory_tar(const std::filesystem::path& directory, const std::string& top,
                         BytePipe& out,
                         const std::function<void(std::size_t)>& on_content = nullptr);

// Throws MediaNoSpace before anything is written when ROOT's file system has less free space than
// the archive's files hold. Extracts the archive's checked entries into ROOT/STAGING (which must
// not exist), then reads the staged tree back and compares it with the listing. Owners are
// restored only when running as root; otherwise the files belong to the runner's user, as any
// unprivileged extraction does.
void stage_into_directory(const std::filesystem::path& archive_file,
                          const MediaArchiveContents& contents, const std::filesystem::path& root,
                          const std::string& staging, const ReadProgress& on_read = {});

// The bytes of the regular files under ROOT (links not followed; what cannot be read is left
// out); nullopt when ROOT cannot be walked. For progress: an estimate of the tar stream.
std::optional<std::uint64_t> directory_content_bytes(const std::filesystem::path& root);

// A tree's size from `du -sb PATH` ("12345<TAB>PATH"), or from `du -sk PATH` prefixed with "k"
// (busybox's du has no -b); nullopt when the output is neither.
std::optional<std::uint64_t> content_bytes_from_du(std::string_view output);

// Replaces ROOT's entries with those of ROOT/STAGING: the old ones move into ROOT/OLD, STAGING
// is renamed to its incoming_folder, the new ones move up from there, then the folders are
// removed. If a move fails, ROOT gets back exactly what it had.
void swap_directory_content(const std::filesystem::path& root, const std::string& staging,
                            const std::string& old);

}  // namespace hivekeeper::archive
