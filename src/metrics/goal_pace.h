// Goal pace: the calendar period a goal is measured over, the actual it reached in that period,
// and its status and percentage (spec/analytics.md "Goals and goal compliance").
//
// Periods are calendar periods in the organization's zone: the local day, the ISO week (Monday
// start) or the month containing a date, as the instants [start, end). Elapsed time is measured
// in real seconds of that local period, so on a 23-hour spring-forward day noon local time is
// 11/23 of the day gone, not 12/24: the pace follows the clock on the wall as it actually ran.
//
// All comparisons are exact: the actual is a ratio of integers, the target is kept in
// hundredths, and `actual >= target x elapsed / length` is decided by cross-multiplying in 128-bit
// integers, never in floating point.
// Thread-safety: pure functions over values.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "core/time.h"
#include "core/types.h"
#include "metrics/day_levels.h"

namespace goatherd::metrics {

enum class GoalPeriodKind { kDaily, kWeekly, kMonthly };
enum class GoalMetric { kPosts, kViews, kEngagement, kFollowers };
enum class GoalStatus { kOnTrack, kBehindPace, kAtRisk, kCompleted, kMissed };

std::optional<GoalPeriodKind> ParseGoalPeriod(std::string_view name);
std::optional<GoalMetric> ParseGoalMetric(std::string_view name);
const char* GoalStatusName(GoalStatus status);

struct GoalPeriod {
  DayNumber first_day = 0;  // local dates, inclusive
  DayNumber last_day = 0;
  Timestamp start = 0;  // first instant of first_day
  Timestamp end = 0;    // first instant of the day after last_day
};

// The period of `kind` that contains local day `day` in `zone`.
GoalPeriod PeriodContaining(GoalPeriodKind kind, DayNumber day, const date::time_zone* zone);

// An exact actual value num / den (den > 0).
struct GoalActual {
  __int128 num = 0;
  __int128 den = 1;
};

struct GoalPace {
  GoalStatus status = GoalStatus::kOnTrack;
  std::int64_t percentage = 0;  // floor(actual / target x 100)
};

// Status at instant `now`: after the period (now >= end) completed when actual >= target, else
// missed; during it, with expected = target x elapsed fraction (for a rate such as engagement,
// expected = target whatever the time), on_track when actual >= expected, behind_pace when
// actual >= 0.7 x expected, else at_risk. Before the period starts nothing is expected yet
// (on_track, whatever the metric).
// Requires target_hundredths > 0.
GoalPace EvaluateGoalPace(const GoalActual& actual, std::int64_t target_hundredths,
                          bool rate_metric, const GoalPeriod& period, Timestamp now);

// Whether a post published at `posted_at` falls in the period.
bool PostedIn(const std::optional<Timestamp>& posted_at, const GoalPeriod& period);

// The views and engagement gains (spec/videos.md) of one video over the period's local days,
// added to *views and *engagement.
void AddPeriodGains(const DayLevels& levels, const GoalPeriod& period, std::int64_t* views,
                    std::int64_t* engagement);

// Follower gain over the period from a creator's profile snapshots (oldest first): the last
// level before the period's end minus the last level before its start (or, when there is none,
// the first level inside the period). 0 without both levels. May be negative.
std::int64_t FollowerGain(std::span<const CreatorSnapshot> snapshots, const GoalPeriod& period);

}  // namespace goatherd::metrics
