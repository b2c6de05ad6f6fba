// Reading video rows and snapshots out of SQLite statements, shared by the queries that serve
// the Videos API and by cohort maintenance.
// Thread-safety: functions over one connection; see db.h.
#pragma once

#include <cstdint>
#include <vector>

#include "store/sqlite/db.h"
#include "store/store.h"

namespace goatherd::sqlite {

// The select list of a video with its creator's handle and status, and DAYS, an expression for
// the organization's video_tracking_days.
#define GOATHERD_VIDEO_VIEW_COLUMNS_WITH(DAYS)                                       \
  "v.id, v.org_id, v.project_id, v.creator_id, v.tiktok_video_id, v.is_photo, "      \
  "v.author_handle, v.title, v.description, v.metadata, v.cover_url, v.view_count, " \
  "v.like_count, v.comment_count, v.share_count, v.save_count, v.tracking_status, "  \
  "v.tracking_disabled, v.tracking_stopped_reason, v.posted_at, v.last_scraped_at, " \
  "v.created_at, v.updated_at, c.tiktok_handle, c.status, " DAYS ", v.seq "
// One video: the organization joined in.
#define GOATHERD_VIDEO_VIEW_COLUMNS \
  GOATHERD_VIDEO_VIEW_COLUMNS_WITH( \
      "COALESCE(json_extract(o.settings, '$.video_tracking_days'), 90)")
// A deleted project hides its videos everywhere (resources.md), from the API and the scheduler.
// The creator is read from an index that holds its handle and status (migration 17); SQLite
// would otherwise take the primary key's index, unique, without costing others, and then visit
// the table row.
#define GOATHERD_VIDEO_CREATOR_JOIN \
  "LEFT JOIN creators c INDEXED BY creators_handle_status ON c.id = v.creator_id "
#define GOATHERD_VIDEO_VIEW_FROM                                               \
  " FROM videos v JOIN projects p ON p.id = v.project_id AND p.deleted_at IS " \
  "NULL " GOATHERD_VIDEO_CREATOR_JOIN "JOIN organizations o ON o.id = v.org_id "
// Lists of one organization (?1): its setting read once per statement, not once per row.
#define GOATHERD_VIDEO_LIST_COLUMNS                                                               \
  GOATHERD_VIDEO_VIEW_COLUMNS_WITH(                                                               \
      "(SELECT COALESCE(json_extract(settings, '$.video_tracking_days'), 90) FROM organizations " \
      "WHERE id = ?1)")
#define GOATHERD_VIDEO_LIST_FROM                                               \
  " FROM videos v JOIN projects p ON p.id = v.project_id AND p.deleted_at IS " \
  "NULL " GOATHERD_VIDEO_CREATOR_JOIN

VideoView ReadVideoView(const Stmt& s);
// One video by id; confined to the organization when `org_id` is given (the API), of any
// organization when not (the scheduler).
std::optional<VideoView> FindVideo(Db& db, const std::string& id, const std::string* org_id);
std::vector<VideoSnapshot> ReadSnapshots(Db& db, std::int64_t video_seq);

// Videos that count toward max_tracked_videos_per_org: those that still refresh (the same rule
// as EnsureJobs) and are not excluded (spec/scraping.md).
std::int64_t CountTrackedVideos(Db& db, const std::string& org_id, Timestamp now);

}  // namespace goatherd::sqlite
