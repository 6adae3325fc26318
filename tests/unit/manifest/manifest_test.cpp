// parse_manifest: YAML and JSON in, a validated Manifest with the documented defaults out, or one
// InvalidManifest error that lists every problem with its field path and line.
#include "manifest/manifest.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/test_support.h"

namespace hivekeeper::manifest {
namespace {

using hivekeeper::testing::error_from;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

// Lines 1-6; a test's own spec fields start on line 7.
constexpr const char* kHead =
    "apiVersion: hivekeeper.io/v1\n"
    "kind: BackupJob\n"
    "metadata:\n"
    "  name: nightly-prod\n"
    "spec:\n"
    "  environment: prod\n";

std::string with_spec(const std::string& more) {
  return std::string(kHead) + more;
}

constexpr const char* kSchemaHint =
    "see manifests/schema/ for every field; `hivekeeper validate -f FILE` checks a manifest "
    "without "
    "running it";

// The details of the InvalidManifest error that parsing `text` raises; fails the test otherwise.
std::vector<std::string> field_errors(const std::string& text) {
  const auto error = error_from([&] { parse_manifest(text, "backup.yaml"); });
  if (!error) {
    ADD_FAILURE() << "the manifest was accepted:\n" << text;
    return {};
  }
  EXPECT_EQ(error->reason(), "InvalidManifest");
  EXPECT_EQ(error->kind(), ErrorKind::invalid_input);
  return error->details();
}

TEST(ParseManifest, MinimalYamlGetsEveryDocumentedDefault) {
  const Manifest manifest = parse_manifest(kHead, "backup.yaml");
  EXPECT_EQ(manifest.kind, "BackupJob");
  EXPECT_EQ(manifest.name, "nightly-prod");
  const BackupSpec& spec = manifest.backup;
  EXPECT_EQ(spec.environment, Environment::prod);
  EXPECT_EQ(spec.target.project, "");
  EXPECT_EQ(spec.target.database_service, "");
  EXPECT_EQ(spec.target.database_container, "");
  EXPECT_EQ(spec.database.name, "");
  EXPECT_EQ(spec.database.user, "");
  EXPECT_TRUE(spec.dump.clean);
  EXPECT_TRUE(spec.dump.if_exists);
  EXPECT_TRUE(spec.dump.no_owner);
  EXPECT_TRUE(spec.dump.no_privileges);
  EXPECT_THAT(spec.dump.exclude_tables, IsEmpty());
  EXPECT_EQ(spec.dump.compression, "gzip");
  EXPECT_EQ(spec.dump.compression_level, std::nullopt);
  EXPECT_FALSE(spec.media.enabled);
  EXPECT_EQ(spec.media.volume, "");
  EXPECT_EQ(spec.media.compression, "");
  EXPECT_EQ(spec.output.directory, "backups/django");
  EXPECT_EQ(spec.output.prefix, "");
}

TEST(ParseManifest, YamlSetsEveryField) {
  const Manifest manifest = parse_manifest(with_spec(R"(  target:
    project: beelab
    databaseService: postgres
    databaseContainer: beelab-postgres-1
  database:
    name: app
    user: django
  dump:
    clean: false
    ifExists: false
    noOwner: false
    noPrivileges: false
    excludeTables: [audit_log, "public.session*"]
    compression: zstd
    compressionLevel: 9
  media:
    enabled: true
    volume: uploads
    compression: gzip
  output:
    directory: /srv/backups
    prefix: beelab.eu
)"),
                                           "backup.yaml");
  const BackupSpec& spec = manifest.backup;
  EXPECT_EQ(spec.target.project, "beelab");
  EXPECT_EQ(spec.target.database_service, "postgres");
  EXPECT_EQ(spec.target.database_container, "beelab-postgres-1");
  EXPECT_EQ(spec.database.name, "app");
  EXPECT_EQ(spec.database.user, "django");
  EXPECT_FALSE(spec.dump.clean);
  EXPECT_FALSE(spec.dump.if_exists);
  EXPECT_FALSE(spec.dump.no_owner);
  EXPECT_FALSE(spec.dump.no_privileges);
  EXPECT_THAT(spec.dump.exclude_tables, ElementsAre("audit_log", "public.session*"));
  EXPECT_EQ(spec.dump.compression, "zstd");
  EXPECT_EQ(spec.dump.compression_level, 9);
  EXPECT_TRUE(spec.media.enabled);
  EXPECT_EQ(spec.media.volume, "uploads");
  EXPECT_EQ(spec.media.compression, "gzip");
  EXPECT_EQ(spec.output.directory, "/srv/backups");
  EXPECT_EQ(spec.output.prefix, "beelab.eu");
}

TEST(ParseManifest, JsonIsReadLikeYaml) {
  const Manifest manifest = parse_manifest(
      R"({"apiVersion": "hivekeeper.io/v1", "kind": "BackupJob", "metadata": {"name": "dev-db"},
          "spec": {"environment": "dev", "media": {"enabled": true}, "dump": {"compressionLevel": 1}}})",
      "backup.json");
  EXPECT_EQ(manifest.name, "dev-db");
  EXPECT_EQ(manifest.backup.environment, Environment::dev);
  EXPECT_TRUE(manifest.backup.media.enabled);
  EXPECT_EQ(manifest.backup.dump.compression_level, 1);
  EXPECT_EQ(manifest.backup.output.directory, "backups/django");
}

TEST(ParseManifest, DocumentIsKeptAsWrittenForTheStatusEcho) {
  const Manifest manifest =
      parse_manifest(with_spec("  media:\n    enabled: true\n"), "backup.yaml");
  EXPECT_EQ(manifest.document, nlohmann::json::parse(R"({"apiVersion": "hivekeeper.io/v1",
      "kind": "BackupJob", "metadata": {"name": "nightly-prod"},
      "spec": {"environment": "prod", "media": {"enabled": true}}})"));
}

TEST(ParseManifest, QuotedDigitsAreAString) {
  const Manifest manifest =
      parse_manifest(with_spec("  media:\n    volume: \"123\"\n"), "backup.yaml");
  EXPECT_EQ(manifest.backup.media.volume, "123");
}

TEST(ParseManifest, PlainDigitsAreANumberWhereAStringIsExpected) {
  EXPECT_THAT(field_errors(with_spec("  media:\n    volume: 123\n")),
              ElementsAre("spec.media.volume: expected string, got number (line 8)"));
}

TEST(ParseManifest, SchemaErrorHasMessageDetailsAndHint) {
  const auto error =
      error_from([] { parse_manifest(with_spec("  medai:\n    enabled: true\n"), "backup.yaml"); });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->kind(), ErrorKind::invalid_input);
  EXPECT_EQ(error->exit_code(), 2);
  EXPECT_EQ(error->reason(), "InvalidManifest");
  EXPECT_STREQ(error->what(), "backup.yaml is not a valid BackupJob (1 error):");
  EXPECT_EQ(error->hint(), kSchemaHint);
  EXPECT_EQ(error->describe(),
            "backup.yaml is not a valid BackupJob (1 error):\n"
            "  spec.medai: unknown field (did you mean \"media\"?) (line 7)\n"
            "hint: " +
                std::string(kSchemaHint));
}

TEST(ParseManifest, UnknownFieldFarFromAnyKnownOneListsTheKnownFields) {
  EXPECT_THAT(field_errors(with_spec("  media:\n    compress: true\n")),
              ElementsAre("spec.media.compress: unknown field; known fields: compression, enabled, "
                          "path, volume (line 8)"));
}

TEST(ParseManifest, MissingRequiredFieldPointsAtItsParent) {
  EXPECT_THAT(
      field_errors("apiVersion: hivekeeper.io/v1\nkind: BackupJob\nmetadata:\n  name: x\nspec:\n"
                   "  media:\n    enabled: true\n"),
      ElementsAre("spec.environment: required field is missing (line 5)"));
}

TEST(ParseManifest, MissingTopLevelFieldHasNoLine) {
  EXPECT_THAT(
      field_errors("apiVersion: hivekeeper.io/v1\nkind: BackupJob\nspec:\n  environment: dev\n"),
      ElementsAre("metadata: required field is missing"));
}

TEST(ParseManifest, EnvironmentOutsideTheEnumIsRejected) {
  EXPECT_THAT(
      field_errors("apiVersion: hivekeeper.io/v1\nkind: BackupJob\nmetadata:\n  name: x\nspec:\n"
                   "  environment: staging\n"),
      ElementsAre("spec.environment: must be one of dev, prod, got \"staging\" (line 6)"));
}

TEST(ParseManifest, WrongApiVersionIsRejected) {
  EXPECT_THAT(
      field_errors("apiVersion: hivekeeper.io/v2\nkind: BackupJob\nmetadata:\n  name: x\nspec:\n"
                   "  environment: dev\n"),
      ElementsAre(
          "apiVersion: must be one of hivekeeper.io/v1, got \"hivekeeper.io/v2\" (line 1)"));
}

TEST(ParseManifest, UnknownKindIsRejectedBeforeTheSchema) {
  const auto error = error_from([] {
    parse_manifest("apiVersion: hivekeeper.io/v1\nkind: PruneJob\nmetadata:\n  name: x\n",
                   "prune.yaml");
  });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->reason(), "InvalidManifest");
  EXPECT_EQ(error->exit_code(), 2);
  EXPECT_STREQ(error->what(), "prune.yaml: kind \"PruneJob\" is not known");
  EXPECT_EQ(error->hint(),
            "this runner executes kind: BackupJob, RestoreJob or DrillJob with apiVersion: "
            "hivekeeper.io/v1");
  EXPECT_THAT(error->details(), IsEmpty());
}

TEST(ParseManifest, MissingKindIsRejected) {
  const auto error = error_from(
      [] { parse_manifest("apiVersion: hivekeeper.io/v1\nmetadata:\n  name: x\n", "a.yaml"); });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->reason(), "InvalidManifest");
  EXPECT_STREQ(error->what(), "a.yaml: kind is missing");
}

TEST(ParseManifest, NameMustBeADnsLabel) {
  EXPECT_THAT(field_errors(
                  "apiVersion: hivekeeper.io/v1\nkind: BackupJob\nmetadata:\n  name: Nightly_Prod\n"
                  "spec:\n  environment: prod\n"),
              ElementsAre("metadata.name: \"Nightly_Prod\" does not match "
                          "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$ (line 4)"));
}

TEST(ParseManifest, NameLongerThan63CharactersIsRejected) {
  EXPECT_THAT(field_errors("apiVersion: hivekeeper.io/v1\nkind: BackupJob\nmetadata:\n  name: " +
                           std::string(64, 'a') + "\nspec:\n  environment: prod\n"),
              ElementsAre("metadata.name: must be at most 63 characters (line 4)"));
}

TEST(ParseManifest, GzipLevelAboveNineIsRejectedNamingZstd) {
  EXPECT_THAT(field_errors(with_spec("  dump:\n    compressionLevel: 10\n")),
              ElementsAre("spec.dump.compressionLevel: 10 is beyond gzip's levels 1-9 (levels up "
                          "to 19 are zstd's: set spec.dump.compression: zstd, or a level of 9 or "
                          "less)"));
}

TEST(ParseManifest, ZstdTakesLevelsUpToNineteen) {
  const Manifest manifest = parse_manifest(
      with_spec("  dump:\n    compression: zstd\n    compressionLevel: 19\n"), "backup.yaml");
  EXPECT_EQ(manifest.backup.dump.compression_level, 19);
  EXPECT_THAT(field_errors(with_spec("  dump:\n    compression: zstd\n    compressionLevel: 20\n")),
              ElementsAre("spec.dump.compressionLevel: must be at most 19, got 20 (line 9)"));
}

TEST(ParseManifest, CompressionOtherThanGzipOrZstdIsRejected) {
  const auto errors = field_errors(with_spec("  media:\n    compression: xz\n"));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_THAT(errors[0], ::testing::StartsWith("spec.media.compression: "));
}

TEST(ParseManifest, CompressionLevelBelowOneIsRejected) {
  EXPECT_THAT(field_errors(with_spec("  dump:\n    compressionLevel: 0\n")),
              ElementsAre("spec.dump.compressionLevel: must be at least 1, got 0 (line 8)"));
}

TEST(ParseManifest, FractionalCompressionLevelIsNotAnInteger) {
  EXPECT_THAT(field_errors(with_spec("  dump:\n    compressionLevel: 6.5\n")),
              ElementsAre("spec.dump.compressionLevel: expected integer, got number (line 8)"));
}

TEST(ParseManifest, EveryProblemIsReportedAtOnce) {
  const auto error = error_from([] {
    parse_manifest(
        "apiVersion: hivekeeper.io/v1\n"
        "kind: BackupJob\n"
        "metadata:\n"
        "  name: Bad_Name\n"
        "spec:\n"
        "  environment: staging\n"
        "  medai: {}\n"
        "  dump:\n"
        "    compressionLevel: 22\n",
        "backup.yaml");
  });
  ASSERT_TRUE(error.has_value());
  EXPECT_STREQ(error->what(), "backup.yaml is not a valid BackupJob (4 errors):");
  EXPECT_THAT(
      error->details(),
      ElementsAre(
          "metadata.name: \"Bad_Name\" does not match ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$ (line 4)",
          "spec.dump.compressionLevel: must be at most 19, got 22 (line 9)",
          "spec.environment: must be one of dev, prod, got \"staging\" (line 6)",
          "spec.medai: unknown field (did you mean \"media\"?) (line 7)"));
}

TEST(ParseManifest, IfExistsWithoutCleanIsASemanticError) {
  const auto error = error_from([] {
    parse_manifest(with_spec("  dump:\n    clean: false\n    ifExists: true\n"), "backup.yaml");
  });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->reason(), "InvalidManifest");
  EXPECT_EQ(error->exit_code(), 2);
  EXPECT_STREQ(error->what(), "backup.yaml is not a valid BackupJob:");
  EXPECT_THAT(
      error->details(),
      ElementsAre(
          "spec.dump.ifExists: needs spec.dump.clean: true (pg_dump accepts --if-exists only "
          "with --clean); set ifExists: false or clean: true"));
}

// ifExists is documented as "default true; needs clean": a user who only turns clean off has not
// asked for --if-exists, so the default must not turn into an error they did not write.
TEST(ParseManifest, CleanFalseAloneIsValidAndDropsIfExists) {
  const auto error = error_from([] {
    const Manifest manifest =
        parse_manifest(with_spec("  dump:\n    clean: false\n"), "backup.yaml");
    EXPECT_FALSE(manifest.backup.dump.clean);
    EXPECT_FALSE(manifest.backup.dump.if_exists);
  });
  EXPECT_FALSE(error.has_value()) << error->describe();
}

TEST(ParseManifest, UnparsableYamlNamesLineAndColumn) {
  const auto error = error_from([] {
    parse_manifest("apiVersion: hivekeeper.io/v1\nkind: BackupJob\nmetadata:\n  name: [nightly\n",
                   "backup.yaml");
  });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->reason(), "InvalidManifest");
  EXPECT_EQ(error->exit_code(), 2);
  EXPECT_STREQ(
      error->what(),
      "backup.yaml is not valid YAML or JSON: end of sequence flow not found (line 5, column 1)");
  EXPECT_EQ(error->hint(), "check the indentation and quoting around that line");
}

TEST(ParseManifest, DocumentThatIsNotAMappingIsRejected) {
  const auto error = error_from([] { parse_manifest("- just\n- a list\n", "backup.yaml"); });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->reason(), "InvalidManifest");
  EXPECT_STREQ(error->what(),
               "backup.yaml does not hold a manifest (expected a mapping with apiVersion, kind, "
               "metadata and spec)");
}

TEST(ParseManifest, DuplicateKeyIsRejectedWithItsLine) {
  const auto error =
      error_from([] { parse_manifest(with_spec("  environment: dev\n"), "backup.yaml"); });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->reason(), "InvalidManifest");
  EXPECT_EQ(error->exit_code(), 2);
  EXPECT_THAT(error->what(), ::testing::EndsWith("field spec.environment is given twice (line 7)"));
}

// Every other manifest error starts with the file's name; with several manifests in a directory
// the user must be told which one holds the duplicate.
TEST(ParseManifest, DuplicateKeyErrorNamesTheFile) {
  const auto error =
      error_from([] { parse_manifest(with_spec("  environment: dev\n"), "backup.yaml"); });
  ASSERT_TRUE(error.has_value());
  EXPECT_STREQ(error->what(), "backup.yaml: field spec.environment is given twice (line 7)");
}

TEST(LoadManifest, MissingFileIsManifestNotFound) {
  const auto error = error_from([] { load_manifest("/nonexistent/backup.yaml"); });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->reason(), "ManifestNotFound");
  EXPECT_EQ(error->exit_code(), 2);
  EXPECT_STREQ(error->what(),
               "cannot read manifest /nonexistent/backup.yaml: No such file or directory");
  EXPECT_EQ(error->hint(), "pass the manifest's path with -f, or - to read it from standard input");
}

TEST(Environment, ParsesAndPrintsBothNames) {
  EXPECT_EQ(parse_environment("dev"), Environment::dev);
  EXPECT_EQ(parse_environment("prod"), Environment::prod);
  EXPECT_EQ(parse_environment("Prod"), std::nullopt);
  EXPECT_EQ(to_string(Environment::dev), "dev");
  EXPECT_EQ(to_string(Environment::prod), "prod");
}

TEST(ParseManifest, DirectModeTargetAndMediaPath) {
  const Manifest manifest = parse_manifest(with_spec(R"(  target:
    postgres:
      host: postgres.beelab.svc
      port: 5433
      database: beelab
      user: beelab_app
      passwordFrom:
        file: /secrets/postgres/password
      sslmode: require
  media:
    enabled: true
    path: /media
)"),
                                           "backup.yaml");
  ASSERT_TRUE(manifest.backup.target.postgres.has_value());
  const PostgresTarget& direct = *manifest.backup.target.postgres;
  EXPECT_EQ(direct.host, "postgres.beelab.svc");
  EXPECT_EQ(direct.port, 5433);
  EXPECT_EQ(direct.database, "beelab");
  EXPECT_EQ(direct.user, "beelab_app");
  EXPECT_EQ(direct.password_file, "/secrets/postgres/password");
  EXPECT_EQ(direct.password_env, "");
  EXPECT_EQ(direct.sslmode, "require");
  EXPECT_EQ(manifest.backup.media.path, "/media");
}

TEST(ParseManifest, DirectModeDefaultsPortAndSslmode) {
  const Manifest manifest = parse_manifest(with_spec(R"(  target:
    postgres: {host: db, database: app, user: app, passwordFrom: {env: DB_PASSWORD}}
)"),
                                           "backup.yaml");
  ASSERT_TRUE(manifest.backup.target.postgres.has_value());
  EXPECT_EQ(manifest.backup.target.postgres->port, 5432);
  EXPECT_EQ(manifest.backup.target.postgres->sslmode, "prefer");
  EXPECT_EQ(manifest.backup.target.postgres->password_env, "DB_PASSWORD");
}

TEST(ParseManifest, DirectModeDoesNotMixWithDockerDiscovery) {
  EXPECT_THAT(
      field_errors(with_spec(R"(  target:
    project: beelab
    postgres: {host: db, database: app, user: app, passwordFrom: {env: A, file: /b}}
  media:
    volume: beelab_media
    path: /media
)")),
      ElementsAre(::testing::HasSubstr("spec.target.project: not with spec.target.postgres"),
                  ::testing::HasSubstr("give env or file, not both"),
                  ::testing::HasSubstr("spec.media.path: not with spec.media.volume")));
}

TEST(ParseManifest, MediaPathNeedsDirectMode) {
  EXPECT_THAT(field_errors(with_spec("  media:\n    path: /media\n")),
              ElementsAre(::testing::HasSubstr("only in direct mode")));
}

TEST(ParseManifest, DirectModeRequiresHostDatabaseAndUser) {
  const auto errors = field_errors(with_spec("  target:\n    postgres: {host: db}\n"));
  EXPECT_EQ(errors.size(), 2u);
}

}  // namespace
}  // namespace hivekeeper::manifest
