#include "store/verification.h"

namespace hivekeeper::store {

using nlohmann::json;

std::string verification_record_name(const std::string& set) {
  return "verified/" + set + ".json";
}

json to_json(const Verification& verification) {
  return {
      {"apiVersion", "hivekeeper.io/v1"},  {"kind", "Verification"},
      {"set", verification.set},           {"result", verification.passed ? "Passed" : "Failed"},
      {"time", verification.time},         {"by", verification.by},
      {"problems", verification.problems}, {"details", verification.details}};
}

std::optional<Verification> parse_verification(std::string_view text) {
  const json document = json::parse(text, nullptr, false);
  if (!document.is_object() || document.value("kind", "") != "Verification") return std::nullopt;
  const auto string_at = [&](const char* key) -> std::optional<std::string> {
    const auto found = document.find(key);
    if (found == document.end() || !found->is_string()) return std::nullopt;
    return found->get<std::string>();
  };
  const auto set = string_at("set"), result = string_at("result"), time = string_at("time");
  if (!set || !result || !time || (*result != "Passed" && *result != "Failed")) return std::nullopt;
  Verification verification;
  verification.set = *set;
  verification.passed = *result == "Passed";
  verification.time = *time;
  verification.by = string_at("by").value_or("verify");
  if (const auto problems = document.find("problems");
      problems != document.end() && problems->is_array())
    for (const auto& problem : *problems)
      if (problem.is_string()) verification.problems.push_back(problem.get<std::string>());
  if (const auto details = document.find("details");
      details != document.end() && details->is_object())
    verification.details = *details;
  return verification;
}

std::optional<Verification> read_verification(const BackupStore& store, const std::string& set) {
  const auto text = store.read_small(verification_record_name(set));
  if (!text) return std::nullopt;
  auto verification = parse_verification(*text);
  if (verification && verification->set != set) return std::nullopt;
  return verification;
}

void record_verification(BackupStore& store, const Verification& verification) {
  store.put_record(verification_record_name(verification.set), to_json(verification).dump(2));
}

}  // namespace hivekeeper::store
