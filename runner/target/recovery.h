// What recovering from a killed job acts on, in either mode (jobs/recover.h decides what to do):
// the Docker engine, to remove the killed run's helper containers (found by their run label) and
// start the containers it stopped; and the media, in a volume (through a helper container of the
// image the killed job's helpers ran, labelled with the killed run's token: should this recovery
// be killed too, the next one removes it as well) or a mounted directory (direct mode), to look
// at what a restore's staging and swap left and to put it right.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace hivekeeper::target {

// Where a killed restore staged its media: VOLUME (with IMAGE for the helper) or DIRECTORY.
struct MediaPlace {
  std::string volume;
  std::string image;
  std::filesystem::path directory;
};

// What is at the top of the media and in the restore's folders (names, the runner's own
// .hivekeeper-* folders not among the top ones).
struct MediaState {
  std::vector<std::string> top;
  std::optional<std::vector<std::string>> staged;    // nullopt: no staging folder
  std::optional<std::vector<std::string>> incoming;  // the staging folder renamed by the swap
  std::optional<std::vector<std::string>> aside;     // nullopt: no old-content folder
};

// In order: remove TAKE_OUT from the top (content of a half-done swap), move the old-content
// folder's entries back up if PUT_OLD_BACK, remove the folders in REMOVE.
struct MediaSteps {
  std::vector<std::string> take_out;
  bool put_old_back = false;
  std::vector<std::string> remove;
  bool empty() const { return take_out.empty() && !put_old_back && remove.empty(); }
};

// What a killed drill created (jobs/drill/): its scratch database, reached in Docker mode through
// CONTAINER as USER connected to CONNECT_TO, and its scratch VOLUME or DIRECTORY.
struct ScratchLeft {
  std::string database;
  std::string container;
  std::string user;
  std::string connect_to;
  std::string volume;
  std::filesystem::path directory;
};

// The POSIX sh step that carries STEPS out in the volume mounted at MOUNT (OLD: the old-content
// folder). Every name is single-quoted: they come from the volume.
std::string media_steps_script(const std::string& mount, const std::string& old,
                               const MediaSteps& steps);

class Recovery {
 public:
  virtual ~Recovery() = default;
  // Removes every container labelled with RUN (forced, anonymous volumes too); their names.
  virtual std::vector<std::string> remove_helpers(const std::string& run) = 0;
  // Starts those of CONTAINERS that exist and are not running; their names.
  virtual std::vector<std::string> start_stopped(const std::vector<std::string>& containers) = 0;
  // Looks at the media in PLACE, asks DECIDE what to do, and does it. RUN labels a helper.
  // Removes what a killed drill left, after its helpers; what was done, one line each. In direct
  // mode the scratch database is out of reach (the recovery has no password): a line says so.
  virtual std::vector<std::string> remove_scratch(const ScratchLeft& left) = 0;
  virtual MediaSteps recover_media(const MediaPlace& place, const std::string& staging,
                                   const std::string& old, const std::string& run,
                                   const std::function<MediaSteps(const MediaState&)>& decide) = 0;
};

// DOCKER: connects to the engine (the killed job ran in Docker mode); else direct mode, where
// only directories are touched.
std::unique_ptr<Recovery> open_recovery(bool docker);

}  // namespace hivekeeper::target
