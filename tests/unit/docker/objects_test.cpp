// Parsing the Engine API's JSON into plain Container and Volume values. The documents are trimmed
// copies of what dockerd 20.10-28 answers, keeping the fields (and the nulls) that matter.
#include "docker/objects.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace hivekeeper::docker {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;

TEST(ParseContainerList, ReadsNamesWithoutTheLeadingSlashStateAndLabels) {
  const auto containers = parse_container_list(json::parse(R"json([
    {"Id": "4f1c2a9e0b7d3c5a6e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d",
     "Names": ["/beelab-db-1"], "Image": "postgres:17", "ImageID": "sha256:52bd18a50dcd",
     "Command": "docker-entrypoint.sh postgres", "State": "running", "Status": "Up 3 hours (healthy)",
     "Labels": {"com.docker.compose.project": "beelab", "com.docker.compose.service": "db",
                "com.docker.compose.oneoff": "False", "com.docker.compose.version": "2.26.1"},
     "Mounts": [{"Type": "volume", "Name": "beelab_pgdata", "Destination": "/var/lib/postgresql/data"}]},
    {"Id": "9a8b7c6d", "Names": ["/beelab-web-1"], "ImageID": "sha256:3de8a6279a0f", "State": "exited",
     "Labels": {}}
  ])json"));
  ASSERT_EQ(containers.size(), 2u);
  EXPECT_EQ(containers[0].id, "4f1c2a9e0b7d3c5a6e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d");
  EXPECT_EQ(containers[0].name, "beelab-db-1");
  EXPECT_EQ(containers[0].image_id, "sha256:52bd18a50dcd");
  EXPECT_EQ(containers[0].state, "running");
  EXPECT_TRUE(containers[0].running());
  EXPECT_THAT(containers[0].labels, ElementsAre(Pair("com.docker.compose.oneoff", "False"),
                                                Pair("com.docker.compose.project", "beelab"),
                                                Pair("com.docker.compose.service", "db"),
                                                Pair("com.docker.compose.version", "2.26.1")));
  EXPECT_THAT(containers[0].env, IsEmpty());
  EXPECT_EQ(containers[1].name, "beelab-web-1");
  EXPECT_EQ(containers[1].state, "exited");
  EXPECT_FALSE(containers[1].running());
  EXPECT_THAT(containers[1].labels, IsEmpty());
}

TEST(ParseContainerList, ToleratesNullLabelsAndMissingNames) {
  const auto containers =
      parse_container_list(json::parse(R"([{"Id": "abc", "Names": [], "State": "created",
                                                                "Labels": null}])"));
  ASSERT_EQ(containers.size(), 1u);
  EXPECT_EQ(containers[0].name, "");
  EXPECT_EQ(containers[0].state, "created");
  EXPECT_THAT(containers[0].labels, IsEmpty());
}

TEST(ParseContainerList, EmptyListGivesNoContainers) {
  EXPECT_THAT(parse_container_list(json::array()), IsEmpty());
}

TEST(ParseContainerInspect, ReadsStateLabelsAndEnvIntoAMap) {
  const Container container = parse_container_inspect(json::parse(R"({
    "Id": "4f1c2a9e0b7d", "Created": "2026-11-24T03:00:00.000000000Z", "Name": "/beelab-db-1",
    "Image": "sha256:52bd18a50dcd",
    "State": {"Status": "exited", "Running": false, "ExitCode": 0, "Pid": 0},
    "Config": {"Hostname": "4f1c2a9e0b7d", "User": "",
               "Env": ["POSTGRES_DB=app", "POSTGRES_USER=app", "POSTGRES_PASSWORD=demo=with=equals",
                       "PATH=/usr/local/bin:/usr/bin", "EMPTY=", "NOEQUALS"],
               "Labels": {"com.docker.compose.project": "beelab", "hivekeeper.io/role": "database"}},
    "Mounts": []
  })"));
  EXPECT_EQ(container.id, "4f1c2a9e0b7d");
  EXPECT_EQ(container.name, "beelab-db-1");
  EXPECT_EQ(container.image_id, "sha256:52bd18a50dcd");
  EXPECT_EQ(container.state, "exited");
  EXPECT_FALSE(container.running());
  EXPECT_THAT(container.labels, ElementsAre(Pair("com.docker.compose.project", "beelab"),
                                            Pair("hivekeeper.io/role", "database")));
  // The value is everything after the first '='; an entry without one is not a variable.
  EXPECT_THAT(container.env,
              ElementsAre(Pair("EMPTY", ""), Pair("PATH", "/usr/local/bin:/usr/bin"),
                          Pair("POSTGRES_DB", "app"), Pair("POSTGRES_PASSWORD", "demo=with=equals"),
                          Pair("POSTGRES_USER", "app")));
}

TEST(ParseContainerInspect, ToleratesNullEnvAndLabels) {
  const Container container = parse_container_inspect(json::parse(R"({"Id": "abc", "Name": "/x",
      "State": {"Status": "running"}, "Config": {"Env": null, "Labels": null}})"));
  EXPECT_EQ(container.name, "x");
  EXPECT_TRUE(container.running());
  EXPECT_THAT(container.env, IsEmpty());
  EXPECT_THAT(container.labels, IsEmpty());
}

TEST(ParseVolumeList, ReadsNamesAndLabels) {
  const auto volumes = parse_volume_list(json::parse(R"({
    "Volumes": [
      {"CreatedAt": "2026-11-24T03:00:00Z", "Driver": "local", "Labels": {"com.docker.compose.project": "beelab",
       "com.docker.compose.volume": "media"}, "Mountpoint": "/var/lib/docker/volumes/beelab_media/_data",
       "Name": "beelab_media", "Options": null, "Scope": "local"},
      {"Driver": "local", "Labels": null, "Name": "4c1f0d2e", "Scope": "local"}
    ],
    "Warnings": null
  })"));
  ASSERT_EQ(volumes.size(), 2u);
  EXPECT_EQ(volumes[0].name, "beelab_media");
  EXPECT_THAT(volumes[0].labels, ElementsAre(Pair("com.docker.compose.project", "beelab"),
                                             Pair("com.docker.compose.volume", "media")));
  EXPECT_EQ(volumes[1].name, "4c1f0d2e");
  EXPECT_THAT(volumes[1].labels, IsEmpty());
}

TEST(ParseVolumeList, SkipsNullEntries) {
  const auto volumes = parse_volume_list(
      json::parse(R"({"Volumes": [null, {"Name": "media", "Labels": {}}, null]})"));
  ASSERT_EQ(volumes.size(), 1u);
  EXPECT_EQ(volumes[0].name, "media");
}

// dockerd answers "Volumes": null, not [], when there are no volumes at all.
TEST(ParseVolumeList, NullVolumesMeansNone) {
  EXPECT_THAT(parse_volume_list(json::parse(R"({"Volumes": null, "Warnings": null})")), IsEmpty());
}

}  // namespace
}  // namespace hivekeeper::docker
