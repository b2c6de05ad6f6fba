#include "metrics/velocity.h"

#include <gtest/gtest.h>

#include <ostream>
#include <vector>

#include "metrics/day_levels.h"
#include "metrics/test_helpers.h"

namespace goatherd::metrics {

void PrintTo(const VelocityPoint& p, std::ostream* os) {
  *os << "{day " << p.day_number << ": " << p.views_gained << "}";
}

namespace {

using testutil::At;
using testutil::kAdded;
using testutil::kResumed;
using testutil::Views;
using testutil::Zone;
using Velocity = std::vector<VelocityPoint>;

Velocity VelocityOf(const std::vector<VideoSnapshot>& snapshots, std::optional<Timestamp> posted_at,
                    const char* zone = "UTC") {
  return ComputeVelocity(ComputeDayLevels(snapshots, Zone(zone)), posted_at);
}

TEST(VelocityTest, PostedAndAddedOnDayZero) {
  const std::vector<VideoSnapshot> snapshots = {
      Views("2026-01-01T10:00:00Z", 500, kAdded), Views("2026-01-01T23:00:00Z", 800),
      Views("2026-01-02T12:00:00Z", 2000),        Views("2026-01-03T12:00:00Z", 1900),
      Views("2026-01-04T12:00:00Z", 2500),
  };
  // Day 0 holds only the video_added baseline: a post starts from zero, so day 0 gained its level
  // 800 (not 800 - 500). Day 1: 2000 - 800 = 1200. Day 2: 1900 is a correction, 0 (a defined
  // gain, so it is listed). Day 3: 2500 - 2000 = 500. Total 2500 = the last level.
  EXPECT_EQ(VelocityOf(snapshots, At("2026-01-01T09:00:00Z")),
            (Velocity{{0, 800}, {1, 1200}, {2, 0}, {3, 500}}));
}

TEST(VelocityTest, DayZeroCorrectionMeasuresLaterDaysAgainstDayZeroLevel) {
  const std::vector<VideoSnapshot> snapshots = {
      Views("2026-01-01T10:00:00Z", 1000, kAdded),
      Views("2026-01-01T22:00:00Z", 900),  // corrected down the same day
      Views("2026-01-02T12:00:00Z", 1500),
  };
  // Day 0: L(0) = 900, and H after day 0 is L(0) = 900, so day 1 gained 1500 - 900 = 600. The
  // views counted add up to the last level, 1500.
  EXPECT_EQ(VelocityOf(snapshots, At("2026-01-01T08:00:00Z")), (Velocity{{0, 900}, {1, 600}}));
  // The plain gain of Jan 2 is measured against max(baseline 1000, L 900) = 1000: 500. Velocity
  // deliberately differs from it.
  const DayLevels levels = ComputeDayLevels(snapshots, Zone("UTC"));
  EXPECT_EQ(levels.days[1].gain[kViews], 500);
}

TEST(VelocityTest, DayZeroWithAnotherBaselineIsLeftOut) {
  const std::vector<VideoSnapshot> snapshots = {
      Views("2026-01-01T08:00:00Z", 100, kAdded),
      Views("2026-01-01T12:00:00Z", 300, kResumed),
      Views("2026-01-01T20:00:00Z", 400),
      Views("2026-01-02T12:00:00Z", 450),
  };
  // Day 0 holds two baselines: left out; H after it = max(300, 400) = 400; day 1: 50.
  EXPECT_EQ(VelocityOf(snapshots, At("2026-01-01T06:00:00Z")), (Velocity{{1, 50}}));
}

TEST(VelocityTest, FirstSeenDaysAfterPosting) {
  const std::vector<VideoSnapshot> snapshots = {
      Views("2026-01-04T12:00:00Z", 10000, kAdded),
      Views("2026-01-05T12:00:00Z", 12000),
      Views("2026-01-06T12:00:00Z", 12500),
  };
  // Posted Jan 1: days 0-2 have no level; day 3 (Jan 4) is the baseline day, left out, H 10000.
  // Day 4: 2000. Day 5: 500.
  EXPECT_EQ(VelocityOf(snapshots, At("2026-01-01T12:00:00Z")), (Velocity{{4, 2000}, {5, 500}}));
}

TEST(VelocityTest, PostedAtNullGivesNoVelocity) {
  const std::vector<VideoSnapshot> snapshots = {
      Views("2026-01-01T12:00:00Z", 100, kAdded),
      Views("2026-01-02T12:00:00Z", 200),
  };
  EXPECT_TRUE(VelocityOf(snapshots, std::nullopt).empty());
  EXPECT_TRUE(VelocityOf({}, At("2026-01-01T12:00:00Z")).empty());
}

TEST(VelocityTest, DaysBeforePostingAreLeftOutButMoveTheHighWaterMark) {
  const std::vector<VideoSnapshot> snapshots = {
      Views("2026-01-01T12:00:00Z", 100, kAdded),  // n = -2
      Views("2026-01-02T12:00:00Z", 200),          // n = -1
      Views("2026-01-03T12:00:00Z", 350),          // n = 0
      Views("2026-01-04T12:00:00Z", 500),          // n = 1
  };
  // Day 0 is not a baseline day, so it gains 350 - H 200 = 150; day 1: 150.
  EXPECT_EQ(VelocityOf(snapshots, At("2026-01-03T12:00:00Z")), (Velocity{{0, 150}, {1, 150}}));
}

TEST(VelocityTest, PostedDayIsTakenInTheZone) {
  // posted_at 03:00Z on Jan 2 is Jan 1 22:00 EST in New York.
  const std::vector<VideoSnapshot> snapshots = {
      Views("2026-01-02T04:00:00Z", 300, kAdded),  // Jan 1 23:00 EST
      Views("2026-01-02T06:00:00Z", 700),          // Jan 2 01:00 EST
  };
  const Timestamp posted_at = At("2026-01-02T03:00:00Z");
  // New York: day 0 = Jan 1 holds only video_added: 300; day 1 = Jan 2: 700 - 300 = 400.
  EXPECT_EQ(VelocityOf(snapshots, posted_at, "America/New_York"), (Velocity{{0, 300}, {1, 400}}));
  // UTC: everything is on Jan 2, day 0, whose level is 700.
  EXPECT_EQ(VelocityOf(snapshots, posted_at, "UTC"), (Velocity{{0, 700}}));
}

TEST(VelocityTest, TrackingResumedDayIsLeftOut) {
  const std::vector<VideoSnapshot> snapshots = {
      Views("2026-01-01T12:00:00Z", 1000, kAdded), Views("2026-01-02T12:00:00Z", 2000),
      Views("2026-01-03T12:00:00Z", 1800),         Views("2026-01-06T09:00:00Z", 1500, kResumed),
      Views("2026-01-07T12:00:00Z", 1900),
  };
  // Day 0: L(0) = 1000. Day 1: 1000. Day 2: 0. Days 3-4: no level. Day 5 (Jan 6): baseline day,
  // left out, H restarts at 1500. Day 6: 400.
  EXPECT_EQ(VelocityOf(snapshots, At("2026-01-01T00:30:00Z")),
            (Velocity{{0, 1000}, {1, 1000}, {2, 0}, {6, 400}}));
}

TEST(VelocityTest, OnlySnapshotIsItsBaseline) {
  const std::vector<VideoSnapshot> snapshots = {Views("2026-01-05T12:00:00Z", 4200, kAdded)};
  // Posted the same day: day 0 = L(0) = 4200.
  EXPECT_EQ(VelocityOf(snapshots, At("2026-01-05T01:00:00Z")), (Velocity{{0, 4200}}));
  // Posted the day before: the only day is a baseline day other than day 0, left out.
  EXPECT_TRUE(VelocityOf(snapshots, At("2026-01-04T12:00:00Z")).empty());
}

TEST(VelocityTest, NewYorkSpringForwardDayZero) {
  // Posted Mar 8 00:30 EST (05:30Z). Mar 8 ends at 04:00Z on Mar 9 (EDT).
  const std::vector<VideoSnapshot> snapshots = {
      Views("2026-03-08T06:00:00Z", 100, kAdded),  // Mar 8 01:00 EST
      Views("2026-03-09T03:30:00Z", 900),          // Mar 8 23:30 EDT
      Views("2026-03-09T04:30:00Z", 1000),         // Mar 9 00:30 EDT
  };
  // Day 0: L(0) = 900. Day 1: 1000 - 900 = 100.
  EXPECT_EQ(VelocityOf(snapshots, At("2026-03-08T05:30:00Z"), "America/New_York"),
            (Velocity{{0, 900}, {1, 100}}));
}

TEST(VelocityTest, ReusesTheOutputBuffer) {
  const DayLevels levels = ComputeDayLevels(
      std::vector<VideoSnapshot>{Views("2026-01-01T12:00:00Z", 10, kAdded)}, Zone("UTC"));
  Velocity velocity = {{5, 5}, {6, 6}};
  ComputeVelocity(levels, At("2026-01-01T00:00:00Z"), &velocity);
  EXPECT_EQ(velocity, (Velocity{{0, 10}}));
}

}  // namespace
}  // namespace goatherd::metrics
