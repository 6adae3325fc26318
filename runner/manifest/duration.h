// Durations as retention rules and health checks write them: "30d", "1y6m", "26h", "2w". Units
// are restic's: y years, m months, w weeks, d days, h hours. Years, months and days are calendar
// steps (Go's AddDate, as restic uses it), so "1m" back from March 31 lands on March 3 in a
// non-leap year, and hours are exact.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace hivekeeper::manifest {

struct CalendarDuration {
  int years = 0;
  int months = 0;
  int days = 0;  // weeks count as 7 days
  int hours = 0;

  bool zero() const { return years == 0 && months == 0 && days == 0 && hours == 0; }
};

// nullopt when TEXT is not one or more <number><unit> pairs.
std::optional<CalendarDuration> parse_duration(std::string_view text);

std::string to_string(const CalendarDuration& duration);  // "1y6m", "30d", "0h"

// WHEN moved back by DURATION.
std::chrono::system_clock::time_point subtract(std::chrono::system_clock::time_point when,
                                               const CalendarDuration& duration);

}  // namespace hivekeeper::manifest
