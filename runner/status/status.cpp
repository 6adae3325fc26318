#include "status/status.h"

#include <format>
#include <system_error>

#include <spdlog/spdlog.h>

#include "archive/atomic_file.h"

namespace hivekeeper::status {

std::string to_string(Phase phase) {
  switch (phase) {
    case Phase::Pending:
      return "Pending";
    case Phase::Running:
      return "Running";
    case Phase::Succeeded:
      return "Succeeded";
    case Phase::Failed:
      return "Failed";
  }
  return "Unknown";
}

void set_condition(std::vector<Condition>& conditions, Condition condition) {
  for (auto& existing : conditions) {
    if (existing.type != condition.type) continue;
    if (existing.status == condition.status)
      condition.last_transition_time = existing.last_transition_time;
    existing = std::move(condition);
    return;
  }
  conditions.push_back(std::move(condition));
}

nlohmann::json render(const nlohmann::json& manifest, const JobStatus& status) {
  nlohmann::json document = manifest;
  nlohmann::json block = {{"phase", to_string(status.phase)}};
  if (!status.start_time.empty()) block["startTime"] = status.start_time;
  if (!status.completion_time.empty()) block["completionTime"] = status.completion_time;
  if (!status.message.empty()) block["message"] = status.message;
  if (!status.hint.empty()) block["hint"] = status.hint;
  block["artifacts"] = nlohmann::json::array();
  for (const auto& artifact : status.artifacts)
    block["artifacts"].push_back({{"kind", artifact.kind},
                                  {"path", artifact.path},
                                  {"bytes", artifact.bytes},
                                  {"sha256", artifact.sha256}});
  block["conditions"] = nlohmann::json::array();
  for (const auto& condition : status.conditions)
    block["conditions"].push_back({{"type", condition.type},
                                   {"status", condition.status},
                                   {"reason", condition.reason},
                                   {"message", condition.message},
                                   {"lastTransitionTime", condition.last_transition_time}});
  for (const auto& [key, value] : status.details.items()) block[key] = value;
  document["status"] = block;
  return document;
}

std::string termination_message(const nlohmann::json& manifest, const JobStatus& status) {
  nlohmann::json head = {
      {"apiVersion", manifest.value("apiVersion", "")},
      {"kind", manifest.value("kind", "")},
      {"metadata",
       {{"name", manifest.value(nlohmann::json::json_pointer("/metadata/name"), std::string())}}}};
  const auto compact = [](const nlohmann::json& document) {
    return document.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  };
  std::string text = compact(render(head, status));
  if (text.size() <= kTerminationMessageLimit) return text;
  JobStatus brief = status;
  brief.details = nlohmann::json::object();
  text = compact(render(head, brief));
  if (text.size() <= kTerminationMessageLimit) return text;
  std::string reason;
  for (const auto& condition : status.conditions)
    if (condition.type == "Failed" || condition.type == "Complete") reason = condition.reason;
  nlohmann::json minimal = head;
  minimal["status"] = {{"phase", to_string(status.phase)},
                       {"reason", reason},
                       {"message", status.message.substr(0, 2048)},
                       {"hint", status.hint.substr(0, 1024)},
                       {"truncated", true}};
  return compact(minimal);
}

std::string summary_line(const std::string& kind, const std::string& name,
                         const JobStatus& status) {
  std::string line = kind + " " + name + " " + to_string(status.phase);
  if (status.phase == Phase::Succeeded) {
    std::uint64_t bytes = 0;
    for (const auto& artifact : status.artifacts) bytes += artifact.bytes;
    line += std::format(": {} artifact{}, {} bytes", status.artifacts.size(),
                        status.artifacts.size() == 1 ? "" : "s", bytes);
    if (!status.message.empty()) line += " (" + status.message + ")";
  } else if (!status.message.empty()) {
    line += ": " + status.message;
  }
  return line;
}

StatusReporter::StatusReporter(std::filesystem::path path, nlohmann::json manifest)
    : path_(std::move(path)), manifest_(std::move(manifest)) {}

JobStatus StatusReporter::snapshot() const {
  std::lock_guard lock(mutex_);
  return status_;
}

void StatusReporter::write_locked() {
  try {
    if (const auto error =
            archive::create_directories(path_.parent_path(), archive::kPrivateModes.directory))
      throw std::system_error(error, "cannot create " + path_.parent_path().string());
    // Names from a hostile archive or dump need not be UTF-8; the status must still be written.
    archive::write_file_atomically(
        path_,
        render(manifest_, status_).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) +
            "\n");
  } catch (const std::exception& error) {
    spdlog::warn("cannot write the status file {}: {}", path_.string(), error.what());
  }
}

}  // namespace hivekeeper::status
