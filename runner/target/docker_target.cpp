#include "target/docker_target.h"

#include <thread>

#include <spdlog/spdlog.h>

#include "archive/media_directory.h"
#include "common/error.h"
#include "common/text.h"
#include "postgres/queries.h"
#include "target/database_commands.h"

namespace hivekeeper::target {
namespace {

constexpr auto kDatabaseStartTimeout = std::chrono::seconds(120);

}  // namespace

std::vector<docker::Container> services_to_quiesce(const std::vector<docker::Container>& containers,
                                                   const std::string& project,
                                                   const manifest::QuiesceSpec& quiesce,
                                                   const docker::Container& database) {
  std::vector<docker::Container> found;
  for (const auto& service : quiesce.services) {
    bool any = false;
    for (const auto& container : containers) {
      if (docker::label_of(container.labels, docker::kComposeProjectLabel) != project ||
          docker::label_of(container.labels, docker::kComposeServiceLabel) != service ||
          container.oneoff())
        continue;
      if (container.id == database.id)
        throw invalid_input("InvalidQuiesce",
                            "spec.quiesce.services names " + service +
                                ", the database itself; the restore needs it running",
                            "list only the app's services, e.g. [web, worker]");
      any = true;
      if (container.running()) found.push_back(container);
    }
    if (!any)
      throw job_failed("ServiceNotFound",
                       "spec.quiesce.services names " + service + ", but Compose project " +
                           project + " has no such service",
                       "`docker compose ps -a` lists the services");
  }
  return found;
}

DockerTarget::DockerTarget(const TargetRequest& request)
    : docker_(docker::Client::socket_path_from_environment()),
      helper_labels_(request.helper_labels) {
  docker_.connect();
  spdlog::debug("Docker engine at {}, API {}", docker_.socket_path(), docker_.api_version());
  found_ = discover(docker_, request);
  facts_.project = found_.project;
  facts_.database = found_.database;
  facts_.database_location = {"container", found_.database_container.name};
  if (request.media) facts_.media_location = Location{"volume", found_.media_volume};
  facts_.helper_image = found_.database_container.image_id;
  commands_ = commands_in_container(docker_, found_.database_container);
}

DockerTarget::~DockerTarget() {
  restart_quiesced_.reset();
}

std::string DockerTarget::describe() const {
  return "container " + found_.database_container.name + " (project " +
         (found_.project.empty() ? "-" : found_.project) + ")";
}

std::optional<std::pair<std::uint64_t, std::string>> DockerTarget::measure_media() const {
  try {
    const nlohmann::json config = docker::volume_helper_config(
        found_.database_container.image_id, found_.media_volume, "media-sizer", /*read_only=*/true,
        {"sleep", "3600"}, helper_labels_);
    const std::string helper =
        docker_.create_container("hivekeeper-size-" + random_token(), config);
    ScopedCleanup remove_helper([&] { docker_.remove_container(helper); });
    docker_.start_container(helper);
    std::string output;
    // busybox's du (Alpine images) has no -b: its KiB then, marked.
    const int exit_code = docker_.exec(
        helper,
        {{"sh", "-c", "du -sb \"$0\" 2>/dev/null || { printf k; du -sk \"$0\"; }",
          docker::kHelperVolumeMount},
         {},
         {}},
        [&](std::string_view bytes) { append_capped(output, bytes); }, [](std::string_view) {});
    const auto bytes = exit_code == 0 ? archive::content_bytes_from_du(output) : std::nullopt;
    if (bytes) return std::pair{*bytes, std::string("volume size")};
    spdlog::debug("progress: du in the media volume exited {}: {}", exit_code, output);
  } catch (const std::exception& error) {
    spdlog::debug("progress: the media volume's size is unknown ({})", error.what());
  }
  return std::nullopt;
}

void DockerTarget::read_media(archive::BytePipe& out,
                              const std::function<void(std::size_t)>& on_content) const {
  const nlohmann::json config =
      docker::volume_helper_config(found_.database_container.image_id, found_.media_volume,
                                   "media-reader", /*read_only=*/true, {"true"}, helper_labels_);
  // Never started: the engine mounts the volume for the archive request alone.
  const std::string helper = docker_.create_container("hivekeeper-media-" + random_token(), config);
  ScopedCleanup remove_helper([&] { docker_.remove_container(helper); });
  docker_.download_archive(helper, docker::kHelperVolumeMount, [&](std::string_view bytes) {
    on_content(bytes.size());
    out.push(bytes);
  });
}

void DockerTarget::wait_until_ready(std::chrono::seconds timeout) {
  const docker::Container& container = found_.database_container;
  if (!container.running()) {
    spdlog::info("database container {} is {}; starting it", container.name, container.state);
    docker_.start_container(container.id);
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string last_problem;
  for (;;) {
    try {
      const int ready = docker_.exec(
          container.id, {postgres::readiness_command(found_.database), {}, {}},
          [](std::string_view) {}, [](std::string_view) {});
      if (ready == 0) break;
      last_problem = "pg_isready exit code " + std::to_string(ready);
    } catch (const Error& error) {
      last_problem = error.what();  // restarting containers refuse exec for a moment
    }
    if (std::chrono::steady_clock::now() > deadline)
      throw job_failed("DatabaseNotReady",
                       "PostgreSQL in " + container.name + " did not accept connections within " +
                           std::to_string(timeout.count()) + " s (" + last_problem + ")",
                       "`docker logs " + container.name + "` shows why");
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  found_.database_container = docker_.inspect_container(container.id);
}

std::vector<std::string> DockerTarget::prepare_restore(const manifest::QuiesceSpec& quiesce,
                                                       const BeforeStopping& before_stopping) {
  wait_until_ready(kDatabaseStartTimeout);
  if (quiesce.services.empty()) return {};
  const auto running = services_to_quiesce(
      docker_.list_containers(
          {{"label", {std::string(docker::kComposeProjectLabel) + "=" + found_.project}}}),
      found_.project, quiesce, found_.database_container);
  std::vector<std::string> names;
  for (const auto& container : running) names.push_back(container.name);
  if (before_stopping && !names.empty()) before_stopping(names);
  restart_quiesced_ = std::make_unique<ScopedCleanup>([this] { start_quiesced_again(); });
  for (const auto& container : running) {
    spdlog::info("stopping {} for the restore", container.name);
    docker_.stop_container(container.id, quiesce.stop_timeout_seconds);
    quiesced_.push_back(container.name);
  }
  return quiesced_;
}

void DockerTarget::start_quiesced_again() {
  for (const auto& container : quiesced_) {
    try {
      docker_.start_container(container);
      spdlog::info("started {} again", container);
    } catch (const Error& error) {
      spdlog::error("could not start {} again: {}; start it with `docker start {}`", container,
                    error.what(), container);
    }
  }
}

std::unique_ptr<MediaReplacement> DockerTarget::replace_media(
    const std::string& unique_suffix) const {
  return std::make_unique<MediaStaging>(docker_, found_.database_container.image_id,
                                        found_.media_volume, unique_suffix, helper_labels_);
}

std::unique_ptr<ScratchDatabase> DockerTarget::create_scratch_database(
    const std::string& name) const {
  // The same psql in the same container reaches it: only --dbname differs.
  return std::make_unique<ScratchDatabase>(commands_, facts_.database, name, commands_);
}

std::unique_ptr<ScratchMedia> DockerTarget::create_scratch_media(const Location& place) const {
  return std::make_unique<ScratchVolume>(docker_, facts_.helper_image, place.second,
                                         helper_labels_);
}

ScratchPreview DockerTarget::preview_scratch(const Location& place) const {
  ScratchPreview preview;
  preview.place_taken = docker_.inspect_volume(place.second).has_value();
  // The scratch database lands in the server's data directory: df there, in the container.
  const docker::Container& container = found_.database_container;
  std::string output;
  std::string errors;
  const int exit_code = docker_.exec(
      container.id, {{"sh", "-c", "df -Pk \"${PGDATA:-/var/lib/postgresql/data}\""}, {}, {}},
      [&](std::string_view bytes) { append_capped(output, bytes); },
      [&](std::string_view bytes) { append_capped(errors, bytes); });
  preview.database_free_bytes =
      exit_code == 0 ? archive::available_bytes_from_df(output) : std::nullopt;
  preview.database_free_where = preview.database_free_bytes
                                    ? "the data directory of container " + container.name
                                    : "not measured: df in container " + container.name +
                                          " exited " + std::to_string(exit_code) + " " + errors;
  preview.media_free_where =
      "not measured: only a helper container sees the engine's volume storage, and a dry run "
      "starts none";
  return preview;
}

}  // namespace hivekeeper::target
