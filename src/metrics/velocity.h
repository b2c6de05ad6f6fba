// Velocity of a video: the views it gained on each day since it was posted (the legacy shape of
// GET /videos/{id}/stats, spec/videos.md "Legacy shape"), the series cohort averages are made of.
// Day number n is the local day date(posted_at) + n. A day holding a baseline is left out (its
// gain covers only part of the day), except day 0 when it holds the video_added baseline and no
// other: a post starts from zero views, so day 0 gained its whole level L(0), and later days are
// measured against L(0).
// Thread-safety: pure functions over values.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/types.h"
#include "metrics/day_levels.h"

namespace goatherd::metrics {

struct VelocityPoint {
  std::int32_t day_number = 0;
  std::int64_t views_gained = 0;

  friend bool operator==(const VelocityPoint&, const VelocityPoint&) = default;
};

// The velocity of the video whose day levels are `levels` (in levels.zone), ascending by
// day_number, only days with n >= 0 and a defined gain. Empty when posted_at is null. Reuses the
// capacity of *out.
void ComputeVelocity(const DayLevels& levels, std::optional<Timestamp> posted_at,
                     std::vector<VelocityPoint>* out);
std::vector<VelocityPoint> ComputeVelocity(const DayLevels& levels,
                                           std::optional<Timestamp> posted_at);

}  // namespace goatherd::metrics
