// Keeps the running cohort sums of spec/videos.md current: whenever a video's snapshots, status,
// creator or posted_at change, SyncVideoCohort recomputes its velocity in the organization's zone
// and applies the difference to cohort_sums, in the caller's write transaction. A cohort answer
// then reads a few rows, whatever the size of the organization.
// Thread-safety: call inside a write transaction on the connection given.
#pragma once

#include <cstdint>
#include <string>

#include "store/sqlite/db.h"

namespace goatherd::sqlite {

void SyncVideoCohort(Db& db, std::int64_t video_seq);
// After a change of the organization's timezone: every video's velocity is recomputed.
void RebuildOrgCohorts(Db& db, const std::string& org_id);
// Completes what imports deferred: rebuilds organizations marked cohort_rebuild and syncs videos
// marked cohort_dirty, in short transactions of its own. Returns how many videos it synced.
std::int64_t SyncDeferredCohorts(Db& db);

// Invalidates cached stats answers of the organization (in every process).
void BumpStatsGeneration(Db& db, const std::string& org_id);

}  // namespace goatherd::sqlite
