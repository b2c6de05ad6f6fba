// The arithmetic of the project-level aggregates (spec/analytics.md "Aggregates"): log-spaced
// histogram bins, nearest-rank percentiles, medians, weekly posting consistency, outlier age
// buckets, Jaccard indexes, and sums of a video's gains over a range of local days. Inputs are
// plain values the store read; nothing here does I/O. Where a value is a ratio of integers it is
// rounded exactly (metrics/decimal.h); only the standard deviation and the consistency score,
// which need a square root, go through long double before that same rounding.
// Thread-safety: pure functions over values; LocalTimeMapper is one per computation.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/time.h"
#include "core/types.h"
#include "metrics/day_levels.h"
#include "metrics/decimal.h"

namespace goatherd::metrics {

// One histogram bin: the integers [min, max] and how many values fell in it.
struct HistogramBin {
  std::int64_t min = 0;
  std::int64_t max = 0;
  std::int64_t count = 0;
  friend bool operator==(const HistogramBin&, const HistogramBin&) = default;
};

// A histogram of `sorted` (ascending, non-negative) in `bins` (>= 1) log-spaced bins.
// With lo = max(1, smallest value) and hi = the largest, the real edges are
// x_i = lo * (hi / lo)^(i / bins), i = 0..bins; bin i holds the integers v with
// ceil(x_i) <= v < ceil(x_(i+1)), the last bin also holds hi, and the first bin also holds the
// values below lo (zero views). Bins that hold no integer (when hi / lo is small next to
// `bins`) are left out, so the bins returned partition [min value, hi] without gaps. Empty input:
// no bins; all values equal: one bin.
std::vector<HistogramBin> LogHistogram(std::span<const std::int64_t> sorted, int bins);

// The nearest-rank percentile of `sorted` (ascending, non-empty): the value at 1-based rank
// ceil(p / 100 * n), at least rank 1. p in (0, 100].
std::int64_t NearestRankPercentile(std::span<const std::int64_t> sorted, int p);

// Twice the median of `sorted` (ascending, non-empty): the middle value doubled, or the sum of
// the two middle values, so that the median stays exact as an integer over 2.
std::int64_t TwiceMedian(std::span<const std::int64_t> sorted);

// Outliers compare a video with its creator's videos of similar age: the same bucket of whole
// days since posting at `now` — 0–6, 7–29, 30–89, 90 and more (buckets 0..3). A video posted
// after `now` is in bucket 0.
int AgeBucket(Timestamp posted_at, Timestamp now);

// Posting consistency of one creator over the local days [from, to] (spec/analytics.md):
struct WeekPosts {
  DayNumber week_start = 0;  // the Monday of the ISO week (may precede `from`)
  std::int64_t posts = 0;
  friend bool operator==(const WeekPosts&, const WeekPosts&) = default;
};
struct Consistency {
  std::vector<WeekPosts> weeks;  // every ISO week that overlaps [from, to], ascending
  std::int64_t total_posts = 0;
  Decimal mean;    // posts per week, 2 decimals
  Decimal stddev;  // population standard deviation of the weekly counts, 2 decimals
  std::int64_t longest_gap_days = 0;
  std::int64_t score = 0;  // 0..100
};
// `post_days`: the local posting day of each post in [from, to] (any order, repeats allowed).
// - Weeks at the edges of the range count only the posts inside the range.
// - longest_gap_days: the longest run of consecutive days of [from, to] without a post (the
//   whole range when there is none).
// - score = round(100 * coverage / (1 + cv)), coverage = weeks with >= 1 post / weeks,
//   cv = stddev / mean (the coefficient of variation); 0 without posts. Posting every week the
//   same number of times scores 100; gaps (coverage) and bursts (cv) both lower it.
Consistency ComputeConsistency(std::span<const DayNumber> post_days, DayNumber from, DayNumber to);

// Jaccard index |A ∩ B| / |A ∪ B| of two sets given their sizes and the intersection's, rounded
// to 4 decimals; nullopt when both sets are empty.
std::optional<Decimal> Jaccard(std::int64_t size_a, std::int64_t size_b, std::int64_t intersection);

// The sum of a video's gains G(d) over the local days [from, to] (spec/videos.md). `any` is
// set when at least one day of the range has a defined gain.
struct RangeGains {
  VideoCounts sum{};
  bool any = false;
};
void AddRangeGains(const DayLevels& levels, DayNumber from, DayNumber to, RangeGains* out);

// The change of a creator's follower count over [from, to]: the level at the end of `to` (the
// last snapshot up to then) minus the level before `from` (the last snapshot before the range,
// or, when there is none, the first snapshot inside it, which starts counting). nullopt when no
// snapshot falls up to the end of `to`. `snapshots` ascending by time, all before the end of
// `to`; `from_start` is the first instant of `from`.
std::optional<std::int64_t> FollowerGain(std::span<const CreatorSnapshot> snapshots,
                                         Timestamp from_start);

// Local (day of week, hour) of instants in one zone: 0 = Sunday ... 6 = Saturday, hour 0..23.
// Caches the zone's current offset period, since instants of one project's posts mostly share
// a handful of them.
class LocalTimeMapper {
 public:
  explicit LocalTimeMapper(const date::time_zone* zone) : zone_(zone) {}
  struct DowHour {
    int dow = 0;
    int hour = 0;
  };
  DowHour Map(Timestamp unix_seconds);

 private:
  const date::time_zone* zone_;
  Timestamp begin_ = 1;  // empty period until the first lookup
  Timestamp end_ = 0;
  Timestamp offset_ = 0;
};

}  // namespace goatherd::metrics
