#include "metrics/derived.h"

#include <algorithm>

namespace goatherd::metrics {
namespace {

// The first entry of `levels.days` whose day is >= `day`.
std::vector<DayLevel>::const_iterator FirstDayAtOrAfter(const DayLevels& levels, DayNumber day) {
  return std::lower_bound(levels.days.begin(), levels.days.end(), day,
                          [](const DayLevel& entry, DayNumber d) { return entry.day < d; });
}

}  // namespace

void ComputeEngagementRateByViews(const DayLevels& levels, DayNumber from, DayNumber to,
                                  std::vector<SeriesPoint>* out) {
  out->clear();
  if (from > to) return;
  out->reserve(static_cast<std::size_t>(to - from) + 1);
  auto it = FirstDayAtOrAfter(levels, from);
  for (DayNumber d = from; d <= to; ++d) {
    SeriesPoint point{.day = d, .value = std::nullopt};
    if (it != levels.days.end() && it->day == d) {
      const std::int64_t views_gain = it->gain[kViews];
      if (views_gain != 0) {
        point.value = RoundRatio(static_cast<__int128>(it->engagement_gain()) * 100, views_gain,
                                 kDerivedDecimals);
      }
      ++it;
    }
    out->push_back(point);
  }
}

std::vector<SeriesPoint> ComputeEngagementRateByViews(const DayLevels& levels, DayNumber from,
                                                      DayNumber to) {
  std::vector<SeriesPoint> series;
  ComputeEngagementRateByViews(levels, from, to, &series);
  return series;
}

void ComputeGrowthRatePop(const DayLevels& levels, VideoMetric base_metric, DayNumber from,
                          DayNumber to, std::vector<SeriesPoint>* out) {
  out->clear();
  if (from > to) return;
  out->reserve(static_cast<std::size_t>(to - from) + 1);
  auto it = FirstDayAtOrAfter(levels, from);
  // The level of the previous calendar day, when it had one. Unknown before the first point,
  // which is null by definition.
  std::optional<std::int64_t> previous_level;
  for (DayNumber d = from; d <= to; ++d) {
    SeriesPoint point{.day = d, .value = std::nullopt};
    std::optional<std::int64_t> level;
    if (it != levels.days.end() && it->day == d) {
      level = it->level[base_metric];
      ++it;
    }
    if (level && previous_level && *previous_level != 0) {
      point.value = RoundRatio(static_cast<__int128>(*level - *previous_level) * 100,
                               *previous_level, kDerivedDecimals);
    }
    out->push_back(point);
    previous_level = level;
  }
}

std::vector<SeriesPoint> ComputeGrowthRatePop(const DayLevels& levels, VideoMetric base_metric,
                                              DayNumber from, DayNumber to) {
  std::vector<SeriesPoint> series;
  ComputeGrowthRatePop(levels, base_metric, from, to, &series);
  return series;
}

std::span<const Baseline> BaselinesBetween(const DayLevels& levels, DayNumber from, DayNumber to) {
  // Baselines are in time order, so their local days ascend too.
  auto first = std::lower_bound(levels.baselines.begin(), levels.baselines.end(), from,
                                [](const Baseline& b, DayNumber d) { return b.day < d; });
  auto last = std::upper_bound(first, levels.baselines.end(), to,
                               [](DayNumber d, const Baseline& b) { return d < b.day; });
  return {first, last};
}

std::optional<DayNumber> FirstDataDate(const DayLevels& levels) {
  if (levels.days.empty()) return std::nullopt;
  return levels.days.front().day;
}

}  // namespace goatherd::metrics
