#include "docker/objects.h"

namespace hivekeeper::docker {
namespace {

using nlohmann::json;

Labels labels_of(const json& value) {
  Labels labels;
  if (value.is_object())
    for (const auto& [key, label] : value.items())
      if (label.is_string()) labels[key] = label.get<std::string>();
  return labels;
}

std::string without_slash(std::string name) {
  if (!name.empty() && name.front() == '/') name.erase(0, 1);
  return name;
}

}  // namespace

std::string label_of(const Labels& labels, const char* key) {
  const auto found = labels.find(key);
  return found == labels.end() ? "" : found->second;
}

std::vector<Container> parse_container_list(const json& list) {
  std::vector<Container> containers;
  for (const auto& item : list) {
    Container container;
    container.id = item.value("Id", "");
    if (item.contains("Names") && !item["Names"].empty())
      container.name = without_slash(item["Names"][0].get<std::string>());
    container.image_id = item.value("ImageID", "");
    container.state = item.value("State", "");
    container.labels = labels_of(item.value("Labels", json::object()));
    containers.push_back(std::move(container));
  }
  return containers;
}

Container parse_container_inspect(const json& inspect) {
  Container container;
  container.id = inspect.value("Id", "");
  container.name = without_slash(inspect.value("Name", ""));
  container.image_id = inspect.value("Image", "");
  const json state = inspect.value("State", json::object());
  container.state = state.value("Status", "");
  const json config = inspect.value("Config", json::object());
  container.labels = labels_of(config.value("Labels", json::object()));
  for (const auto& entry : config.value("Env", json::array())) {
    const std::string text = entry.get<std::string>();
    const auto equals = text.find('=');
    if (equals != std::string::npos)
      container.env[text.substr(0, equals)] = text.substr(equals + 1);
  }
  return container;
}

std::vector<Volume> parse_volume_list(const json& list) {
  std::vector<Volume> volumes;
  for (const auto& item : list.value("Volumes", json::array())) {
    if (item.is_null()) continue;
    volumes.push_back({item.value("Name", ""), labels_of(item.value("Labels", json::object()))});
  }
  return volumes;
}

nlohmann::json volume_helper_config(const std::string& image, const std::string& volume,
                                    const std::string& role, bool read_only,
                                    const std::vector<std::string>& entrypoint,
                                    const std::map<std::string, std::string>& extra_labels) {
  nlohmann::json labels = {{"hivekeeper.io/helper", role}, {"hivekeeper.io/volume", volume}};
  for (const auto& [key, value] : extra_labels) labels[key] = value;
  const std::string bind = volume + ":" + kHelperVolumeMount + (read_only ? ":ro" : "");
  return {
      {"Image", image},
      {"Entrypoint", entrypoint},
      {"Cmd", nlohmann::json::array()},
      {"Labels", labels},
      {"NetworkDisabled", true},
      {"HostConfig", {{"Binds", {bind}}, {"NetworkMode", "none"}}},
  };
}

}  // namespace hivekeeper::docker
