// Keeps the running aggregates of spec/videos.md current: whenever a video's snapshots, status,
// creator or posted_at change, SyncVideoCohort recomputes its day levels (video_days) and its
// velocity in the organization's zone and applies the difference to cohort_sums, in the caller's
// write transaction. A cohort answer then reads a few rows, whatever the size of the
// organization, and a series in the organization's zone one row per day.
// Thread-safety: call inside a write transaction on the connection given.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/types.h"
#include "store/sqlite/db.h"

namespace goatherd::sqlite {

// After any change to the video (status, creator, deleted snapshots, ...): all of its rows.
void SyncVideoCohort(Db& db, std::int64_t video_seq);
// After a snapshot taken at `changed_at` was written (nullopt: as SyncVideoCohort): only the day
// rows from that snapshot's day on can change, so only those are rewritten.
void SyncVideoAggregates(Db& db, std::int64_t video_seq, std::optional<Timestamp> changed_at);
// After a project's (soft) deletion: its videos leave the organization's and their creators'
// averages at once, not at the purge 30 days later.
void RemoveProjectFromCohorts(Db& db, const std::string& org_id, const std::string& project_id);
// After a change of the organization's timezone: every video's days and velocity are recomputed.
void RebuildOrgCohorts(Db& db, const std::string& org_id);
// Completes what imports deferred: rebuilds organizations marked cohort_rebuild and syncs videos
// marked cohort_dirty, in short transactions of its own. Returns how many videos it synced.
std::int64_t SyncDeferredCohorts(Db& db);

// Invalidates cached stats answers of the organization (in every process).
void BumpStatsGeneration(Db& db, const std::string& org_id);

}  // namespace goatherd::sqlite
