// Small helpers shared by the unit tests: catching the runner's Error to assert on its fields,
// and a scratch directory that is removed with everything in it.
#pragma once

#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/error.h"

namespace hivekeeper::testing {

// The hivekeeper::Error that `action` throws, or nullopt when it returns normally. Other exception
// types propagate, so a test that expects an Error fails loudly on anything else.
template <typename Action>
std::optional<Error> error_from(Action&& action) {
  try {
    action();
  } catch (const Error& error) {
    return error;
  }
  return std::nullopt;
}

class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "hivekeeper-unit-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

  // Every name in the directory, hidden ones included, sorted.
  std::vector<std::string> names() const {
    std::vector<std::string> result;
    for (const auto& entry : std::filesystem::directory_iterator(path_))
      result.push_back(entry.path().filename().string());
    std::sort(result.begin(), result.end());
    return result;
  }

 private:
  std::filesystem::path path_;
};

inline void write_file(const std::filesystem::path& path, const std::string& content) {
  std::ofstream(path, std::ios::binary) << content;
}

// A file's or folder's permission bits, as ls shows them in octal (0600).
inline unsigned mode_of(const std::filesystem::path& path) {
  return static_cast<unsigned>(std::filesystem::status(path).permissions());
}

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

// SIZE bytes of what a dump's COPY rows look like (tab-separated, numbered, repetitive): text
// that deflates well, with enough variation that blocks differ.
inline std::string sql_rows_text(std::size_t size) {
  std::string text;
  for (int row = 0; text.size() < size; ++row)
    text += std::to_string(row) + "\tglyph " + std::to_string(row * 7 % 1000) +
            "\t2026-11-24 03:15:00+00\n";
  text.resize(size);
  return text;
}

// Incompressible bytes, the same for the same seed.
inline std::string random_bytes(std::size_t size, unsigned seed) {
  std::mt19937 generator(seed);
  std::string bytes(size, '\0');
  for (auto& byte : bytes) byte = static_cast<char>(generator() & 0xff);
  return bytes;
}

}  // namespace hivekeeper::testing
