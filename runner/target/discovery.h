// Docker mode's discovery: the Compose project, the database container and the media volume.
// The choices are plain functions of the container and volume lists, so they are unit-tested
// without a daemon; discover() is the only part that asks the Docker engine.
//   project:   spec.target.project, else the runner's own container's com.docker.compose.project
//              label (so `docker compose run` needs no configuration), else COMPOSE_PROJECT_NAME
//   database:  spec.target.databaseContainer, else the one container labelled
//              hivekeeper.io/role=database, else the project's service spec.target.databaseService
//              (default db)
//   media:     spec.media.volume (a Compose volume of the project, else a Docker volume name),
//              else the volume labelled hivekeeper.io/role=media, else the project's volume media
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "docker/client.h"
#include "docker/objects.h"
#include "manifest/manifest.h"
#include "postgres/commands.h"
#include "target/target.h"

namespace hivekeeper::target {

struct Discovered {
  std::string project;
  docker::Container database_container;  // inspected
  postgres::DatabaseIdentity database;
  std::string media_volume;  // "" when the job has no media
};

// Raises a clear error unless exactly one container fits; `project` may be "".
docker::Container choose_database_container(const std::vector<docker::Container>& containers,
                                            const manifest::TargetSpec& target,
                                            const std::string& project);

void require_running(const docker::Container& container);

std::string choose_media_volume(const std::vector<docker::Volume>& volumes,
                                const std::string& project, const std::string& requested);

// Manifest first, then the container's POSTGRES_DB / POSTGRES_USER, then the image's defaults.
postgres::DatabaseIdentity resolve_database_identity(
    const manifest::DatabaseSpec& requested,
    const std::map<std::string, std::string>& container_env);

// The container this process runs in, from /proc/self/mountinfo (Docker bind-mounts
// /etc/hostname from /var/lib/docker/containers/<id>/), else $HOSTNAME. May be "".
std::string own_container_hint();

// A backup needs the database running; a restore starts it (request.database_must_run false).
Discovered discover(const docker::Client& docker, const TargetRequest& request);

}  // namespace hivekeeper::target
