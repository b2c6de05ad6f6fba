// Cohort averages of velocity (the `cohort` member of the legacy stats shape, spec/videos.md):
// for each day number, the mean views gained over a set of videos that have a velocity entry on
// that day. Requests in the organization's zone must not cost more as the organization grows, so
// the sums and counts are kept up to date as snapshots arrive: when a video's velocity changes,
// its old velocity goes out and the new one comes in. CohortSums does that in memory (also the
// on-the-fly path for another zone); DiffVelocity yields the same change as row deltas for a
// store that keeps the sums in a table.
// Thread-safety: CohortSums is not thread-safe (guard it externally if shared); DiffVelocity and
// ComputeCohortAverage are pure.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "metrics/decimal.h"
#include "metrics/velocity.h"

namespace goatherd::metrics {

// Decimals of avg_views_gained.
inline constexpr int kCohortAverageDecimals = 2;

struct CohortAverage {
  std::int32_t day_number = 0;
  Decimal avg_views_gained;  // sum / sample_size, 2 decimals, half away from zero
  std::int64_t sample_size = 0;

  friend bool operator==(const CohortAverage&, const CohortAverage&) = default;
};

// The change of one day number's sum and count when a video's velocity changes.
struct CohortDelta {
  std::int32_t day_number = 0;
  std::int64_t views_gained_delta = 0;
  std::int64_t sample_size_delta = 0;  // -1, 0 or +1

  friend bool operator==(const CohortDelta&, const CohortDelta&) = default;
};

// The average of `views_gained_sum` over `sample_size` (> 0) videos, as the API reports it.
CohortAverage ComputeCohortAverage(std::int32_t day_number, std::int64_t views_gained_sum,
                                   std::int64_t sample_size);

// Per-day-number sums of views gained and counts of videos.
class CohortSums {
 public:
  // A velocity is ascending by day_number, each day number at most once, day numbers >= 0 (as
  // ComputeVelocity makes them). Remove must be given exactly a velocity added before.
  void Add(std::span<const VelocityPoint> velocity);
  void Remove(std::span<const VelocityPoint> velocity);
  void Apply(std::span<const CohortDelta> deltas);

  // {day_number, average, sample_size} for every day number with sample_size >= 1, ascending.
  std::vector<CohortAverage> Averages() const;

 private:
  struct Cell {
    std::int64_t views_gained_sum = 0;
    std::int64_t sample_size = 0;
  };
  Cell& CellAt(std::int32_t day_number);

  // Indexed by day number: velocities are dense from their first day, and day numbers are few.
  std::vector<Cell> cells_;
};

// What replacing `old_velocity` by `new_velocity` (either may be empty: a video entering or
// leaving the cohort) changes, one entry per day number whose sum or count changes, ascending.
// Reuses the capacity of *out.
void DiffVelocity(std::span<const VelocityPoint> old_velocity,
                  std::span<const VelocityPoint> new_velocity, std::vector<CohortDelta>* out);
std::vector<CohortDelta> DiffVelocity(std::span<const VelocityPoint> old_velocity,
                                      std::span<const VelocityPoint> new_velocity);

}  // namespace goatherd::metrics
