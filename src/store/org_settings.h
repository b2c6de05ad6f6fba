// The meaning of an organization's settings object (written by PATCH /org, stored as JSON text):
// scrape intervals per job kind, clamped up to the plan's floors, and the video tracking window.
// One definition, shared by the scheduler, GET /org and goal compliance's freshness.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace goatherd {

inline constexpr std::int64_t kDefaultVideoTrackingDays = 90;

// The interval in hours of scrape job `kind` ("creator_profiles", "discover_videos",
// "video_stats"): the setting `<kind>_hours` raised to `floor_hours` (the plan's
// `min_<kind>_hours`; nullopt = no floor), or the floor when the setting is absent or malformed.
double ScrapeIntervalHours(const std::string& settings_json, const std::string& kind,
                           std::optional<std::int64_t> floor_hours);

// `video_tracking_days`, or the default of 90 when absent or malformed.
std::int64_t VideoTrackingDays(const std::string& settings_json);

}  // namespace goatherd
