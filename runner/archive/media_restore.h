// The media .tgz on its way back into a volume. The archive is untrusted input: the whole of it is
// read once and every entry checked before anything is touched. An absolute path, a `..`
// component, a device or special file, a set-user-ID bit or a set-group-ID bit on anything but a
// folder (refused, not stripped: a media volume holds uploads, never programs to run as their
// owner), or a link refuses the restore, naming the entry, unless the archive's own tree keeps it
// harmless: symlinks are resolved component by component against the archive's other links and
// must stay inside the volume; no entry may sit below a symlink (it would be written through it:
// Docker's extraction follows links inside paths); a hard link must name a regular file earlier
// in the archive. The tree is judged as the archive holds it and again after the seed's top
// folder is stripped. The same pass hashes the whole archive: the bytes the second read (for
// staging) must match. Memory stays bounded whatever the archive holds: paths are kept as
// fingerprints (archive/path_prints.h), contents never.
// Archives come from Hivekeeper (paths relative to the volume root) or from the seed's `tar czf`,
// with a leading ./ or with the whole tree under one top folder named media, which is stripped.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "archive/byte_pipe.h"
#include "archive/file_reader.h"
#include "archive/media_entry_rules.h"

namespace hivekeeper::archive {

struct MediaArchiveContents {
  MediaTree tree;                   // every path as the archive holds it, checked
  std::string stripped_top_folder;  // "" when paths were already relative to the volume root
  std::uint64_t content_bytes = 0;
  FileDigest file;
};

// Reads and checks the whole archive. `strip_allowed` is false for Hivekeeper's own archives,
// whose paths are always relative to the volume root.
MediaArchiveContents inspect_media_archive(const std::filesystem::path& path, bool strip_allowed,
                                           const ReadProgress& on_read = {});

// Writes the archive's entries as an uncompressed tar under STAGING_DIR/ into `out`, for the
// engine to extract next to the volume's current content, and returns the digest of the tree it
// staged (for verify_staged_tar). The file is read a second time, and may have been replaced
// since inspect_media_archive checked it: each entry's header must be a checked path of the same
// type (a symlink with the same target) before it is passed on, and the whole file's SHA-256
// must match at the end, before the tar is finished; any difference throws MediaArchiveChanged,
// so only checked paths ever reach the staging folder, and a stream with other content is never
// completed (the caller then removes the staging folder).
TreeDigest write_staging_tar(const std::filesystem::path& path,
                             const MediaArchiveContents& contents, const std::string& staging_dir,
                             BytePipe& out, const ReadProgress& on_read = {});

// Throws MediaNoSpace, naming WHERE, unless AVAILABLE bytes hold the archive's content: the
// staged copy lives beside the current content until the swap.
void require_free_space(std::uint64_t available, const MediaArchiveContents& contents,
                        const std::string& where);

// The bytes available to unprivileged writers, from the output of `df -Pk PATH`; nullopt when
// the output is not df's.
std::optional<std::uint64_t> available_bytes_from_df(std::string_view output);

// Reads the engine's tar of the staged folder and compares it with what was staged: every entry a
// checked path of its type, and the digest of the whole tree (paths, types, symlink targets, the
// size and SHA-256 of every file) equal to STAGED, in whatever order the engine lists it. Folders
// the archive did not list but implied are expected: the engine creates them.
void verify_staged_tar(BytePipe& staged_tar, const MediaArchiveContents& contents,
                       const TreeDigest& staged);

}  // namespace hivekeeper::archive
