#include "metrics/aggregates.h"

#include <gtest/gtest.h>

#include <vector>

#include "metrics/test_helpers.h"

namespace goatherd::metrics {
namespace {

using testutil::At;
using testutil::Day;
using testutil::Views;
using testutil::Zone;

TEST(LogHistogramTest, PowersOfTenFallOnEdges) {
  // lo = 1, hi = 10000, 4 bins: edges 1, 10, 100, 1000, 10001 exactly.
  const std::vector<std::int64_t> v = {1, 5, 9, 10, 99, 100, 500, 999, 1000, 10000};
  EXPECT_EQ(LogHistogram(v, 4),
            (std::vector<HistogramBin>{{1, 9, 3}, {10, 99, 2}, {100, 999, 3}, {1000, 10000, 2}}));
}

TEST(LogHistogramTest, ZeroViewsJoinTheFirstBin) {
  // lo = max(1, 0) = 1, hi = 100, 2 bins: edges 0 (zero views), 10, 101.
  const std::vector<std::int64_t> v = {0, 0, 3, 10, 100};
  EXPECT_EQ(LogHistogram(v, 2), (std::vector<HistogramBin>{{0, 9, 3}, {10, 100, 2}}));
}

TEST(LogHistogramTest, BinsWithoutIntegersAreLeftOut) {
  // lo = 1, hi = 3, 4 bins: real edges 1, 1.316, 1.732, 2.280, 3 -> integer edges 1, 2, 2, 3, 4:
  // bins [1,1], [2,2], [3,3] (the second real bin holds no integer).
  const std::vector<std::int64_t> v = {1, 2, 2, 3};
  EXPECT_EQ(LogHistogram(v, 4), (std::vector<HistogramBin>{{1, 1, 1}, {2, 2, 2}, {3, 3, 1}}));
}

TEST(LogHistogramTest, EmptyAndConstant) {
  EXPECT_TRUE(LogHistogram({}, 20).empty());
  const std::vector<std::int64_t> same = {7, 7, 7};
  EXPECT_EQ(LogHistogram(same, 20), (std::vector<HistogramBin>{{7, 7, 3}}));
  const std::vector<std::int64_t> zeros = {0, 0};
  EXPECT_EQ(LogHistogram(zeros, 20), (std::vector<HistogramBin>{{0, 0, 2}}));
}

TEST(PercentileTest, NearestRank) {
  // n = 10: p10 -> rank 1, p25 -> ceil(2.5) = 3, p50 -> 5, p90 -> 9, p99 -> ceil(9.9) = 10.
  const std::vector<std::int64_t> v = {10, 20, 30, 40, 50, 60, 70, 80, 90, 100};
  EXPECT_EQ(NearestRankPercentile(v, 10), 10);
  EXPECT_EQ(NearestRankPercentile(v, 25), 30);
  EXPECT_EQ(NearestRankPercentile(v, 50), 50);
  EXPECT_EQ(NearestRankPercentile(v, 90), 90);
  EXPECT_EQ(NearestRankPercentile(v, 99), 100);
  const std::vector<std::int64_t> one = {42};
  EXPECT_EQ(NearestRankPercentile(one, 10), 42);
}

TEST(MedianTest, OddAndEven) {
  const std::vector<std::int64_t> odd = {1, 5, 9};
  EXPECT_EQ(TwiceMedian(odd), 10);
  const std::vector<std::int64_t> even = {1, 4, 7, 100};
  EXPECT_EQ(TwiceMedian(even), 11);  // median 5.5
}

TEST(AgeBucketTest, Boundaries) {
  const Timestamp now = At("2026-03-01T12:00:00Z");
  EXPECT_EQ(AgeBucket(At("2026-03-01T13:00:00Z"), now), 0);  // future
  EXPECT_EQ(AgeBucket(At("2026-02-22T12:00:01Z"), now), 0);  // 6 days 23:59:59
  EXPECT_EQ(AgeBucket(At("2026-02-22T12:00:00Z"), now), 1);  // 7 days
  EXPECT_EQ(AgeBucket(At("2026-01-31T12:00:01Z"), now), 1);  // 29 days and change
  EXPECT_EQ(AgeBucket(At("2026-01-30T12:00:00Z"), now), 2);  // 30 days
  EXPECT_EQ(AgeBucket(At("2025-12-01T12:00:00Z"), now), 3);  // 90 days
}

TEST(ConsistencyTest, EvenPostingScoresFull) {
  // 2026-02-02 is a Monday; four whole weeks, two posts each.
  std::vector<DayNumber> days;
  for (int w = 0; w < 4; ++w) {
    days.push_back(Day("2026-02-02") + 7 * w);
    days.push_back(Day("2026-02-02") + 7 * w + 3);
  }
  Consistency c = ComputeConsistency(days, Day("2026-02-02"), Day("2026-03-01"));
  ASSERT_EQ(c.weeks.size(), 4u);
  EXPECT_EQ(c.weeks[0], (WeekPosts{Day("2026-02-02"), 2}));
  EXPECT_EQ(c.total_posts, 8);
  EXPECT_EQ(c.mean, RoundRatio(2, 1, 2));
  EXPECT_EQ(c.stddev, (Decimal{0, 2}));
  // Gaps: Mon..Thu = 2 days between, Thu..next Mon = 3 days, after the last Thursday (02-26):
  // 02-27, 02-28, 03-01 = 3 days.
  EXPECT_EQ(c.longest_gap_days, 3);
  EXPECT_EQ(c.score, 100);
}

TEST(ConsistencyTest, BurstsAndGaps) {
  // Range Wed 2026-02-04 .. Sun 2026-02-22: weeks of 02-02 (partial), 02-09, 02-16.
  // Posts: 3 on 02-05, 1 on 02-20 -> weekly 3, 0, 1; mean 4/3 = 1.33;
  // variance = (9 + 0 + 1) / 3 - 16/9 = 14/9, stddev = 1.2472 -> 1.25;
  // coverage 2/3, cv = 1.2472 / 1.3333 = 0.93541, score = 100 * 0.6667 / 1.93541 = 34.45 -> 34.
  // Gaps: 02-04 (1 day), 02-06..02-19 (14 days), 02-21..02-22 (2 days).
  std::vector<DayNumber> days = {Day("2026-02-05"), Day("2026-02-05"), Day("2026-02-05"),
                                 Day("2026-02-20"), Day("2026-02-25")};  // last is outside
  Consistency c = ComputeConsistency(days, Day("2026-02-04"), Day("2026-02-22"));
  ASSERT_EQ(c.weeks.size(), 3u);
  EXPECT_EQ(c.weeks[0], (WeekPosts{Day("2026-02-02"), 3}));
  EXPECT_EQ(c.weeks[1], (WeekPosts{Day("2026-02-09"), 0}));
  EXPECT_EQ(c.weeks[2], (WeekPosts{Day("2026-02-16"), 1}));
  EXPECT_EQ(c.total_posts, 4);
  EXPECT_EQ(c.mean, (Decimal{133, 2}));
  EXPECT_EQ(c.stddev, (Decimal{125, 2}));
  EXPECT_EQ(c.longest_gap_days, 14);
  EXPECT_EQ(c.score, 34);
}

TEST(ConsistencyTest, ExactHalvesRoundAwayFromZero) {
  // Weekly 1, 4: V = 2 x 17 - 25 = 9, stddev = 3 / 2 = 1.5 exactly;
  // score = 100 x 2 x 5 / (2 x (5 + 3)) = 62.5 -> 63, which floating point could miss.
  std::vector<DayNumber> days = {Day("2026-02-20"), Day("2026-02-23"), Day("2026-02-24"),
                                 Day("2026-02-24"), Day("2026-02-27")};
  Consistency c = ComputeConsistency(days, Day("2026-02-16"), Day("2026-03-01"));
  EXPECT_EQ(c.stddev, (Decimal{150, 2}));
  EXPECT_EQ(c.mean, (Decimal{250, 2}));
  EXPECT_EQ(c.longest_gap_days, 4);
  EXPECT_EQ(c.score, 63);
}

TEST(ConsistencyTest, NoPosts) {
  Consistency c = ComputeConsistency({}, Day("2026-02-04"), Day("2026-02-10"));
  EXPECT_EQ(c.weeks.size(), 2u);
  EXPECT_EQ(c.total_posts, 0);
  EXPECT_EQ(c.mean, (Decimal{0, 2}));
  EXPECT_EQ(c.longest_gap_days, 7);
  EXPECT_EQ(c.score, 0);
}

TEST(JaccardTest, Ratios) {
  EXPECT_EQ(Jaccard(3, 3, 1), (Decimal{2000, 4}));  // 1 / 5
  EXPECT_EQ(Jaccard(2, 1, 1), (Decimal{5000, 4}));  // 1 / 2
  EXPECT_EQ(Jaccard(3, 0, 0), (Decimal{0, 4}));
  EXPECT_EQ(Jaccard(0, 0, 0), std::nullopt);
  EXPECT_EQ(Jaccard(2, 2, 1), (Decimal{3333, 4}));  // 1 / 3
}

TEST(RangeGainsTest, SumsOnlyDaysInRange) {
  // Gains 0 (baseline), 4000, 0, 1000 on 01-01..01-04 (the spec's example); range 01-02..01-03.
  const std::vector<VideoSnapshot> snaps = {
      Views("2026-01-01T12:00:00Z", 1000, SnapshotReason::kVideoAdded),
      Views("2026-01-02T12:00:00Z", 5000),
      Views("2026-01-03T12:00:00Z", 4000),
      Views("2026-01-04T12:00:00Z", 6000),
  };
  DayLevels levels = ComputeDayLevels(snaps, Zone("UTC"));
  RangeGains g;
  AddRangeGains(levels, Day("2026-01-02"), Day("2026-01-03"), &g);
  EXPECT_TRUE(g.any);
  EXPECT_EQ(g.sum[kViews], 4000);
  RangeGains none;
  AddRangeGains(levels, Day("2026-01-05"), Day("2026-01-09"), &none);
  EXPECT_FALSE(none.any);
}

TEST(FollowerGainTest, StartsBeforeOrInsideTheRange) {
  auto snap = [](const char* at, std::int64_t followers) {
    CreatorSnapshot s;
    s.snapshot_at = At(at);
    s.follower_count = followers;
    return s;
  };
  const Timestamp from = At("2026-02-01T00:00:00Z");
  std::vector<CreatorSnapshot> before = {snap("2026-01-20T00:00:00Z", 100),
                                         snap("2026-01-31T23:00:00Z", 150),
                                         snap("2026-02-10T00:00:00Z", 400)};
  EXPECT_EQ(FollowerGain(before, from), 250);  // 400 - 150
  std::vector<CreatorSnapshot> inside = {snap("2026-02-03T00:00:00Z", 1000),
                                         snap("2026-02-05T00:00:00Z", 900)};
  EXPECT_EQ(FollowerGain(inside, from), -100);
  EXPECT_EQ(FollowerGain({}, from), std::nullopt);
}

TEST(LocalTimeMapperTest, DowAndHourInZones) {
  // 2026-03-01 is a Sunday. 12:00Z is 07:00 in New York, 17:30 in Kolkata.
  LocalTimeMapper ny(Zone("America/New_York"));
  auto a = ny.Map(At("2026-03-01T12:00:00Z"));
  EXPECT_EQ(a.dow, 0);
  EXPECT_EQ(a.hour, 7);
  // 03:00Z on Sunday is 22:00 on Saturday in New York.
  auto b = ny.Map(At("2026-03-01T03:00:00Z"));
  EXPECT_EQ(b.dow, 6);
  EXPECT_EQ(b.hour, 22);
  // After the DST change (2026-03-08): 12:00Z is 08:00 EDT.
  auto c = ny.Map(At("2026-03-09T12:00:00Z"));
  EXPECT_EQ(c.dow, 1);
  EXPECT_EQ(c.hour, 8);
  LocalTimeMapper kolkata(Zone("Asia/Kolkata"));
  auto d = kolkata.Map(At("2026-03-01T12:00:00Z"));
  EXPECT_EQ(d.dow, 0);
  EXPECT_EQ(d.hour, 17);
  LocalTimeMapper utc(Zone("UTC"));
  auto e = utc.Map(At("1969-12-31T23:00:00Z"));  // a Wednesday, before the epoch
  EXPECT_EQ(e.dow, 3);
  EXPECT_EQ(e.hour, 23);
}

}  // namespace
}  // namespace goatherd::metrics
