#include "jobs/maintenance/retention.h"

#include <chrono>
#include <format>
#include <map>
#include <tuple>

namespace hivekeeper::jobs {
namespace {

using namespace std::chrono;

// A set's time as the calendar of the policy's zone sees it.
struct LocalTime {
  year_month_day date;
  int hour = 0;
  int iso_year = 0;
  unsigned iso_week = 0;
};

LocalTime local_time_of(store::Clock::time_point when, const time_zone* zone) {
  const auto local = zone->to_local(floor<seconds>(when));
  const auto day = floor<days>(local);
  LocalTime result;
  result.date = year_month_day{day};
  result.hour = static_cast<int>(floor<hours>(local - day).count());
  // ISO 8601: the week belongs to the year of its Thursday.
  const weekday weekday_of{day};
  const local_days thursday = day - days{weekday_of.iso_encoding() - 1} + days{3};
  const year iso_year = year_month_day{thursday}.year();
  result.iso_year = static_cast<int>(iso_year);
  result.iso_week =
      static_cast<unsigned>((thursday - local_days{iso_year / January / 1}).count() / 7 + 1);
  return result;
}

// One keep-N rule: its bucket of a set, as a comparable value and as the reason text.
struct BucketRule {
  const char* name;
  int count;
  std::function<std::pair<long long, std::string>(const LocalTime&, std::size_t index)> bucket;
};

std::vector<BucketRule> bucket_rules(const manifest::RetentionPolicy& policy) {
  const auto y = [](const LocalTime& t) { return static_cast<int>(t.date.year()); };
  const auto m = [](const LocalTime& t) { return static_cast<unsigned>(t.date.month()); };
  const auto d = [](const LocalTime& t) { return static_cast<unsigned>(t.date.day()); };
  return {
      {"last", policy.keep_last,
       [](const LocalTime&, std::size_t index) {
         return std::pair{static_cast<long long>(index), std::string()};
       }},
      {"hourly", policy.keep_hourly,
       [=](const LocalTime& t, std::size_t) {
         return std::pair{y(t) * 1000000LL + m(t) * 10000 + d(t) * 100 + t.hour,
                          std::format("{:04}-{:02}-{:02} {:02}", y(t), m(t), d(t), t.hour)};
       }},
      {"daily", policy.keep_daily,
       [=](const LocalTime& t, std::size_t) {
         return std::pair{y(t) * 10000LL + m(t) * 100 + d(t),
                          std::format("{:04}-{:02}-{:02}", y(t), m(t), d(t))};
       }},
      {"weekly", policy.keep_weekly,
       [](const LocalTime& t, std::size_t) {
         return std::pair{t.iso_year * 100LL + t.iso_week,
                          std::format("{:04}-W{:02}", t.iso_year, t.iso_week)};
       }},
      {"monthly", policy.keep_monthly,
       [=](const LocalTime& t, std::size_t) {
         return std::pair{y(t) * 100LL + m(t), std::format("{:04}-{:02}", y(t), m(t))};
       }},
      {"yearly", policy.keep_yearly,
       [=](const LocalTime& t, std::size_t) {
         return std::pair{static_cast<long long>(y(t)), std::format("{:04}", y(t))};
       }},
  };
}

// restic's ApplyPolicy on one series, newest first. DECISIONS[i] belongs to SERIES[i].
void apply_rules(const std::vector<const store::BackupSet*>& series,
                 std::vector<RetentionDecision*>& decisions,
                 const manifest::RetentionPolicy& policy, const RetentionFacts& facts,
                 const time_zone* zone) {
  if (series.empty()) return;
  // The newest set not dated in the future is what keepWithin counts back from.
  store::Clock::time_point latest{};
  for (const auto* set : series)
    if (set->time > latest && set->time < facts.now) latest = set->time;
  auto rules = bucket_rules(policy);
  std::vector<long long> last(rules.size(), -1);
  for (std::size_t index = 0; index < series.size(); ++index) {
    auto& decision = *decisions[index];
    const LocalTime local = local_time_of(series[index]->time, zone);
    if (policy.keep_within && !policy.keep_within->zero() &&
        series[index]->time > manifest::subtract(latest, *policy.keep_within))
      decision.reasons.push_back("within " + manifest::to_string(*policy.keep_within));
    for (std::size_t r = 0; r < rules.size(); ++r) {
      auto& rule = rules[r];
      if (rule.count == 0 || rule.count < -1) continue;
      const auto [value, text] = rule.bucket(local, index);
      // restic also keeps the oldest set while a rule has counts left: the longest history.
      if (value != last[r] || index + 1 == series.size()) {
        last[r] = value;
        if (rule.count > 0) --rule.count;
        decision.reasons.push_back(text.empty() ? rule.name : std::string(rule.name) + " " + text);
      }
    }
  }
}

}  // namespace

std::vector<RetentionDecision> plan_retention(const std::vector<store::BackupSet>& sets,
                                              const manifest::RetentionPolicy& policy,
                                              const RetentionFacts& facts) {
  const time_zone* zone = locate_zone(policy.timezone);
  std::vector<RetentionDecision> decisions;
  decisions.reserve(sets.size());
  for (const auto& set : sets) decisions.push_back({set, true, {}});

  using SeriesKey = std::tuple<std::string, manifest::Environment>;
  std::map<SeriesKey, std::vector<std::size_t>> backups, safety;
  std::map<SeriesKey, bool> verified_seen;
  for (std::size_t i = 0; i < sets.size(); ++i) {
    const auto& set = sets[i];
    const SeriesKey key{set.prefix, set.environment};
    auto& reasons = decisions[i].reasons;
    if (set.name == facts.just_made) reasons.push_back("just made");
    if (!set.pre_restore && facts.passed_verified.count(set.name) && !verified_seen[key]) {
      verified_seen[key] = true;
      reasons.push_back("newest verified");
    }
    if (set.kind() == store::SetKind::seed_made && !policy.include_seed_made) {
      reasons.push_back("seed-made");
      continue;
    }
    (set.pre_restore ? safety : backups)[key].push_back(i);
  }
  for (const auto& [_, indices] : backups) {
    std::vector<const store::BackupSet*> series;
    std::vector<RetentionDecision*> series_decisions;
    for (const auto i : indices) {
      series.push_back(&sets[i]);
      series_decisions.push_back(&decisions[i]);
    }
    apply_rules(series, series_decisions, policy, facts, zone);
  }
  for (const auto& [_, indices] : safety)
    for (std::size_t n = 0; n < indices.size(); ++n)
      if (static_cast<int>(n) < policy.keep_safety)
        decisions[indices[n]].reasons.push_back(
            std::format("safety {} of {}", n + 1, policy.keep_safety));
  for (auto& decision : decisions) decision.keep = !decision.reasons.empty();
  return decisions;
}

}  // namespace hivekeeper::jobs
