// kubectl-style output: aligned columns, short ages, YAML that says the same as the JSON.
#include "cli/tables.h"

#include <gtest/gtest.h>

#include <yaml-cpp/yaml.h>

namespace hivekeeper::cli {
namespace {

using namespace std::chrono_literals;

TEST(FormatTable, ColumnsAreAsWideAsTheirWidestCell) {
  EXPECT_EQ(format_table({"NAME", "AGE"}, {{"app_prod_2026-11-24_031500", "3d"}, {"x", "45s"}}),
            "NAME                         AGE\n"
            "app_prod_2026-11-24_031500   3d\n"
            "x                            45s\n");
}

TEST(FormatAge, LikeKubectl) {
  EXPECT_EQ(format_age(45s), "45s");
  EXPECT_EQ(format_age(150s), "2m");
  EXPECT_EQ(format_age(5h), "5h");
  EXPECT_EQ(format_age(std::chrono::hours(24 * 3 + 1)), "3d");
  EXPECT_EQ(format_age(std::chrono::hours(24 * 800)), "2y");
  EXPECT_EQ(format_age(-5s), "in future");
}

TEST(ToYaml, ReadsBackAsTheSameDocument) {
  const nlohmann::json document = {
      {"kind", "BackupSetList"},
      {"items", {{{"name", "a: b"}, {"bytes", 12}, {"media", nullptr}}}}};
  const YAML::Node node = YAML::Load(to_yaml(document));
  EXPECT_EQ(node["kind"].as<std::string>(), "BackupSetList");
  EXPECT_EQ(node["items"][0]["name"].as<std::string>(), "a: b");
  EXPECT_EQ(node["items"][0]["bytes"].as<int>(), 12);
  EXPECT_TRUE(node["items"][0]["media"].IsNull());
}

}  // namespace
}  // namespace hivekeeper::cli
