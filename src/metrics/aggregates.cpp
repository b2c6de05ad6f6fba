#include "metrics/aggregates.h"

#include <date/tz.h>

#include <algorithm>
#include <cassert>
#include <chrono>
#include <cmath>

namespace goatherd::metrics {
namespace {

// The smallest integer >= x, forgiving the rounding error of exp/log: an edge that should be an
// exact integer (lo = 1, hi = 10000, 4 bins: 10, 100, 1000) may come out as 9.9999999999.
std::int64_t CeilEdge(long double x) {
  const long double c = std::ceil(x);
  if (c - 1 >= x * (1 - 1e-12L)) return static_cast<std::int64_t>(c) - 1;
  return static_cast<std::int64_t>(c);
}

// Rounds a non-negative real half away from zero to `decimals` decimals.
Decimal RoundReal(long double value, int decimals) {
  long double scale = 1;
  for (int i = 0; i < decimals; ++i) scale *= 10;
  return Decimal{static_cast<std::int64_t>(std::floor(value * scale + 0.5L)), decimals};
}

// Monday = 0 ... Sunday = 6 of a day number (1970-01-01 was a Thursday).
int IsoWeekday(DayNumber day) { return static_cast<int>(((day + 3) % 7 + 7) % 7); }

}  // namespace

std::vector<HistogramBin> LogHistogram(std::span<const std::int64_t> sorted, int bins) {
  std::vector<HistogramBin> out;
  if (sorted.empty() || bins < 1) return out;
  const std::int64_t lo = std::max<std::int64_t>(1, sorted.front());
  const std::int64_t hi = sorted.back();
  if (hi <= lo) {
    out.push_back({sorted.front(), hi, static_cast<std::int64_t>(sorted.size())});
    return out;
  }
  // Integer lower edges: edges[i] is the first integer of bin i; edges[bins] = hi + 1.
  std::vector<std::int64_t> edges(bins + 1);
  const long double log_lo = std::log(static_cast<long double>(lo));
  const long double step = (std::log(static_cast<long double>(hi)) - log_lo) / bins;
  edges[0] = std::min<std::int64_t>(sorted.front(), lo);
  for (int i = 1; i < bins; ++i) {
    edges[i] = std::clamp<std::int64_t>(CeilEdge(std::exp(log_lo + step * i)), lo, hi);
  }
  edges[bins] = hi + 1;
  auto it = sorted.begin();
  for (int i = 0; i < bins; ++i) {
    if (edges[i] >= edges[i + 1]) continue;  // holds no integer
    auto end = std::lower_bound(it, sorted.end(), edges[i + 1]);
    out.push_back({edges[i], edges[i + 1] - 1, static_cast<std::int64_t>(end - it)});
    it = end;
  }
  return out;
}

std::int64_t NearestRankPercentile(std::span<const std::int64_t> sorted, int p) {
  assert(!sorted.empty() && p > 0 && p <= 100);
  const std::int64_t n = static_cast<std::int64_t>(sorted.size());
  std::int64_t rank = (p * n + 99) / 100;  // ceil(p * n / 100)
  rank = std::clamp<std::int64_t>(rank, 1, n);
  return sorted[rank - 1];
}

std::int64_t TwiceMedian(std::span<const std::int64_t> sorted) {
  assert(!sorted.empty());
  const std::size_t n = sorted.size();
  if (n % 2 == 1) return 2 * sorted[n / 2];
  return sorted[n / 2 - 1] + sorted[n / 2];
}

int AgeBucket(Timestamp posted_at, Timestamp now) {
  const Timestamp days = now > posted_at ? (now - posted_at) / 86400 : 0;
  if (days < 7) return 0;
  if (days < 30) return 1;
  if (days < 90) return 2;
  return 3;
}

Consistency ComputeConsistency(std::span<const DayNumber> post_days, DayNumber from, DayNumber to) {
  Consistency c;
  const DayNumber first_monday = from - IsoWeekday(from);
  const int week_count = (to - first_monday) / 7 + 1;
  c.weeks.resize(week_count);
  for (int w = 0; w < week_count; ++w) c.weeks[w].week_start = first_monday + 7 * w;
  std::vector<DayNumber> days;
  for (DayNumber d : post_days) {
    if (d < from || d > to) continue;
    ++c.weeks[(d - first_monday) / 7].posts;
    days.push_back(d);
  }
  std::sort(days.begin(), days.end());
  c.total_posts = static_cast<std::int64_t>(days.size());
  c.mean = RoundRatio(c.total_posts, week_count, 2);

  // Gaps: the days before the first post, between posting days, and after the last.
  DayNumber previous = from - 1;
  for (DayNumber d : days) {
    c.longest_gap_days = std::max<std::int64_t>(c.longest_gap_days, d - previous - 1);
    previous = d;
  }
  c.longest_gap_days = std::max<std::int64_t>(c.longest_gap_days, to - previous);

  // Population variance = (sum of squares - total^2 / weeks) / weeks, exact on integers.
  __int128 sum_squares = 0;
  std::int64_t active_weeks = 0;
  for (const WeekPosts& w : c.weeks) {
    sum_squares += static_cast<__int128>(w.posts) * w.posts;
    if (w.posts > 0) ++active_weeks;
  }
  // With V = n * sum of squares - total^2, stddev = sqrt(V) / n and
  // score = 100 * coverage / (1 + stddev / mean) = 100 * active * total / (n * (total + sqrt(V))).
  // When V is a perfect square both are ratios of integers and are rounded exactly (62.5 -> 63);
  // otherwise the square root is irrational and long double is exact enough to round it.
  const __int128 n = week_count;
  const __int128 v = n * sum_squares - static_cast<__int128>(c.total_posts) * c.total_posts;
  const long double root = std::sqrt(static_cast<long double>(v));
  auto exact_root = static_cast<__int128>(std::llround(root));
  if (exact_root * exact_root != v) exact_root = -1;
  if (exact_root >= 0) {
    c.stddev = RoundRatio(exact_root, n, 2);
  } else {
    c.stddev = RoundReal(root / static_cast<long double>(n), 2);
  }
  if (c.total_posts > 0) {
    const __int128 numerator = static_cast<__int128>(100) * active_weeks * c.total_posts;
    if (exact_root >= 0) {
      c.score = RoundRatio(numerator, n * (c.total_posts + exact_root), 0).scaled;
    } else {
      c.score = RoundReal(static_cast<long double>(numerator) /
                              (static_cast<long double>(n) * (c.total_posts + root)),
                          0)
                    .scaled;
    }
  }
  return c;
}

std::optional<Decimal> Jaccard(std::int64_t size_a, std::int64_t size_b,
                               std::int64_t intersection) {
  const std::int64_t union_size = size_a + size_b - intersection;
  if (union_size <= 0) return std::nullopt;
  return RoundRatio(intersection, union_size, 4);
}

void AddRangeGains(const DayLevels& levels, DayNumber from, DayNumber to, RangeGains* out) {
  auto it = std::lower_bound(levels.days.begin(), levels.days.end(), from,
                             [](const DayLevel& d, DayNumber day) { return d.day < day; });
  for (; it != levels.days.end() && it->day <= to; ++it) {
    for (int m = 0; m < kVideoMetricCount; ++m) out->sum[m] += it->gain[m];
    out->any = true;
  }
}

std::optional<std::int64_t> FollowerGain(std::span<const CreatorSnapshot> snapshots,
                                         Timestamp from_start) {
  if (snapshots.empty()) return std::nullopt;
  const CreatorSnapshot* start = &snapshots.front();
  for (const CreatorSnapshot& s : snapshots) {
    if (s.snapshot_at >= from_start) break;
    start = &s;
  }
  return snapshots.back().follower_count - start->follower_count;
}

LocalTimeMapper::DowHour LocalTimeMapper::Map(Timestamp unix_seconds) {
  if (unix_seconds < begin_ || unix_seconds >= end_) {
    const date::sys_info info =
        zone_->get_info(date::sys_seconds{std::chrono::seconds{unix_seconds}});
    begin_ = info.begin.time_since_epoch().count();
    end_ = info.end.time_since_epoch().count();
    offset_ = info.offset.count();
  }
  const Timestamp local = unix_seconds + offset_;
  Timestamp day = local / 86400;
  Timestamp second_of_day = local % 86400;
  if (second_of_day < 0) {
    second_of_day += 86400;
    --day;
  }
  // 1970-01-01 was a Thursday (4 with Sunday = 0).
  return {static_cast<int>(((day + 4) % 7 + 7) % 7), static_cast<int>(second_of_day / 3600)};
}

}  // namespace goatherd::metrics
