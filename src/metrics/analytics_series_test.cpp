#include "metrics/analytics_series.h"

#include <gtest/gtest.h>

#include <random>

#include "metrics/test_helpers.h"

namespace goatherd::metrics {
namespace {

using testutil::At;
using testutil::Counts;
using testutil::Day;
using testutil::kResumed;
using testutil::Views;
using testutil::Zone;

// A series' values as text ("null" for null), to compare with hand-worked lists.
std::vector<std::string> Values(const std::vector<AnalyticsPoint>& points) {
  std::vector<std::string> out;
  for (const auto& p : points) out.push_back(p.value ? ToJsonNumber(*p.value) : "null");
  return out;
}

std::vector<std::string> Starts(const std::vector<AnalyticsPoint>& points) {
  std::vector<std::string> out;
  for (const auto& p : points) out.push_back(FormatDate(p.bucket_start));
  return out;
}

struct Fixture {
  std::vector<DayLevels> levels;
  std::vector<SeriesVideo> videos;
  std::vector<FollowerLevels> creators;

  void Add(const std::vector<VideoSnapshot>& snaps, const char* posted = nullptr,
           const char* zone = "UTC") {
    levels.push_back(ComputeDayLevels(snaps, Zone(zone)));
    // Pointers are taken in Series(), once `levels` has stopped growing.
    videos.push_back({nullptr, posted ? std::optional(Day(posted)) : std::nullopt});
  }

  std::vector<AnalyticsPoint> Series(AnalyticsMetric metric, SeriesMode mode, Granularity g,
                                     const char* from, const char* to, const char* today,
                                     int bucket_days = 1,
                                     AnalyticsMetric base = AnalyticsMetric::kViews) {
    for (std::size_t i = 0; i < videos.size(); ++i) videos[i].levels = &levels[i];
    auto buckets = MakeBuckets(g, bucket_days, Day(from), Day(to));
    SeriesSpec spec{.metric = metric, .mode = mode, .base_metric = base, .today = Day(today)};
    return ComputeAnalyticsSeries(spec, buckets, videos, creators);
  }
};

using M = AnalyticsMetric;
using S = SeriesMode;
using G = Granularity;
using V = std::vector<std::string>;

TEST(AnalyticsBucketsTest, CalendarAndCustomBucketsByHand) {
  // 2026-03-01 is a Sunday, so the Mondays are 02-23, 03-02, 03-09, 03-16.
  auto weeks = MakeBuckets(G::kWeek, 0, Day("2026-03-04"), Day("2026-03-17"));
  ASSERT_EQ(weeks.size(), 3u);
  EXPECT_EQ(weeks[0].start, Day("2026-03-02"));
  EXPECT_EQ(weeks[0].first, Day("2026-03-04"));
  EXPECT_EQ(weeks[0].last, Day("2026-03-08"));
  EXPECT_EQ(weeks[1].start, Day("2026-03-09"));
  EXPECT_EQ(weeks[1].last, Day("2026-03-15"));
  EXPECT_EQ(weeks[2].start, Day("2026-03-16"));
  EXPECT_EQ(weeks[2].last, Day("2026-03-17"));
  EXPECT_EQ(weeks[2].covered_days(), 2);

  auto months = MakeBuckets(G::kMonth, 0, Day("2026-01-15"), Day("2026-03-10"));
  ASSERT_EQ(months.size(), 3u);
  EXPECT_EQ(months[0].start, Day("2026-01-01"));
  EXPECT_EQ(months[0].first, Day("2026-01-15"));
  EXPECT_EQ(months[0].last, Day("2026-01-31"));
  EXPECT_EQ(months[1].start, Day("2026-02-01"));
  EXPECT_EQ(months[1].last, Day("2026-02-28"));
  EXPECT_EQ(months[2].start, Day("2026-03-01"));
  EXPECT_EQ(months[2].last, Day("2026-03-10"));

  auto custom = MakeBuckets(G::kCustom, 3, Day("2026-03-01"), Day("2026-03-08"));
  ASSERT_EQ(custom.size(), 3u);
  EXPECT_EQ(custom[0].start, Day("2026-03-01"));
  EXPECT_EQ(custom[0].last, Day("2026-03-03"));
  EXPECT_EQ(custom[1].start, Day("2026-03-04"));
  EXPECT_EQ(custom[2].start, Day("2026-03-07"));
  EXPECT_EQ(custom[2].last, Day("2026-03-08"));

  EXPECT_EQ(MakeBuckets(G::kDay, 0, Day("2026-03-01"), Day("2026-03-03")).size(), 3u);
  // December to January crosses a year; 2024 is a leap year.
  auto leap = MakeBuckets(G::kMonth, 0, Day("2023-12-31"), Day("2024-03-01"));
  ASSERT_EQ(leap.size(), 4u);
  EXPECT_EQ(leap[2].start, Day("2024-02-01"));
  EXPECT_EQ(leap[2].last, Day("2024-02-29"));

  auto prior = ShiftBuckets(custom, 8);
  EXPECT_EQ(prior[0].start, Day("2026-02-21"));
  EXPECT_EQ(prior[2].last, Day("2026-02-28"));
}

// One video, UTC, a snapshot at noon: views 1000 (baseline), 5000, 4000, (none), 6000 and likes
// 10, 50, 40, -, 70. Gains: views 0, 4000, 0 (below H = 5000), -, 1000; likes 0, 40, 0, -, 20.
Fixture OneVideo() {
  Fixture f;
  f.Add({Counts("2026-03-01T12:00:00Z", {1000, 10, 0, 0, 0}),
         Counts("2026-03-02T12:00:00Z", {5000, 50, 0, 0, 0}),
         Counts("2026-03-03T12:00:00Z", {4000, 40, 0, 0, 0}),
         Counts("2026-03-05T12:00:00Z", {6000, 70, 0, 0, 0})},
        "2026-03-01");
  return f;
}

TEST(AnalyticsSeriesTest, RawNewAndCumulativeByDay) {
  Fixture f = OneVideo();
  auto views = f.Series(M::kViews, S::kNew, G::kDay, "2026-03-01", "2026-03-06", "2026-03-10");
  EXPECT_EQ(Values(views), (V{"0", "4000", "0", "null", "1000", "null"}));
  EXPECT_EQ(Starts(views), (V{"2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05",
                              "2026-03-06"}));
  EXPECT_TRUE(views[0].baseline);
  for (std::size_t i = 1; i < views.size(); ++i) EXPECT_FALSE(views[i].baseline) << i;
  for (const auto& p : views) EXPECT_FALSE(p.partial);

  EXPECT_EQ(Values(f.Series(M::kViews, S::kCumulative, G::kDay, "2026-03-01", "2026-03-06",
                            "2026-03-10")),
            (V{"1000", "5000", "4000", "4000", "6000", "6000"}));
  EXPECT_EQ(Values(f.Series(M::kLikes, S::kNew, G::kDay, "2026-03-01", "2026-03-06", "2026-03-10")),
            (V{"0", "40", "0", "null", "20", "null"}));
  EXPECT_EQ(
      Values(f.Series(M::kEngagement, S::kNew, G::kDay, "2026-03-01", "2026-03-06", "2026-03-10")),
      (V{"0", "40", "0", "null", "20", "null"}));
  // Cumulative engagement: the sum of the four levels (likes only here).
  EXPECT_EQ(Values(f.Series(M::kEngagement, S::kCumulative, G::kDay, "2026-03-01", "2026-03-03",
                            "2026-03-10")),
            (V{"10", "50", "40"}));
  // A range that starts after the last snapshot carries the level forward; before the first
  // snapshot there is none.
  EXPECT_EQ(Values(f.Series(M::kViews, S::kCumulative, G::kDay, "2026-02-28", "2026-03-01",
                            "2026-03-10")),
            (V{"null", "1000"}));
  EXPECT_EQ(Values(f.Series(M::kViews, S::kCumulative, G::kDay, "2026-03-08", "2026-03-08",
                            "2026-03-10")),
            (V{"6000"}));
}

TEST(AnalyticsSeriesTest, EngagementRateByViewsByDayAndWeek) {
  Fixture f = OneVideo();
  // 03-01: 0 views gained → null; 03-02: 40 / 4000 = 1 %; 03-03: 0 views → null; 03-05:
  // 20 / 1000 = 2 %.
  EXPECT_EQ(Values(f.Series(M::kEngagementRateByViews, S::kRate, G::kDay, "2026-03-01",
                            "2026-03-06", "2026-03-10")),
            (V{"null", "1", "null", "null", "2", "null"}));
  // Weeks: 03-01 is a Sunday (week of 02-23), 03-02..03-06 the next: 60 / 5000 = 1.2 %.
  auto week = f.Series(M::kEngagementRateByViews, S::kRate, G::kWeek, "2026-03-01", "2026-03-06",
                       "2026-03-10");
  EXPECT_EQ(Starts(week), (V{"2026-02-23", "2026-03-02"}));
  EXPECT_EQ(Values(week), (V{"null", "1.2"}));
  EXPECT_EQ(
      Values(f.Series(M::kViews, S::kNew, G::kWeek, "2026-03-01", "2026-03-06", "2026-03-10")),
      (V{"0", "5000"}));
  EXPECT_EQ(Values(f.Series(M::kViews, S::kCumulative, G::kWeek, "2026-03-01", "2026-03-06",
                            "2026-03-10")),
            (V{"1000", "6000"}));
  // One month bucket, labelled with the 1st.
  auto month = f.Series(M::kViews, S::kNew, G::kMonth, "2026-03-02", "2026-03-31", "2026-04-10");
  EXPECT_EQ(Starts(month), (V{"2026-03-01"}));
  // 03-01's baseline is outside the covered days: 4000 + 0 + 1000.
  EXPECT_EQ(Values(month), (V{"5000"}));
  EXPECT_FALSE(month[0].baseline);
}

TEST(AnalyticsSeriesTest, GrowthRatePopCarriesLevelsForward) {
  Fixture f = OneVideo();
  // Cumulative views 1000, 5000, 4000, 4000, 6000, 6000: null, +400 %, -20 %, 0 %, +50 %, 0 %.
  EXPECT_EQ(Values(f.Series(M::kGrowthRatePop, S::kCumulative, G::kDay, "2026-03-01", "2026-03-06",
                            "2026-03-10")),
            (V{"null", "400", "-20", "0", "50", "0"}));
  // New views 0, 4000, 0, null, 1000, null: the first is null, then the previous is 0 (null),
  // then -100 %, then a null value, then a null previous, then a null value.
  EXPECT_EQ(Values(f.Series(M::kGrowthRatePop, S::kNew, G::kDay, "2026-03-01", "2026-03-06",
                            "2026-03-10")),
            (V{"null", "null", "-100", "null", "null", "null"}));
  // Base likes, cumulative 10, 50, 40: null, 400 %, -20 %.
  EXPECT_EQ(Values(f.Series(M::kGrowthRatePop, S::kCumulative, G::kDay, "2026-03-01", "2026-03-03",
                            "2026-03-10", 1, M::kLikes)),
            (V{"null", "400", "-20"}));
  // Thirds: 3 → 4 is +33.3333 %; 4 → 2 is -50 %.
  Fixture g;
  g.Add({Views("2026-03-01T12:00:00Z", 3), Views("2026-03-02T12:00:00Z", 4),
         Views("2026-03-03T12:00:00Z", 2)});
  EXPECT_EQ(Values(g.Series(M::kGrowthRatePop, S::kCumulative, G::kDay, "2026-03-01", "2026-03-03",
                            "2026-03-10")),
            (V{"null", "33.3333", "-50"}));
}

TEST(AnalyticsSeriesTest, PostsPostsPerWeekAndAverageViewsPerPost) {
  Fixture f;
  // A posted 03-01: 100 (baseline) → 400 on 03-02. B posted 03-02: 50 (baseline) → 250 on 03-03.
  // C posted 03-09, no snapshots. D: no posted_at, gains 30 on 03-03.
  f.Add({Views("2026-03-01T12:00:00Z", 100), Views("2026-03-02T12:00:00Z", 400)}, "2026-03-01");
  f.Add({Views("2026-03-02T12:00:00Z", 50), Views("2026-03-03T12:00:00Z", 250)}, "2026-03-02");
  f.Add({}, "2026-03-09");
  f.Add({Views("2026-03-02T12:00:00Z", 10), Views("2026-03-03T12:00:00Z", 40)});
  // Weeks 03-02..03-08 and 03-09..03-15: B, then C; A was posted before the range.
  EXPECT_EQ(
      Values(f.Series(M::kPosts, S::kNew, G::kWeek, "2026-03-02", "2026-03-15", "2026-03-20")),
      (V{"1", "1"}));
  EXPECT_EQ(Values(f.Series(M::kPosts, S::kCumulative, G::kWeek, "2026-03-02", "2026-03-15",
                            "2026-03-20")),
            (V{"2", "3"}));
  // Posts are 0, never null, in a bucket without posts.
  EXPECT_EQ(Values(f.Series(M::kPosts, S::kNew, G::kDay, "2026-03-03", "2026-03-04", "2026-03-20")),
            (V{"0", "0"}));
  EXPECT_EQ(Values(f.Series(M::kPostsPerWeek, S::kRate, G::kWeek, "2026-03-02", "2026-03-15",
                            "2026-03-20")),
            (V{"1", "1"}));
  // bucket_days=3 from 03-01: [03-01..03-03] holds A and B: 2 × 7 / 3 = 4.6667; [03-04]: 0.
  EXPECT_EQ(Values(f.Series(M::kPostsPerWeek, S::kRate, G::kCustom, "2026-03-01", "2026-03-04",
                            "2026-03-20", 3)),
            (V{"4.6667", "0"}));
  // Views gained 0 (A's baseline) / 1 post; 300 + 0 + 0 (B's, D's baselines) / 2; 200 + 30 / 2.
  EXPECT_EQ(Values(f.Series(M::kAvgViewsPerPost, S::kRate, G::kDay, "2026-02-28", "2026-03-03",
                            "2026-03-20")),
            (V{"null", "0", "150", "115"}));
}

TEST(AnalyticsSeriesTest, FollowersAndEngagementRateByFollowers) {
  Fixture f = OneVideo();
  f.creators.push_back(
      {{Day("2026-03-01"), 1000}, {Day("2026-03-03"), 1100}, {Day("2026-03-04"), 1050}});
  f.creators.push_back({{Day("2026-03-02"), 500}});
  EXPECT_EQ(Values(f.Series(M::kFollowers, S::kCumulative, G::kDay, "2026-02-28", "2026-03-05",
                            "2026-03-10")),
            (V{"null", "1000", "1500", "1600", "1550", "1550"}));
  // New: a first snapshot is a 0 change; 03-03 +100; 03-04 -50; 03-05 has no snapshot.
  EXPECT_EQ(
      Values(f.Series(M::kFollowers, S::kNew, G::kDay, "2026-02-28", "2026-03-05", "2026-03-10")),
      (V{"null", "0", "0", "100", "-50", "null"}));
  // Over one week bucket: 0 + 0 + 100 - 50 = 50 gained; level at its end 1550.
  EXPECT_EQ(
      Values(f.Series(M::kFollowers, S::kNew, G::kWeek, "2026-03-02", "2026-03-08", "2026-03-10")),
      (V{"50"}));
  // Engagement gained / followers at the bucket's end × 100: 0 / 1000; 40 / 1500 = 2.6667;
  // 0 / 1600; no engagement gain on 03-04; 20 / 1550 = 1.2903.
  EXPECT_EQ(Values(f.Series(M::kEngagementRateByFollowers, S::kRate, G::kDay, "2026-03-01",
                            "2026-03-05", "2026-03-10")),
            (V{"0", "2.6667", "0", "null", "1.2903"}));
  // Without follower data: null.
  Fixture g = OneVideo();
  EXPECT_EQ(Values(g.Series(M::kEngagementRateByFollowers, S::kRate, G::kDay, "2026-03-02",
                            "2026-03-02", "2026-03-10")),
            (V{"null"}));
}

TEST(AnalyticsSeriesTest, PartialBucketsAndNoLevelsInTheFuture) {
  Fixture f = OneVideo();
  auto days =
      f.Series(M::kViews, S::kCumulative, G::kDay, "2026-03-01", "2026-03-04", "2026-03-02");
  EXPECT_EQ(Values(days), (V{"1000", "5000", "null", "null"}));
  EXPECT_FALSE(days[0].partial);
  EXPECT_TRUE(days[1].partial);
  EXPECT_FALSE(days[2].partial);
  auto weeks = f.Series(M::kViews, S::kNew, G::kWeek, "2026-02-23", "2026-03-15", "2026-03-04");
  ASSERT_EQ(weeks.size(), 3u);
  EXPECT_FALSE(weeks[0].partial);
  EXPECT_TRUE(weeks[1].partial);
  EXPECT_FALSE(weeks[2].partial);
  EXPECT_TRUE(weeks[0].baseline);  // 03-01, a Sunday, is in the week of 02-23
  EXPECT_FALSE(weeks[1].baseline);
}

TEST(AnalyticsSeriesTest, ResumedTrackingIsABaselineAndCountsNoGain) {
  Fixture f;
  // 100 (added), 300, 250 resumed, 400: gains 0, 200, 0, 150.
  f.Add({Views("2026-03-01T12:00:00Z", 100), Views("2026-03-02T12:00:00Z", 300),
         Views("2026-03-03T12:00:00Z", 250, kResumed), Views("2026-03-04T12:00:00Z", 400)});
  auto s = f.Series(M::kViews, S::kNew, G::kDay, "2026-03-01", "2026-03-04", "2026-03-10");
  EXPECT_EQ(Values(s), (V{"0", "200", "0", "150"}));
  EXPECT_TRUE(s[2].baseline);
  EXPECT_FALSE(s[3].baseline);
}

TEST(AnalyticsSeriesTest, DstWeekInNewYork) {
  // Clocks spring forward on Sunday 2026-03-08. 03:30Z on 03-09 is 23:30 EDT on Sunday 03-08
  // (the week of 03-02); 04:30Z is 00:30 EDT on Monday 03-09 (under EST it would still be
  // Sunday). Levels: 03-02 100 (baseline), 03-08 300 (+200), 03-09 700 (+400).
  Fixture f;
  f.Add({Views("2026-03-02T17:00:00Z", 100), Views("2026-03-09T03:30:00Z", 300),
         Views("2026-03-09T04:30:00Z", 700)},
        nullptr, "America/New_York");
  auto weeks = f.Series(M::kViews, S::kNew, G::kWeek, "2026-03-02", "2026-03-15", "2026-03-20");
  EXPECT_EQ(Starts(weeks), (V{"2026-03-02", "2026-03-09"}));
  EXPECT_EQ(Values(weeks), (V{"200", "400"}));
  EXPECT_EQ(Values(f.Series(M::kViews, S::kNew, G::kDay, "2026-03-07", "2026-03-09", "2026-03-20")),
            (V{"null", "200", "400"}));
}

TEST(AnalyticsSeriesTest, HalfHourZoneInKolkata) {
  // 18:00Z on 03-08 is 23:30 IST on Sunday; 18:45Z is 00:15 IST on Monday 03-09. Levels: 03-02
  // 100 (baseline), 03-08 250 (+150), 03-09 400 (+150). In UTC both are Sunday's.
  Fixture ist;
  std::vector<VideoSnapshot> snaps = {Views("2026-03-02T06:00:00Z", 100),
                                      Views("2026-03-08T18:00:00Z", 250),
                                      Views("2026-03-08T18:45:00Z", 400)};
  ist.Add(snaps, nullptr, "Asia/Kolkata");
  EXPECT_EQ(
      Values(ist.Series(M::kViews, S::kNew, G::kWeek, "2026-03-02", "2026-03-15", "2026-03-20")),
      (V{"150", "150"}));
  Fixture utc;
  utc.Add(snaps);
  EXPECT_EQ(
      Values(utc.Series(M::kViews, S::kNew, G::kWeek, "2026-03-02", "2026-03-15", "2026-03-20")),
      (V{"300", "null"}));
}

TEST(AnalyticsSeriesTest, MetricNamesUnitsAndDefaultModes) {
  EXPECT_EQ(AnalyticsMetricByName("engagement_rate_by_followers"), M::kEngagementRateByFollowers);
  EXPECT_FALSE(AnalyticsMetricByName("view").has_value());
  EXPECT_EQ(UnitOf(M::kPostsPerWeek), "posts_per_week");
  EXPECT_EQ(UnitOf(M::kAvgViewsPerPost), "views_per_post");
  EXPECT_EQ(UnitOf(M::kGrowthRatePop), "percent");
  EXPECT_EQ(UnitOf(M::kPosts), "count");
  EXPECT_EQ(DefaultMode(M::kFollowers), S::kCumulative);
  EXPECT_EQ(DefaultMode(M::kGrowthRatePop), S::kCumulative);
  EXPECT_EQ(DefaultMode(M::kViews), S::kNew);
  EXPECT_EQ(DefaultMode(M::kPostsPerWeek), S::kRate);
}

// For random histories, the series of many videos is the sum of the single-video series
// (null + x = x, null + null = null) for every raw video metric in both modes.
TEST(AnalyticsSeriesTest, PropertyManyVideosSumSingleVideoSeries) {
  std::mt19937 rng(20260301);
  const char* zones[] = {"UTC", "America/New_York", "Asia/Kolkata"};
  const M raw[] = {M::kViews, M::kLikes,      M::kComments, M::kShares,
                   M::kSaves, M::kEngagement, M::kPosts};
  const DayNumber base = Day("2026-01-01");
  for (int round = 0; round < 40; ++round) {
    const date::time_zone* zone = Zone(zones[round % 3]);
    const int n = 1 + static_cast<int>(rng() % 5);
    std::vector<DayLevels> levels(static_cast<std::size_t>(n));
    std::vector<SeriesVideo> videos;
    for (int v = 0; v < n; ++v) {
      std::vector<VideoSnapshot> snaps;
      const int count = static_cast<int>(rng() % 12);
      Timestamp t = LocalDayStart(base, zone) + static_cast<Timestamp>(rng() % (40 * 86400));
      VideoCounts c{};
      for (int i = 0; i < count; ++i) {
        t += 3600 + static_cast<Timestamp>(rng() % (3 * 86400));
        for (auto& x : c) x = std::max<std::int64_t>(0, x + static_cast<int>(rng() % 200) - 40);
        snaps.push_back({t, c, rng() % 8 == 0 ? kResumed : SnapshotReason::kNone});
      }
      levels[static_cast<std::size_t>(v)] = ComputeDayLevels(snaps, zone);
      std::optional<DayNumber> posted;
      if (rng() % 4 != 0) posted = base + static_cast<DayNumber>(rng() % 60);
      videos.push_back({nullptr, posted});
    }
    for (int v = 0; v < n; ++v) videos[static_cast<std::size_t>(v)].levels = &levels[v];
    const Granularity g = static_cast<Granularity>(rng() % 4);
    const DayNumber from = base + static_cast<DayNumber>(rng() % 30);
    const DayNumber to = from + static_cast<DayNumber>(rng() % 50);
    auto buckets = MakeBuckets(g, 1 + static_cast<int>(rng() % 10), from, to);
    const DayNumber today = base + static_cast<DayNumber>(rng() % 90);
    for (M metric : raw) {
      for (S mode : {S::kNew, S::kCumulative}) {
        SeriesSpec spec{.metric = metric, .mode = mode, .today = today};
        auto all = ComputeAnalyticsSeries(spec, buckets, videos, {});
        std::vector<std::optional<std::int64_t>> sum(buckets.size());
        for (const auto& video : videos) {
          auto one = ComputeAnalyticsSeries(spec, buckets, std::span(&video, 1), {});
          for (std::size_t b = 0; b < one.size(); ++b) {
            if (!one[b].value) continue;
            sum[b] = sum[b].value_or(0) + one[b].value->scaled;
          }
        }
        ASSERT_EQ(all.size(), buckets.size());
        for (std::size_t b = 0; b < all.size(); ++b) {
          ASSERT_EQ(all[b].value.has_value(), sum[b].has_value())
              << "round " << round << " metric " << AnalyticsMetricName(metric) << " bucket " << b;
          if (sum[b]) {
            ASSERT_EQ(all[b].value->scaled, *sum[b])
                << "round " << round << " metric " << AnalyticsMetricName(metric);
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace goatherd::metrics
