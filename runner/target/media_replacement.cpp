#include "target/media_replacement.h"

#include <spdlog/spdlog.h>

#include "archive/byte_pipe.h"
#include "archive/media_directory.h"
#include "common/error.h"
#include "common/text.h"

namespace hivekeeper::target {

namespace {

// POSIX sh only: the helper runs whatever shell the database image has (dash, busybox). $1 is the
// mount, $2 the staging folder, $3 the folder the old content moves to, $4 the staging folder's
// name once all the old content is aside (archive::incoming_folder: it tells a recovery which
// half of the swap was under way). Globs cover every
// top-level name, dotfiles included; Hivekeeper's own folders are skipped. On a failed move the
// volume gets back exactly what it had: exit 12 (moving the old content aside) puts the old
// entries back and leaves the staged tree alone; exit 13 (moving the new content in) first takes
// the new entries out again, then puts the old ones back.
constexpr const char* kSwapScript = R"sh(set -u
cd "$1" || exit 10
S=$2; O=$3; I=$4
put_old_back() {
  for e in "$O"/* "$O"/.[!.]* "$O"/..?*; do
    [ -e "$e" ] || [ -L "$e" ] || continue
    mv -- "$e" ./
  done
  rmdir "$O"
}
take_new_out() {
  for e in * .[!.]* ..?*; do
    [ -e "$e" ] || [ -L "$e" ] || continue
    case "$e" in .hivekeeper-*) continue;; esac
    mv -- "$e" "$I/"
  done
}
mkdir "$O" || exit 11
for e in * .[!.]* ..?*; do
  [ -e "$e" ] || [ -L "$e" ] || continue
  case "$e" in .hivekeeper-*) continue;; esac
  mv -- "$e" "$O/" || { put_old_back; exit 12; }
done
mv -- "$S" "$I" || { put_old_back; exit 12; }
for e in "$I"/* "$I"/.[!.]* "$I"/..?*; do
  [ -e "$e" ] || [ -L "$e" ] || continue
  mv -- "$e" ./ || { take_new_out; put_old_back; exit 13; }
done
rm -rf -- "$I" "$O" .hivekeeper-staging-* .hivekeeper-old-* || exit 14
)sh";

// Throws MediaNoSpace unless the volume, as the helper HELPER sees it, has room for the archive's
// files beside the current content. An image without df, or output we cannot read, skips the check
// with a warning rather than refusing a restore that may well fit.
void require_volume_space(const docker::Client& docker, const std::string& helper,
                          const std::string& volume,
                          const archive::MediaArchiveContents& contents) {
  std::string output;
  std::string errors;
  // Through sh, so an image without df answers 127 instead of failing the exec itself.
  const int exit_code = docker.exec(
      helper, {{"sh", "-c", "df -Pk \"$1\"", "sh", docker::kHelperVolumeMount}, {}, {}},
      [&](std::string_view bytes) { append_capped(output, bytes); },
      [&](std::string_view bytes) { append_capped(errors, bytes); });
  const auto available = exit_code == 0 ? archive::available_bytes_from_df(output) : std::nullopt;
  if (!available) {
    spdlog::warn(
        "cannot read the free space of media volume {} (df -Pk: exit code {}, {}); "
        "staging the media without that check",
        volume, exit_code, errors.empty() ? output : errors);
    return;
  }
  archive::require_free_space(*available, contents, "media volume " + volume);
}

}  // namespace

std::string media_swap_script(const std::string& mount, const std::string& staging,
                              const std::string& old) {
  // The names are the runner's own (a mount point and two generated folder names): no quotes.
  return "set -- '" + mount + "' '" + staging + "' '" + old + "' '" +
         archive::incoming_folder(staging) + "'\n" + kSwapScript;
}

MediaStaging::MediaStaging(const docker::Client& docker, const std::string& image_id,
                           const std::string& volume, const std::string& unique_suffix,
                           const std::map<std::string, std::string>& labels)
    : docker_(docker),
      volume_(volume),
      staging_(std::string(archive::kStagingPrefix) + unique_suffix),
      old_(std::string(archive::kOldContentPrefix) + unique_suffix) {
  const nlohmann::json config = docker::volume_helper_config(
      image_id, volume, "media-writer", /*read_only=*/false, {"sleep", "infinity"}, labels);
  helper_ = docker_.create_container("hivekeeper-restore-" + unique_suffix, config);
  cleanup_ = std::make_unique<ScopedCleanup>([this] { clean_up(); });
  docker_.start_container(helper_);
}

MediaStaging::~MediaStaging() {
  cleanup_.reset();
}

void MediaStaging::clean_up() {
  try {
    if (!swapped_)
      run("cd '" + std::string(docker::kHelperVolumeMount) + "' && rm -rf -- '" + staging_ + "' '" +
              archive::incoming_folder(staging_) + "'",
          "clean up");
  } catch (const Error& error) {
    spdlog::warn("could not remove the staging folder {} from volume {}: {}", staging_, volume_,
                 error.what());
  }
  try {
    docker_.remove_container(helper_);
  } catch (const Error& error) {
    spdlog::warn("could not remove the helper container {}: {}", helper_, error.what());
  }
}

void MediaStaging::run(const std::string& script, const std::string& what) {
  std::string errors;
  const int exit_code = docker_.exec(
      helper_, {{"sh", "-c", script}, {}, {}}, [](std::string_view) {},
      [&](std::string_view bytes) { append_capped(errors, bytes); });
  if (exit_code != 0)
    throw job_failed("MediaSwapFailed",
                     "could not " + what + " in media volume " + volume_ + " (exit code " +
                         std::to_string(exit_code) + "): " + errors,
                     "check the volume (`docker run --rm -v " + volume_ +
                         ":/m debian ls -la /m`); the previous content is kept in " + old_ +
                         " if the swap began");
}

void MediaStaging::stage(const std::filesystem::path& archive_file,
                         const archive::MediaArchiveContents& contents,
                         const archive::ReadProgress& on_read) {
  // Before the staging folder exists: an archive that cannot fit leaves nothing behind.
  require_volume_space(docker_, helper_, volume_, contents);
  archive::TreeDigest staged;
  archive::pump(
      [&](archive::BytePipe& upload) {
        staged = archive::write_staging_tar(archive_file, contents, staging_, upload, on_read);
      },
      [&](archive::BytePipe& upload) {
        docker_.upload_archive(helper_, docker::kHelperVolumeMount,
                               [&]() -> std::string_view { return upload.pop(); });
      });
  archive::pump(
      [&](archive::BytePipe& read_back) {
        docker_.download_archive(helper_, std::string(docker::kHelperVolumeMount) + "/" + staging_,
                                 [&](std::string_view bytes) { read_back.push(bytes); });
      },
      [&](archive::BytePipe& read_back) {
        archive::verify_staged_tar(read_back, contents, staged);
      });
}

void MediaStaging::swap() {
  run(media_swap_script(docker::kHelperVolumeMount, staging_, old_), "swap the restored media in");
  swapped_ = true;
}

DirectoryStaging::DirectoryStaging(std::filesystem::path directory,
                                   const std::string& unique_suffix)
    : directory_(std::move(directory)),
      staging_(std::string(archive::kStagingPrefix) + unique_suffix),
      old_(std::string(archive::kOldContentPrefix) + unique_suffix) {
  archive::require_media_directory(directory_);
  cleanup_ = std::make_unique<ScopedCleanup>([this] {
    if (swapped_) return;
    std::error_code removal;
    std::filesystem::remove_all(directory_ / staging_, removal);
    if (!removal)
      std::filesystem::remove_all(directory_ / archive::incoming_folder(staging_), removal);
    if (removal)
      spdlog::warn("could not remove the staging folder {}: {}", (directory_ / staging_).string(),
                   removal.message());
  });
}

DirectoryStaging::~DirectoryStaging() {
  cleanup_.reset();
}

void DirectoryStaging::stage(const std::filesystem::path& archive_file,
                             const archive::MediaArchiveContents& contents,
                             const archive::ReadProgress& on_read) {
  archive::stage_into_directory(archive_file, contents, directory_, staging_, on_read);
}

void DirectoryStaging::swap() {
  archive::swap_directory_content(directory_, staging_, old_);
  swapped_ = true;
}

}  // namespace hivekeeper::target
