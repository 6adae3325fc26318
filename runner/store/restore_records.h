// GitOps-safe restores: the record of every RestoreJob manifest that completed, so that the same
// manifest applied again (an Argo CD hook or a Flux Kustomization re-creates the Job on every
// sync) does not restore again over what the app wrote since. A record is
// <directory>/restores/<metadata.name>.json, written after the restore succeeded:
//   {"apiVersion":"hivekeeper.io/v1","kind":"RestoreRecord","name":"restore-prod",
//    "specHash":"<sha256 hex>","restoreId":"2026-11-30","completionTime":"2026-11-30T04:12:00Z",
//    "database":"backups/django/beelab_prod_db_app_….sql.gz","media":null,
//    "safetyBackup":{"database":"…","media":null},"statusFile":"backups/django/status/….json"}
// The same name, spec and annotation hivekeeper.io/restore-id make the same restore; a change of
// either runs it again. A record is read as hostile input: one that is missing, unreadable or
// not a record means "not done yet" (the safe direction is to restore again, never to skip).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "archive/atomic_file.h"

namespace hivekeeper::store {

inline constexpr std::string_view kRestoreIdAnnotation = "hivekeeper.io/restore-id";
inline constexpr std::string_view kRestoreRecordsFolder = "restores";

// What makes two applications of a manifest the same restore.
struct RestoreKey {
  std::string name;        // metadata.name
  std::string spec_hash;   // sha256 hex of the spec as written, as canonical JSON (sorted keys)
  std::string restore_id;  // the annotation hivekeeper.io/restore-id; "" when absent
};

// Labels, other annotations and the rest of the metadata do not count: they are a cluster's
// bookkeeping (Argo CD and Flux add their own), not what is restored.
RestoreKey restore_key(const nlohmann::json& manifest_document);

struct RestoreRecord {
  RestoreKey key;
  std::string completion_time;  // RFC 3339
  std::string database;         // the database file restored
  std::string media;            // the media archive restored; "" = the media were left alone
  std::string safety_database;  // the safety backup taken first; "" = none
  std::string safety_media;
  std::string status_file;  // the status the restore wrote (a repeat writes the same file)
};

nlohmann::json render_restore_record(const RestoreRecord& record);
// nullopt when DOCUMENT is not a RestoreRecord of this apiVersion with its fields.
std::optional<RestoreRecord> parse_restore_record(const nlohmann::json& document);

struct RepeatDecision {
  bool already_restored = false;
  std::string why;  // for the log: "first time", "the spec changed since …"
};
// Pure: RECORD (the one found for KEY's name, if any) against KEY.
RepeatDecision decide_repeat(const std::optional<RestoreRecord>& record, const RestoreKey& key);

// <directory>/restores/<name>.json
std::filesystem::path restore_record_path(const std::filesystem::path& directory,
                                          const std::string& name);

// The record of NAME in DIRECTORY. Never throws: nullopt when there is none, and (with a warning
// in the log) when it is not a regular file, is too large, or is not a record.
std::optional<RestoreRecord> read_restore_record(const std::filesystem::path& directory,
                                                 const std::string& name);

// Writes RECORD atomically (replacing the previous record of the name) with MODES; throws
// RestoreRecordUnwritable when it cannot.
void write_restore_record(const std::filesystem::path& directory, const RestoreRecord& record,
                          archive::FileModes modes);

}  // namespace hivekeeper::store
