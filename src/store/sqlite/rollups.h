// Analytics rollups (spec/analytics.md): per organization, scope (a project or a campaign) and
// local day in the organization's timezone, the sums over the scope's videos of what the series
// engine needs (metrics::RollupDay: gains, videos with a gain, level changes, first snapshots,
// baselines, posts), so that a project or campaign series reads one row per day instead of every
// video's history.
//
// Invariant, kept in the caller's write transaction: the rows of a scope equal the sum, over the
// videos listed for it in rollup_members, of metrics::VideoRollupDays(the video's video_days
// rows, the posted day stored with the membership). SyncVideoRollups applies the difference of
// one video (old rows and scopes against new ones) whenever cohort_sync rewrites its day rows, so
// today's row is as current as the snapshots themselves: a series in the organization's zone
// "computes today live" by reading it. Membership changes that do not pass through a video
// (campaign items, a campaign's deletion, a creator's status) are marked by triggers in
// rollup_dirty in the same transaction; FlushDirtyRollups rebuilds those scopes (and the
// campaigns above them) from video_days before anyone reads them.
//
// video_gain_sums keeps, per video and day with a level, the running sum of the video's gains, so
// a breakdown ranks thousands of videos by their gain over a range with two lookups each.
// Thread-safety: functions over one connection; writers must hold a write transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "metrics/analytics_series.h"
#include "metrics/day_levels.h"
#include "store/sqlite/db.h"

namespace goatherd::sqlite {

enum class RollupScope { kProject = 0, kCampaign = 1 };

// What SyncVideoRollups needs from before the video's day rows are rewritten.
struct VideoRollupBefore {
  std::vector<metrics::RollupDay> old_days;  // the contribution as applied
};

// Reads the video's current contribution (call before WriteVideoDays).
VideoRollupBefore ReadVideoRollupBefore(Db& db, std::int64_t video_seq);

// The video as it now is, after WriteVideoDays wrote `levels`.
struct VideoRollupNow {
  std::int64_t seq = 0;
  std::string id, org_id, project_id;
  std::optional<std::string> creator_id;
  std::string tracking_status;
  std::optional<DayNumber> posted_day;  // in the organization's zone
  const metrics::DayLevels* levels = nullptr;
  // Running gain sums are rewritten from this day on (nullopt: all of them).
  std::optional<DayNumber> from_day;
};

// Moves the video's contribution from its old scopes and rows to its current ones.
void SyncVideoRollups(Db& db, const VideoRollupBefore& before, const VideoRollupNow& now);

// Rebuilds from video_days every dirty scope of `org_id` (all organizations when empty), each
// campaign together with the campaigns that contain it. Returns how many scopes were rebuilt.
int FlushDirtyRollups(Db& db, const std::string& org_id);
// Whether the organization has scopes waiting for FlushDirtyRollups.
bool HasDirtyRollups(Db& db, const std::string& org_id);

// Drops every rollup row of the organization (its zone changed): the SyncVideoCohort of each of
// its videos that follows adds them back in the new zone.
void ClearOrgRollups(Db& db, const std::string& org_id);

// Recomputes one scope from video_days (its members resolved afresh).
void RebuildScope(Db& db, const std::string& org_id, RollupScope kind, const std::string& id);

// The scope's rows with day <= `to`, ascending.
std::vector<metrics::RollupDay> ReadRollupDays(Db& db, const std::string& org_id, RollupScope kind,
                                               const std::string& id, DayNumber to);

}  // namespace goatherd::sqlite
