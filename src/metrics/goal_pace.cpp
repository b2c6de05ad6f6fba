#include "metrics/goal_pace.h"

#include <date/date.h>

#include <algorithm>

namespace goatherd::metrics {
namespace {

// floor(a / b) for b > 0, any sign of a.
__int128 FloorDiv(__int128 a, __int128 b) {
  __int128 q = a / b;
  if (a % b != 0 && a < 0) --q;
  return q;
}

}  // namespace

std::optional<GoalPeriodKind> ParseGoalPeriod(std::string_view name) {
  if (name == "daily") return GoalPeriodKind::kDaily;
  if (name == "weekly") return GoalPeriodKind::kWeekly;
  if (name == "monthly") return GoalPeriodKind::kMonthly;
  return std::nullopt;
}

std::optional<GoalMetric> ParseGoalMetric(std::string_view name) {
  if (name == "posts") return GoalMetric::kPosts;
  if (name == "views") return GoalMetric::kViews;
  if (name == "engagement") return GoalMetric::kEngagement;
  if (name == "followers") return GoalMetric::kFollowers;
  return std::nullopt;
}

const char* GoalStatusName(GoalStatus status) {
  switch (status) {
    case GoalStatus::kOnTrack:
      return "on_track";
    case GoalStatus::kBehindPace:
      return "behind_pace";
    case GoalStatus::kAtRisk:
      return "at_risk";
    case GoalStatus::kCompleted:
      return "completed";
    case GoalStatus::kMissed:
      return "missed";
  }
  return "at_risk";
}

GoalPeriod PeriodContaining(GoalPeriodKind kind, DayNumber day, const date::time_zone* zone) {
  GoalPeriod p;
  switch (kind) {
    case GoalPeriodKind::kDaily:
      p.first_day = p.last_day = day;
      break;
    case GoalPeriodKind::kWeekly: {
      // Day 0 (1970-01-01) was a Thursday, index 3 counting from Monday.
      DayNumber since_monday = static_cast<DayNumber>(FloorDiv(day + 3, 7) * 7) - 3;
      p.first_day = since_monday;
      p.last_day = since_monday + 6;
      break;
    }
    case GoalPeriodKind::kMonthly: {
      date::year_month_day ymd{date::sys_days{date::days{day}}};
      date::year_month first = ymd.year() / ymd.month();
      date::sys_days start{first / date::day{1}};
      date::sys_days last{first / date::last};
      p.first_day = static_cast<DayNumber>(start.time_since_epoch().count());
      p.last_day = static_cast<DayNumber>(last.time_since_epoch().count());
      break;
    }
  }
  p.start = LocalDayStart(p.first_day, zone);
  p.end = LocalDayStart(p.last_day + 1, zone);
  return p;
}

GoalPace EvaluateGoalPace(const GoalActual& actual, std::int64_t target_hundredths,
                          bool rate_metric, const GoalPeriod& period, Timestamp now) {
  GoalPace pace;
  // actual / target x 100 = (num / den) x 100 x 100 / target_hundredths.
  pace.percentage =
      static_cast<std::int64_t>(FloorDiv(actual.num * 10000, actual.den * target_hundredths));
  // actual x 100 compared with target_hundredths, both over den.
  const __int128 actual_x100 = actual.num * 100;
  const __int128 target_den = static_cast<__int128>(target_hundredths) * actual.den;
  if (now >= period.end) {
    pace.status = actual_x100 >= target_den ? GoalStatus::kCompleted : GoalStatus::kMissed;
    return pace;
  }
  // Before the period starts nothing is expected of any goal yet, a rate included.
  if (now < period.start) {
    pace.status = GoalStatus::kOnTrack;
    return pace;
  }
  const __int128 length = period.end - period.start;
  __int128 elapsed = std::clamp<Timestamp>(now - period.start, 0, period.end - period.start);
  if (rate_metric) elapsed = length;
  // actual >= target x elapsed / length  <=>  actual_x100 x length >= target_den x elapsed.
  const __int128 lhs = actual_x100 * length;
  const __int128 expected = target_den * elapsed;
  if (lhs >= expected) {
    pace.status = GoalStatus::kOnTrack;
  } else if (lhs * 10 >= expected * 7) {
    pace.status = GoalStatus::kBehindPace;
  } else {
    pace.status = GoalStatus::kAtRisk;
  }
  return pace;
}

bool PostedIn(const std::optional<Timestamp>& posted_at, const GoalPeriod& period) {
  return posted_at && *posted_at >= period.start && *posted_at < period.end;
}

void AddPeriodGains(const DayLevels& levels, const GoalPeriod& period, std::int64_t* views,
                    std::int64_t* engagement) {
  auto it = std::lower_bound(levels.days.begin(), levels.days.end(), period.first_day,
                             [](const DayLevel& d, DayNumber day) { return d.day < day; });
  for (; it != levels.days.end() && it->day <= period.last_day; ++it) {
    *views += it->gain[kViews];
    *engagement += it->engagement_gain();
  }
}

std::int64_t FollowerGain(std::span<const CreatorSnapshot> snapshots, const GoalPeriod& period) {
  const CreatorSnapshot* before = nullptr;  // last snapshot before the period
  const CreatorSnapshot* first_in = nullptr;
  const CreatorSnapshot* last_in = nullptr;
  for (const CreatorSnapshot& s : snapshots) {
    if (s.snapshot_at < period.start) {
      before = &s;
    } else if (s.snapshot_at < period.end) {
      if (!first_in) first_in = &s;
      last_in = &s;
    }
  }
  const CreatorSnapshot* from = before ? before : first_in;
  const CreatorSnapshot* to = last_in ? last_in : before;
  if (!from || !to) return 0;
  return to->follower_count - from->follower_count;
}

}  // namespace goatherd::metrics
