// Plain values for the Docker objects Hivekeeper reasons about, parsed from Engine API JSON.
// Keeping them plain lets the choices (which container, which volume) be tested without a daemon.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace hivekeeper::docker {

using Labels = std::map<std::string, std::string>;

inline constexpr const char* kComposeProjectLabel = "com.docker.compose.project";
inline constexpr const char* kComposeServiceLabel = "com.docker.compose.service";
inline constexpr const char* kComposeVolumeLabel = "com.docker.compose.volume";
inline constexpr const char* kComposeOneoffLabel = "com.docker.compose.oneoff";
inline constexpr const char* kRoleLabel = "hivekeeper.io/role";

// The label's value, or "" when the object does not carry it.
std::string label_of(const Labels& labels, const char* key);

struct Container {
  std::string id;
  std::string name;  // without Docker's leading slash
  std::string image_id;
  std::string state;  // created, running, paused, restarting, exited, dead
  Labels labels;
  std::map<std::string, std::string> env;  // only from inspect; empty in list results
  bool running() const { return state == "running"; }
  // A `docker compose run` container: never the service's own.
  bool oneoff() const { return label_of(labels, kComposeOneoffLabel) == "True"; }
};

struct Volume {
  std::string name;
  Labels labels;
};

std::vector<Container> parse_container_list(const nlohmann::json& list);  // GET /containers/json
Container parse_container_inspect(const nlohmann::json& inspect);   // GET /containers/{id}/json
std::vector<Volume> parse_volume_list(const nlohmann::json& list);  // GET /volumes

// Where helper containers mount the media volume.
inline constexpr const char* kHelperVolumeMount = "/hivekeeper-media";

// A helper container for a media volume: the volume at kHelperVolumeMount, no network, labelled
// hivekeeper.io/helper=ROLE and hivekeeper.io/volume=VOLUME (plus EXTRA_LABELS), so a leftover is
// found by `docker ps -a --filter label=hivekeeper.io/volume=VOLUME`.
nlohmann::json volume_helper_config(const std::string& image, const std::string& volume,
                                    const std::string& role, bool read_only,
                                    const std::vector<std::string>& entrypoint,
                                    const std::map<std::string, std::string>& extra_labels = {});

}  // namespace hivekeeper::docker
