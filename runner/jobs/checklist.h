// What a --dry-run found, line by line: each check ok, failed, or a note where nothing could be
// measured. A failed check is collected, not thrown, so one run names every problem at once.
#pragma once

#include <string>
#include <vector>

#include "common/error.h"

namespace hivekeeper::jobs {

class Checklist {
 public:
  void ok(const std::string& text) { lines_ += "  ok    " + text + "\n"; }
  void note(const std::string& text) { lines_ += "  --    " + text + "\n"; }
  void fail(const std::string& text) {
    lines_ += "  FAIL  " + text + "\n";
    failures_.push_back(text);
  }
  // Runs CHECK; an Error it throws becomes a failed line. True when it did not throw.
  template <typename Check>
  bool attempt(Check&& check) {
    try {
      check();
      return true;
    } catch (const Error& error) {
      fail(error.what());
      return false;
    }
  }
  const std::string& lines() const { return lines_; }
  const std::vector<std::string>& failures() const { return failures_; }
  // Throws REASON (a failed job, exit 1) naming every failed check, when there is one.
  void throw_if_failed(const std::string& reason, const std::string& job) const;

 private:
  std::string lines_;
  std::vector<std::string> failures_;
};

inline void Checklist::throw_if_failed(const std::string& reason, const std::string& job) const {
  if (failures_.empty()) return;
  std::string reasons;
  for (const auto& failure : failures_) reasons += (reasons.empty() ? "" : "; ") + failure;
  throw job_failed(reason, "the " + job + " would fail: " + reasons,
                   "fix what is named, then `--dry-run` again; nothing was changed");
}

}  // namespace hivekeeper::jobs
