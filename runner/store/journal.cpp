#include "store/journal.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>
#include <system_error>

#include "archive/atomic_file.h"
#include "common/error.h"
#include "store/naming.h"

namespace hivekeeper::store {
namespace {

using nlohmann::json;

std::vector<std::string> strings_of(const json& record, const char* key) {
  std::vector<std::string> values;
  for (const auto& value : record.value(key, json::array()))
    if (value.is_string()) values.push_back(value.get<std::string>());
  return values;
}

// A set's file, or its verification record: nothing else of the directory, nothing outside it.
bool is_prunable_name(const std::string& name) {
  if (parse_backup_file_name(name)) return true;
  const std::string folder = "verified/";
  const std::string rest =
      name.substr(0, folder.size()) == folder ? name.substr(folder.size()) : "";
  return !rest.empty() && rest.find('/') == std::string::npos && rest.ends_with(".json") &&
         parse_backup_file_name(rest);
}

// Applies one record; false when it is none we know.
bool apply_record(const json& record, JournalContents& contents) {
  const std::string kind = record.value("record", "");
  if (kind == "job") {
    JournalJob job;
    job.kind = record.value("kind", "");
    job.name = record.value("name", "");
    job.status_file = record.value("statusFile", "");
    job.run = record.value("run", "");
    job.docker = record.value("mode", "docker") != "direct";
    job.host = record.value("host", "");
    job.pid = record.value("pid", 0L);
    job.started = record.value("started", "");
    contents.job = job;
  } else if (kind == "services") {
    contents.project = record.value("project", "");
    for (auto& name : strings_of(record, "containers")) contents.stopped_containers.push_back(name);
  } else if (kind == "media") {
    contents.media = JournalMedia{record.value("volume", ""), record.value("image", ""),
                                  record.value("directory", ""), record.value("staging", ""),
                                  record.value("old", "")};
  } else if (kind == "swap") {
    contents.swap_began = true;
  } else if (kind == "prune") {
    contents.pruning.clear();
    for (auto& name : strings_of(record, "files"))
      if (is_prunable_name(name)) contents.pruning.push_back(std::move(name));
  } else if (kind == "scratch") {
    contents.scratch = JournalScratch{record.value("database", ""), record.value("container", ""),
                                      record.value("user", ""),     record.value("connectTo", ""),
                                      record.value("volume", ""),   record.value("directory", "")};
  } else {
    return false;
  }
  return true;
}

Error journal_error(const std::filesystem::path& path, const std::string& what, int error_number) {
  return job_failed("OutputWriteFailed", errno_text(what + " " + path.string(), error_number),
                    "the backup directory must be writable: each job records there what it "
                    "changes, so that a killed job can be finished by the next");
}

}  // namespace

json job_record(const JournalJob& job) {
  return {{"record", "job"},       {"kind", job.kind},
          {"name", job.name},      {"statusFile", job.status_file},
          {"run", job.run},        {"mode", job.docker ? "docker" : "direct"},
          {"host", job.host},      {"pid", job.pid},
          {"started", job.started}};
}

json services_record(const std::string& project, const std::vector<std::string>& containers) {
  return {{"record", "services"}, {"project", project}, {"containers", containers}};
}

json media_record(const JournalMedia& media) {
  json record = {{"record", "media"}, {"staging", media.staging}, {"old", media.old}};
  if (!media.volume.empty()) {
    record["volume"] = media.volume;
    record["image"] = media.image;
  } else {
    record["directory"] = media.directory;
  }
  return record;
}

json swap_record(const std::string& staging) {
  return {{"record", "swap"}, {"staging", staging}};
}

json prune_record(const std::vector<std::string>& files) {
  return {{"record", "prune"}, {"files", files}};
}

json scratch_record(const JournalScratch& scratch) {
  json record = {{"record", "scratch"}, {"database", scratch.database}};
  for (const auto& [key, value] :
       {std::pair{"container", &scratch.container}, std::pair{"user", &scratch.user},
        std::pair{"connectTo", &scratch.connect_to}, std::pair{"volume", &scratch.volume},
        std::pair{"directory", &scratch.directory}})
    if (!value->empty()) record[key] = *value;
  return record;
}

std::string format_record(const json& record) {
  // replace: a file name that is not UTF-8 must not make the journal unwritable.
  return record.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
}

JournalContents parse_journal(std::string_view text) {
  JournalContents contents;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(start, end - start);
    start = end + 1;
    if (line.empty()) continue;
    const json record = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!record.is_object() || !apply_record(record, contents)) ++contents.ignored_lines;
  }
  return contents;
}

std::string status_file_for_journal(const std::filesystem::path& directory,
                                    const std::filesystem::path& status_file) {
  std::error_code error;
  const auto absolute_directory = std::filesystem::absolute(directory, error).lexically_normal();
  const auto absolute_file = std::filesystem::absolute(status_file, error).lexically_normal();
  const auto relative = absolute_file.lexically_relative(absolute_directory);
  if (!relative.empty() && *relative.begin() != "..") return relative.string();
  return absolute_file.string();
}

std::filesystem::path status_file_from_journal(const std::filesystem::path& directory,
                                               const std::string& recorded) {
  if (recorded.empty()) return {};
  const std::filesystem::path path(recorded);
  return path.is_absolute() ? path : directory / path;
}

std::optional<std::string> read_journal(const std::filesystem::path& directory) {
  std::ifstream stream(directory / kJournalFileName, std::ios::binary);
  if (!stream) return std::nullopt;
  std::ostringstream text;
  text << stream.rdbuf();
  return text.str();
}

void remove_journal(const std::filesystem::path& directory) {
  const auto path = directory / kJournalFileName;
  if (::unlink(path.c_str()) != 0 && errno != ENOENT)
    throw journal_error(path, "cannot remove the recovered journal", errno);
}

JournalWriter::JournalWriter(const std::filesystem::path& directory, const JournalJob& job)
    : path_(directory / kJournalFileName) {
  // Atomically: a job killed now leaves either the old journal (still to recover) or this one.
  archive::write_file_atomically(path_, format_record(job_record(job)));
  fd_ = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd_ < 0) throw journal_error(path_, "cannot open the journal", errno);
}

JournalWriter::~JournalWriter() {
  remove_if_ours();
  std::lock_guard lock(mutex_);
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void JournalWriter::append(const json& record) {
  std::lock_guard lock(mutex_);
  if (fd_ < 0) return;
  const std::string line = format_record(record);
  std::size_t written = 0;
  while (written < line.size()) {
    const ssize_t count = ::write(fd_, line.data() + written, line.size() - written);
    if (count < 0 && errno == EINTR) continue;
    if (count < 0) throw journal_error(path_, "cannot write the journal", errno);
    written += static_cast<std::size_t>(count);
  }
  // The record must be on disk before the step it announces can happen.
  if (::fdatasync(fd_) != 0) throw journal_error(path_, "cannot sync the journal", errno);
}

void JournalWriter::remove_if_ours() noexcept {
  std::lock_guard lock(mutex_);
  if (fd_ < 0) return;
  struct stat opened{};
  struct stat named{};
  if (::fstat(fd_, &opened) == 0 && ::stat(path_.c_str(), &named) == 0 &&
      opened.st_dev == named.st_dev && opened.st_ino == named.st_ino)
    ::unlink(path_.c_str());
}

}  // namespace hivekeeper::store
