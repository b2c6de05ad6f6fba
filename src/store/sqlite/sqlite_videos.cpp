// The Videos part of SqliteStore: listing, one video, PATCH, snapshots, cohort sums.
#include <spdlog/spdlog.h>

#include "store/sqlite/cohort_sync.h"
#include "store/sqlite/json_equal.h"
#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/video_rows.h"

namespace goatherd::sqlite {

VideoView ReadVideoView(const Stmt& s) {
  VideoView view;
  Video& v = view.video;
  v.id = s.Text(0);
  v.org_id = s.Text(1);
  v.project_id = s.Text(2);
  v.creator_id = s.OptText(3);
  v.tiktok_video_id = s.Text(4);
  v.is_photo = s.Int(5) != 0;
  v.author_handle = s.OptText(6);
  v.title = s.OptText(7);
  v.description = s.OptText(8);
  v.metadata = s.Text(9);
  v.cover_url = s.OptText(10);
  for (int m = 0; m < kVideoMetricCount; ++m) v.counts[m] = s.Int(11 + m);
  v.tracking_status = s.Text(16);
  v.tracking_disabled = s.Int(17) != 0;
  v.tracking_stopped_reason = s.OptText(18);
  v.posted_at = s.OptInt(19);
  v.last_scraped_at = s.OptInt(20);
  v.created_at = s.Int(21);
  v.updated_at = s.Int(22);
  view.handle = s.OptText(23);
  if (!view.handle) view.handle = v.author_handle;
  view.creator_status = s.OptText(24);
  view.tracking_days = s.Int(25);
  view.seq = s.Int(26);
  return view;
}

std::vector<VideoSnapshot> ReadSnapshots(Db& db, std::int64_t video_seq) {
  auto s = db.Prepare(
      "SELECT snapshot_at, view_count, like_count, comment_count, share_count, save_count, "
      "reason FROM video_snapshots WHERE video_seq = ? ORDER BY snapshot_at");
  s.Bind(1, video_seq);
  std::vector<VideoSnapshot> out;
  while (s.Step()) {
    VideoSnapshot snap;
    snap.snapshot_at = s.Int(0);
    for (int m = 0; m < kVideoMetricCount; ++m) snap.counts[m] = s.Int(1 + m);
    snap.reason = static_cast<SnapshotReason>(s.Int(6));
    out.push_back(snap);
  }
  return out;
}

namespace {

// One statement per combination of filters and cursor, so each keeps its own index plan.
#define GOATHERD_LIST_VIDEOS(FILTER, AFTER)                               \
  "SELECT " GOATHERD_VIDEO_LIST_COLUMNS GOATHERD_VIDEO_LIST_FROM          \
  "WHERE v.org_id = ?1 AND v.tracking_status <> 'excluded' " FILTER AFTER \
  " ORDER BY v.created_at DESC, v.id DESC LIMIT ?6"
#define GOATHERD_AFTER " AND (v.created_at, v.id) < (?4, ?5)"
constexpr const char* kListVideos[2][2][2] = {
    {{GOATHERD_LIST_VIDEOS("", ""), GOATHERD_LIST_VIDEOS("", GOATHERD_AFTER)},
     {GOATHERD_LIST_VIDEOS("AND v.creator_id = ?3", ""),
      GOATHERD_LIST_VIDEOS("AND v.creator_id = ?3", GOATHERD_AFTER)}},
    {{GOATHERD_LIST_VIDEOS("AND v.project_id = ?2", ""),
      GOATHERD_LIST_VIDEOS("AND v.project_id = ?2", GOATHERD_AFTER)},
     {GOATHERD_LIST_VIDEOS("AND v.project_id = ?2 AND v.creator_id = ?3", ""),
      GOATHERD_LIST_VIDEOS("AND v.project_id = ?2 AND v.creator_id = ?3", GOATHERD_AFTER)}},
};

}  // namespace

std::optional<VideoView> FindVideo(Db& db, const std::string& id, const std::string* org_id) {
  auto s = org_id ? db.Prepare("SELECT " GOATHERD_VIDEO_VIEW_COLUMNS GOATHERD_VIDEO_VIEW_FROM
                               "WHERE v.id = ?1 AND v.org_id = ?2")
                  : db.Prepare("SELECT " GOATHERD_VIDEO_VIEW_COLUMNS GOATHERD_VIDEO_VIEW_FROM
                               "WHERE v.id = ?1");
  s.Bind(1, id);
  if (org_id) s.Bind(2, *org_id);
  if (!s.Step()) return std::nullopt;
  return ReadVideoView(s);
}

Result<Page<VideoView>> SqliteStore::ListVideos(const std::string& org_id,
                                                const VideoFilter& filter,
                                                const PageRequest& page) {
  return Guarded("list videos", [&]() -> Result<Page<VideoView>> {
    auto db = pool_.AcquireRead();
    auto s = db->Prepare(kListVideos[filter.project_id.has_value()][filter.creator_id.has_value()]
                                    [page.after.has_value()]);
    s.Bind(1, org_id);
    if (filter.project_id) s.Bind(2, *filter.project_id);
    if (filter.creator_id) s.Bind(3, *filter.creator_id);
    if (page.after) s.Bind(4, page.after->created_at).Bind(5, page.after->id);
    s.Bind(6, page.limit + 1);
    return ReadPage<VideoView>(s, page.limit, ReadVideoView);
  });
}

Result<VideoView> SqliteStore::GetVideo(const std::string& org_id, const std::string& id) {
  return Guarded("get video", [&]() -> Result<VideoView> {
    auto db = pool_.AcquireRead();
    auto v = FindVideo(*db, id, &org_id);
    if (!v) return Error::NotFound("Video not found");
    return *v;
  });
}

Result<VideoView> SqliteStore::UpdateVideo(const std::string& org_id, const std::string& id,
                                           const VideoPatch& patch, Timestamp now) {
  return Guarded("update video", [&]() -> Result<VideoView> {
    auto db = pool_.Acquire();
    WriteTxn txn(*db);
    auto current = FindVideo(*db, id, &org_id);
    if (!current) return Error::NotFound("Video not found");
    Video next = current->video;
    if (patch.tracking_status && *patch.tracking_status != next.tracking_status) {
      if (next.tracking_status == "direct_add") {
        return Error::Conflict("invalid_transition",
                               "A direct_add video has no Tracking Inbox decision to make");
      }
      next.tracking_status = *patch.tracking_status;
    } else if (patch.tracking_status && next.tracking_status == "direct_add") {
      return Error::Conflict("invalid_transition",
                             "A direct_add video has no Tracking Inbox decision to make");
    }
    if (patch.readme) next.description = *patch.readme;
    if (patch.metadata) next.metadata = *patch.metadata;
    const Video& was = current->video;
    const std::int64_t was_seq = current->seq;
    if (next.tracking_status == was.tracking_status && next.description == was.description &&
        SameJson(next.metadata, was.metadata)) {
      return *current;  // setting stored values changes nothing, updated_at included
    }
    db->Prepare(
          "UPDATE videos SET tracking_status = ?, description = ?, metadata = ?, updated_at = ? "
          "WHERE id = ? AND org_id = ?")
        .Bind(1, next.tracking_status)
        .Bind(2, next.description)
        .Bind(3, next.metadata)
        .Bind(4, now)
        .Bind(5, id)
        .Bind(6, org_id)
        .Exec();
    if (next.tracking_status != was.tracking_status) {
      SyncVideoCohort(*db, was_seq);
      BumpStatsGeneration(*db, org_id);
    }
    auto updated = FindVideo(*db, id, &org_id);
    txn.Commit();
    return *updated;
  });
}

Result<VideoWithSnapshots> SqliteStore::GetVideoWithSnapshots(const std::string& org_id,
                                                              const std::string& id) {
  return Guarded("video with snapshots", [&]() -> Result<VideoWithSnapshots> {
    auto db = pool_.AcquireRead();
    // One read transaction, so the row and its history are of the same instant.
    ReadTxn txn(*db);
    auto v = FindVideo(*db, id, &org_id);
    if (!v) return Error::NotFound("Video not found");
    VideoWithSnapshots out{std::move(*v), {}};
    out.snapshots = ReadSnapshots(*db, out.view.seq);
    return out;
  });
}

Result<std::vector<CohortRow>> SqliteStore::CohortSums(const std::string& org_id,
                                                       const std::string& creator_id) {
  return Guarded("cohort sums", [&]() -> Result<std::vector<CohortRow>> {
    auto db = pool_.AcquireRead();
    auto s = db->Prepare(
        "SELECT day_number, views_gained_sum, sample_size FROM cohort_sums "
        "WHERE org_id = ? AND creator_id = ? AND sample_size > 0 ORDER BY day_number");
    s.Bind(1, org_id).Bind(2, creator_id);
    std::vector<CohortRow> rows;
    while (s.Step()) {
      rows.push_back({static_cast<std::int32_t>(s.Int(0)), s.Int(1), s.Int(2)});
    }
    return rows;
  });
}

Result<std::vector<VideoHistory>> SqliteStore::CountedVideoHistories(
    const std::string& org_id, const std::string& creator_id) {
  return Guarded("counted video histories", [&]() -> Result<std::vector<VideoHistory>> {
    auto db = pool_.AcquireRead();
    auto s = creator_id.empty()
                 ? db->Prepare(
                       "SELECT v.seq, v.posted_at FROM videos v JOIN projects p ON p.id = "
                       "v.project_id AND p.deleted_at IS NULL WHERE v.org_id = ?1 AND "
                       "v.tracking_status IN ('auto_tracked', 'included', 'direct_add') AND ?2 = "
                       "''")
                 : db->Prepare(
                       "SELECT v.seq, v.posted_at FROM videos v JOIN projects p ON p.id = "
                       "v.project_id AND p.deleted_at IS NULL WHERE v.org_id = ?1 AND "
                       "v.creator_id = ?2 AND v.tracking_status IN ('auto_tracked', 'included')");
    s.Bind(1, org_id).Bind(2, creator_id);
    std::vector<std::pair<std::int64_t, std::optional<Timestamp>>> videos;
    while (s.Step()) videos.emplace_back(s.Int(0), s.OptInt(1));
    std::vector<VideoHistory> out;
    out.reserve(videos.size());
    for (const auto& [seq, posted_at] : videos) {
      out.push_back({posted_at, ReadSnapshots(*db, seq)});
    }
    return out;
  });
}

Result<std::int64_t> SqliteStore::StatsGeneration(const std::string& org_id) {
  return Guarded("stats generation", [&]() -> Result<std::int64_t> {
    auto db = pool_.AcquireRead();
    auto s = db->Prepare("SELECT stats_generation FROM organizations WHERE id = ?");
    s.Bind(1, org_id);
    return s.Step() ? s.Int(0) : 0;
  });
}

}  // namespace goatherd::sqlite
