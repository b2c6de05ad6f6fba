// The video writes of SqliteStore beyond PATCH: adding a video by URL, hard deletion, the
// tracking switches, and the Tracking Inbox (its list and its all-or-nothing decisions). Each
// write is one short BEGIN IMMEDIATE transaction that also keeps the cohort sums, the scrape
// jobs and the stats generation consistent with the rows.
#include <set>

#include "store/sqlite/cohort_sync.h"
#include "store/sqlite/job_queue.h"
#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/video_rows.h"

namespace goatherd::sqlite {
namespace {

bool LiveProjectExists(Db& db, const std::string& org_id, const std::string& project_id) {
  auto s = db.Prepare("SELECT 1 FROM projects WHERE id = ? AND org_id = ? AND deleted_at IS NULL");
  s.Bind(1, project_id).Bind(2, org_id);
  return s.Step();
}

// Whether the scheduler would refresh this video apart from its own tracking switch.
bool WouldRefresh(const VideoView& view, Timestamp now) {
  const Video& v = view.video;
  if (v.tracking_stopped_reason || v.tracking_status == "excluded") return false;
  if (view.creator_status && *view.creator_status != "active") return false;
  return v.posted_at.value_or(v.created_at) + view.tracking_days * 86400 > now;
}

// Switches one video's tracking inside the caller's transaction; false when it already was so.
bool ApplyTracking(Db& db, const VideoView& view, bool enabled, Timestamp now) {
  const Video& v = view.video;
  if (v.tracking_disabled == !enabled) return false;
  db.Prepare(
        "UPDATE videos SET tracking_disabled = ?1, updated_at = ?2, "
        "resume_baseline_pending = CASE WHEN ?1 = 0 THEN 1 ELSE resume_baseline_pending END "
        "WHERE seq = ?3")
      .Bind(1, !enabled)
      .Bind(2, now)
      .Bind(3, view.seq)
      .Exec();
  if (enabled) {
    if (WouldRefresh(view, now)) QueueJobNow(db, v.org_id, "video_stats", v.id, now);
  } else {
    db.Prepare("DELETE FROM scrape_jobs WHERE kind = 'video_stats' AND target_id = ?")
        .Bind(1, v.id)
        .Exec();
  }
  return true;
}

std::vector<MetaField> IdsMeta(const std::vector<std::string>& ids) { return {{"video_ids", ids}}; }

}  // namespace

std::int64_t CountTrackedVideos(Db& db, const std::string& org_id, Timestamp now) {
  auto s = db.Prepare(
      "SELECT count(*) FROM videos v JOIN organizations o ON o.id = v.org_id "
      "JOIN projects p ON p.id = v.project_id LEFT JOIN creators c ON c.id = v.creator_id "
      "WHERE v.org_id = ?1 AND v.tracking_disabled = 0 AND v.tracking_stopped_reason IS NULL "
      "AND v.tracking_status <> 'excluded' AND p.deleted_at IS NULL "
      "AND (c.id IS NULL OR c.status = 'active') "
      "AND COALESCE(v.posted_at, v.created_at) + "
      "COALESCE(json_extract(o.settings, '$.video_tracking_days'), 90) * 86400 > ?2");
  s.Bind(1, org_id).Bind(2, now);
  return s.Step() ? s.Int(0) : 0;
}

Result<VideoView> SqliteStore::CreateDirectVideo(const Video& video, Timestamp now) {
  return Guarded("create direct video", [&]() -> Result<VideoView> {
    auto db = pool_.Acquire();
    WriteTxn txn(*db);
    if (!LiveProjectExists(*db, video.org_id, video.project_id)) {
      return Error::NotFound("Project not found");
    }
    // api-conventions.md: 402 before 409.
    if (Status st = CheckCountLimitLazily(
            *db, video.org_id, "max_tracked_videos_per_org",
            [&] { return CountTrackedVideos(*db, video.org_id, now); }, 1);
        !st) {
      return st.error();
    }
    {
      auto dup = db->Prepare(
          "SELECT id FROM videos WHERE project_id = ? AND tiktok_video_id = ? AND org_id = ?");
      dup.Bind(1, video.project_id).Bind(2, video.tiktok_video_id).Bind(3, video.org_id);
      if (dup.Step()) {
        return Error(409, "duplicate",
                     "This project already tracks TikTok post " + video.tiktok_video_id,
                     {{"existing_id", dup.Text(0)}});
      }
    }
    db->Prepare(
          "INSERT INTO videos (id, org_id, project_id, creator_id, tiktok_video_id, is_photo, "
          "author_handle, tracking_status, created_at, updated_at) "
          "VALUES (?, ?, ?, NULL, ?, ?, ?, 'direct_add', ?, ?)")
        .Bind(1, video.id)
        .Bind(2, video.org_id)
        .Bind(3, video.project_id)
        .Bind(4, video.tiktok_video_id)
        .Bind(5, video.is_photo)
        .Bind(6, video.author_handle)
        .Bind(7, video.created_at)
        .Bind(8, video.created_at)
        .Exec();
    QueueJobNow(*db, video.org_id, "video_stats", video.id, now);
    auto created = FindVideo(*db, video.id, &video.org_id);
    txn.Commit();
    if (!created) return Error::Internal();
    return *created;
  });
}

Status SqliteStore::DeleteVideo(const std::string& org_id, const std::string& id) {
  return Guarded("delete video", [&]() -> Status {
    auto db = pool_.Acquire();
    WriteTxn txn(*db);
    auto s = db->Prepare("SELECT seq, in_cohort FROM videos WHERE id = ? AND org_id = ?");
    s.Bind(1, id).Bind(2, org_id);
    if (!s.Step()) return Error::NotFound("Video not found");
    const std::int64_t seq = s.Int(0);
    const bool in_cohort = s.Int(1) != 0;
    if (in_cohort) {
      // Uncounting the video first makes SyncVideoCohort take its whole contribution out of
      // cohort_sums, exactly as a decision to exclude it would.
      db->Prepare("UPDATE videos SET tracking_status = 'excluded' WHERE seq = ?")
          .Bind(1, seq)
          .Exec();
      SyncVideoCohort(*db, seq);
    }
    db->Prepare("DELETE FROM scrape_jobs WHERE kind = 'video_stats' AND target_id = ?")
        .Bind(1, id)
        .Exec();
    // Snapshots and velocity rows go by foreign-key cascade, campaign memberships by the
    // videos_drop_memberships trigger of the campaigns migration.
    db->Prepare("DELETE FROM videos WHERE seq = ? AND org_id = ?")
        .Bind(1, seq)
        .Bind(2, org_id)
        .Exec();
    BumpStatsGeneration(*db, org_id);
    txn.Commit();
    return Status::Ok();
  });
}

Result<VideoView> SqliteStore::SetVideoTracking(const std::string& org_id, const std::string& id,
                                                bool enabled, Timestamp now) {
  return Guarded("set video tracking", [&]() -> Result<VideoView> {
    auto db = pool_.Acquire();
    WriteTxn txn(*db);
    auto current = FindVideo(*db, id, &org_id);
    if (!current) return Error::NotFound("Video not found");
    if (!ApplyTracking(*db, *current, enabled, now)) return *current;  // already so: no change
    BumpStatsGeneration(*db, org_id);
    auto updated = FindVideo(*db, id, &org_id);
    txn.Commit();
    return *updated;
  });
}

Result<std::vector<Result<VideoView>>> SqliteStore::DisableVideosTracking(
    const std::string& org_id, const std::string& project_id, const std::vector<std::string>& ids,
    Timestamp now) {
  return Guarded("bulk disable tracking", [&]() -> Result<std::vector<Result<VideoView>>> {
    auto db = pool_.Acquire();
    WriteTxn txn(*db);
    if (!LiveProjectExists(*db, org_id, project_id)) return Error::NotFound("Project not found");
    std::vector<Result<VideoView>> out;
    out.reserve(ids.size());
    bool changed = false;
    for (const std::string& id : ids) {
      auto current = FindVideo(*db, id, &org_id);
      if (!current || current->video.project_id != project_id) {
        out.emplace_back(Error::NotFound("Video not found in this project"));
        continue;
      }
      if (!ApplyTracking(*db, *current, /*enabled=*/false, now)) {
        out.emplace_back(std::move(*current));
        continue;
      }
      changed = true;
      out.emplace_back(*FindVideo(*db, id, &org_id));
    }
    if (changed) BumpStatsGeneration(*db, org_id);
    txn.Commit();
    return out;
  });
}

Result<Page<VideoView>> SqliteStore::ListInbox(const std::string& org_id,
                                               const std::string& project_id,
                                               const PageRequest& page) {
  return Guarded("list inbox", [&]() -> Result<Page<VideoView>> {
    auto db = pool_.Acquire();
    if (!LiveProjectExists(*db, org_id, project_id)) return Error::NotFound("Project not found");
    // Oldest first; the literal status lets SQLite use the partial index videos_inbox.
    auto s = page.after
                 ? db->Prepare("SELECT " GOATHERD_VIDEO_LIST_COLUMNS GOATHERD_VIDEO_LIST_FROM
                               "WHERE v.project_id = ?2 AND v.tracking_status = 'pending_review' "
                               "AND v.org_id = ?1 AND (v.created_at, v.id) > (?3, ?4) "
                               "ORDER BY v.created_at, v.id LIMIT ?5")
                 : db->Prepare("SELECT " GOATHERD_VIDEO_LIST_COLUMNS GOATHERD_VIDEO_LIST_FROM
                               "WHERE v.project_id = ?2 AND v.tracking_status = 'pending_review' "
                               "AND v.org_id = ?1 ORDER BY v.created_at, v.id LIMIT ?5");
    s.Bind(1, org_id).Bind(2, project_id);
    if (page.after) s.Bind(3, page.after->created_at).Bind(4, page.after->id);
    s.Bind(5, page.limit + 1);
    return ReadPage<VideoView>(s, page.limit, ReadVideoView);
  });
}

Result<std::vector<VideoView>> SqliteStore::DecideVideos(const std::string& org_id,
                                                         const std::string& project_id,
                                                         const std::vector<std::string>& ids,
                                                         const std::string& decision,
                                                         Timestamp now) {
  return Guarded("decide videos", [&]() -> Result<std::vector<VideoView>> {
    auto db = pool_.Acquire();
    WriteTxn txn(*db);
    if (!LiveProjectExists(*db, org_id, project_id)) return Error::NotFound("Project not found");
    std::vector<VideoView> found;
    found.reserve(ids.size());
    std::vector<std::string> missing;
    std::vector<std::string> direct;
    for (const std::string& id : ids) {
      auto v = FindVideo(*db, id, &org_id);
      if (!v || v->video.project_id != project_id) {
        missing.push_back(id);
      } else {
        if (v->video.tracking_status == "direct_add") direct.push_back(id);
        found.push_back(std::move(*v));
      }
    }
    // Nothing is written before every id has passed, so a refusal changes nothing.
    if (!missing.empty()) {
      return Error(404, "not_found",
                   std::to_string(missing.size()) +
                       " of the videos are not in this project; nothing was decided",
                   IdsMeta(missing));
    }
    if (!direct.empty()) {
      return Error(409, "invalid_transition",
                   std::to_string(direct.size()) +
                       " of the videos were added directly (direct_add) and have no Tracking "
                       "Inbox decision to make; nothing was decided",
                   IdsMeta(direct));
    }
    bool changed = false;
    for (VideoView& v : found) {
      if (v.video.tracking_status == decision) continue;  // a stored value changes nothing
      db->Prepare("UPDATE videos SET tracking_status = ?, updated_at = ? WHERE seq = ?")
          .Bind(1, decision)
          .Bind(2, now)
          .Bind(3, v.seq)
          .Exec();
      SyncVideoCohort(*db, v.seq);
      v = *FindVideo(*db, v.video.id, &org_id);
      changed = true;
    }
    if (changed) BumpStatsGeneration(*db, org_id);
    txn.Commit();
    return found;
  });
}

}  // namespace goatherd::sqlite
