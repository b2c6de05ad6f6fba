#include "store/sqlite/job_queue.h"

namespace goatherd::sqlite {

void QueueJobNow(Db& db, const std::string& org_id, const char* kind, const std::string& target_id,
                 Timestamp now) {
  db.Prepare(
        "INSERT INTO scrape_jobs (org_id, kind, target_id, due_at) VALUES (?1, ?2, ?3, ?4) "
        "ON CONFLICT (kind, target_id) DO UPDATE SET due_at = MIN(due_at, excluded.due_at)")
      .Bind(1, org_id)
      .Bind(2, kind)
      .Bind(3, target_id)
      .Bind(4, now)
      .Exec();
}

void QueueCreatorJobsNow(Db& db, const std::string& org_id, const std::string& creator_id,
                         Timestamp now) {
  QueueJobNow(db, org_id, "creator_profiles", creator_id, now);
  QueueJobNow(db, org_id, "discover_videos", creator_id, now);
}

}  // namespace goatherd::sqlite
