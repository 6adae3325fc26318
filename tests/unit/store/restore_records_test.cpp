// Restore records: what makes a manifest applied again the same restore (its name, its spec and
// the annotation hivekeeper.io/restore-id, nothing else), the record written and read back, and a
// damaged record read as "not done yet", never as a crash or a skip.
#include "store/restore_records.h"

#include <sys/stat.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "manifest/manifest.h"
#include "support/test_support.h"

namespace hivekeeper::store {
namespace {

using hivekeeper::testing::error_from;
using hivekeeper::testing::mode_of;
using hivekeeper::testing::TempDir;
using hivekeeper::testing::write_file;
using nlohmann::json;
using ::testing::HasSubstr;

json restore_manifest() {
  return json::parse(R"({
    "apiVersion": "hivekeeper.io/v1", "kind": "RestoreJob",
    "metadata": {"name": "restore-prod", "labels": {"team": "bees"},
                 "annotations": {"hivekeeper.io/restore-id": "2026-11-30", "note": "first"}},
    "spec": {"environment": "prod", "source": {"database": "latest", "media": "latest"},
             "quiesce": {"services": ["web"]}}})");
}

RestoreRecord sample_record() {
  return {restore_key(restore_manifest()),
          "2026-11-30T04:12:00Z",
          "backups/django/beelab_prod_db_app_2026-11-29_031500.sql.gz",
          "backups/django/beelab_prod_media_2026-11-29_031500.tgz",
          "backups/django/beelab_prod_pre-restore_db_app_2026-11-30_041100.sql.gz",
          "",
          "backups/django/status/restore-prod.json"};
}

void expect_same_record(const RestoreRecord& actual, const RestoreRecord& expected) {
  EXPECT_EQ(actual.key.name, expected.key.name);
  EXPECT_EQ(actual.key.spec_hash, expected.key.spec_hash);
  EXPECT_EQ(actual.key.restore_id, expected.key.restore_id);
  EXPECT_EQ(actual.completion_time, expected.completion_time);
  EXPECT_EQ(actual.database, expected.database);
  EXPECT_EQ(actual.media, expected.media);
  EXPECT_EQ(actual.safety_database, expected.safety_database);
  EXPECT_EQ(actual.safety_media, expected.safety_media);
  EXPECT_EQ(actual.status_file, expected.status_file);
}

TEST(RestoreKey, IsTheNameTheSpecsHashAndTheRestoreId) {
  const RestoreKey key = restore_key(restore_manifest());
  EXPECT_EQ(key.name, "restore-prod");
  EXPECT_EQ(key.restore_id, "2026-11-30");
  EXPECT_EQ(key.spec_hash.size(), 64u);
  EXPECT_EQ(key.spec_hash.find_first_not_of("0123456789abcdef"), std::string::npos);
}

TEST(RestoreKey, ChangesWithTheSpec) {
  json changed = restore_manifest();
  changed["spec"]["reset"] = true;
  EXPECT_NE(restore_key(changed).spec_hash, restore_key(restore_manifest()).spec_hash);
  changed = restore_manifest();
  changed["spec"]["source"]["database"] = "beelab_prod_db_app_2026-11-28_031500.sql.gz";
  EXPECT_NE(restore_key(changed).spec_hash, restore_key(restore_manifest()).spec_hash);
}

TEST(RestoreKey, ChangesWithTheRestoreIdAnnotationAndItsRemoval) {
  json changed = restore_manifest();
  changed["metadata"]["annotations"]["hivekeeper.io/restore-id"] = "2026-12-01";
  EXPECT_EQ(restore_key(changed).restore_id, "2026-12-01");
  changed["metadata"]["annotations"].erase("hivekeeper.io/restore-id");
  EXPECT_EQ(restore_key(changed).restore_id, "");
  changed["metadata"].erase("annotations");
  EXPECT_EQ(restore_key(changed).restore_id, "");
  EXPECT_EQ(restore_key(changed).spec_hash, restore_key(restore_manifest()).spec_hash);
}

TEST(RestoreKey, DoesNotChangeWithLabelsOtherAnnotationsOrTheName) {
  json changed = restore_manifest();
  changed["metadata"]["labels"]["app.kubernetes.io/instance"] = "hivekeeper";
  changed["metadata"]["annotations"]["note"] = "second";
  changed["metadata"]["annotations"]["argocd.argoproj.io/hook"] = "PostSync";
  changed["metadata"]["namespace"] = "beelab";
  changed["metadata"]["name"] = "restore-prod-again";
  const RestoreKey original = restore_key(restore_manifest());
  const RestoreKey key = restore_key(changed);
  EXPECT_EQ(key.spec_hash, original.spec_hash);
  EXPECT_EQ(key.restore_id, original.restore_id);
  EXPECT_EQ(key.name, "restore-prod-again");  // the name picks the record, it is not hashed
}

TEST(RestoreKey, IsTheSameForTheSameSpecWrittenInAnotherOrderOrInYaml) {
  const char* yaml = R"(apiVersion: hivekeeper.io/v1
kind: RestoreJob
metadata:
  name: restore-prod
spec:
  quiesce: {services: [web]}
  source: {media: latest, database: latest}
  environment: prod
)";
  const char* json_text = R"({"kind": "RestoreJob", "apiVersion": "hivekeeper.io/v1",
    "metadata": {"name": "restore-prod"},
    "spec": {"environment": "prod", "source": {"database": "latest", "media": "latest"},
             "quiesce": {"services": ["web"]}}})";
  const auto from_yaml = manifest::parse_manifest(yaml, "yaml");
  const auto from_json = manifest::parse_manifest(json_text, "json");
  EXPECT_EQ(restore_key(from_yaml.document).spec_hash, restore_key(from_json.document).spec_hash);
}

TEST(RestoreRecord, RendersAndParsesBack) {
  const RestoreRecord record = sample_record();
  const json document = render_restore_record(record);
  EXPECT_EQ(document["apiVersion"], "hivekeeper.io/v1");
  EXPECT_EQ(document["kind"], "RestoreRecord");
  EXPECT_EQ(document["safetyBackup"]["media"], nullptr);
  const auto parsed = parse_restore_record(document);
  ASSERT_TRUE(parsed.has_value());
  expect_same_record(*parsed, record);
}

TEST(RestoreRecord, WithoutMediaOrSafetyBackupParsesBack) {
  RestoreRecord record = sample_record();
  record.media.clear();
  record.safety_database.clear();
  const json document = render_restore_record(record);
  EXPECT_EQ(document["media"], nullptr);
  EXPECT_EQ(document["safetyBackup"], nullptr);
  const auto parsed = parse_restore_record(document);
  ASSERT_TRUE(parsed.has_value());
  expect_same_record(*parsed, record);
}

TEST(RestoreRecord, DocumentsThatAreNoRecordAreRefused) {
  const json good = render_restore_record(sample_record());
  EXPECT_FALSE(parse_restore_record(json::array()).has_value());
  EXPECT_FALSE(parse_restore_record(json("RestoreRecord")).has_value());
  for (const char* field :
       {"apiVersion", "kind", "name", "specHash", "completionTime", "database"}) {
    json missing = good;
    missing.erase(field);
    EXPECT_FALSE(parse_restore_record(missing).has_value()) << field;
    json wrong_type = good;
    wrong_type[field] = 42;
    EXPECT_FALSE(parse_restore_record(wrong_type).has_value()) << field;
  }
  json other_kind = good;
  other_kind["kind"] = "RestoreJob";
  EXPECT_FALSE(parse_restore_record(other_kind).has_value());
  json media_object = good;
  media_object["media"] = json::object();
  EXPECT_FALSE(parse_restore_record(media_object).has_value());
  json empty_hash = good;
  empty_hash["specHash"] = "";
  EXPECT_FALSE(parse_restore_record(empty_hash).has_value());
}

TEST(DecideRepeat, NoRecordRuns) {
  const auto decision = decide_repeat(std::nullopt, restore_key(restore_manifest()));
  EXPECT_FALSE(decision.already_restored);
}

TEST(DecideRepeat, TheSameKeyIsAlreadyRestoredAndSaysWhen) {
  const auto decision = decide_repeat(sample_record(), restore_key(restore_manifest()));
  EXPECT_TRUE(decision.already_restored);
  EXPECT_EQ(decision.why, "already restored at 2026-11-30T04:12:00Z");
}

TEST(DecideRepeat, AChangedSpecRunsAgain) {
  json changed = restore_manifest();
  changed["spec"]["reset"] = true;
  const auto decision = decide_repeat(sample_record(), restore_key(changed));
  EXPECT_FALSE(decision.already_restored);
  EXPECT_THAT(decision.why, HasSubstr("spec changed"));
}

TEST(DecideRepeat, ANewRestoreIdRunsAgainAndSaysWhichChanged) {
  json changed = restore_manifest();
  changed["metadata"]["annotations"]["hivekeeper.io/restore-id"] = "2026-12-01";
  const auto decision = decide_repeat(sample_record(), restore_key(changed));
  EXPECT_FALSE(decision.already_restored);
  EXPECT_THAT(decision.why, HasSubstr("\"2026-11-30\" to \"2026-12-01\""));
}

TEST(DecideRepeat, ARecordOfAnotherNameRuns) {
  RestoreRecord other = sample_record();
  other.key.name = "restore-dev";
  EXPECT_FALSE(decide_repeat(other, restore_key(restore_manifest())).already_restored);
}

TEST(RestoreRecordFile, WrittenPrivateAndReadBack) {
  TempDir dir;
  const RestoreRecord record = sample_record();
  write_restore_record(dir.path(), record, archive::kPrivateModes);
  const auto path = restore_record_path(dir.path(), "restore-prod");
  EXPECT_EQ(path, dir.path() / "restores" / "restore-prod.json");
  EXPECT_EQ(mode_of(path), 0600u);
  EXPECT_EQ(mode_of(dir.path() / "restores"), 0700u);
  const auto read = read_restore_record(dir.path(), "restore-prod");
  ASSERT_TRUE(read.has_value());
  expect_same_record(*read, record);
  EXPECT_THAT(dir.names(), ::testing::ElementsAre("restores"));  // no temporary left
}

TEST(RestoreRecordFile, GroupReadableWhenAskedAndReplacedByTheNextRecord) {
  TempDir dir;
  RestoreRecord record = sample_record();
  write_restore_record(dir.path(), record, archive::kGroupReadableModes);
  record.completion_time = "2026-12-01T00:00:00Z";
  write_restore_record(dir.path(), record, archive::kGroupReadableModes);
  EXPECT_EQ(mode_of(dir.path() / "restores"), 0750u);
  EXPECT_EQ(mode_of(restore_record_path(dir.path(), "restore-prod")), 0640u);
  EXPECT_EQ(read_restore_record(dir.path(), "restore-prod")->completion_time,
            "2026-12-01T00:00:00Z");
}

TEST(RestoreRecordFile, MissingIsNotDone) {
  TempDir dir;
  EXPECT_FALSE(read_restore_record(dir.path(), "restore-prod").has_value());
  EXPECT_FALSE(read_restore_record(dir / "no-such-directory", "restore-prod").has_value());
}

TEST(RestoreRecordFile, DamagedOrPlantedRecordsAreNotDone) {
  TempDir dir;
  std::filesystem::create_directories(dir / "restores");
  const auto path = restore_record_path(dir.path(), "restore-prod");
  const std::string good = render_restore_record(sample_record()).dump();
  for (const std::string& text :
       {std::string(), std::string("{"), good.substr(0, good.size() / 2), std::string("\xff\xfe"),
        std::string("[1,2,3]"), std::string("null"), std::string(100000, ' ') + good}) {
    write_file(path, text);
    EXPECT_FALSE(read_restore_record(dir.path(), "restore-prod").has_value()) << text.size();
  }
  // A link to a good record elsewhere is not followed; a folder or a FIFO is no record.
  write_file(dir / "elsewhere.json", good);
  std::filesystem::remove(path);
  std::filesystem::create_symlink(dir / "elsewhere.json", path);
  EXPECT_FALSE(read_restore_record(dir.path(), "restore-prod").has_value());
  std::filesystem::remove(path);
  std::filesystem::create_directory(path);
  EXPECT_FALSE(read_restore_record(dir.path(), "restore-prod").has_value());
  std::filesystem::remove(path);
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  EXPECT_FALSE(read_restore_record(dir.path(), "restore-prod").has_value());
  // And the good record itself is read.
  std::filesystem::remove(path);
  write_file(path, good);
  EXPECT_TRUE(read_restore_record(dir.path(), "restore-prod").has_value());
}

TEST(RestoreRecordFile, AnUnwritableRecordFailsTheJobSayingTheRestoreSucceeded) {
  TempDir dir;
  write_file(dir / "restores", "a file where the folder should be");
  const auto error = error_from(
      [&] { write_restore_record(dir.path(), sample_record(), archive::kPrivateModes); });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->reason(), "RestoreRecordUnwritable");
  EXPECT_THAT(error->what(), HasSubstr("the restore succeeded"));
  EXPECT_EQ(error->exit_code(), kExitJobFailed);
}

}  // namespace
}  // namespace hivekeeper::store
