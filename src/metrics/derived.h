// Derived per-day series of one video over a local date range (the `metric=` shape of
// GET /videos/{id}/stats, spec/videos.md "Derived shape"), plus the baselines and first data date
// that answer carries. Values are exact ratios rounded half away from zero to 4 decimals; a day
// whose value is undefined (no data, division by zero) is nullopt, printed as JSON null.
// Thread-safety: pure functions over values.
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "core/time.h"
#include "core/types.h"
#include "metrics/day_levels.h"
#include "metrics/decimal.h"

namespace goatherd::metrics {

// Decimals of every derived series value.
inline constexpr int kDerivedDecimals = 4;

struct SeriesPoint {
  DayNumber day = 0;  // bucket_start
  std::optional<Decimal> value;
};

// engagement_rate_by_views for each day of [from, to] (from <= to), ascending:
// (G_likes + G_comments + G_shares + G_saves) / G_views x 100; nullopt when the day has no level
// or G_views is 0. Reuses the capacity of *out.
void ComputeEngagementRateByViews(const DayLevels& levels, DayNumber from, DayNumber to,
                                  std::vector<SeriesPoint>* out);
std::vector<SeriesPoint> ComputeEngagementRateByViews(const DayLevels& levels, DayNumber from,
                                                      DayNumber to);

// growth_rate_pop of `base_metric` for each day of [from, to], ascending:
// (L(d) - L(d-1)) / L(d-1) x 100 with d-1 the previous calendar day; nullopt when either level is
// missing or L(d-1) is 0, and always for the first point (the range's own first day).
void ComputeGrowthRatePop(const DayLevels& levels, VideoMetric base_metric, DayNumber from,
                          DayNumber to, std::vector<SeriesPoint>* out);
std::vector<SeriesPoint> ComputeGrowthRatePop(const DayLevels& levels, VideoMetric base_metric,
                                              DayNumber from, DayNumber to);

// The baselines whose local day lies in [from, to], oldest first (a view into levels).
std::span<const Baseline> BaselinesBetween(const DayLevels& levels, DayNumber from, DayNumber to);

// The local day of the video's first snapshot; nullopt when it has none.
std::optional<DayNumber> FirstDataDate(const DayLevels& levels);

}  // namespace goatherd::metrics
