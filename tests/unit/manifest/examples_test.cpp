// The manifests users copy from must stay valid, and the invalid ones under tests/data/ must keep
// failing with exactly the error lines their .errors file lists (one line per expected detail).
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "manifest/manifest.h"
#include "support/test_support.h"

namespace hivekeeper::manifest {
namespace {

namespace fs = std::filesystem;
using hivekeeper::testing::error_from;
using hivekeeper::testing::read_file;

const fs::path kSourceDir = HIVEKEEPER_SOURCE_DIR;

bool is_manifest(const fs::path& path) {
  const auto extension = path.extension();
  return extension == ".yaml" || extension == ".yml" || extension == ".json";
}

// Manifests directly in `directory`, sorted so failures read the same on every run.
std::vector<fs::path> manifests_in(const fs::path& directory) {
  std::vector<fs::path> found;
  for (const auto& entry : fs::directory_iterator(directory))
    if (entry.is_regular_file() && is_manifest(entry.path())) found.push_back(entry.path());
  std::sort(found.begin(), found.end());
  return found;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

TEST(ExampleManifests, EveryExampleParses) {
  const auto examples = manifests_in(kSourceDir / "manifests");
  // An empty glob (a moved directory, a renamed extension) must not pass as "all valid".
  ASSERT_FALSE(examples.empty()) << "no example manifests in " << (kSourceDir / "manifests");
  for (const auto& path : examples) {
    SCOPED_TRACE(path.string());
    const auto error = error_from([&] {
      const Manifest manifest = parse_manifest(read_file(path), path.filename().string());
      EXPECT_TRUE(manifest.kind == "BackupJob" || manifest.kind == "RestoreJob" ||
                  manifest.kind == "DrillJob")
          << manifest.kind;
      EXPECT_FALSE(manifest.name.empty());
    });
    EXPECT_FALSE(error.has_value()) << error->describe();
  }
}

TEST(ExampleManifests, ProdExampleBacksUpProdWithMedia) {
  const fs::path path = kSourceDir / "manifests" / "backup-prod.yaml";
  const Manifest manifest = parse_manifest(read_file(path), path.string());
  EXPECT_EQ(manifest.name, "backup-prod");
  EXPECT_EQ(manifest.backup.environment, Environment::prod);
  EXPECT_TRUE(manifest.backup.media.enabled);
}

TEST(InvalidManifests, EachFailsWithTheErrorsItsFileLists) {
  const fs::path directory = kSourceDir / "tests" / "data" / "manifests" / "invalid";
  const auto cases = manifests_in(directory);
  ASSERT_GE(cases.size(), 6u) << "too few invalid manifests in " << directory;
  for (const auto& path : cases) {
    SCOPED_TRACE(path.string());
    fs::path expected_path = path;
    expected_path.replace_extension(".errors");
    ASSERT_TRUE(fs::exists(expected_path)) << "missing " << expected_path;
    const auto expected = lines_of(read_file(expected_path));
    ASSERT_FALSE(expected.empty()) << expected_path << " lists no errors";

    const auto error =
        error_from([&] { parse_manifest(read_file(path), path.filename().string()); });
    ASSERT_TRUE(error.has_value()) << "the manifest was accepted";
    EXPECT_EQ(error->reason(), "InvalidManifest");
    EXPECT_EQ(error->exit_code(), 2);
    EXPECT_EQ(error->details(), expected);
  }
}

TEST(InvalidManifests, EveryErrorsFileHasItsManifest) {
  const fs::path directory = kSourceDir / "tests" / "data" / "manifests" / "invalid";
  for (const auto& entry : fs::directory_iterator(directory)) {
    if (entry.path().extension() != ".errors") continue;
    bool found = false;
    for (const char* extension : {".yaml", ".yml", ".json"}) {
      fs::path manifest = entry.path();
      found = found || fs::exists(manifest.replace_extension(extension));
    }
    EXPECT_TRUE(found) << entry.path() << " has no manifest next to it";
  }
}

}  // namespace
}  // namespace hivekeeper::manifest
