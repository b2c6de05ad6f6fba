#include "metrics/goal_pace.h"

#include <gtest/gtest.h>

#include "metrics/test_helpers.h"

namespace goatherd::metrics {
namespace {

using testutil::At;
using testutil::Day;
using testutil::Zone;

GoalActual Count(std::int64_t n) { return {n, 1}; }

TEST(GoalPeriodTest, DayWeekAndMonthInUtc) {
  const auto* utc = Zone("UTC");
  GoalPeriod d = PeriodContaining(GoalPeriodKind::kDaily, Day("2026-03-04"), utc);
  EXPECT_EQ(d.first_day, Day("2026-03-04"));
  EXPECT_EQ(d.last_day, Day("2026-03-04"));
  EXPECT_EQ(d.start, At("2026-03-04T00:00:00Z"));
  EXPECT_EQ(d.end, At("2026-03-05T00:00:00Z"));

  // 2026-03-04 is a Wednesday: its ISO week runs Monday 03-02 to Sunday 03-08.
  GoalPeriod w = PeriodContaining(GoalPeriodKind::kWeekly, Day("2026-03-04"), utc);
  EXPECT_EQ(w.first_day, Day("2026-03-02"));
  EXPECT_EQ(w.last_day, Day("2026-03-08"));
  EXPECT_EQ(w.start, At("2026-03-02T00:00:00Z"));
  EXPECT_EQ(w.end, At("2026-03-09T00:00:00Z"));
  // A Sunday belongs to the week that started six days before; a Monday starts its own.
  EXPECT_EQ(PeriodContaining(GoalPeriodKind::kWeekly, Day("2026-03-01"), utc).first_day,
            Day("2026-02-23"));
  EXPECT_EQ(PeriodContaining(GoalPeriodKind::kWeekly, Day("2026-03-02"), utc).first_day,
            Day("2026-03-02"));
  // A week across the new year: 2026-01-01 is a Thursday; its week starts Monday 2025-12-29.
  EXPECT_EQ(PeriodContaining(GoalPeriodKind::kWeekly, Day("2026-01-01"), utc).first_day,
            Day("2025-12-29"));
  // Before 1970 (negative day numbers): 1969-12-31 is a Wednesday, week of Monday 12-29.
  EXPECT_EQ(PeriodContaining(GoalPeriodKind::kWeekly, Day("1969-12-31"), utc).first_day,
            Day("1969-12-29"));

  GoalPeriod m = PeriodContaining(GoalPeriodKind::kMonthly, Day("2026-02-14"), utc);
  EXPECT_EQ(m.first_day, Day("2026-02-01"));
  EXPECT_EQ(m.last_day, Day("2026-02-28"));
  EXPECT_EQ(m.end, At("2026-03-01T00:00:00Z"));
  // A leap February.
  EXPECT_EQ(PeriodContaining(GoalPeriodKind::kMonthly, Day("2028-02-29"), utc).last_day,
            Day("2028-02-29"));
  EXPECT_EQ(PeriodContaining(GoalPeriodKind::kMonthly, Day("2026-12-31"), utc).first_day,
            Day("2026-12-01"));
}

TEST(GoalPeriodTest, LocalPeriodsAndDaylightSavingDays) {
  const auto* ny = Zone("America/New_York");
  // February in New York (UTC-5 throughout).
  GoalPeriod m = PeriodContaining(GoalPeriodKind::kMonthly, Day("2026-02-14"), ny);
  EXPECT_EQ(m.start, At("2026-02-01T05:00:00Z"));
  EXPECT_EQ(m.end, At("2026-03-01T05:00:00Z"));
  // 2026-03-08: clocks go from 02:00 EST to 03:00 EDT, a 23-hour day.
  GoalPeriod spring = PeriodContaining(GoalPeriodKind::kDaily, Day("2026-03-08"), ny);
  EXPECT_EQ(spring.start, At("2026-03-08T05:00:00Z"));
  EXPECT_EQ(spring.end, At("2026-03-09T04:00:00Z"));
  EXPECT_EQ(spring.end - spring.start, 23 * 3600);
  // 2026-11-01: back from EDT to EST, a 25-hour day.
  GoalPeriod fall = PeriodContaining(GoalPeriodKind::kDaily, Day("2026-11-01"), ny);
  EXPECT_EQ(fall.end - fall.start, 25 * 3600);
  // The week of the spring change (Monday 03-02 .. Sunday 03-08) is 7 x 24 - 1 hours long.
  GoalPeriod week = PeriodContaining(GoalPeriodKind::kWeekly, Day("2026-03-08"), ny);
  EXPECT_EQ(week.start, At("2026-03-02T05:00:00Z"));
  EXPECT_EQ(week.end - week.start, 167 * 3600);
}

TEST(GoalPaceTest, PercentageIsFloored) {
  GoalPeriod p = PeriodContaining(GoalPeriodKind::kDaily, Day("2026-03-04"), Zone("UTC"));
  Timestamp after = p.end;
  // 11 / 15 = 73.3 % -> 73; 2 / 3 = 66.7 % -> 66 (rounding would say 67); 7 / 7 -> 100.
  EXPECT_EQ(EvaluateGoalPace(Count(11), 1500, false, p, after).percentage, 73);
  EXPECT_EQ(EvaluateGoalPace(Count(2), 300, false, p, after).percentage, 66);
  EXPECT_EQ(EvaluateGoalPace(Count(7), 700, false, p, after).percentage, 100);
  EXPECT_EQ(EvaluateGoalPace(Count(31), 1500, false, p, after).percentage, 206);
  EXPECT_EQ(EvaluateGoalPace(Count(0), 1500, false, p, after).percentage, 0);
  // A follower loss: -1 / 3 = -33.3 % floors to -34.
  EXPECT_EQ(EvaluateGoalPace(Count(-1), 300, false, p, after).percentage, -34);
  // Engagement 3 / 700 x 100 = 0.428571... % against 0.43 %: 99.67 % -> 99.
  EXPECT_EQ(EvaluateGoalPace({300, 700}, 43, true, p, after).percentage, 99);
  // A target with hundredths: 5 views against 2.5 -> 200 %.
  EXPECT_EQ(EvaluateGoalPace(Count(5), 250, false, p, after).percentage, 200);
}

TEST(GoalPaceTest, AfterThePeriodCompletedOrMissed) {
  GoalPeriod p = PeriodContaining(GoalPeriodKind::kWeekly, Day("2026-03-04"), Zone("UTC"));
  EXPECT_EQ(EvaluateGoalPace(Count(15), 1500, false, p, p.end).status, GoalStatus::kCompleted);
  EXPECT_EQ(EvaluateGoalPace(Count(16), 1500, false, p, p.end + 86400).status,
            GoalStatus::kCompleted);
  EXPECT_EQ(EvaluateGoalPace(Count(14), 1500, false, p, p.end).status, GoalStatus::kMissed);
  // One second before the end the period is still running: 14 of 15 is behind, not missed.
  EXPECT_EQ(EvaluateGoalPace(Count(14), 1500, false, p, p.end - 1).status, GoalStatus::kBehindPace);
  // Engagement 0.43 % exactly meets 0.43; 0.428571 % does not.
  EXPECT_EQ(EvaluateGoalPace({43, 100}, 43, true, p, p.end).status, GoalStatus::kCompleted);
  EXPECT_EQ(EvaluateGoalPace({300, 700}, 43, true, p, p.end).status, GoalStatus::kMissed);
}

TEST(GoalPaceTest, DuringThePeriodAgainstTheElapsedFraction) {
  GoalPeriod p = PeriodContaining(GoalPeriodKind::kDaily, Day("2026-03-04"), Zone("UTC"));
  Timestamp noon = At("2026-03-04T12:00:00Z");
  // Target 20 at half time: expected 10; 0.7 x 10 = 7.
  EXPECT_EQ(EvaluateGoalPace(Count(10), 2000, false, p, noon).status, GoalStatus::kOnTrack);
  EXPECT_EQ(EvaluateGoalPace(Count(9), 2000, false, p, noon).status, GoalStatus::kBehindPace);
  EXPECT_EQ(EvaluateGoalPace(Count(7), 2000, false, p, noon).status, GoalStatus::kBehindPace);
  EXPECT_EQ(EvaluateGoalPace(Count(6), 2000, false, p, noon).status, GoalStatus::kAtRisk);
  // At the first instant nothing is expected yet; before the period neither.
  EXPECT_EQ(EvaluateGoalPace(Count(0), 2000, false, p, p.start).status, GoalStatus::kOnTrack);
  EXPECT_EQ(EvaluateGoalPace(Count(0), 2000, false, p, p.start - 3600).status,
            GoalStatus::kOnTrack);
  // 6 hours in: expected 20 x 6 / 24 = 5; 0.7 x 5 = 3.5, so 4 is behind and 3 at risk.
  Timestamp six = At("2026-03-04T06:00:00Z");
  EXPECT_EQ(EvaluateGoalPace(Count(5), 2000, false, p, six).status, GoalStatus::kOnTrack);
  EXPECT_EQ(EvaluateGoalPace(Count(4), 2000, false, p, six).status, GoalStatus::kBehindPace);
  EXPECT_EQ(EvaluateGoalPace(Count(3), 2000, false, p, six).status, GoalStatus::kAtRisk);
}

TEST(GoalPaceTest, EngagementExpectsTheFullTargetAtAnyTime) {
  GoalPeriod p = PeriodContaining(GoalPeriodKind::kMonthly, Day("2026-03-04"), Zone("UTC"));
  Timestamp early = At("2026-03-02T00:00:00Z");  // 1/31 of the month gone
  // Target 5 %: 5 is on track, 3.5 (= 0.7 x 5) behind, 3.4999 at risk, whatever the date.
  EXPECT_EQ(EvaluateGoalPace({5, 1}, 500, true, p, early).status, GoalStatus::kOnTrack);
  EXPECT_EQ(EvaluateGoalPace({35, 10}, 500, true, p, early).status, GoalStatus::kBehindPace);
  EXPECT_EQ(EvaluateGoalPace({34999, 10000}, 500, true, p, early).status, GoalStatus::kAtRisk);
  // Before the month starts not even a rate is expected yet.
  EXPECT_EQ(EvaluateGoalPace({0, 1}, 500, true, p, p.start - 1).status, GoalStatus::kOnTrack);
  // The same 3.5 as a count goal is far ahead of a 1/31 pace.
  EXPECT_EQ(EvaluateGoalPace({35, 10}, 500, false, p, early).status, GoalStatus::kOnTrack);
}

TEST(GoalPaceTest, TwentyThreeHourDayCountsRealSeconds) {
  // 2026-03-08 in New York: 23 hours. At 12:00 EDT (16:00Z) 11 real hours have passed, so a
  // target of 23 expects exactly 11 (a 24-hour reading would expect 11.5 and call 11 behind).
  GoalPeriod p =
      PeriodContaining(GoalPeriodKind::kDaily, Day("2026-03-08"), Zone("America/New_York"));
  Timestamp noon = At("2026-03-08T16:00:00Z");
  EXPECT_EQ(EvaluateGoalPace(Count(11), 2300, false, p, noon).status, GoalStatus::kOnTrack);
  // 0.7 x 11 = 7.7: 8 is behind, 7 at risk.
  EXPECT_EQ(EvaluateGoalPace(Count(8), 2300, false, p, noon).status, GoalStatus::kBehindPace);
  EXPECT_EQ(EvaluateGoalPace(Count(7), 2300, false, p, noon).status, GoalStatus::kAtRisk);
  // 2026-11-01, 25 hours: at 12:00 EST (17:00Z) 13 hours have passed; target 25 expects 13.
  GoalPeriod fall =
      PeriodContaining(GoalPeriodKind::kDaily, Day("2026-11-01"), Zone("America/New_York"));
  Timestamp fall_noon = At("2026-11-01T17:00:00Z");
  EXPECT_EQ(EvaluateGoalPace(Count(13), 2500, false, fall, fall_noon).status, GoalStatus::kOnTrack);
  EXPECT_EQ(EvaluateGoalPace(Count(12), 2500, false, fall, fall_noon).status,
            GoalStatus::kBehindPace);
}

TEST(GoalActualsTest, PostedInIsHalfOpen) {
  GoalPeriod p = PeriodContaining(GoalPeriodKind::kDaily, Day("2026-03-04"), Zone("UTC"));
  EXPECT_TRUE(PostedIn(At("2026-03-04T00:00:00Z"), p));
  EXPECT_TRUE(PostedIn(At("2026-03-04T23:59:59Z"), p));
  EXPECT_FALSE(PostedIn(At("2026-03-05T00:00:00Z"), p));
  EXPECT_FALSE(PostedIn(At("2026-03-03T23:59:59Z"), p));
  EXPECT_FALSE(PostedIn(std::nullopt, p));
}

TEST(GoalActualsTest, PeriodGainsFollowDayLevels) {
  const auto* utc = Zone("UTC");
  // Views 1000 (baseline), 5000, 4000, 6000 at noon on 03-01..03-04: gains 0, 4000, 0, 1000.
  // Likes 10, 60, 60, 90: gains 0, 50, 0, 30.
  std::vector<VideoSnapshot> snaps = {
      testutil::Counts("2026-03-01T12:00:00Z", {1000, 10, 0, 0, 0}, testutil::kAdded),
      testutil::Counts("2026-03-02T12:00:00Z", {5000, 60, 0, 0, 0}),
      testutil::Counts("2026-03-03T12:00:00Z", {4000, 60, 0, 0, 0}),
      testutil::Counts("2026-03-04T12:00:00Z", {6000, 90, 0, 0, 0}),
  };
  DayLevels levels = ComputeDayLevels(snaps, utc);
  std::int64_t views = 0, engagement = 0;
  // Week of 03-02 .. 03-08: 4000 + 0 + 1000 views, 50 + 0 + 30 likes.
  AddPeriodGains(levels, PeriodContaining(GoalPeriodKind::kWeekly, Day("2026-03-04"), utc), &views,
                 &engagement);
  EXPECT_EQ(views, 5000);
  EXPECT_EQ(engagement, 80);
  views = engagement = 0;
  // The day of the baseline alone gains nothing.
  AddPeriodGains(levels, PeriodContaining(GoalPeriodKind::kDaily, Day("2026-03-01"), utc), &views,
                 &engagement);
  EXPECT_EQ(views, 0);
  // The month: every gain.
  AddPeriodGains(levels, PeriodContaining(GoalPeriodKind::kMonthly, Day("2026-03-01"), utc), &views,
                 &engagement);
  EXPECT_EQ(views, 5000);
  EXPECT_EQ(engagement, 80);
}

CreatorSnapshot Followers(const char* at, std::int64_t n) {
  CreatorSnapshot s;
  s.snapshot_at = At(at);
  s.follower_count = n;
  return s;
}

TEST(GoalActualsTest, FollowerGainFromTheLevelBeforeThePeriod) {
  GoalPeriod p = PeriodContaining(GoalPeriodKind::kDaily, Day("2026-03-04"), Zone("UTC"));
  std::vector<CreatorSnapshot> snaps = {
      Followers("2026-03-03T20:00:00Z", 1000), Followers("2026-03-04T08:00:00Z", 1100),
      Followers("2026-03-04T20:00:00Z", 1250), Followers("2026-03-05T08:00:00Z", 1400)};
  EXPECT_EQ(FollowerGain(snaps, p), 250);  // 1250 - 1000
  // Without a level before the period the first one inside is the start: 1250 - 1100.
  EXPECT_EQ(FollowerGain(std::span(snaps).subspan(1), p), 150);
  // Only a level before: nothing measured inside, 0.
  EXPECT_EQ(FollowerGain(std::span(snaps).first(1), p), 0);
  EXPECT_EQ(FollowerGain({}, p), 0);
  // A loss is negative.
  std::vector<CreatorSnapshot> loss = {Followers("2026-03-03T20:00:00Z", 1000),
                                       Followers("2026-03-04T09:00:00Z", 990)};
  EXPECT_EQ(FollowerGain(loss, p), -10);
}

TEST(GoalNamesTest, ParseAndPrint) {
  EXPECT_EQ(ParseGoalPeriod("weekly"), GoalPeriodKind::kWeekly);
  EXPECT_FALSE(ParseGoalPeriod("Weekly").has_value());
  EXPECT_EQ(ParseGoalMetric("engagement"), GoalMetric::kEngagement);
  EXPECT_FALSE(ParseGoalMetric("likes").has_value());
  EXPECT_STREQ(GoalStatusName(GoalStatus::kBehindPace), "behind_pace");
}

}  // namespace
}  // namespace goatherd::metrics
