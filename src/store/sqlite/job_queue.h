// Queuing scrape jobs from inside another write transaction: adding a creator queues its
// profile and discovery jobs, adding a video by URL its stats job, a rename or re-enable a fresh
// profile refresh — all due at once (spec/scraping.md, "Scheduler").
// Thread-safety: functions over one connection inside the caller's transaction; see db.h.
#pragma once

#include <string>

#include "core/types.h"
#include "store/sqlite/db.h"

namespace goatherd::sqlite {

// Makes the (kind, target) job due at `now`, creating it if needed; an existing job keeps its
// attempt counters but loses any lease-free delay.
void QueueJobNow(Db& db, const std::string& org_id, const char* kind, const std::string& target_id,
                 Timestamp now);

// Both creator jobs (creator_profiles, discover_videos) due now.
void QueueCreatorJobsNow(Db& db, const std::string& org_id, const std::string& creator_id,
                         Timestamp now);

}  // namespace goatherd::sqlite
