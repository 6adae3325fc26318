#include "store/restore_records.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <format>

#include <spdlog/spdlog.h>

#include "archive/sha256.h"
#include "common/error.h"
#include "manifest/manifest.h"

namespace hivekeeper::store {
namespace {

using nlohmann::json;

constexpr std::string_view kRecordKind = "RestoreRecord";
// A record is a few hundred bytes; anything much larger was not written by a job.
constexpr off_t kLargestRecord = 64 * 1024;

// KEY's string value in OBJECT; nullopt when it is absent or not a string.
std::optional<std::string> string_at(const json& object, std::string_view key) {
  const auto found = object.find(key);
  if (found == object.end() || !found->is_string()) return std::nullopt;
  return found->get<std::string>();
}

// A string, or "" for null or absence (an optional file); nullopt for any other type.
std::optional<std::string> optional_string_at(const json& object, std::string_view key) {
  const auto found = object.find(key);
  if (found == object.end() || found->is_null()) return std::string();
  if (!found->is_string()) return std::nullopt;
  return found->get<std::string>();
}

json string_or_null(const std::string& text) {
  return text.empty() ? json(nullptr) : json(text);
}

// The record's text, or nullopt (with WHY set when it exists but cannot be used).
std::optional<std::string> read_record_text(const std::filesystem::path& path, std::string& why) {
  // O_NOFOLLOW and the regular-file check: a link or a FIFO planted there is not ours to follow
  // or to block on.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    if (errno != ENOENT) why = std::strerror(errno);
    return std::nullopt;
  }
  std::string text;
  struct stat info{};
  if (::fstat(fd, &info) != 0) {
    why = std::strerror(errno);
  } else if (!S_ISREG(info.st_mode)) {
    why = "not a regular file";
  } else if (info.st_size > kLargestRecord) {
    why = std::format("{} bytes, more than a record ever holds", info.st_size);
  } else {
    text.resize(static_cast<std::size_t>(info.st_size));
    std::size_t done = 0;
    while (done < text.size()) {
      const ssize_t got = ::read(fd, text.data() + done, text.size() - done);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) break;
      done += static_cast<std::size_t>(got);
    }
    text.resize(done);
  }
  ::close(fd);
  if (!why.empty()) return std::nullopt;
  return text;
}

}  // namespace

RestoreKey restore_key(const nlohmann::json& manifest_document) {
  RestoreKey key;
  const json empty = json::object();
  const json& metadata = manifest_document.is_object() && manifest_document.contains("metadata")
                             ? manifest_document["metadata"]
                             : empty;
  if (metadata.is_object()) {
    key.name = string_at(metadata, "name").value_or("");
    if (metadata.contains("annotations") && metadata["annotations"].is_object())
      key.restore_id = string_at(metadata["annotations"], kRestoreIdAnnotation).value_or("");
  }
  // nlohmann::json keeps an object's keys sorted, so dump() is one text per spec, however the
  // manifest ordered its fields or whether it was written in YAML or JSON.
  const json spec =
      manifest_document.is_object() ? manifest_document.value("spec", json()) : json();
  archive::Sha256 hash;
  hash.update(spec.dump());
  key.spec_hash = hash.hex_digest();
  return key;
}

nlohmann::json render_restore_record(const RestoreRecord& record) {
  json safety = nullptr;
  if (!record.safety_database.empty())
    safety = {{"database", record.safety_database}, {"media", string_or_null(record.safety_media)}};
  return {{"apiVersion", manifest::kApiVersion},
          {"kind", kRecordKind},
          {"name", record.key.name},
          {"specHash", record.key.spec_hash},
          {"restoreId", record.key.restore_id},
          {"completionTime", record.completion_time},
          {"database", record.database},
          {"media", string_or_null(record.media)},
          {"safetyBackup", safety},
          {"statusFile", record.status_file}};
}

std::optional<RestoreRecord> parse_restore_record(const nlohmann::json& document) {
  if (!document.is_object() || string_at(document, "apiVersion") != manifest::kApiVersion ||
      string_at(document, "kind") != kRecordKind)
    return std::nullopt;
  const auto name = string_at(document, "name");
  const auto spec_hash = string_at(document, "specHash");
  const auto restore_id = optional_string_at(document, "restoreId");
  const auto completion_time = string_at(document, "completionTime");
  const auto database = string_at(document, "database");
  const auto media = optional_string_at(document, "media");
  const auto status_file = optional_string_at(document, "statusFile");
  if (!name || !spec_hash || spec_hash->empty() || !restore_id || !completion_time || !database ||
      !media || !status_file)
    return std::nullopt;
  RestoreRecord record{
      {*name, *spec_hash, *restore_id}, *completion_time, *database, *media, "", "", *status_file};
  // The safety backup is information for a person; a damaged entry does not void the record.
  if (const auto safety = document.find("safetyBackup");
      safety != document.end() && safety->is_object()) {
    record.safety_database = optional_string_at(*safety, "database").value_or("");
    record.safety_media = optional_string_at(*safety, "media").value_or("");
  }
  return record;
}

RepeatDecision decide_repeat(const std::optional<RestoreRecord>& record, const RestoreKey& key) {
  if (!record) return {false, "no earlier restore of this manifest is recorded"};
  const std::string when = record->completion_time;
  if (record->key.name != key.name)
    return {false, "the record found names another job (" + record->key.name + ")"};
  if (record->key.spec_hash != key.spec_hash)
    return {false, "the spec changed since the restore recorded at " + when};
  if (record->key.restore_id != key.restore_id)
    return {false, std::format("the annotation {} changed from \"{}\" to \"{}\" since the restore "
                               "recorded at {}",
                               kRestoreIdAnnotation, record->key.restore_id, key.restore_id, when)};
  return {true, "already restored at " + when};
}

std::filesystem::path restore_record_path(const std::filesystem::path& directory,
                                          const std::string& name) {
  return directory / kRestoreRecordsFolder / (name + ".json");
}

std::optional<RestoreRecord> read_restore_record(const std::filesystem::path& directory,
                                                 const std::string& name) {
  const std::filesystem::path path = restore_record_path(directory, name);
  std::string why;
  const auto text = read_record_text(path, why);
  if (text) {
    const json document = json::parse(*text, nullptr, /*allow_exceptions=*/false);
    if (auto record = parse_restore_record(document)) return record;
    why = document.is_discarded() ? "not valid JSON" : "not a RestoreRecord";
  }
  if (!why.empty())
    spdlog::warn("ignoring the restore record {} ({}): the restore runs as if it had never run",
                 path.string(), why);
  return std::nullopt;
}

void write_restore_record(const std::filesystem::path& directory, const RestoreRecord& record,
                          archive::FileModes modes) {
  const std::filesystem::path path = restore_record_path(directory, record.key.name);
  try {
    if (const std::error_code error =
            archive::create_directories(path.parent_path(), modes.directory))
      throw std::system_error(error, "cannot create " + path.parent_path().string());
    // Paths need not be UTF-8; the record must still be written.
    const std::string text =
        render_restore_record(record).dump(2, ' ', false, json::error_handler_t::replace) + "\n";
    archive::write_file_atomically(path, text, modes.file, archive::Existing::replace);
  } catch (const std::exception& error) {
    throw job_failed(
        "RestoreRecordUnwritable",
        std::format("the restore succeeded, but its record {} could not be written ({}): the "
                    "same manifest applied again would restore again",
                    path.string(), error.what()),
        "make " + path.parent_path().string() +
            " writable (free space, owner); until its record is written, every apply of this "
            "manifest restores again, so take it out of the sync meanwhile");
  }
}

}  // namespace hivekeeper::store
