#include "jobs/maintenance/verify.h"

#include <algorithm>
#include <map>
#include <optional>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "archive/media_restore.h"
#include "common/error.h"
#include "jobs/restore/fetch.h"
#include "jobs/restore/inputs.h"
#include "store/naming.h"

namespace hivekeeper::jobs {
namespace {

using nlohmann::json;

struct RecordedArtifact {
  std::uint64_t bytes = 0;
  std::string sha256;
};

// The metadata's claims about the files, checked against the name and the store; what it records
// per file, for the stream checks.
std::map<std::string, RecordedArtifact> check_metadata(const store::BackupStore& store,
                                                       const store::BackupSet& set,
                                                       std::vector<std::string>& problems) {
  std::map<std::string, RecordedArtifact> recorded;
  const std::string& name = *set.metadata_file;
  const auto text = store.read_small(name);
  const json metadata = text ? json::parse(*text, nullptr, false) : json();
  if (!metadata.is_object() || metadata.value("kind", "") != "BackupSet" ||
      !metadata.contains("artifacts") || !metadata["artifacts"].is_array()) {
    problems.push_back(name + " is not a backup set's metadata (unreadable or not JSON)");
    return recorded;
  }
  const auto disagrees = [&](const char* field, const std::string& expected) {
    if (metadata.value(field, "") != expected)
      problems.push_back(name + " says " + field + " " + metadata.value(field, "(none)") +
                         ", its name " + expected);
  };
  disagrees("prefix", set.prefix);
  disagrees("environment", manifest::to_string(set.environment));
  disagrees("timestamp", set.timestamp);
  const auto files = set.files();
  for (const auto& artifact : metadata["artifacts"]) {
    if (!artifact.is_object() || !artifact.contains("file") || !artifact["file"].is_string()) {
      problems.push_back(name + " lists an artifact without a file name");
      continue;
    }
    const std::string file = artifact["file"].get<std::string>();
    RecordedArtifact entry{artifact.value("bytes", std::uint64_t{0}), artifact.value("sha256", "")};
    // An encrypted file is read decrypted (age authenticates every chunk); the plaintext's
    // digest is what the read is checked against.
    if (artifact.contains("plaintext") && artifact["plaintext"].is_object())
      entry.sha256 = artifact["plaintext"].value("sha256", "");
    const auto size = store.size_of(file);
    if (std::find(files.begin(), files.end(), file) == files.end() || !size) {
      problems.push_back(name + " lists " + file + ", which is missing");
      continue;
    }
    if (*size != entry.bytes)
      problems.push_back(file + " has " + std::to_string(*size) + " bytes; " + name + " recorded " +
                         std::to_string(entry.bytes));
    recorded[file] = entry;
  }
  for (const auto& file : files)
    if (file != name && !recorded.count(file) &&
        std::none_of(problems.begin(), problems.end(),
                     [&](const std::string& p) { return p.find(file) != std::string::npos; }))
      problems.push_back(file + " is not listed in " + name);
  return recorded;
}

std::optional<store::SetMetadata> recorded_for(const std::map<std::string, RecordedArtifact>& all,
                                               const store::BackupSet& set,
                                               const std::string& file) {
  if (!set.metadata_file) return std::nullopt;
  const auto found = all.find(file);
  if (found == all.end()) return std::nullopt;
  return store::SetMetadata{*set.metadata_file, found->second.sha256, {}};
}

// Runs one check; its failure becomes a problem naming FILE, never an exception.
template <typename Check>
void collect(std::vector<std::string>& problems, const std::string& file, Check check) {
  try {
    check();
  } catch (const Error& error) {
    problems.push_back(file + ": " + error.what());
  } catch (const std::exception& error) {
    problems.push_back(file + ": " + error.what());
  }
}

}  // namespace

store::Verification verify_set(const store::BackupStore& store, const store::BackupSet& set,
                               const std::filesystem::path& fetch_directory,
                               const std::optional<crypto::AgeIdentities>& identities) {
  // A bucket's files and encrypted files are checked in local copies, made one at a time.
  std::optional<FetchedCopies> copies;
  const auto local_path = [&](const std::string& file) {
    copies.emplace(store, fetch_directory, identities);
    return copies->fetch_file(file);
  };
  store::Verification verification;
  verification.set = set.name;
  verification.by = "verify";
  verification.time = store::rfc3339(store::Clock::now());
  auto& problems = verification.problems;
  const auto recorded = set.metadata_file ? check_metadata(store, set, problems)
                                          : std::map<std::string, RecordedArtifact>{};
  if (set.database_files.empty()) problems.push_back(set.name + " has no database dump");
  for (const auto& file : set.database_files) {
    if (!store.size_of(file)) continue;
    collect(problems, file, [&] {
      if (!check_dump(local_path(file), recorded_for(recorded, set, file)))
        throw job_failed("DumpIncomplete",
                         "the dump ends before pg_dump's closing line (-- PostgreSQL database "
                         "dump complete): it was cut short");
    });
  }
  if (set.media_file && store.size_of(*set.media_file)) {
    collect(problems, *set.media_file, [&] {
      const auto path = local_path(*set.media_file);
      const auto contents = archive::inspect_media_archive(path, !set.metadata_file);
      check_sha256(path, recorded_for(recorded, set, *set.media_file), contents.file.sha256);
      verification.details["mediaEntries"] = contents.tree.entries();
    });
  }
  verification.passed = problems.empty();
  if (!set.metadata_file)
    verification.details["note"] = "no metadata: streams checked, no checksums";
  return verification;
}

}  // namespace hivekeeper::jobs
