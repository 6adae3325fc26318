#include "target/discovery.h"

#include <cstdlib>
#include <fstream>
#include <regex>

#include <spdlog/spdlog.h>

#include "common/error.h"

namespace hivekeeper::target {
namespace {

using docker::Container;

std::string label_of(const Container& container, const char* key) {
  return docker::label_of(container.labels, key);
}

std::string names_of(const std::vector<Container>& containers) {
  std::string names;
  for (const auto& container : containers) names += (names.empty() ? "" : ", ") + container.name;
  return names;
}

Container exactly_one(const std::vector<Container>& candidates, const std::string& description,
                      const std::string& hint_when_none) {
  if (candidates.empty())
    throw job_failed("DatabaseContainerNotFound", "no " + description + " exists", hint_when_none);
  if (candidates.size() > 1)
    throw job_failed("DatabaseContainerAmbiguous",
                     std::to_string(candidates.size()) + " containers match " + description + ": " +
                         names_of(candidates),
                     "name one with spec.target.databaseContainer, or label only one with "
                     "hivekeeper.io/role=database");
  return candidates.front();
}

}  // namespace

Container choose_database_container(const std::vector<Container>& containers,
                                    const manifest::TargetSpec& target,
                                    const std::string& project) {
  auto in_project = [&](const Container& container) {
    return project.empty() || label_of(container, docker::kComposeProjectLabel) == project;
  };
  if (!target.database_container.empty()) {
    std::vector<Container> named;
    for (const auto& container : containers)
      if (container.name == target.database_container ||
          (target.database_container.size() >= 12 &&
           container.id.starts_with(target.database_container)))
        named.push_back(container);
    return exactly_one(named, "container named " + target.database_container,
                       "`docker ps -a` lists the containers; fix spec.target.databaseContainer");
  }
  if (target.database_service.empty()) {
    std::vector<Container> labelled;
    for (const auto& container : containers)
      if (label_of(container, docker::kRoleLabel) == "database" && in_project(container) &&
          !container.oneoff())
        labelled.push_back(container);
    if (!labelled.empty())
      return exactly_one(labelled, "container labelled hivekeeper.io/role=database", "");
  }
  const std::string service = target.database_service.empty() ? "db" : target.database_service;
  if (project.empty())
    throw job_failed(
        "ComposeProjectUnknown",
        "cannot tell which Compose project's database to use: Hivekeeper is not running "
        "in a Compose container and no project was given",
        "run it with `docker compose run --rm backup-job`, set spec.target.project (or "
        "--project), or label the database container hivekeeper.io/role=database");
  std::vector<Container> matching;
  for (const auto& container : containers)
    if (label_of(container, docker::kComposeProjectLabel) == project &&
        label_of(container, docker::kComposeServiceLabel) == service && !container.oneoff())
      matching.push_back(container);
  return exactly_one(
      matching, "container of service " + service + " in Compose project " + project,
      "start it with `docker compose up -d " + service +
          "`, or set spec.target.databaseService if the database service has another name");
}

void require_running(const Container& container) {
  if (container.running()) return;
  const std::string service = label_of(container, docker::kComposeServiceLabel);
  throw job_failed(
      "DatabaseContainerNotRunning",
      "database container " + container.name + " is not running (state: " + container.state + ")",
      service.empty() ? "start it with `docker start " + container.name + "`"
                      : "start it with `docker compose up -d " + service + "`");
}

std::string choose_media_volume(const std::vector<docker::Volume>& volumes,
                                const std::string& project, const std::string& requested) {
  auto label = [](const docker::Volume& volume, const char* key) {
    return docker::label_of(volume.labels, key);
  };
  auto compose_volume = [&](const std::string& name) -> std::optional<std::string> {
    for (const auto& volume : volumes)
      if (!project.empty() && label(volume, docker::kComposeProjectLabel) == project &&
          label(volume, docker::kComposeVolumeLabel) == name)
        return volume.name;
    return std::nullopt;
  };
  if (!requested.empty()) {
    if (auto found = compose_volume(requested)) return *found;
    for (const auto& volume : volumes)
      if (volume.name == requested) return volume.name;
    throw job_failed("MediaVolumeNotFound",
                     "media volume " + requested + " does not exist" +
                         (project.empty() ? ""
                                          : " (neither in Compose project " + project +
                                                " nor as a Docker volume)"),
                     "`docker volume ls` lists the volumes; fix spec.media.volume");
  }
  std::vector<std::string> labelled;
  for (const auto& volume : volumes)
    if (label(volume, docker::kRoleLabel) == "media" &&
        (project.empty() || label(volume, docker::kComposeProjectLabel) == project))
      labelled.push_back(volume.name);
  if (labelled.size() == 1) return labelled.front();
  if (labelled.size() > 1)
    throw job_failed(
        "MediaVolumeAmbiguous",
        std::to_string(labelled.size()) + " volumes are labelled hivekeeper.io/role=media",
        "name one with spec.media.volume");
  if (auto found = compose_volume("media")) return *found;
  throw job_failed("MediaVolumeNotFound",
                   project.empty()
                       ? "no media volume found: no volume is labelled hivekeeper.io/role=media"
                       : "Compose project " + project + " has no volume media",
                   "name the volume with spec.media.volume, or back up without media");
}

postgres::DatabaseIdentity resolve_database_identity(
    const manifest::DatabaseSpec& requested,
    const std::map<std::string, std::string>& container_env) {
  auto env = [&](const char* key) {
    const auto found = container_env.find(key);
    return found == container_env.end() ? std::string() : found->second;
  };
  postgres::DatabaseIdentity identity;
  identity.user = !requested.user.empty()         ? requested.user
                  : !env("POSTGRES_USER").empty() ? env("POSTGRES_USER")
                                                  : "postgres";
  // The official image names the database after its POSTGRES_USER when POSTGRES_DB is unset:
  // the container's user, not one the manifest overrides.
  const std::string container_user =
      !env("POSTGRES_USER").empty() ? env("POSTGRES_USER") : "postgres";
  identity.name = !requested.name.empty()       ? requested.name
                  : !env("POSTGRES_DB").empty() ? env("POSTGRES_DB")
                                                : container_user;
  return identity;
}

std::string own_container_hint() {
  std::ifstream mountinfo("/proc/self/mountinfo");
  static const std::regex container_dir("/containers/([0-9a-f]{64})/");
  std::string line;
  std::smatch match;
  while (std::getline(mountinfo, line))
    if (line.find("/etc/hostname") != std::string::npos &&
        std::regex_search(line, match, container_dir))
      return match[1];
  const char* hostname = std::getenv("HOSTNAME");
  return hostname ? hostname : "";
}

Discovered discover(const docker::Client& docker, const TargetRequest& request) {
  Discovered found;
  found.project = request.target.project;
  if (found.project.empty()) {
    if (const std::string self = own_container_hint(); !self.empty()) {
      try {
        const Container own = docker.inspect_container(self);
        found.project = label_of(own, docker::kComposeProjectLabel);
        if (!found.project.empty())
          spdlog::debug("Compose project {} from this container's label", found.project);
      } catch (const Error&) {
        // Not a container the engine knows (a plain host, or another engine): fall through.
      }
    }
  }
  if (found.project.empty()) {
    if (const char* env = std::getenv("COMPOSE_PROJECT_NAME")) found.project = env;
  }

  const Container chosen =
      choose_database_container(docker.list_containers({}), request.target, found.project);
  found.database_container = docker.inspect_container(chosen.id);
  if (request.database_must_run) require_running(found.database_container);
  if (found.project.empty())
    found.project = label_of(found.database_container, docker::kComposeProjectLabel);
  found.database = resolve_database_identity(request.database, found.database_container.env);
  if (request.media)
    found.media_volume =
        choose_media_volume(docker.list_volumes({}), found.project, request.media_volume);
  return found;
}

}  // namespace hivekeeper::target
