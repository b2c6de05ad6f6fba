#include "metrics/cohort.h"

#include <cassert>

namespace goatherd::metrics {

CohortAverage ComputeCohortAverage(std::int32_t day_number, std::int64_t views_gained_sum,
                                   std::int64_t sample_size) {
  return CohortAverage{
      .day_number = day_number,
      .avg_views_gained = RoundRatio(views_gained_sum, sample_size, kCohortAverageDecimals),
      .sample_size = sample_size,
  };
}

CohortSums::Cell& CohortSums::CellAt(std::int32_t day_number) {
  assert(day_number >= 0);
  const auto index = static_cast<std::size_t>(day_number);
  if (index >= cells_.size()) cells_.resize(index + 1);
  return cells_[index];
}

void CohortSums::Add(std::span<const VelocityPoint> velocity) {
  for (const VelocityPoint& point : velocity) {
    Cell& cell = CellAt(point.day_number);
    cell.views_gained_sum += point.views_gained;
    ++cell.sample_size;
  }
}

void CohortSums::Remove(std::span<const VelocityPoint> velocity) {
  for (const VelocityPoint& point : velocity) {
    Cell& cell = CellAt(point.day_number);
    cell.views_gained_sum -= point.views_gained;
    --cell.sample_size;
    assert(cell.sample_size >= 0);
  }
}

void CohortSums::Apply(std::span<const CohortDelta> deltas) {
  for (const CohortDelta& delta : deltas) {
    Cell& cell = CellAt(delta.day_number);
    cell.views_gained_sum += delta.views_gained_delta;
    cell.sample_size += delta.sample_size_delta;
    assert(cell.sample_size >= 0);
  }
}

std::vector<CohortAverage> CohortSums::Averages() const {
  std::vector<CohortAverage> averages;
  for (std::size_t day = 0; day < cells_.size(); ++day) {
    const Cell& cell = cells_[day];
    if (cell.sample_size < 1) continue;
    averages.push_back(ComputeCohortAverage(static_cast<std::int32_t>(day), cell.views_gained_sum,
                                            cell.sample_size));
  }
  return averages;
}

void DiffVelocity(std::span<const VelocityPoint> old_velocity,
                  std::span<const VelocityPoint> new_velocity, std::vector<CohortDelta>* out) {
  out->clear();
  // A merge of two ascending lists.
  auto old_it = old_velocity.begin();
  auto new_it = new_velocity.begin();
  while (old_it != old_velocity.end() || new_it != new_velocity.end()) {
    if (new_it == new_velocity.end() ||
        (old_it != old_velocity.end() && old_it->day_number < new_it->day_number)) {
      out->push_back({old_it->day_number, -old_it->views_gained, -1});
      ++old_it;
    } else if (old_it == old_velocity.end() || new_it->day_number < old_it->day_number) {
      out->push_back({new_it->day_number, new_it->views_gained, +1});
      ++new_it;
    } else {
      if (new_it->views_gained != old_it->views_gained) {
        out->push_back({new_it->day_number, new_it->views_gained - old_it->views_gained, 0});
      }
      ++old_it;
      ++new_it;
    }
  }
}

std::vector<CohortDelta> DiffVelocity(std::span<const VelocityPoint> old_velocity,
                                      std::span<const VelocityPoint> new_velocity) {
  std::vector<CohortDelta> deltas;
  DiffVelocity(old_velocity, new_velocity, &deltas);
  return deltas;
}

}  // namespace goatherd::metrics
