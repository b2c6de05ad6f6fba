#include "metrics/day_levels.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

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

// The day-by-day (day, L_views, G_views, holds baseline) of a computation, for compact checks.
struct ViewsDay {
  DayNumber day;
  std::int64_t level;
  std::int64_t gain;
  bool baseline;
  friend bool operator==(const ViewsDay&, const ViewsDay&) = default;
};

std::ostream& operator<<(std::ostream& os, const ViewsDay& d) {
  return os << "{" << FormatDate(d.day) << " L=" << d.level << " G=" << d.gain
            << (d.baseline ? " baseline" : "") << "}";
}

std::vector<ViewsDay> ViewsDays(const DayLevels& levels) {
  std::vector<ViewsDay> days;
  for (const DayLevel& d : levels.days) {
    days.push_back({d.day, d.level[kViews], d.gain[kViews], d.holds_baseline()});
  }
  return days;
}

TEST(DayLevelsTest, SpecExampleDownwardCorrection) {
  // spec/videos.md: views 1000 (baseline), 5000, 4000, 6000 at noon UTC on consecutive days give
  // gains 0, 4000, 0, 1000. H after each day: 1000, 5000, 5000 (4000 is a correction), 6000.
  const std::vector<VideoSnapshot> snapshots = {
      Views("2026-01-01T12:00:00Z", 1000, kAdded),
      Views("2026-01-02T12:00:00Z", 5000),
      Views("2026-01-03T12:00:00Z", 4000),
      Views("2026-01-04T12:00:00Z", 6000),
  };
  const DayLevels levels = ComputeDayLevels(snapshots, Zone("UTC"));
  EXPECT_EQ(ViewsDays(levels), (std::vector<ViewsDay>{
                                   {Day("2026-01-01"), 1000, 0, true},
                                   {Day("2026-01-02"), 5000, 4000, false},
                                   {Day("2026-01-03"), 4000, 0, false},
                                   {Day("2026-01-04"), 6000, 1000, false},
                               }));
  // The gains add up to the 5000 views gained since the baseline (6000 - 1000).
  std::int64_t total = 0;
  for (const DayLevel& d : levels.days) total += d.gain[kViews];
  EXPECT_EQ(total, 5000);
  ASSERT_EQ(levels.baselines.size(), 1u);
  EXPECT_EQ(levels.baselines[0].snapshot_at, At("2026-01-01T12:00:00Z"));
  EXPECT_EQ(levels.baselines[0].reason, SnapshotReason::kVideoAdded);
  EXPECT_EQ(levels.baselines[0].day, Day("2026-01-01"));
}

TEST(DayLevelsTest, InputOrderDoesNotMatter) {
  // The spec example again, shuffled: same levels and gains.
  const std::vector<VideoSnapshot> snapshots = {
      Views("2026-01-03T12:00:00Z", 4000),
      Views("2026-01-01T12:00:00Z", 1000, kAdded),
      Views("2026-01-04T12:00:00Z", 6000),
      Views("2026-01-02T12:00:00Z", 5000),
  };
  const DayLevels levels = ComputeDayLevels(snapshots, Zone("UTC"));
  EXPECT_EQ(ViewsDays(levels), (std::vector<ViewsDay>{
                                   {Day("2026-01-01"), 1000, 0, true},
                                   {Day("2026-01-02"), 5000, 4000, false},
                                   {Day("2026-01-03"), 4000, 0, false},
                                   {Day("2026-01-04"), 6000, 1000, false},
                               }));
}

TEST(DayLevelsTest, EarliestSnapshotIsVideoAddedBaselineWhateverItsReason) {
  // The stored reason of the first snapshot says nothing; it is still the video_added baseline.
  const std::vector<VideoSnapshot> snapshots = {
      Views("2026-01-01T12:00:00Z", 700),
      Views("2026-01-02T12:00:00Z", 900),
  };
  const DayLevels levels = ComputeDayLevels(snapshots, Zone("UTC"));
  EXPECT_EQ(ViewsDays(levels), (std::vector<ViewsDay>{
                                   {Day("2026-01-01"), 700, 0, true},
                                   {Day("2026-01-02"), 900, 200, false},
                               }));
  ASSERT_EQ(levels.baselines.size(), 1u);
  EXPECT_EQ(levels.baselines[0].reason, SnapshotReason::kVideoAdded);
  EXPECT_TRUE(levels.days[0].holds_video_added);
  EXPECT_FALSE(levels.days[1].holds_video_added);
}

TEST(DayLevelsTest, LastSnapshotOfTheDayIsTheLevelOnBothSidesOfLocalMidnight) {
  // New York in January is UTC-5, so local midnight is 05:00Z.
  const std::vector<VideoSnapshot> snapshots = {
      Views("2026-01-10T15:00:00Z", 100, kAdded),  // Jan 10 10:00 EST
      Views("2026-01-11T04:59:00Z", 300),          // Jan 10 23:59 EST
      Views("2026-01-11T05:01:00Z", 320),          // Jan 11 00:01 EST
      Views("2026-01-11T20:00:00Z", 500),          // Jan 11 15:00 EST
  };
  // New York: Jan 10 ends at 300 (gain 300 - 100 over the same-day baseline = 200, H = 300);
  // Jan 11 ends at 500 (gain 500 - 300 = 200).
  EXPECT_EQ(ViewsDays(ComputeDayLevels(snapshots, Zone("America/New_York"))),
            (std::vector<ViewsDay>{
                {Day("2026-01-10"), 300, 200, true},
                {Day("2026-01-11"), 500, 200, false},
            }));
  // UTC: Jan 10 holds only the baseline (100, gain 0); the other three fall on Jan 11, whose last
  // is 500 (gain 400).
  EXPECT_EQ(ViewsDays(ComputeDayLevels(snapshots, Zone("UTC"))),
            (std::vector<ViewsDay>{
                {Day("2026-01-10"), 100, 0, true},
                {Day("2026-01-11"), 500, 400, false},
            }));
}

TEST(DayLevelsTest, DaysWithoutSnapshotsHaveNoLevel) {
  const std::vector<VideoSnapshot> snapshots = {
      Views("2026-01-01T12:00:00Z", 100, kAdded),
      Views("2026-01-04T12:00:00Z", 400),
  };
  const DayLevels levels = ComputeDayLevels(snapshots, Zone("UTC"));
  // Jan 2 and 3 are absent; Jan 4 gains against H = 100 from Jan 1: 300.
  EXPECT_EQ(ViewsDays(levels), (std::vector<ViewsDay>{
                                   {Day("2026-01-01"), 100, 0, true},
                                   {Day("2026-01-04"), 400, 300, false},
                               }));
  EXPECT_EQ(levels.Find(Day("2026-01-02")), nullptr);
  EXPECT_EQ(levels.Find(Day("2025-12-31")), nullptr);
  EXPECT_EQ(levels.Find(Day("2026-01-05")), nullptr);
  ASSERT_NE(levels.Find(Day("2026-01-04")), nullptr);
  EXPECT_EQ(levels.Find(Day("2026-01-04"))->level[kViews], 400);
}

TEST(DayLevelsTest, BaselineDayGainsOverItsBaseline) {
  const std::vector<VideoSnapshot> snapshots = {
      Views("2026-01-01T10:00:00Z", 1000, kAdded),
      Views("2026-01-01T20:00:00Z", 1500),
      Views("2026-01-02T12:00:00Z", 1400),
      Views("2026-01-03T12:00:00Z", 2000),
  };
  // Jan 1: 1500 - 1000 = 500, H = max(1000, 1500) = 1500. Jan 2: 1400 < H, gain 0.
  // Jan 3: 2000 - 1500 = 500.
  EXPECT_EQ(ViewsDays(ComputeDayLevels(snapshots, Zone("UTC"))),
            (std::vector<ViewsDay>{
                {Day("2026-01-01"), 1500, 500, true},
                {Day("2026-01-02"), 1400, 0, false},
                {Day("2026-01-03"), 2000, 500, false},
            }));
}

TEST(DayLevelsTest, HighWaterMarkIncludesTheBaselineOwnCounts) {
  // Corrected downward the same day it was added: Jan 1 gains max(0, 900 - 1000) = 0, and H is
  // max(1000, 900) = 1000, so Jan 2 gains 1100 - 1000 = 100, not 200.
  const std::vector<VideoSnapshot> snapshots = {
      Views("2026-01-01T08:00:00Z", 1000, kAdded),
      Views("2026-01-01T20:00:00Z", 900),
      Views("2026-01-02T12:00:00Z", 1100),
  };
  EXPECT_EQ(ViewsDays(ComputeDayLevels(snapshots, Zone("UTC"))),
            (std::vector<ViewsDay>{
                {Day("2026-01-01"), 900, 0, true},
                {Day("2026-01-02"), 1100, 100, false},
            }));
}

TEST(DayLevelsTest, TrackingResumedMidHistoryRestartsTheHighWaterMark) {
  const std::vector<VideoSnapshot> snapshots = {
      Views("2026-01-01T12:00:00Z", 1000, kAdded),
      Views("2026-01-02T12:00:00Z", 2000),
      Views("2026-01-03T12:00:00Z", 1800),
      // Tracking off Jan 4-5; resumed Jan 6 with counts corrected down to 1500.
      Views("2026-01-06T09:00:00Z", 1500, kResumed),
      Views("2026-01-07T12:00:00Z", 1900),
  };
  // Jan 2: 1000 (H 2000). Jan 3: 0 (H stays 2000). Jan 6: lone baseline, 0; H restarts at 1500.
  // Jan 7: 1900 - 1500 = 400 (against the old H of 2000 it would have been 0).
  const DayLevels levels = ComputeDayLevels(snapshots, Zone("UTC"));
  EXPECT_EQ(ViewsDays(levels), (std::vector<ViewsDay>{
                                   {Day("2026-01-01"), 1000, 0, true},
                                   {Day("2026-01-02"), 2000, 1000, false},
                                   {Day("2026-01-03"), 1800, 0, false},
                                   {Day("2026-01-06"), 1500, 0, true},
                                   {Day("2026-01-07"), 1900, 400, false},
                               }));
  ASSERT_EQ(levels.baselines.size(), 2u);
  EXPECT_EQ(levels.baselines[1].snapshot_at, At("2026-01-06T09:00:00Z"));
  EXPECT_EQ(levels.baselines[1].reason, SnapshotReason::kTrackingResumed);
  EXPECT_EQ(levels.baselines[1].day, Day("2026-01-06"));
}

TEST(DayLevelsTest, DayWithTwoBaselinesGainsOverTheLastOne) {
  const std::vector<VideoSnapshot> snapshots = {
      Views("2026-01-01T08:00:00Z", 100),            // earliest: the video_added baseline
      Views("2026-01-01T12:00:00Z", 300, kResumed),  // the day's last baseline
      Views("2026-01-01T20:00:00Z", 400),
      Views("2026-01-02T12:00:00Z", 450),
  };
  // Jan 1: 400 - 300 = 100 (not 400 - 100); H = max(300, 400) = 400. Jan 2: 450 - 400 = 50.
  const DayLevels levels = ComputeDayLevels(snapshots, Zone("UTC"));
  EXPECT_EQ(ViewsDays(levels), (std::vector<ViewsDay>{
                                   {Day("2026-01-01"), 400, 100, true},
                                   {Day("2026-01-02"), 450, 50, false},
                               }));
  EXPECT_EQ(levels.days[0].baseline_count, 2);
  EXPECT_TRUE(levels.days[0].holds_video_added);
  ASSERT_EQ(levels.baselines.size(), 2u);
  EXPECT_EQ(levels.baselines[0].reason, SnapshotReason::kVideoAdded);
  EXPECT_EQ(levels.baselines[1].reason, SnapshotReason::kTrackingResumed);
}

TEST(DayLevelsTest, OnlySnapshotIsItsBaseline) {
  const std::vector<VideoSnapshot> snapshots = {
      Counts("2026-01-01T12:00:00Z", {5000, 300, 20, 10, 40}, kAdded),
  };
  const DayLevels levels = ComputeDayLevels(snapshots, Zone("UTC"));
  ASSERT_EQ(levels.days.size(), 1u);
  EXPECT_EQ(levels.days[0].level, (VideoCounts{5000, 300, 20, 10, 40}));
  EXPECT_EQ(levels.days[0].gain, (VideoCounts{0, 0, 0, 0, 0}));  // a baseline contributes 0
  EXPECT_EQ(levels.days[0].engagement_gain(), 0);
  EXPECT_EQ(levels.baselines.size(), 1u);
}

TEST(DayLevelsTest, NoSnapshots) {
  const DayLevels levels = ComputeDayLevels({}, Zone("UTC"));
  EXPECT_TRUE(levels.days.empty());
  EXPECT_TRUE(levels.baselines.empty());
}

TEST(DayLevelsTest, EachMetricHasItsOwnHighWaterMark) {
  // (views, likes, comments, shares, saves)
  const std::vector<VideoSnapshot> snapshots = {
      Counts("2026-01-01T12:00:00Z", {1000, 10, 5, 1, 2}, kAdded),
      Counts("2026-01-02T12:00:00Z", {900, 50, 8, 3, 7}),
      Counts("2026-01-03T12:00:00Z", {1200, 45, 9, 3, 7}),
  };
  const DayLevels levels = ComputeDayLevels(snapshots, Zone("UTC"));
  ASSERT_EQ(levels.days.size(), 3u);
  // Jan 2: views 900 < 1000 -> 0; likes 40, comments 3, shares 2, saves 5; engagement 50.
  EXPECT_EQ(levels.days[1].gain, (VideoCounts{0, 40, 3, 2, 5}));
  EXPECT_EQ(levels.days[1].engagement_gain(), 50);
  // Jan 3: views 1200 - H 1000 = 200; likes 45 < H 50 -> 0; comments 1; shares, saves 0.
  EXPECT_EQ(levels.days[2].gain, (VideoCounts{200, 0, 1, 0, 0}));
  EXPECT_EQ(levels.days[2].engagement_gain(), 1);
}

TEST(DayLevelsTest, NewYorkSpringForwardDay) {
  // Mar 8 2026 in New York is 23 hours long: 05:00Z (EST) to 04:00Z on Mar 9 (EDT).
  const std::vector<VideoSnapshot> snapshots = {
      Views("2026-03-08T04:30:00Z", 100, kAdded),  // Mar 7 23:30 EST
      Views("2026-03-08T06:30:00Z", 150),          // Mar 8 01:30 EST
      Views("2026-03-08T07:30:00Z", 180),          // Mar 8 03:30 EDT
      Views("2026-03-09T03:30:00Z", 260),          // Mar 8 23:30 EDT
      Views("2026-03-09T04:30:00Z", 300),          // Mar 9 00:30 EDT
  };
  // Mar 8: level 260, gain 260 - 100 = 160. Mar 9: 300 - 260 = 40.
  EXPECT_EQ(ViewsDays(ComputeDayLevels(snapshots, Zone("America/New_York"))),
            (std::vector<ViewsDay>{
                {Day("2026-03-07"), 100, 0, true},
                {Day("2026-03-08"), 260, 160, false},
                {Day("2026-03-09"), 300, 40, false},
            }));
}

TEST(DayLevelsTest, BerlinSpringForwardDay) {
  // Mar 29 2026 in Berlin runs from 23:00Z on Mar 28 (CET) to 22:00Z on Mar 29 (CEST).
  const std::vector<VideoSnapshot> snapshots = {
      Views("2026-03-28T22:30:00Z", 100, kAdded),  // Mar 28 23:30 CET
      Views("2026-03-28T23:30:00Z", 200),          // Mar 29 00:30 CET
      Views("2026-03-29T21:30:00Z", 400),          // Mar 29 23:30 CEST
      Views("2026-03-29T22:30:00Z", 450),          // Mar 30 00:30 CEST
  };
  // Mar 29: level 400, gain 400 - 100 = 300. Mar 30: 450 - 400 = 50.
  EXPECT_EQ(ViewsDays(ComputeDayLevels(snapshots, Zone("Europe/Berlin"))),
            (std::vector<ViewsDay>{
                {Day("2026-03-28"), 100, 0, true},
                {Day("2026-03-29"), 400, 300, false},
                {Day("2026-03-30"), 450, 50, false},
            }));
}

TEST(DayLevelsTest, KolkataHalfHourOffset) {
  // IST = UTC+05:30: local midnight is 18:30Z.
  const std::vector<VideoSnapshot> snapshots = {
      Views("2026-02-01T18:00:00Z", 50, kAdded),  // Feb 1 23:30 IST
      Views("2026-02-01T18:45:00Z", 80),          // Feb 2 00:15 IST
      Views("2026-02-02T18:29:59Z", 120),         // Feb 2 23:59:59 IST
      Views("2026-02-02T18:30:00Z", 125),         // Feb 3 00:00:00 IST
  };
  // Feb 2: level 120, gain 120 - 50 = 70. Feb 3: 125 - 120 = 5.
  EXPECT_EQ(ViewsDays(ComputeDayLevels(snapshots, Zone("Asia/Kolkata"))),
            (std::vector<ViewsDay>{
                {Day("2026-02-01"), 50, 0, true},
                {Day("2026-02-02"), 120, 70, false},
                {Day("2026-02-03"), 125, 5, false},
            }));
}

TEST(DayLevelsTest, ReusesTheOutputBuffers) {
  DayLevels levels;
  const std::vector<VideoSnapshot> first = {Views("2026-01-01T12:00:00Z", 1, kAdded),
                                            Views("2026-01-02T12:00:00Z", 2)};
  ComputeDayLevels(first, Zone("UTC"), &levels);
  const std::vector<VideoSnapshot> second = {Views("2026-02-01T12:00:00Z", 7, kAdded)};
  ComputeDayLevels(second, Zone("UTC"), &levels);
  // Nothing of the first video is left over.
  EXPECT_EQ(ViewsDays(levels), (std::vector<ViewsDay>{{Day("2026-02-01"), 7, 0, true}}));
  EXPECT_EQ(levels.baselines.size(), 1u);
}

}  // namespace
}  // namespace goatherd::metrics
