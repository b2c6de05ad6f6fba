// Bucketed analytics series of an entity (GET /api/v1/analytics, spec/analytics.md): one value
// per bucket of a local date range for a raw metric (views ... saves, engagement, posts,
// followers) in mode `new` or `cumulative`, or a derived rate, computed exactly on integers from
// the day levels and gains of the entity's counted videos (spec/videos.md) and its creators'
// follower levels.
//
// The input is per-video DayLevels (in the request's zone) and per-creator follower levels by
// day, not snapshots, so the same engine serves levels computed live from snapshots and levels
// read from per-day rollup rows.
//
// Buckets (our reading of spec/analytics.md and reference/04-analytics.md, which leave labels
// open):
// - `day`: one bucket per local day of [from, to].
// - `week` (ISO, Monday start) and `month`: calendar buckets. `bucket_start` is always the
//   calendar start of the bucket (the Monday, the 1st), also for a first bucket that begins
//   before `from`, so labels are the same whatever range a chart asks for. The bucket's values
//   cover only its days inside [from, to] (its "covered" days): nothing before `from` or after
//   `to` is counted as a gain or post, and `posts_per_week` divides by the covered days.
// - custom (`bucket_days=N`): buckets of N days starting at `from`; the last one ends at `to`
//   and may be shorter. `bucket_start` is the bucket's first day.
// - `partial`: the covered days include today. `baseline`: a baseline snapshot of one of the
//   videos falls on a covered day.
// - Buckets that start after today have no level yet: `cumulative` values (and follower levels)
//   are null there rather than the current level carried into the future.
//
// Followers: a creator's level on a day is its last profile snapshot of that day; `cumulative`
// sums the creators' latest levels at or before the bucket's last covered day (null when none
// has one yet); `new` sums the day-to-day changes of those levels over the covered days (a
// creator's first snapshot starts at 0 change; followers can go down, so `new` can be
// negative), null when no creator has a snapshot in the bucket.
// Thread-safety: pure functions over values.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "core/time.h"
#include "metrics/day_levels.h"
#include "metrics/decimal.h"

namespace goatherd::metrics {

enum class AnalyticsMetric {
  kViews,
  kLikes,
  kComments,
  kShares,
  kSaves,
  kEngagement,
  kPosts,
  kFollowers,
  kEngagementRateByViews,
  kEngagementRateByFollowers,
  kPostsPerWeek,
  kAvgViewsPerPost,
  kGrowthRatePop,
};

enum class SeriesMode { kNew, kCumulative, kRate };
enum class Granularity { kDay, kWeek, kMonth, kCustom };

// The API's names ("views", "engagement_rate_by_views", "new", "week", ...).
std::optional<AnalyticsMetric> AnalyticsMetricByName(std::string_view name);
std::string_view AnalyticsMetricName(AnalyticsMetric metric);
std::string_view SeriesModeName(SeriesMode mode);
bool IsRawMetric(AnalyticsMetric metric);
// `count`, `percent`, `posts_per_week` or `views_per_post`.
std::string_view UnitOf(AnalyticsMetric metric);
// The mode a metric takes when the request names none: `cumulative` for followers and
// growth_rate_pop (whose base is then compared level to level), `new` for other raw metrics,
// `rate` for the other derived ones.
SeriesMode DefaultMode(AnalyticsMetric metric);

// Decimals of every derived value (as in spec/videos.md's derived shape).
inline constexpr int kAnalyticsDecimals = 4;

struct Bucket {
  DayNumber start = 0;  // bucket_start: the calendar start (see above)
  DayNumber first = 0;  // first covered day (>= from)
  DayNumber last = 0;   // last covered day (<= to)
  int covered_days() const { return last - first + 1; }
};

// The buckets of [from, to] (from <= to), ascending. `bucket_days` (1..90) is used only for
// kCustom.
std::vector<Bucket> MakeBuckets(Granularity granularity, int bucket_days, DayNumber from,
                                DayNumber to);
// The same buckets moved `days` earlier (compare=prior_period: bucket k of the prior period is
// bucket k of the main one, `days` = the period's length, so points align by position).
std::vector<Bucket> ShiftBuckets(std::span<const Bucket> buckets, int days);

// One counted video of the entity.
struct SeriesVideo {
  const DayLevels* levels = nullptr;    // in the request's zone
  std::optional<DayNumber> posted_day;  // local day of posted_at in that zone
};

// One creator's follower level per local day (the day's last profile snapshot), ascending.
struct FollowerDay {
  DayNumber day = 0;
  std::int64_t followers = 0;
};
using FollowerLevels = std::vector<FollowerDay>;

struct SeriesSpec {
  AnalyticsMetric metric = AnalyticsMetric::kViews;
  // kNew or kCumulative for raw metrics and for growth_rate_pop (the mode of its base); kRate
  // for the other derived metrics.
  SeriesMode mode = SeriesMode::kNew;
  AnalyticsMetric base_metric = AnalyticsMetric::kViews;  // growth_rate_pop only (a raw metric)
  DayNumber today = 0;                                    // in the request's zone
};

struct AnalyticsPoint {
  DayNumber bucket_start = 0;
  std::optional<Decimal> value;  // null: undefined for this bucket
  bool partial = false;
  bool baseline = false;
};

// One day of a set of videos, as the rollups keep it (store/sqlite/rollups.h): every field adds
// up over videos, so a set's rows are the sums of its videos' rows, and the rows of a part can
// be taken out of the whole (breakdown's "Other").
struct RollupDay {
  DayNumber day = 0;
  VideoCounts gain{};                // sum of the videos' gains G(d)
  std::int64_t gain_videos = 0;      // videos with a level (so a defined gain) on d
  VideoCounts level_delta{};         // sum of L(d) - L(previous day with a level), L(first day)
  std::int64_t first_videos = 0;     // videos whose first snapshot falls on d
  std::int64_t baseline_videos = 0;  // videos holding a baseline on d
  std::int64_t posts = 0;            // videos whose posted_at falls on d

  bool IsZero() const;
};

// A video's rows: one per day with a level, plus its posted day. Ascending by day.
std::vector<RollupDay> VideoRollupDays(const DayLevels& levels,
                                       std::optional<DayNumber> posted_day);

// What a set of videos and creators adds up to over one bucket; every metric is a function of
// these sums. The counts (rather than flags) let the sums of a part be subtracted.
struct BucketSums {
  std::int64_t gain_days = 0;  // (video, covered day) pairs with a defined gain
  VideoCounts gain{};
  std::int64_t level_videos = 0;  // videos with a level at or before the bucket's last day
  VideoCounts level{};
  std::int64_t posts_in = 0;    // posted on a covered day
  std::int64_t posts_upto = 0;  // posted on or before the last covered day
  std::int64_t baseline_days = 0;
  bool any_follower_level = false;
  std::int64_t followers = 0;
  bool any_follower_gain = false;
  std::int64_t follower_gain = 0;

  // Takes out the video sums of `part` (followers are left alone).
  void SubtractVideos(const BucketSums& part);
};

// The sums of `videos` (and of `creators`' followers) over each bucket.
std::vector<BucketSums> SumVideoBuckets(std::span<const Bucket> buckets,
                                        std::span<const SeriesVideo> videos,
                                        std::span<const FollowerLevels> creators, DayNumber today);
// The same sums from a set's rollup rows (`days` ascending, every row of the set up to the last
// bucket's end: cumulative values run from the first row).
std::vector<BucketSums> SumRollupBuckets(std::span<const Bucket> buckets,
                                         std::span<const RollupDay> days,
                                         std::span<const FollowerLevels> creators, DayNumber today);
// The series of `spec` from the sums of each bucket.
std::vector<AnalyticsPoint> SeriesFromSums(const SeriesSpec& spec, std::span<const Bucket> buckets,
                                           std::span<const BucketSums> sums);

// The series of `spec` over `buckets` for the union of `videos` and `creators`. Raw values are
// integers (decimals 0); derived values are rounded half away from zero to 4 decimals.
std::vector<AnalyticsPoint> ComputeAnalyticsSeries(const SeriesSpec& spec,
                                                   std::span<const Bucket> buckets,
                                                   std::span<const SeriesVideo> videos,
                                                   std::span<const FollowerLevels> creators);

// How a breakdown ranks one video's series over the range: for raw `new` metrics the sum of
// its values, for `cumulative` its last non-null value, for rates the views the video gained
// in [from, to] (a rate of a handful of views would otherwise top the list).
std::int64_t BreakdownRankingTotal(const SeriesSpec& spec, std::span<const AnalyticsPoint> series,
                                   const SeriesVideo& video, DayNumber from, DayNumber to);

}  // namespace goatherd::metrics
