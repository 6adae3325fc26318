// What a job is changing, written down before it changes it, so that a job killed outright
// (SIGKILL, the OOM killer, a lost node: none of its cleanups run) can be finished by the next
// job on the same backup directory, or by `hivekeeper recover`. The journal is
// <directory>/.hivekeeper.journal, beside the lock, and only a job holding the lock writes it:
// a journal found by the next holder therefore belongs to a job that is gone (the kernel dropped
// its flock), never to one still running. A job that ends however it can still end (success,
// failure, SIGTERM) removes its journal itself.
//
// One JSON object a line, each fsynced before the step it announces:
//   {"record":"job","kind":"RestoreJob","name":"restore-prod","statusFile":"status/restore-prod.json",
//    "run":"<16 hex>","mode":"docker","host":"...","pid":1,"started":"2026-..."}   always first
//   {"record":"services","project":"beelab","containers":["beelab-web-1"]}        before stopping
//   {"record":"media","volume":"beelab_media","image":"sha256:...",               before staging
//    "staging":".hivekeeper-staging-X","old":".hivekeeper-old-X"}   (direct mode: "directory")
//   {"record":"swap","staging":".hivekeeper-staging-X"}                          before the swap
//   {"record":"scratch","database":"hk_drill_...","container":"beelab-db-1",      before a drill
//    "user":"app","connectTo":"app","volume":"hk-drill-..."}   creates its scratch database and
//    (direct mode: "directory" instead of "volume", no "container")              media place
//   {"record":"prune","files":["app_prod_2026-...json","app_prod_db_...sql.gz",...]}  before a
//    prune deletes a set's files (metadata first); a later prune record replaces it
// Helper containers carry the labels hivekeeper.io/run=<run> and hivekeeper.io/job=<name>.
#pragma once

#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace hivekeeper::store {

inline constexpr const char* kJournalFileName = ".hivekeeper.journal";

struct JournalJob {
  std::string kind;         // BackupJob, RestoreJob
  std::string name;         // metadata.name
  std::string status_file;  // relative to the directory when inside it, else absolute
  std::string run;          // random token: the value of the helpers' hivekeeper.io/run label
  bool docker = true;       // Docker mode (helpers, services); false: direct mode
  std::string host;
  long pid = 0;
  std::string started;  // RFC 3339
};

// Where a restore staged its media: a Docker volume (with the image its helpers ran) or, in
// direct mode, a directory.
struct JournalMedia {
  std::string volume;
  std::string image;
  std::string directory;
  std::string staging;
  std::string old;
};

// What a drill is about to create (jobs/drill/): its scratch database, reached through CONTAINER
// as USER connected to CONNECT_TO (Docker mode; "" in direct mode), and its scratch volume or
// folder.
struct JournalScratch {
  std::string database;
  std::string container;
  std::string user;
  std::string connect_to;
  std::string volume;
  std::string directory;
};

// Everything a journal says, merged from its records.
struct JournalContents {
  std::optional<JournalJob> job;
  std::string project;
  std::vector<std::string> stopped_containers;
  std::optional<JournalMedia> media;
  bool swap_began = false;
  std::optional<JournalScratch> scratch;
  // The files of the set a prune was deleting: only backup file names and verified/ records of
  // the directory itself, whatever the journal says (a damaged journal must not delete others).
  std::vector<std::string> pruning;
  std::size_t ignored_lines = 0;  // torn (the job died mid-write) or of an unknown kind
};

nlohmann::json job_record(const JournalJob& job);
nlohmann::json services_record(const std::string& project,
                               const std::vector<std::string>& containers);
nlohmann::json media_record(const JournalMedia& media);
nlohmann::json swap_record(const std::string& staging);
nlohmann::json scratch_record(const JournalScratch& scratch);
nlohmann::json prune_record(const std::vector<std::string>& files);

// One record as its line, newline included.
std::string format_record(const nlohmann::json& record);
// Never throws: a line that is not a known record is counted and skipped.
JournalContents parse_journal(std::string_view text);

// STATUS_FILE as the journal keeps it: relative to DIRECTORY when it lies inside (the next job may
// mount the directory elsewhere), else absolute; and back.
std::string status_file_for_journal(const std::filesystem::path& directory,
                                    const std::filesystem::path& status_file);
std::filesystem::path status_file_from_journal(const std::filesystem::path& directory,
                                               const std::string& recorded);

// The journal's text, or nullopt when there is none.
std::optional<std::string> read_journal(const std::filesystem::path& directory);
// Removes a journal once it has been recovered.
void remove_journal(const std::filesystem::path& directory);

// This job's journal. A disabled writer (the directory could not be locked, so another job may
// be running: its journal must not be replaced) records nothing.
class JournalWriter {
 public:
  JournalWriter() = default;  // disabled
  // Replaces any journal in DIRECTORY with one holding JOB's record.
  JournalWriter(const std::filesystem::path& directory, const JournalJob& job);
  ~JournalWriter();  // remove_if_ours()
  JournalWriter(const JournalWriter&) = delete;
  JournalWriter& operator=(const JournalWriter&) = delete;

  // Appends RECORD and fsyncs it; throws OutputWriteFailed when it cannot.
  void append(const nlohmann::json& record);
  // Removes the journal if the path still names the file this writer wrote (a job that started
  // after this one's lock went may have written its own). Safe to call from the signal thread.
  void remove_if_ours() noexcept;

 private:
  std::filesystem::path path_;
  int fd_ = -1;
  std::mutex mutex_;  // the signal thread may remove while the job's thread appends
};

}  // namespace hivekeeper::store
