#include "metrics/analytics_series.h"

#include <date/date.h>

#include <algorithm>
#include <array>

namespace goatherd::metrics {
namespace {

struct MetricInfo {
  AnalyticsMetric metric;
  std::string_view name;
  std::string_view unit;
};

constexpr std::array<MetricInfo, 13> kMetrics = {{
    {AnalyticsMetric::kViews, "views", "count"},
    {AnalyticsMetric::kLikes, "likes", "count"},
    {AnalyticsMetric::kComments, "comments", "count"},
    {AnalyticsMetric::kShares, "shares", "count"},
    {AnalyticsMetric::kSaves, "saves", "count"},
    {AnalyticsMetric::kEngagement, "engagement", "count"},
    {AnalyticsMetric::kPosts, "posts", "count"},
    {AnalyticsMetric::kFollowers, "followers", "count"},
    {AnalyticsMetric::kEngagementRateByViews, "engagement_rate_by_views", "percent"},
    {AnalyticsMetric::kEngagementRateByFollowers, "engagement_rate_by_followers", "percent"},
    {AnalyticsMetric::kPostsPerWeek, "posts_per_week", "posts_per_week"},
    {AnalyticsMetric::kAvgViewsPerPost, "avg_views_per_post", "views_per_post"},
    {AnalyticsMetric::kGrowthRatePop, "growth_rate_pop", "percent"},
}};

const MetricInfo& Info(AnalyticsMetric metric) { return kMetrics[static_cast<int>(metric)]; }

DayNumber FloorMod7(DayNumber value) { return ((value % 7) + 7) % 7; }

// Day 0 (1970-01-01) was a Thursday, so day + 3 counts from a Monday.
DayNumber MondayOf(DayNumber day) { return day - FloorMod7(day + 3); }

date::year_month_day Civil(DayNumber day) {
  return date::year_month_day{date::sys_days{date::days{day}}};
}

DayNumber DayOf(const date::year_month_day& ymd) {
  return static_cast<DayNumber>(date::sys_days{ymd}.time_since_epoch().count());
}

DayNumber MonthStartOf(DayNumber day) {
  auto ymd = Civil(day);
  return DayOf(ymd.year() / ymd.month() / date::day{1});
}

DayNumber NextMonthStart(DayNumber month_start) {
  auto ymd = Civil(month_start);
  return DayOf(date::year_month_day{ymd.year() / ymd.month() / date::day{1}} + date::months{1});
}

std::int64_t EngagementOf(const VideoCounts& c) {
  return c[kLikes] + c[kComments] + c[kShares] + c[kSaves];
}

void AddFollowerSums(std::span<const Bucket> buckets, std::span<const FollowerLevels> creators,
                     DayNumber today, std::vector<BucketSums>* sums) {
  for (const FollowerLevels& creator : creators) {
    for (std::size_t b = 0; b < buckets.size(); ++b) {
      const Bucket& bucket = buckets[b];
      BucketSums& s = (*sums)[b];
      auto it = std::lower_bound(creator.begin(), creator.end(), bucket.first,
                                 [](const FollowerDay& d, DayNumber day) { return d.day < day; });
      // The level before the bucket, from which its first covered day changes.
      std::optional<std::int64_t> previous;
      if (it != creator.begin()) previous = std::prev(it)->followers;
      for (; it != creator.end() && it->day <= bucket.last; ++it) {
        s.any_follower_gain = true;
        if (previous) s.follower_gain += it->followers - *previous;
        previous = it->followers;
      }
      if (it != creator.begin() && bucket.first <= today) {
        s.any_follower_level = true;
        s.followers += std::prev(it)->followers;
      }
    }
  }
}

std::optional<std::int64_t> RawValue(AnalyticsMetric metric, SeriesMode mode, const BucketSums& s) {
  const bool cumulative = mode == SeriesMode::kCumulative;
  switch (metric) {
    case AnalyticsMetric::kViews:
    case AnalyticsMetric::kLikes:
    case AnalyticsMetric::kComments:
    case AnalyticsMetric::kShares:
    case AnalyticsMetric::kSaves: {
      const int m = static_cast<int>(metric);
      if (cumulative) return s.level_videos > 0 ? std::optional(s.level[m]) : std::nullopt;
      return s.gain_days > 0 ? std::optional(s.gain[m]) : std::nullopt;
    }
    case AnalyticsMetric::kEngagement:
      if (cumulative)
        return s.level_videos > 0 ? std::optional(EngagementOf(s.level)) : std::nullopt;
      return s.gain_days > 0 ? std::optional(EngagementOf(s.gain)) : std::nullopt;
    case AnalyticsMetric::kPosts:
      return cumulative ? s.posts_upto : s.posts_in;
    case AnalyticsMetric::kFollowers:
      if (cumulative) return s.any_follower_level ? std::optional(s.followers) : std::nullopt;
      return s.any_follower_gain ? std::optional(s.follower_gain) : std::nullopt;
    default:
      return std::nullopt;
  }
}

Decimal Percent(std::int64_t numerator, std::int64_t denominator) {
  return RoundRatio(static_cast<__int128>(numerator) * 100, denominator, kAnalyticsDecimals);
}

}  // namespace

std::optional<AnalyticsMetric> AnalyticsMetricByName(std::string_view name) {
  for (const MetricInfo& info : kMetrics) {
    if (info.name == name) return info.metric;
  }
  return std::nullopt;
}

std::string_view AnalyticsMetricName(AnalyticsMetric metric) { return Info(metric).name; }

std::string_view SeriesModeName(SeriesMode mode) {
  switch (mode) {
    case SeriesMode::kNew:
      return "new";
    case SeriesMode::kCumulative:
      return "cumulative";
    case SeriesMode::kRate:
      break;
  }
  return "rate";
}

bool IsRawMetric(AnalyticsMetric metric) {
  return static_cast<int>(metric) <= static_cast<int>(AnalyticsMetric::kFollowers);
}

std::string_view UnitOf(AnalyticsMetric metric) { return Info(metric).unit; }

SeriesMode DefaultMode(AnalyticsMetric metric) {
  if (metric == AnalyticsMetric::kFollowers || metric == AnalyticsMetric::kGrowthRatePop) {
    return SeriesMode::kCumulative;
  }
  return IsRawMetric(metric) ? SeriesMode::kNew : SeriesMode::kRate;
}

std::vector<Bucket> MakeBuckets(Granularity granularity, int bucket_days, DayNumber from,
                                DayNumber to) {
  std::vector<Bucket> out;
  if (from > to) return out;
  DayNumber start = from;
  switch (granularity) {
    case Granularity::kWeek:
      start = MondayOf(from);
      break;
    case Granularity::kMonth:
      start = MonthStartOf(from);
      break;
    default:
      break;
  }
  while (start <= to) {
    DayNumber next = start + 1;
    switch (granularity) {
      case Granularity::kDay:
        break;
      case Granularity::kWeek:
        next = start + 7;
        break;
      case Granularity::kMonth:
        next = NextMonthStart(start);
        break;
      case Granularity::kCustom:
        next = start + std::max(1, bucket_days);
        break;
    }
    out.push_back(
        Bucket{.start = start, .first = std::max(start, from), .last = std::min(next - 1, to)});
    start = next;
  }
  return out;
}

std::vector<Bucket> ShiftBuckets(std::span<const Bucket> buckets, int days) {
  std::vector<Bucket> out(buckets.begin(), buckets.end());
  for (Bucket& b : out) {
    b.start -= days;
    b.first -= days;
    b.last -= days;
  }
  return out;
}

bool RollupDay::IsZero() const {
  return gain == VideoCounts{} && gain_videos == 0 && level_delta == VideoCounts{} &&
         first_videos == 0 && baseline_videos == 0 && posts == 0;
}

std::vector<RollupDay> VideoRollupDays(const DayLevels& levels,
                                       std::optional<DayNumber> posted_day) {
  std::vector<RollupDay> out;
  out.reserve(levels.days.size() + 1);
  const VideoCounts* previous = nullptr;
  for (const DayLevel& d : levels.days) {
    if (posted_day && *posted_day < d.day && (out.empty() || out.back().day < *posted_day)) {
      out.push_back({.day = *posted_day, .posts = 1});
    }
    RollupDay& r = out.emplace_back();
    r.day = d.day;
    r.gain = d.gain;
    r.gain_videos = 1;
    for (int m = 0; m < kVideoMetricCount; ++m) {
      r.level_delta[m] = d.level[m] - (previous ? (*previous)[m] : 0);
    }
    r.first_videos = previous ? 0 : 1;
    r.baseline_videos = d.holds_baseline() ? 1 : 0;
    if (posted_day && *posted_day == d.day) r.posts = 1;
    previous = &d.level;
  }
  if (posted_day && (out.empty() || out.back().day < *posted_day)) {
    out.push_back({.day = *posted_day, .posts = 1});
  }
  return out;
}

void BucketSums::SubtractVideos(const BucketSums& part) {
  gain_days -= part.gain_days;
  level_videos -= part.level_videos;
  baseline_days -= part.baseline_days;
  posts_in -= part.posts_in;
  posts_upto -= part.posts_upto;
  for (int m = 0; m < kVideoMetricCount; ++m) {
    gain[m] -= part.gain[m];
    level[m] -= part.level[m];
  }
}

std::vector<BucketSums> SumVideoBuckets(std::span<const Bucket> buckets,
                                        std::span<const SeriesVideo> videos,
                                        std::span<const FollowerLevels> creators, DayNumber today) {
  std::vector<BucketSums> sums(buckets.size());
  for (const SeriesVideo& video : videos) {
    const std::vector<DayLevel>& days = video.levels->days;
    for (std::size_t b = 0; b < buckets.size(); ++b) {
      const Bucket& bucket = buckets[b];
      BucketSums& s = sums[b];
      // Days are ascending: the covered ones are a contiguous run.
      auto it = std::lower_bound(days.begin(), days.end(), bucket.first,
                                 [](const DayLevel& d, DayNumber day) { return d.day < day; });
      for (; it != days.end() && it->day <= bucket.last; ++it) {
        ++s.gain_days;
        for (int m = 0; m < kVideoMetricCount; ++m) s.gain[m] += it->gain[m];
        if (it->holds_baseline()) ++s.baseline_days;
      }
      // `it` is now the first day after the bucket: the one before it is the latest level.
      if (it != days.begin() && bucket.first <= today) {
        const DayLevel& latest = *std::prev(it);
        ++s.level_videos;
        for (int m = 0; m < kVideoMetricCount; ++m) s.level[m] += latest.level[m];
      }
      if (video.posted_day) {
        if (*video.posted_day >= bucket.first && *video.posted_day <= bucket.last) ++s.posts_in;
        if (*video.posted_day <= bucket.last) ++s.posts_upto;
      }
    }
  }
  AddFollowerSums(buckets, creators, today, &sums);
  return sums;
}

std::vector<BucketSums> SumRollupBuckets(std::span<const Bucket> buckets,
                                         std::span<const RollupDay> days,
                                         std::span<const FollowerLevels> creators,
                                         DayNumber today) {
  std::vector<BucketSums> sums(buckets.size());
  // Running sums over the rows before the current position: cumulative levels, first
  // snapshots and posts from the set's first row on. Buckets of a compare period may come in
  // any order relative to the rows, so each bucket restarts from the prefix it needs.
  struct Prefix {
    std::size_t next = 0;
    VideoCounts level{};
    std::int64_t first_videos = 0;
    std::int64_t posts = 0;
    void AdvanceTo(std::span<const RollupDay> rows, DayNumber last) {
      for (; next < rows.size() && rows[next].day <= last; ++next) {
        for (int m = 0; m < kVideoMetricCount; ++m) level[m] += rows[next].level_delta[m];
        first_videos += rows[next].first_videos;
        posts += rows[next].posts;
      }
    }
  } prefix;
  for (std::size_t b = 0; b < buckets.size(); ++b) {
    const Bucket& bucket = buckets[b];
    BucketSums& s = sums[b];
    if (b > 0 && buckets[b - 1].last > bucket.last) prefix = Prefix{};
    prefix.AdvanceTo(days, bucket.last);
    auto it = std::lower_bound(days.begin(), days.end(), bucket.first,
                               [](const RollupDay& d, DayNumber day) { return d.day < day; });
    for (; it != days.end() && it->day <= bucket.last; ++it) {
      s.gain_days += it->gain_videos;
      for (int m = 0; m < kVideoMetricCount; ++m) s.gain[m] += it->gain[m];
      s.baseline_days += it->baseline_videos;
      s.posts_in += it->posts;
    }
    if (bucket.first <= today) {
      s.level_videos = prefix.first_videos;
      s.level = prefix.level;
    }
    s.posts_upto = prefix.posts;
  }
  AddFollowerSums(buckets, creators, today, &sums);
  return sums;
}

std::vector<AnalyticsPoint> ComputeAnalyticsSeries(const SeriesSpec& spec,
                                                   std::span<const Bucket> buckets,
                                                   std::span<const SeriesVideo> videos,
                                                   std::span<const FollowerLevels> creators) {
  const std::vector<BucketSums> sums = SumVideoBuckets(buckets, videos, creators, spec.today);
  return SeriesFromSums(spec, buckets, sums);
}

std::vector<AnalyticsPoint> SeriesFromSums(const SeriesSpec& spec, std::span<const Bucket> buckets,
                                           std::span<const BucketSums> sums) {
  std::vector<AnalyticsPoint> out;
  out.reserve(buckets.size());
  std::optional<std::int64_t> previous_base;  // growth_rate_pop: the previous bucket's base
  for (std::size_t b = 0; b < buckets.size(); ++b) {
    const Bucket& bucket = buckets[b];
    const BucketSums& s = sums[b];
    AnalyticsPoint point{.bucket_start = bucket.start,
                         .value = std::nullopt,
                         .partial = bucket.first <= spec.today && spec.today <= bucket.last,
                         .baseline = s.baseline_days > 0};
    switch (spec.metric) {
      case AnalyticsMetric::kEngagementRateByViews:
        if (s.gain_days > 0 && s.gain[kViews] != 0) {
          point.value = Percent(EngagementOf(s.gain), s.gain[kViews]);
        }
        break;
      case AnalyticsMetric::kEngagementRateByFollowers:
        if (s.gain_days > 0 && s.any_follower_level && s.followers != 0) {
          point.value = Percent(EngagementOf(s.gain), s.followers);
        }
        break;
      case AnalyticsMetric::kPostsPerWeek:
        point.value = RoundRatio(static_cast<__int128>(s.posts_in) * 7, bucket.covered_days(),
                                 kAnalyticsDecimals);
        break;
      case AnalyticsMetric::kAvgViewsPerPost:
        if (s.gain_days > 0 && s.posts_upto != 0) {
          point.value = RoundRatio(s.gain[kViews], s.posts_upto, kAnalyticsDecimals);
        }
        break;
      case AnalyticsMetric::kGrowthRatePop: {
        std::optional<std::int64_t> base = RawValue(spec.base_metric, spec.mode, s);
        if (b > 0 && base && previous_base && *previous_base != 0) {
          point.value = Percent(*base - *previous_base, *previous_base);
        }
        previous_base = base;
        break;
      }
      default:
        if (auto raw = RawValue(spec.metric, spec.mode, s)) point.value = Decimal{*raw, 0};
        break;
    }
    out.push_back(point);
  }
  return out;
}

std::int64_t BreakdownRankingTotal(const SeriesSpec& spec, std::span<const AnalyticsPoint> series,
                                   const SeriesVideo& video, DayNumber from, DayNumber to) {
  if (IsRawMetric(spec.metric)) {
    std::int64_t total = 0;
    for (const AnalyticsPoint& p : series) {
      if (!p.value) continue;
      if (spec.mode == SeriesMode::kCumulative) {
        total = p.value->scaled;
      } else {
        total += p.value->scaled;
      }
    }
    return total;
  }
  std::int64_t views = 0;
  for (const DayLevel& d : video.levels->days) {
    if (d.day >= from && d.day <= to) views += d.gain[kViews];
  }
  return views;
}

}  // namespace goatherd::metrics
