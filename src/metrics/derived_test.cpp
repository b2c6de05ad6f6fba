#include "metrics/derived.h"

#include <gtest/gtest.h>

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "metrics/day_levels.h"
#include "metrics/test_helpers.h"

namespace goatherd::metrics {
namespace {

using testutil::At;
using testutil::Counts;
using testutil::Day;
using testutil::kAdded;
using testutil::kResumed;
using testutil::Views;
using testutil::Zone;

// A series as (date, printed value or "null") pairs: what the API would write.
std::vector<std::pair<std::string, std::string>> Printed(const std::vector<SeriesPoint>& series) {
  std::vector<std::pair<std::string, std::string>> printed;
  for (const SeriesPoint& point : series) {
    printed.emplace_back(FormatDate(point.day),
                         point.value ? ToJsonNumber(*point.value) : std::string("null"));
  }
  return printed;
}

using Expected = std::vector<std::pair<std::string, std::string>>;

// (views, likes, comments, shares, saves); UTC noon each day, Jan 4 without a snapshot.
std::vector<VideoSnapshot> EngagementHistory() {
  return {
      Counts("2026-01-01T12:00:00Z", {1000, 10, 1, 0, 0}, kAdded),
      Counts("2026-01-02T12:00:00Z", {2000, 60, 5, 2, 3}),
      Counts("2026-01-03T12:00:00Z", {2000, 70, 5, 2, 3}),
      Counts("2026-01-05T12:00:00Z", {2800, 75, 6, 2, 3}),
      Counts("2026-01-06T12:00:00Z", {10000, 76, 6, 2, 3}),
  };
}

TEST(EngagementRateByViewsTest, PerDay) {
  const DayLevels levels = ComputeDayLevels(EngagementHistory(), Zone("UTC"));
  const auto series = ComputeEngagementRateByViews(levels, Day("2025-12-31"), Day("2026-01-07"));
  // Dec 31: no level. Jan 1: the baseline, G_views = 0.
  // Jan 2: G = views 1000, likes 50, comments 4, shares 2, saves 3 -> 59 / 1000 x 100 = 5.9.
  // Jan 3: views 2000 - H 2000 = 0 -> null even though likes gained 10.
  // Jan 4: no level.
  // Jan 5: views 2800 - 2000 = 800; likes 75 - H 70 = 5; comments 1; shares, saves 0
  //        -> 6 / 800 x 100 = 0.75.
  // Jan 6: views 7200; likes 1 -> 1 / 7200 x 100 = 0.013888... -> 0.0139.
  // Jan 7: no level.
  EXPECT_EQ(Printed(series), (Expected{
                                 {"2025-12-31", "null"},
                                 {"2026-01-01", "null"},
                                 {"2026-01-02", "5.9"},
                                 {"2026-01-03", "null"},
                                 {"2026-01-04", "null"},
                                 {"2026-01-05", "0.75"},
                                 {"2026-01-06", "0.0139"},
                                 {"2026-01-07", "null"},
                             }));
  EXPECT_EQ(series[2].value, (Decimal{59000, 4}));
  EXPECT_EQ(series[6].value, (Decimal{139, 4}));
}

TEST(EngagementRateByViewsTest, RangeInsideAndOutsideTheHistory) {
  const DayLevels levels = ComputeDayLevels(EngagementHistory(), Zone("UTC"));
  EXPECT_EQ(Printed(ComputeEngagementRateByViews(levels, Day("2026-01-05"), Day("2026-01-05"))),
            (Expected{{"2026-01-05", "0.75"}}));
  // Entirely after the data (a future range): every day null.
  EXPECT_EQ(Printed(ComputeEngagementRateByViews(levels, Day("2026-02-01"), Day("2026-02-02"))),
            (Expected{{"2026-02-01", "null"}, {"2026-02-02", "null"}}));
  EXPECT_EQ(
      Printed(ComputeEngagementRateByViews(DayLevels{}, Day("2026-01-01"), Day("2026-01-01"))),
      (Expected{{"2026-01-01", "null"}}));
}

TEST(GrowthRatePopTest, ViewsPerDay) {
  const DayLevels levels = ComputeDayLevels(EngagementHistory(), Zone("UTC"));
  // Views levels: Jan 1 1000, Jan 2 2000, Jan 3 2000, Jan 4 none, Jan 5 2800, Jan 6 10000.
  // Jan 1: first point, null. Jan 2: (2000 - 1000) / 1000 x 100 = 100. Jan 3: 0.
  // Jan 4: no level. Jan 5: previous day has no level. Jan 6: 7200 / 2800 x 100 = 257.142857...
  // -> 257.1429.
  EXPECT_EQ(Printed(ComputeGrowthRatePop(levels, kViews, Day("2026-01-01"), Day("2026-01-06"))),
            (Expected{
                {"2026-01-01", "null"},
                {"2026-01-02", "100"},
                {"2026-01-03", "0"},
                {"2026-01-04", "null"},
                {"2026-01-05", "null"},
                {"2026-01-06", "257.1429"},
            }));
}

TEST(GrowthRatePopTest, FirstPointIsAlwaysNull) {
  const DayLevels levels = ComputeDayLevels(EngagementHistory(), Zone("UTC"));
  // Jan 2 has both levels (Jan 1 1000, Jan 2 2000) but opens the range.
  EXPECT_EQ(Printed(ComputeGrowthRatePop(levels, kViews, Day("2026-01-02"), Day("2026-01-03"))),
            (Expected{{"2026-01-02", "null"}, {"2026-01-03", "0"}}));
}

TEST(GrowthRatePopTest, OtherBaseMetricAndZeroPreviousLevel) {
  const std::vector<VideoSnapshot> snapshots = {
      Counts("2026-01-01T12:00:00Z", {100, 0, 0, 0, 0}, kAdded),
      Counts("2026-01-02T12:00:00Z", {200, 5, 0, 0, 0}),
      Counts("2026-01-03T12:00:00Z", {300, 5, 0, 0, 0}),
      Counts("2026-01-04T12:00:00Z", {400, 8, 0, 0, 0}),
  };
  const DayLevels levels = ComputeDayLevels(snapshots, Zone("UTC"));
  // Likes: Jan 2 divides by L(Jan 1) = 0 -> null. Jan 3: 0 / 5 -> 0. Jan 4: 3 / 5 x 100 = 60.
  EXPECT_EQ(Printed(ComputeGrowthRatePop(levels, kLikes, Day("2026-01-01"), Day("2026-01-04"))),
            (Expected{
                {"2026-01-01", "null"},
                {"2026-01-02", "null"},
                {"2026-01-03", "0"},
                {"2026-01-04", "60"},
            }));
}

TEST(GrowthRatePopTest, NegativeGrowthRoundsAwayFromZero) {
  const std::vector<VideoSnapshot> snapshots = {
      Views("2026-01-01T12:00:00Z", 3200, kAdded),
      Views("2026-01-02T12:00:00Z", 3199),
      Views("2026-01-03T12:00:00Z", 2400),
  };
  const DayLevels levels = ComputeDayLevels(snapshots, Zone("UTC"));
  // Levels, not gains: Jan 2 (3199 - 3200) / 3200 x 100 = -0.03125 -> -0.0313.
  // Jan 3: (2400 - 3199) / 3199 x 100 = -79900 / 3199 = -24.97655... -> -24.9766.
  const auto series = ComputeGrowthRatePop(levels, kViews, Day("2026-01-01"), Day("2026-01-03"));
  EXPECT_EQ(Printed(series), (Expected{
                                 {"2026-01-01", "null"},
                                 {"2026-01-02", "-0.0313"},
                                 {"2026-01-03", "-24.9766"},
                             }));
  EXPECT_EQ(series[1].value, (Decimal{-313, 4}));
}

TEST(BaselinesBetweenTest, LocalDatesInRange) {
  const std::vector<VideoSnapshot> snapshots = {
      Views("2026-01-01T12:00:00Z", 1000, kAdded),
      Views("2026-01-02T12:00:00Z", 2000),
      Views("2026-01-06T09:00:00Z", 1500, kResumed),
      Views("2026-01-07T12:00:00Z", 1900),
  };
  const DayLevels levels = ComputeDayLevels(snapshots, Zone("UTC"));
  EXPECT_TRUE(BaselinesBetween(levels, Day("2026-01-02"), Day("2026-01-05")).empty());
  const auto first = BaselinesBetween(levels, Day("2026-01-01"), Day("2026-01-01"));
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].snapshot_at, At("2026-01-01T12:00:00Z"));
  EXPECT_EQ(first[0].reason, SnapshotReason::kVideoAdded);
  const auto all = BaselinesBetween(levels, Day("2025-12-01"), Day("2026-01-31"));
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[1].snapshot_at, At("2026-01-06T09:00:00Z"));
  EXPECT_EQ(all[1].reason, SnapshotReason::kTrackingResumed);
  const auto resumed = BaselinesBetween(levels, Day("2026-01-06"), Day("2026-01-07"));
  ASSERT_EQ(resumed.size(), 1u);
  EXPECT_EQ(resumed[0].reason, SnapshotReason::kTrackingResumed);
}

TEST(BaselinesBetweenTest, LocalDateDependsOnZone) {
  // 03:00Z on Jan 2 is Jan 1 22:00 in New York.
  const std::vector<VideoSnapshot> snapshots = {Views("2026-01-02T03:00:00Z", 10, kAdded)};
  const DayLevels new_york = ComputeDayLevels(snapshots, Zone("America/New_York"));
  EXPECT_TRUE(BaselinesBetween(new_york, Day("2026-01-02"), Day("2026-01-02")).empty());
  EXPECT_EQ(BaselinesBetween(new_york, Day("2026-01-01"), Day("2026-01-01")).size(), 1u);
  const DayLevels utc = ComputeDayLevels(snapshots, Zone("UTC"));
  EXPECT_EQ(BaselinesBetween(utc, Day("2026-01-02"), Day("2026-01-02")).size(), 1u);
  EXPECT_EQ(FirstDataDate(new_york), Day("2026-01-01"));
  EXPECT_EQ(FirstDataDate(utc), Day("2026-01-02"));
}

TEST(FirstDataDateTest, NoneWithoutSnapshots) {
  EXPECT_EQ(FirstDataDate(ComputeDayLevels({}, Zone("UTC"))), std::nullopt);
}

TEST(DerivedTest, KolkataDayBoundaries) {
  // IST = UTC+05:30. Jan 11 IST runs from 18:30Z Jan 10 to 18:30Z Jan 11.
  const std::vector<VideoSnapshot> snapshots = {
      Counts("2026-01-10T18:29:00Z", {1000, 10, 0, 0, 0}, kAdded),  // Jan 10 23:59 IST
      Counts("2026-01-10T18:31:00Z", {1100, 12, 0, 0, 0}),          // Jan 11 00:01 IST
      Counts("2026-01-11T18:00:00Z", {1400, 16, 1, 1, 1}),          // Jan 11 23:30 IST
  };
  const DayLevels levels = ComputeDayLevels(snapshots, Zone("Asia/Kolkata"));
  // Jan 11: G_views 400, engagement 6 + 1 + 1 + 1 = 9 -> 9 / 400 x 100 = 2.25.
  // Growth Jan 11: (1400 - 1000) / 1000 x 100 = 40.
  EXPECT_EQ(Printed(ComputeEngagementRateByViews(levels, Day("2026-01-10"), Day("2026-01-11"))),
            (Expected{{"2026-01-10", "null"}, {"2026-01-11", "2.25"}}));
  EXPECT_EQ(Printed(ComputeGrowthRatePop(levels, kViews, Day("2026-01-10"), Day("2026-01-11"))),
            (Expected{{"2026-01-10", "null"}, {"2026-01-11", "40"}}));
}

}  // namespace
}  // namespace goatherd::metrics
