// The DrillJob manifest: its defaults, each field, and what the schema and the mode rules refuse.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "manifest/manifest.h"
#include "support/test_support.h"

namespace hivekeeper::manifest {
namespace {

using hivekeeper::testing::error_from;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string drill_with_spec(const std::string& more) {
  return "apiVersion: hivekeeper.io/v1\nkind: DrillJob\nmetadata:\n  name: drill-prod\nspec:\n"
         "  environment: prod\n" +
         more;
}

TEST(ParseDrillManifest, Defaults) {
  const Manifest manifest = parse_manifest(drill_with_spec(""), "drill.yaml");
  EXPECT_TRUE(manifest.is_drill());
  EXPECT_FALSE(manifest.is_restore());
  EXPECT_EQ(manifest.name, "drill-prod");
  EXPECT_EQ(manifest.drill.environment, Environment::prod);
  EXPECT_EQ(manifest.environment(), Environment::prod);
  EXPECT_EQ(manifest.drill.directory, "backups/django");
  EXPECT_EQ(manifest.directory(), "backups/django");
  EXPECT_EQ(manifest.drill.set, "latest");
  EXPECT_EQ(manifest.drill.prefix, "");
  EXPECT_FALSE(manifest.drill.media.has_value());
  EXPECT_FALSE(manifest.drill.dry_run);
  EXPECT_FALSE(manifest.group_readable());
}

TEST(ParseDrillManifest, EveryField) {
  const Manifest manifest = parse_manifest(drill_with_spec(R"(  target: {project: beelab}
  database: {name: app, user: django}
  source:
    directory: /backups
    prefix: bee
    set: 2026-11-24_031500
    groupReadable: true
  media: false
  dryRun: true
)"),
                                           "drill.yaml");
  EXPECT_EQ(manifest.drill.target.project, "beelab");
  EXPECT_EQ(manifest.drill.database.name, "app");
  EXPECT_EQ(manifest.drill.database.user, "django");
  EXPECT_EQ(manifest.directory(), "/backups");
  EXPECT_EQ(manifest.drill.prefix, "bee");
  EXPECT_EQ(manifest.drill.set, "2026-11-24_031500");
  EXPECT_TRUE(manifest.group_readable());
  EXPECT_EQ(manifest.drill.media, false);
  EXPECT_TRUE(manifest.drill.dry_run);
}

TEST(ParseDrillManifest, RestoreFieldsAreNotADrills) {
  const auto error = error_from([] {
    parse_manifest(drill_with_spec("  reset: true\n  source: {database: latest}\n"), "drill.yaml");
  });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->reason(), "InvalidManifest");
  EXPECT_THAT(error->details(), ElementsAre(HasSubstr("spec.reset: unknown field"),
                                            HasSubstr("spec.source.database: unknown field")));
}

TEST(ParseDrillManifest, DirectModeDoesNotMixWithDockerDiscovery) {
  const auto error = error_from([] {
    parse_manifest(drill_with_spec("  target:\n    project: beelab\n    postgres: {host: db, "
                                   "database: app, user: app}\n"),
                   "drill.yaml");
  });
  ASSERT_TRUE(error.has_value());
  EXPECT_THAT(error->details(),
              ElementsAre(HasSubstr("spec.target.project: not with spec.target.postgres")));
}

}  // namespace
}  // namespace hivekeeper::manifest
