// Day levels, baselines and gains of one video: the base every per-day video metric is computed
// from (spec/videos.md, "Day levels, gains and baselines"). The level L(d) of local day d is the
// last snapshot of that day; a baseline (the video's earliest snapshot, and every snapshot that
// resumes tracking) starts counting afresh; the gain G(d) is what the day added over the
// high-water mark, so downward corrections never count a view twice.
// Thread-safety: pure functions over values; a DayLevels may be read from many threads.
#pragma once

#include <span>
#include <vector>

#include "core/time.h"
#include "core/types.h"

namespace goatherd::metrics {

// One baseline snapshot. The earliest snapshot of a video is always reported as kVideoAdded,
// whatever its stored reason.
struct Baseline {
  Timestamp snapshot_at = 0;
  SnapshotReason reason = SnapshotReason::kVideoAdded;
  DayNumber day = 0;  // local day of snapshot_at
};

// One local day that holds at least one snapshot.
struct DayLevel {
  DayNumber day = 0;
  VideoCounts level{};             // L(d): the counts of the day's last snapshot
  VideoCounts gain{};              // G(d) of each metric
  int baseline_count = 0;          // baselines taken on this day
  bool holds_video_added = false;  // the video's earliest snapshot is on this day
  VideoCounts last_baseline{};     // counts of the day's last baseline; valid if baseline_count > 0

  bool holds_baseline() const { return baseline_count > 0; }
  // G_likes + G_comments + G_shares + G_saves.
  std::int64_t engagement_gain() const {
    return gain[kLikes] + gain[kComments] + gain[kShares] + gain[kSaves];
  }
};

struct DayLevels {
  const date::time_zone* zone = nullptr;  // the zone the days are local to
  std::vector<DayLevel> days;             // ascending by day; days without snapshots are absent
  std::vector<Baseline> baselines;        // ascending by snapshot_at

  // The entry of `day`, or nullptr when the day has no snapshot. O(log days).
  const DayLevel* Find(DayNumber day) const;
};

// Computes the day levels of a video's snapshots (any order; ties on snapshot_at keep their
// input order) in `zone`. Reuses the capacity of *out, so a caller looping over many videos
// allocates only while its buffers grow. Sorting copies the snapshots only when they are not
// already in time order.
void ComputeDayLevels(std::span<const VideoSnapshot> snapshots, const date::time_zone* zone,
                      DayLevels* out);
DayLevels ComputeDayLevels(std::span<const VideoSnapshot> snapshots, const date::time_zone* zone);

}  // namespace goatherd::metrics
