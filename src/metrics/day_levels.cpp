#include "metrics/day_levels.h"

#include <algorithm>

#include "metrics/local_day_mapper.h"

namespace goatherd::metrics {
namespace {

bool EarlierSnapshot(const VideoSnapshot& a, const VideoSnapshot& b) {
  return a.snapshot_at < b.snapshot_at;
}

// Fills out->days and out->baselines from snapshots already in time order.
void ComputeFromSorted(std::span<const VideoSnapshot> snapshots, DayLevels* out) {
  LocalDayMapper mapper(out->zone);
  // The high-water mark H of each metric since the latest baseline, over finished days.
  VideoCounts high_water{};
  // Closes the current day: its gains against the day's last baseline or against H.
  auto finish_day = [&high_water](DayLevel* day) {
    for (int m = 0; m < kVideoMetricCount; ++m) {
      if (day->holds_baseline()) {
        day->gain[m] = std::max<std::int64_t>(0, day->level[m] - day->last_baseline[m]);
        high_water[m] = std::max(day->last_baseline[m], day->level[m]);
      } else {
        day->gain[m] = std::max<std::int64_t>(0, day->level[m] - high_water[m]);
        high_water[m] = std::max(high_water[m], day->level[m]);
      }
    }
  };
  for (std::size_t i = 0; i < snapshots.size(); ++i) {
    const VideoSnapshot& snapshot = snapshots[i];
    DayNumber day = mapper.DayOf(snapshot.snapshot_at);
    // Local days never run backwards in the zones in use today, but a historical transition that
    // turned the clock back across midnight could; keeping the days ascending keeps every lookup
    // a binary search, and such a snapshot stays on the day already reached.
    if (!out->days.empty() && day < out->days.back().day) day = out->days.back().day;
    if (out->days.empty() || out->days.back().day != day) {
      if (!out->days.empty()) finish_day(&out->days.back());
      out->days.push_back(DayLevel{.day = day});
    }
    DayLevel& current = out->days.back();
    current.level = snapshot.counts;
    const bool earliest = i == 0;
    if (earliest || snapshot.reason != SnapshotReason::kNone) {
      ++current.baseline_count;
      current.holds_video_added |= earliest;
      current.last_baseline = snapshot.counts;
      out->baselines.push_back(Baseline{
          .snapshot_at = snapshot.snapshot_at,
          .reason = earliest ? SnapshotReason::kVideoAdded : snapshot.reason,
          .day = day,
      });
    }
  }
  if (!out->days.empty()) finish_day(&out->days.back());
}

}  // namespace

const DayLevel* DayLevels::Find(DayNumber day) const {
  auto it = std::lower_bound(days.begin(), days.end(), day,
                             [](const DayLevel& entry, DayNumber d) { return entry.day < d; });
  return it != days.end() && it->day == day ? &*it : nullptr;
}

void ComputeDayLevels(std::span<const VideoSnapshot> snapshots, const date::time_zone* zone,
                      DayLevels* out) {
  out->zone = zone;
  out->days.clear();
  out->baselines.clear();
  if (std::is_sorted(snapshots.begin(), snapshots.end(), EarlierSnapshot)) {
    ComputeFromSorted(snapshots, out);
    return;
  }
  std::vector<VideoSnapshot> sorted(snapshots.begin(), snapshots.end());
  std::stable_sort(sorted.begin(), sorted.end(), EarlierSnapshot);
  ComputeFromSorted(sorted, out);
}

DayLevels ComputeDayLevels(std::span<const VideoSnapshot> snapshots, const date::time_zone* zone) {
  DayLevels levels;
  ComputeDayLevels(snapshots, zone, &levels);
  return levels;
}

}  // namespace goatherd::metrics
