#include "target/recovery.h"

#include <spdlog/spdlog.h>

#include "archive/media_directory.h"
#include "common/error.h"
#include "common/interrupt.h"
#include "common/text.h"
#include "docker/client.h"
#include "postgres/queries.h"
#include "postgres/scratch_sql.h"
#include "target/database_commands.h"
#include "target/target.h"

namespace hivekeeper::target {
namespace {

namespace fs = std::filesystem;

std::string quoted(const std::string& word) {
  std::string text = "'";
  for (const char c : word) text += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return text + "'";
}

// Splits `find . -print0` output into names, without the leading "./".
std::vector<std::string> names_of(const std::string& listing) {
  std::vector<std::string> names;
  std::size_t start = 0;
  while (start < listing.size()) {
    std::size_t end = listing.find('\0', start);
    if (end == std::string::npos) end = listing.size();
    std::string name = listing.substr(start, end - start);
    if (name.starts_with("./")) name.erase(0, 2);
    if (!name.empty()) names.push_back(name);
    start = end + 1;
  }
  return names;
}

std::vector<std::string> without_runner_entries(std::vector<std::string> names) {
  std::erase_if(names, [](const std::string& name) { return archive::is_runner_entry(name); });
  return names;
}

Error media_recovery_failed(const std::string& where, const std::string& what) {
  return job_failed(
      "RecoveryFailed",
      "could not put the media in " + where + " right after a killed restore: " + what,
      "see the log for what was done; `hivekeeper recover` tries again");
}

class DockerRecovery final : public Recovery {
 public:
  DockerRecovery() : docker_(docker::Client::socket_path_from_environment()) { docker_.connect(); }

  std::vector<std::string> remove_helpers(const std::string& run) override {
    std::vector<std::string> removed;
    if (run.empty()) return removed;
    for (const auto& helper :
         docker_.list_containers({{"label", {std::string(kRunLabel) + "=" + run}}})) {
      docker_.remove_container(helper.id);
      removed.push_back(helper.name);
    }
    return removed;
  }

  std::vector<std::string> start_stopped(const std::vector<std::string>& containers) override {
    std::vector<std::string> started;
    for (const auto& name : containers) {
      docker::Container container;
      try {
        container = docker_.inspect_container(name);
      } catch (const Error& error) {
        spdlog::warn("not starting {} again: {}", name, error.what());  // removed since
        continue;
      }
      if (container.running()) continue;
      docker_.start_container(container.id);
      started.push_back(name);
    }
    return started;
  }

  std::vector<std::string> remove_scratch(const ScratchLeft& left) override {
    std::vector<std::string> done;
    if (!left.database.empty() && !left.container.empty()) {
      const docker::Container container = docker_.inspect_container(left.container);
      const postgres::DatabaseCommands commands = commands_in_container(docker_, container);
      const postgres::DatabaseIdentity connect_to{left.connect_to, left.user};
      postgres::drop_database(commands, connect_to, left.database,
                              postgres::server_version_num(commands, connect_to));
      done.push_back("dropped the scratch database " + left.database);
    }
    if (!left.volume.empty() && docker_.inspect_volume(left.volume)) {
      docker_.remove_volume(left.volume);
      done.push_back("removed the scratch volume " + left.volume);
    }
    return done;
  }

  MediaSteps recover_media(const MediaPlace& place, const std::string& staging,
                           const std::string& old, const std::string& run,
                           const std::function<MediaSteps(const MediaState&)>& decide) override {
    const nlohmann::json config = docker::volume_helper_config(
        place.image, place.volume, "media-recovery",
        /*read_only=*/false, {"sleep", "infinity"}, {{kRunLabel, run}});
    helper_ = docker_.create_container("hivekeeper-recover-" + random_token(), config);
    ScopedCleanup remove_helper([this] { docker_.remove_container(helper_); });
    docker_.start_container(helper_);
    MediaState state;
    state.top = without_runner_entries(*list(""));
    state.staged = list(staging);
    state.incoming = list(archive::incoming_folder(staging));
    state.aside = list(old);
    const MediaSteps steps = decide(state);
    if (!steps.empty()) {
      std::string errors;
      const int code = docker_.exec(
          helper_,
          {{"sh", "-c", media_steps_script(docker::kHelperVolumeMount, old, steps)}, {}, {}},
          [](std::string_view) {}, [&](std::string_view bytes) { append_capped(errors, bytes); });
      if (code != 0)
        throw media_recovery_failed("volume " + place.volume,
                                    "exit code " + std::to_string(code) + ": " + errors);
    }
    return steps;
  }

 private:
  // The names in FOLDER (of the volume's root); nullopt when it does not exist.
  std::optional<std::vector<std::string>> list(const std::string& folder) {
    std::string listing;
    std::string errors;
    const std::string path = std::string(docker::kHelperVolumeMount) + "/" + folder;
    const int code = docker_.exec(
        helper_,
        {{"sh", "-c",
          "cd " + quoted(path) + " 2>/dev/null || exit 3; find . -mindepth 1 -maxdepth 1 -print0"},
         {},
         {}},
        [&](std::string_view bytes) { listing.append(bytes); },
        [&](std::string_view bytes) { append_capped(errors, bytes); });
    if (code == 3) return std::nullopt;
    if (code != 0) throw media_recovery_failed(path, "cannot list it: " + errors);
    return names_of(listing);
  }

  docker::Client docker_;
  std::string helper_;
};

std::optional<std::vector<std::string>> list_directory(const fs::path& directory) {
  std::error_code error;
  if (!fs::is_directory(directory, error)) return std::nullopt;
  std::vector<std::string> names;
  for (fs::directory_iterator it(directory, error), end; !error && it != end; it.increment(error))
    names.push_back(it->path().filename().string());
  if (error) throw media_recovery_failed(directory.string(), "cannot list it: " + error.message());
  return names;
}

// Direct mode: no engine, no services; the media directory is the runner's own mount.
class DirectoryRecovery final : public Recovery {
 public:
  std::vector<std::string> remove_helpers(const std::string&) override { return {}; }
  std::vector<std::string> start_stopped(const std::vector<std::string>&) override { return {}; }

  std::vector<std::string> remove_scratch(const ScratchLeft& left) override {
    std::vector<std::string> done;
    std::error_code error;
    if (!left.directory.empty() && fs::exists(fs::symlink_status(left.directory, error))) {
      fs::remove_all(left.directory, error);
      if (error)
        throw job_failed("RecoveryFailed",
                         "cannot remove the scratch folder " + left.directory.string() +
                             " a killed drill left: " + error.message(),
                         "`hivekeeper recover` tries again");
      done.push_back("removed the scratch folder " + left.directory.string());
    }
    if (!left.database.empty()) {
      spdlog::warn(
          "a killed drill left the scratch database {} on its server; drop it by hand: "
          "DROP DATABASE {} WITH (FORCE)",
          left.database, left.database);
      done.push_back("left the scratch database " + left.database +
                     " (direct mode: the recovery has no password; drop it by hand)");
    }
    return done;
  }

  MediaSteps recover_media(const MediaPlace& place, const std::string& staging,
                           const std::string& old, const std::string& /*run*/,
                           const std::function<MediaSteps(const MediaState&)>& decide) override {
    const fs::path& root = place.directory;
    std::error_code missing;
    if (!fs::is_directory(root, missing))
      // Not mounted in this job: recovering without it would leave a half-done swap behind.
      throw job_failed(
          "RecoveryFailed",
          "a killed restore left its media in " + root.string() + ", which this job does not mount",
          "run `hivekeeper recover` in a pod that mounts the media claim there (the "
          "restore Job's)");
    MediaState state;
    state.top = without_runner_entries(list_directory(root).value_or(std::vector<std::string>{}));
    state.staged = list_directory(root / staging);
    state.incoming = list_directory(root / archive::incoming_folder(staging));
    state.aside = list_directory(root / old);
    const MediaSteps steps = decide(state);
    std::error_code error;
    for (const auto& name : steps.take_out) {
      fs::remove_all(root / name, error);
      if (error)
        throw media_recovery_failed(root.string(),
                                    "cannot remove " + name + ": " + error.message());
    }
    if (steps.put_old_back)
      for (const auto& name : list_directory(root / old).value_or(std::vector<std::string>{})) {
        fs::rename(root / old / name, root / name, error);
        if (error)
          throw media_recovery_failed(root.string(),
                                      "cannot move " + name + " back: " + error.message());
      }
    for (const auto& folder : steps.remove) {
      fs::remove_all(root / folder, error);
      if (error)
        throw media_recovery_failed(root.string(),
                                    "cannot remove " + folder + ": " + error.message());
    }
    return steps;
  }
};

}  // namespace

std::string media_steps_script(const std::string& mount, const std::string& old,
                               const MediaSteps& steps) {
  std::string script = "set -u\ncd " + quoted(mount) + " || exit 10\n";
  for (const auto& name : steps.take_out) script += "rm -rf -- " + quoted(name) + " || exit 11\n";
  if (steps.put_old_back)
    // As the swap script's put_old_back: every name, dotfiles included.
    script += "O=" + quoted(old) +
              "\nfor e in \"$O\"/* \"$O\"/.[!.]* \"$O\"/..?*; do\n"
              "  [ -e \"$e\" ] || [ -L \"$e\" ] || continue\n"
              "  mv -- \"$e\" ./ || exit 12\n"
              "done\n";
  for (const auto& folder : steps.remove) script += "rm -rf -- " + quoted(folder) + " || exit 13\n";
  return script;
}

std::unique_ptr<Recovery> open_recovery(bool docker) {
  if (docker) return std::make_unique<DockerRecovery>();
  return std::make_unique<DirectoryRecovery>();
}

}  // namespace hivekeeper::target
