#include "target/target.h"

#include "target/direct_target.h"
#include "target/docker_target.h"

namespace hivekeeper::target {

TargetRequest target_request(const manifest::Manifest& manifest) {
  TargetRequest request;
  if (manifest.is_drill()) {
    // The drill never reads or writes the live media: it stages into a place of its own, so the
    // live volume need not even exist.
    request.target = manifest.drill.target;
    request.database = manifest.drill.database;
  } else if (manifest.is_restore()) {
    const manifest::RestoreSpec& spec = manifest.restore;
    request.target = spec.target;
    request.database = spec.database;
    request.media = !spec.source.media.empty();
    request.media_volume = spec.media_volume;
    request.media_path = spec.media_path;
    request.database_must_run = false;
  } else {
    const manifest::BackupSpec& spec = manifest.backup;
    request.target = spec.target;
    request.database = spec.database;
    request.media = spec.media.enabled;
    request.media_volume = spec.media.volume;
    request.media_path = spec.media.path;
  }
  return request;
}

std::unique_ptr<Target> open_target(const TargetRequest& request) {
  if (request.target.postgres) return std::make_unique<DirectTarget>(request);
  return std::make_unique<DockerTarget>(request);
}

}  // namespace hivekeeper::target
