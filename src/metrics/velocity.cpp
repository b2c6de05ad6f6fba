#include "metrics/velocity.h"

#include <algorithm>

#include "core/time.h"

namespace goatherd::metrics {

void ComputeVelocity(const DayLevels& levels, std::optional<Timestamp> posted_at,
                     std::vector<VelocityPoint>* out) {
  out->clear();
  if (!posted_at || levels.days.empty()) return;
  const DayNumber posted_day = LocalDay(*posted_at, levels.zone);
  // The views gains are recomputed rather than read from DayLevel::gain because the day-0 rule
  // changes the high-water mark: after day 0 it is L(0), not max(level(baseline), L(0)), which
  // differs when the counts were corrected downward during day 0.
  std::int64_t high_water = 0;
  for (const DayLevel& day : levels.days) {
    const std::int64_t views = day.level[kViews];
    const std::int64_t day_number = std::int64_t{day.day} - posted_day;
    if (day.holds_baseline()) {
      if (day_number == 0 && day.holds_video_added && day.baseline_count == 1) {
        out->push_back(VelocityPoint{.day_number = 0, .views_gained = views});
        high_water = views;
      } else {
        high_water = std::max(day.last_baseline[kViews], views);
      }
      continue;
    }
    const std::int64_t gained = std::max<std::int64_t>(0, views - high_water);
    high_water = std::max(high_water, views);
    if (day_number >= 0) {
      out->push_back(VelocityPoint{.day_number = static_cast<std::int32_t>(day_number),
                                   .views_gained = gained});
    }
  }
}

std::vector<VelocityPoint> ComputeVelocity(const DayLevels& levels,
                                           std::optional<Timestamp> posted_at) {
  std::vector<VelocityPoint> velocity;
  ComputeVelocity(levels, posted_at, &velocity);
  return velocity;
}

}  // namespace goatherd::metrics
