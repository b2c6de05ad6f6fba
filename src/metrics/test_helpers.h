// Helpers shared by the metrics unit tests only: readable instants, dates, zones and snapshots.
// Thread-safety: pure functions.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>

#include "core/time.h"
#include "core/types.h"

namespace goatherd::metrics::testutil {

inline Timestamp At(const char* rfc3339) {
  const auto t = ParseTimestamp(rfc3339);
  EXPECT_TRUE(t.has_value()) << rfc3339;
  return t.value_or(0);
}

inline DayNumber Day(const char* yyyy_mm_dd) {
  const auto day = ParseDate(yyyy_mm_dd);
  EXPECT_TRUE(day.has_value()) << yyyy_mm_dd;
  return day.value_or(0);
}

inline const date::time_zone* Zone(const char* name) {
  const date::time_zone* zone = FindTimeZone(name);
  EXPECT_NE(zone, nullptr) << name;
  return zone;
}

// A snapshot with only views set.
inline VideoSnapshot Views(const char* at, std::int64_t views,
                           SnapshotReason reason = SnapshotReason::kNone) {
  return VideoSnapshot{.snapshot_at = At(at), .counts = {views, 0, 0, 0, 0}, .reason = reason};
}

// A snapshot with all five counts (views, likes, comments, shares, saves).
inline VideoSnapshot Counts(const char* at, VideoCounts counts,
                            SnapshotReason reason = SnapshotReason::kNone) {
  return VideoSnapshot{.snapshot_at = At(at), .counts = counts, .reason = reason};
}

inline constexpr SnapshotReason kAdded = SnapshotReason::kVideoAdded;
inline constexpr SnapshotReason kResumed = SnapshotReason::kTrackingResumed;

}  // namespace goatherd::metrics::testutil
