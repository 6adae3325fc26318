#include "manifest/duration.h"

#include <cctype>
#include <charconv>

namespace hivekeeper::manifest {

std::optional<CalendarDuration> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  CalendarDuration duration;
  std::size_t at = 0;
  while (at < text.size()) {
    if (!std::isdigit(static_cast<unsigned char>(text[at]))) return std::nullopt;
    int value = 0;
    const auto [end, error] = std::from_chars(text.data() + at, text.data() + text.size(), value);
    if (error != std::errc() || end == text.data() + at || value > 100000) return std::nullopt;
    at = static_cast<std::size_t>(end - text.data());
    if (at == text.size()) return std::nullopt;
    switch (text[at++]) {
      case 'y':
        duration.years += value;
        break;
      case 'm':
        duration.months += value;
        break;
      case 'w':
        duration.days += 7 * value;
        break;
      case 'd':
        duration.days += value;
        break;
      case 'h':
        duration.hours += value;
        break;
      default:
        return std::nullopt;
    }
  }
  return duration;
}

std::string to_string(const CalendarDuration& duration) {
  std::string text;
  if (duration.years) text += std::to_string(duration.years) + "y";
  if (duration.months) text += std::to_string(duration.months) + "m";
  if (duration.days) text += std::to_string(duration.days) + "d";
  if (duration.hours || text.empty()) text += std::to_string(duration.hours) + "h";
  return text;
}

std::chrono::system_clock::time_point subtract(std::chrono::system_clock::time_point when,
                                               const CalendarDuration& duration) {
  using namespace std::chrono;
  const auto day = floor<days>(when);
  const auto time_of_day = when - day;
  const year_month_day date{day};
  // Go's AddDate: shift year and month, keep the day number and let it overflow into the next
  // month (March 31 - 1 month = "February 31" = March 3).
  const year_month shifted =
      year_month{date.year(), date.month()} - years{duration.years} - months{duration.months};
  const sys_days normalized = sys_days{shifted / std::chrono::day{1}} +
                              days{static_cast<unsigned>(date.day()) - 1} - days{duration.days};
  return normalized + time_of_day - hours{duration.hours};
}

}  // namespace hivekeeper::manifest
