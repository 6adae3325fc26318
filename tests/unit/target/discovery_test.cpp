// The choices discovery makes from the engine's container and volume lists, without a daemon:
// which database container, whether it runs, which media volume, which database and user.
#include "target/discovery.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/test_support.h"

namespace hivekeeper::target {
namespace {

using docker::Container;
using docker::Volume;
using hivekeeper::testing::error_from;

Container compose_container(std::string name, std::string project, std::string service,
                            std::string state = "running") {
  Container container;
  container.id = "id-" + name;
  container.name = std::move(name);
  container.state = std::move(state);
  container.labels = {{"com.docker.compose.project", std::move(project)},
                      {"com.docker.compose.service", std::move(service)},
                      {"com.docker.compose.oneoff", "False"}};
  return container;
}

Container oneoff(Container container) {
  container.labels["com.docker.compose.oneoff"] = "True";
  return container;
}

Container with_role(Container container, std::string role) {
  container.labels["hivekeeper.io/role"] = std::move(role);
  return container;
}

// Two Compose projects on one host, as on a server running BeeLab's prod and dev side by side.
std::vector<Container> host_containers() {
  return {compose_container("beelab-web-1", "beelab", "web"),
          compose_container("beelab-db-1", "beelab", "db"),
          oneoff(compose_container("beelab-db-run-3f2a", "beelab",
                                   "db")),  // docker compose run db psql
          compose_container("beelab-dev-db-1", "beelab-dev", "db"),
          compose_container("other-postgres-1", "other", "postgres")};
}

manifest::TargetSpec target(std::string service = "", std::string container = "") {
  manifest::TargetSpec spec;
  spec.database_service = std::move(service);
  spec.database_container = std::move(container);
  return spec;
}

TEST(ChooseDatabaseContainer, FindsServiceDbOfTheProject) {
  EXPECT_EQ(choose_database_container(host_containers(), target(), "beelab").name, "beelab-db-1");
  EXPECT_EQ(choose_database_container(host_containers(), target(), "beelab-dev").name,
            "beelab-dev-db-1");
}

TEST(ChooseDatabaseContainer, UsesTheNamedService) {
  EXPECT_EQ(choose_database_container(host_containers(), target("postgres"), "other").name,
            "other-postgres-1");
}

TEST(ChooseDatabaseContainer, IgnoresOneOffContainersOfTheService) {
  auto containers = host_containers();
  containers.erase(containers.begin() + 1);  // only the one-off `compose run` container is left
  const auto error = error_from([&] { choose_database_container(containers, target(), "beelab"); });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->reason(), "DatabaseContainerNotFound");
}

TEST(ChooseDatabaseContainer, RoleLabelWinsWhenNoServiceIsGiven) {
  auto containers = host_containers();
  containers.push_back(
      with_role(compose_container("beelab-postgres-1", "beelab", "postgres"), "database"));
  EXPECT_EQ(choose_database_container(containers, target(), "beelab").name, "beelab-postgres-1");
}

TEST(ChooseDatabaseContainer, RoleLabelNeedsNoProject) {
  auto containers = host_containers();
  containers.push_back(with_role(compose_container("pg", "", ""), "database"));
  EXPECT_EQ(choose_database_container(containers, target(), "").name, "pg");
}

TEST(ChooseDatabaseContainer, RoleLabelInAnotherProjectIsIgnored) {
  auto containers = host_containers();
  containers.push_back(with_role(compose_container("other-db-1", "other", "db"), "database"));
  EXPECT_EQ(choose_database_container(containers, target(), "beelab").name, "beelab-db-1");
}

TEST(ChooseDatabaseContainer, ExplicitServiceBeatsTheRoleLabel) {
  auto containers = host_containers();
  containers.push_back(
      with_role(compose_container("beelab-postgres-1", "beelab", "postgres"), "database"));
  EXPECT_EQ(choose_database_container(containers, target("db"), "beelab").name, "beelab-db-1");
}

TEST(ChooseDatabaseContainer, ExplicitContainerNameBeatsEverything) {
  EXPECT_EQ(
      choose_database_container(host_containers(), target("db", "other-postgres-1"), "beelab").name,
      "other-postgres-1");
}

TEST(ChooseDatabaseContainer, ExplicitContainerByIdPrefixOfTwelve) {
  auto containers = host_containers();
  containers[3].id = "4f1c2a9e0b7d3c5a6e8f9a0b1c2d3e4f";
  EXPECT_EQ(choose_database_container(containers, target("", "4f1c2a9e0b7d"), "").name,
            "beelab-dev-db-1");
}

TEST(ChooseDatabaseContainer, ExplicitContainerThatDoesNotExist) {
  const auto error = error_from(
      [] { choose_database_container(host_containers(), target("", "beelab-db-9"), ""); });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->reason(), "DatabaseContainerNotFound");
  EXPECT_STREQ(error->what(), "no container named beelab-db-9 exists");
  EXPECT_EQ(error->hint(),
            "`docker ps -a` lists the containers; fix spec.target.databaseContainer");
}

TEST(ChooseDatabaseContainer, NoneFoundSaysWhichAndHowToStartIt) {
  const auto error =
      error_from([] { choose_database_container(host_containers(), target(), "shop"); });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->reason(), "DatabaseContainerNotFound");
  EXPECT_EQ(error->exit_code(), 1);
  EXPECT_STREQ(error->what(), "no container of service db in Compose project shop exists");
  EXPECT_EQ(error->hint(),
            "start it with `docker compose up -d db`, or set spec.target.databaseService if the "
            "database service "
            "has another name");
}

TEST(ChooseDatabaseContainer, SeveralFoundAreListedByName) {
  auto containers = host_containers();
  containers.push_back(compose_container("beelab-db-2", "beelab", "db"));  // --scale db=2
  const auto error = error_from([&] { choose_database_container(containers, target(), "beelab"); });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->reason(), "DatabaseContainerAmbiguous");
  EXPECT_EQ(error->exit_code(), 1);
  EXPECT_STREQ(error->what(),
               "2 containers match container of service db in Compose project beelab: beelab-db-1, "
               "beelab-db-2");
  EXPECT_EQ(error->hint(),
            "name one with spec.target.databaseContainer, or label only one with "
            "hivekeeper.io/role=database");
}

TEST(ChooseDatabaseContainer, SeveralRoleLabelsAreAmbiguous) {
  auto containers = host_containers();
  containers.push_back(with_role(compose_container("a-db-1", "", ""), "database"));
  containers.push_back(with_role(compose_container("b-db-1", "", ""), "database"));
  const auto error = error_from([&] { choose_database_container(containers, target(), ""); });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->reason(), "DatabaseContainerAmbiguous");
  EXPECT_STREQ(error->what(),
               "2 containers match container labelled hivekeeper.io/role=database: a-db-1, b-db-1");
}

TEST(ChooseDatabaseContainer, NoProjectAndNoLabelIsComposeProjectUnknown) {
  const auto error = error_from([] { choose_database_container(host_containers(), target(), ""); });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->reason(), "ComposeProjectUnknown");
  EXPECT_EQ(error->exit_code(), 1);
  EXPECT_STREQ(
      error->what(),
      "cannot tell which Compose project's database to use: Hivekeeper is not running in a Compose "
      "container and no project was given");
  EXPECT_EQ(error->hint(),
            "run it with `docker compose run --rm backup-job`, set spec.target.project (or "
            "--project), or label "
            "the database container hivekeeper.io/role=database");
}

TEST(RequireRunning, RunningContainerPasses) {
  EXPECT_FALSE(error_from([] {
                 require_running(compose_container("beelab-db-1", "beelab", "db"));
               }).has_value());
}

TEST(RequireRunning, ExitedComposeContainerSaysHowToStartTheService) {
  const auto error = error_from(
      [] { require_running(compose_container("beelab-db-1", "beelab", "db", "exited")); });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->reason(), "DatabaseContainerNotRunning");
  EXPECT_EQ(error->exit_code(), 1);
  EXPECT_STREQ(error->what(), "database container beelab-db-1 is not running (state: exited)");
  EXPECT_EQ(error->hint(), "start it with `docker compose up -d db`");
}

TEST(RequireRunning, PlainContainerSaysDockerStart) {
  Container container;
  container.name = "pg";
  container.state = "paused";
  const auto error = error_from([&] { require_running(container); });
  ASSERT_TRUE(error.has_value());
  EXPECT_STREQ(error->what(), "database container pg is not running (state: paused)");
  EXPECT_EQ(error->hint(), "start it with `docker start pg`");
}

// --- media volume -------------------------------------------------------------------------

Volume volume(std::string name, docker::Labels labels = {}) {
  return {std::move(name), std::move(labels)};
}

Volume compose_volume(const std::string& project, const std::string& name) {
  return volume(project + "_" + name,
                {{"com.docker.compose.project", project}, {"com.docker.compose.volume", name}});
}

std::vector<Volume> host_volumes() {
  return {compose_volume("beelab", "pgdata"),
          compose_volume("beelab", "media"),
          compose_volume("beelab-dev", "media"),
          compose_volume("beelab", "uploads"),
          volume("legacy_media"),
          volume("3f9c0a1b")};
}

TEST(ChooseMediaVolume, DefaultIsTheProjectsVolumeMedia) {
  EXPECT_EQ(choose_media_volume(host_volumes(), "beelab", ""), "beelab_media");
  EXPECT_EQ(choose_media_volume(host_volumes(), "beelab-dev", ""), "beelab-dev_media");
}

TEST(ChooseMediaVolume, RequestedComposeVolumeIsFoundByLabels) {
  auto volumes = host_volumes();
  volumes[3].name = "custom-name";  // volumes: uploads: name: custom-name
  EXPECT_EQ(choose_media_volume(volumes, "beelab", "uploads"), "custom-name");
}

TEST(ChooseMediaVolume, RequestedLiteralDockerVolumeName) {
  EXPECT_EQ(choose_media_volume(host_volumes(), "beelab", "legacy_media"), "legacy_media");
  EXPECT_EQ(choose_media_volume(host_volumes(), "", "beelab-dev_media"), "beelab-dev_media");
}

TEST(ChooseMediaVolume, RoleLabelWinsOverTheDefault) {
  auto volumes = host_volumes();
  volumes[3].labels["hivekeeper.io/role"] = "media";
  EXPECT_EQ(choose_media_volume(volumes, "beelab", ""), "beelab_uploads");
}

TEST(ChooseMediaVolume, RoleLabelWithoutAProject) {
  auto volumes = host_volumes();
  volumes[4].labels["hivekeeper.io/role"] = "media";
  EXPECT_EQ(choose_media_volume(volumes, "", ""), "legacy_media");
}

TEST(ChooseMediaVolume, SeveralRoleLabelsAreAmbiguous) {
  auto volumes = host_volumes();
  volumes[1].labels["hivekeeper.io/role"] = "media";
  volumes[3].labels["hivekeeper.io/role"] = "media";
  const auto error = error_from([&] { choose_media_volume(volumes, "beelab", ""); });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->reason(), "MediaVolumeAmbiguous");
  EXPECT_EQ(error->exit_code(), 1);
  EXPECT_STREQ(error->what(), "2 volumes are labelled hivekeeper.io/role=media");
  EXPECT_EQ(error->hint(), "name one with spec.media.volume");
}

TEST(ChooseMediaVolume, RequestedVolumeMissing) {
  const auto error = error_from([] { choose_media_volume(host_volumes(), "beelab", "static"); });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->reason(), "MediaVolumeNotFound");
  EXPECT_EQ(error->exit_code(), 1);
  EXPECT_STREQ(error->what(),
               "media volume static does not exist (neither in Compose project beelab nor as a "
               "Docker volume)");
  EXPECT_EQ(error->hint(), "`docker volume ls` lists the volumes; fix spec.media.volume");
}

TEST(ChooseMediaVolume, ProjectWithoutMediaVolume) {
  const auto error = error_from([] { choose_media_volume(host_volumes(), "shop", ""); });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->reason(), "MediaVolumeNotFound");
  EXPECT_STREQ(error->what(), "Compose project shop has no volume media");
  EXPECT_EQ(error->hint(), "name the volume with spec.media.volume, or back up without media");
}

TEST(ChooseMediaVolume, NoProjectAndNoLabel) {
  const auto error = error_from([] { choose_media_volume(host_volumes(), "", ""); });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->reason(), "MediaVolumeNotFound");
  EXPECT_STREQ(error->what(),
               "no media volume found: no volume is labelled hivekeeper.io/role=media");
}

// --- database identity --------------------------------------------------------------------

TEST(ResolveDatabaseIdentity, ManifestWins) {
  const postgres::DatabaseIdentity identity = resolve_database_identity(
      {"shop", "shopper"}, {{"POSTGRES_DB", "app"}, {"POSTGRES_USER", "app"}});
  EXPECT_EQ(identity.name, "shop");
  EXPECT_EQ(identity.user, "shopper");
}

TEST(ResolveDatabaseIdentity, ThenTheContainersEnvironment) {
  const postgres::DatabaseIdentity identity = resolve_database_identity(
      {}, {{"POSTGRES_DB", "app"}, {"POSTGRES_USER", "django"}, {"POSTGRES_PASSWORD", "x"}});
  EXPECT_EQ(identity.name, "app");
  EXPECT_EQ(identity.user, "django");
}

TEST(ResolveDatabaseIdentity, DatabaseDefaultsToTheUsersName) {
  const postgres::DatabaseIdentity identity =
      resolve_database_identity({}, {{"POSTGRES_USER", "django"}});
  EXPECT_EQ(identity.name, "django");
  EXPECT_EQ(identity.user, "django");
}

// The schema: database.name defaults to "the container's POSTGRES_DB, else its POSTGRES_USER".
// The official image creates that database at init, whoever connects later; a user given in the
// manifest (a read-only role, say) does not have a database of its own.
TEST(ResolveDatabaseIdentity, DefaultDatabaseFollowsTheContainerNotTheManifestUser) {
  const postgres::DatabaseIdentity identity =
      resolve_database_identity({"", "reporter"}, {{"POSTGRES_USER", "app"}});
  EXPECT_EQ(identity.name, "app");
  EXPECT_EQ(identity.user, "reporter");
}

TEST(ResolveDatabaseIdentity, OfficialImageDefaultsAtLast) {
  const postgres::DatabaseIdentity identity = resolve_database_identity({}, {{"POSTGRES_DB", ""}});
  EXPECT_EQ(identity.name, "postgres");
  EXPECT_EQ(identity.user, "postgres");
}

}  // namespace
}  // namespace hivekeeper::target
