// The Aggregates part of SqliteStore (spec/analytics.md "Aggregates"): plain reads of one
// project's counted videos, ranked in SQL where SQL can rank, else handed to metrics/ whole.
#include <limits>

#include "store/sqlite/sqlite_store.h"

namespace goatherd::sqlite {
namespace {

#define GOATHERD_COUNTED "v.tracking_status IN ('auto_tracked', 'included', 'direct_add')"
// The WHERE terms of migration 13's partial indexes (videos_counted_views,
// videos_counted_posted), written exactly as there: SQLite uses a partial index only for a query
// that repeats them. `is_photo IS NOT NULL` is always true; it keeps those indexes to the
// statements below that gain from them (see the migration).
#define GOATHERD_COUNTED_INDEXED GOATHERD_COUNTED " AND v.is_photo IS NOT NULL"
// ?1 org, ?2 project.
#define GOATHERD_PROJECT(COUNTED) " WHERE v.org_id = ?1 AND v.project_id = ?2 AND " COUNTED
// A posted range [?3, ?4) (a missing bound is bound to the extreme value), as two plain
// comparisons that videos_counted_posted seeks. Without a range, videos whose posted_at is
// unknown count too, so that form has no posted_at term at all.
#define GOATHERD_POSTED_SEEK " AND v.posted_at >= ?3 AND v.posted_at < ?4"
// The same range as a filter (unary + keeps SQLite from seeking it): by views, walking
// videos_counted_views in order and reading posted_at from it beats sorting the range's rows.
#define GOATHERD_POSTED_FILTER " AND +v.posted_at >= ?3 AND +v.posted_at < ?4"
// Ties rank by id so that pages never overlap; SQLite sorts NULL posted_at last when descending.
// The page is cut on seqs alone, which the indexes cover for views and posted_at; only the
// page's rows are then read and joined to their creators.
#define GOATHERD_RANK(WHERE, COLUMN)                                                        \
  "SELECT v.seq, v.id, v.creator_id, v.title, COALESCE(c.tiktok_handle, v.author_handle), " \
  "v.tiktok_video_id, v.is_photo, v.view_count, v.like_count, v.comment_count, "            \
  "v.share_count, v.save_count, v.posted_at FROM (SELECT v.seq FROM videos v" WHERE         \
  " ORDER BY v." COLUMN                                                                     \
  " DESC, v.id LIMIT ?5 OFFSET ?6) r JOIN videos v ON v.seq = r.seq "                       \
  "LEFT JOIN creators c ON c.id = v.creator_id ORDER BY v." COLUMN " DESC, v.id"

struct RankStatement {
  const char* order;
  const char* all;    // no posted range
  const char* range;  // posted range
};
// Likes, comments, shares and saves have no index of their own (each would cost an update on
// every scrape and a slower bulk import): they scan as before.
#define GOATHERD_RANK_SCANNED(COLUMN)                                \
  COLUMN, GOATHERD_RANK(GOATHERD_PROJECT(GOATHERD_COUNTED), COLUMN), \
      GOATHERD_RANK(GOATHERD_PROJECT(GOATHERD_COUNTED) GOATHERD_POSTED_SEEK, COLUMN)
constexpr RankStatement kRankStatements[] = {
    {"view_count", GOATHERD_RANK(GOATHERD_PROJECT(GOATHERD_COUNTED_INDEXED), "view_count"),
     GOATHERD_RANK(GOATHERD_PROJECT(GOATHERD_COUNTED_INDEXED) GOATHERD_POSTED_FILTER,
                   "view_count")},
    {"posted_at", GOATHERD_RANK(GOATHERD_PROJECT(GOATHERD_COUNTED_INDEXED), "posted_at"),
     GOATHERD_RANK(GOATHERD_PROJECT(GOATHERD_COUNTED_INDEXED) GOATHERD_POSTED_SEEK, "posted_at")},
    {GOATHERD_RANK_SCANNED("like_count")},
    {GOATHERD_RANK_SCANNED("comment_count")},
    {GOATHERD_RANK_SCANNED("share_count")},
    {GOATHERD_RANK_SCANNED("save_count")},
};
constexpr const char* kRankCountAll =
    "SELECT COUNT(*) FROM videos v" GOATHERD_PROJECT(GOATHERD_COUNTED_INDEXED);
constexpr const char* kRankCountRange =
    "SELECT COUNT(*) FROM videos v" GOATHERD_PROJECT(GOATHERD_COUNTED_INDEXED) GOATHERD_POSTED_SEEK;

}  // namespace

Result<Store::VideoRanking> SqliteStore::RankVideos(const std::string& org_id,
                                                    const VideoRankQuery& q) {
  return Guarded("rank videos", [&]() -> Result<VideoRanking> {
    const RankStatement* statement = nullptr;
    for (const auto& r : kRankStatements) {
      if (q.order == r.order) statement = &r;
    }
    if (!statement) return Error::Internal();
    const bool ranged = q.posted_from || q.posted_before;
    const Timestamp from = q.posted_from.value_or(std::numeric_limits<Timestamp>::min());
    const Timestamp before = q.posted_before.value_or(std::numeric_limits<Timestamp>::max());
    auto db = pool_.Acquire();
    ReadTxn txn(*db);
    VideoRanking out;
    auto count = db->Prepare(ranged ? kRankCountRange : kRankCountAll);
    count.Bind(1, org_id).Bind(2, q.project_id);
    if (ranged) count.Bind(3, from).Bind(4, before);
    if (count.Step()) out.total_count = count.Int(0);
    if (q.offset >= out.total_count) return out;
    auto s = db->Prepare(ranged ? statement->range : statement->all);
    s.Bind(1, org_id).Bind(2, q.project_id);
    if (ranged) s.Bind(3, from).Bind(4, before);
    s.Bind(5, q.limit).Bind(6, q.offset);
    while (s.Step()) {
      AggregateVideo v;
      v.seq = s.Int(0);
      v.id = s.Text(1);
      v.creator_id = s.OptText(2);
      v.title = s.OptText(3);
      v.handle = s.OptText(4);
      v.tiktok_video_id = s.Text(5);
      v.is_photo = s.Int(6) != 0;
      for (int m = 0; m < kVideoMetricCount; ++m) v.counts[m] = s.Int(7 + m);
      v.posted_at = s.OptInt(12);
      out.items.push_back(std::move(v));
    }
    return out;
  });
}

Result<std::vector<Store::PostViews>> SqliteStore::CountedPostViews(const std::string& org_id,
                                                                    const std::string& project_id,
                                                                    Timestamp from,
                                                                    Timestamp before) {
  return Guarded("counted post views", [&]() -> Result<std::vector<PostViews>> {
    auto db = pool_.Acquire();
    auto s = db->Prepare(
        "SELECT v.posted_at, v.view_count FROM videos v WHERE v.org_id = ?1 AND "
        "v.project_id = ?2 AND " GOATHERD_COUNTED " AND v.posted_at >= ?3 AND v.posted_at < ?4");
    s.Bind(1, org_id).Bind(2, project_id).Bind(3, from).Bind(4, before);
    std::vector<PostViews> out;
    while (s.Step()) out.push_back({s.Int(0), s.Int(1)});
    return out;
  });
}

Result<std::vector<Store::AggregateVideo>> SqliteStore::CountedProjectVideos(
    const std::string& org_id, const std::string& project_id) {
  return Guarded("counted project videos", [&]() -> Result<std::vector<AggregateVideo>> {
    auto db = pool_.Acquire();
    auto s = db->Prepare(
        "SELECT v.seq, v.id, v.creator_id, v.view_count, v.like_count, v.comment_count, "
        "v.share_count, v.save_count, v.posted_at FROM videos v WHERE v.org_id = ?1 AND "
        "v.project_id = ?2 AND " GOATHERD_COUNTED " ORDER BY v.seq");
    s.Bind(1, org_id).Bind(2, project_id);
    std::vector<AggregateVideo> out;
    while (s.Step()) {
      AggregateVideo v;
      v.seq = s.Int(0);
      v.id = s.Text(1);
      v.creator_id = s.OptText(2);
      for (int m = 0; m < kVideoMetricCount; ++m) v.counts[m] = s.Int(3 + m);
      v.posted_at = s.OptInt(8);
      out.push_back(std::move(v));
    }
    return out;
  });
}

Result<Store::ProjectActivity> SqliteStore::ReadProjectActivity(const std::string& org_id,
                                                                const std::string& project_id,
                                                                Timestamp before, bool history) {
  return Guarded("project activity", [&]() -> Result<ProjectActivity> {
    auto db = pool_.Acquire();
    ReadTxn txn(*db);
    ProjectActivity out;
    auto creators = db->Prepare(
        "SELECT id, tiktok_handle, follower_count FROM creators WHERE org_id = ?1 AND "
        "project_id = ?2 ORDER BY tiktok_handle COLLATE NOCASE, id");
    creators.Bind(1, org_id).Bind(2, project_id);
    while (creators.Step()) {
      out.creators.push_back({creators.Text(0), creators.Text(1), creators.Int(2)});
    }
    auto videos = db->Prepare(
        "SELECT v.seq, v.creator_id, v.posted_at FROM videos v WHERE v.org_id = ?1 AND "
        "v.project_id = ?2 AND " GOATHERD_COUNTED " ORDER BY v.seq");
    videos.Bind(1, org_id).Bind(2, project_id);
    while (videos.Step()) {
      out.videos.push_back({videos.Int(0), videos.OptText(1), videos.OptInt(2), {}});
    }
    if (!history) return out;
    // One pass over the snapshots in (video, time) order, merged with the videos (same order).
    auto snaps = db->Prepare(
        "SELECT s.video_seq, s.snapshot_at, s.view_count, s.like_count, s.comment_count, "
        "s.share_count, s.save_count, s.reason FROM videos v JOIN video_snapshots s ON "
        "s.video_seq = v.seq WHERE v.org_id = ?1 AND v.project_id = ?2 AND " GOATHERD_COUNTED
        " AND s.snapshot_at < ?3 ORDER BY s.video_seq, s.snapshot_at");
    snaps.Bind(1, org_id).Bind(2, project_id).Bind(3, before);
    std::size_t at = 0;
    while (snaps.Step()) {
      const std::int64_t seq = snaps.Int(0);
      while (at < out.videos.size() && out.videos[at].seq < seq) ++at;
      if (at == out.videos.size()) break;
      if (out.videos[at].seq != seq) continue;
      VideoSnapshot snap;
      snap.snapshot_at = snaps.Int(1);
      for (int m = 0; m < kVideoMetricCount; ++m) snap.counts[m] = snaps.Int(2 + m);
      snap.reason = static_cast<SnapshotReason>(snaps.Int(7));
      out.videos[at].snapshots.push_back(snap);
    }
    auto profiles = db->Prepare(
        "SELECT s.creator_id, s.snapshot_at, s.follower_count, s.following_count, s.like_count, "
        "s.video_count FROM creators c JOIN creator_snapshots s ON s.creator_id = c.id "
        "WHERE c.org_id = ?1 AND c.project_id = ?2 AND s.snapshot_at < ?3 "
        "ORDER BY s.creator_id, s.snapshot_at");
    profiles.Bind(1, org_id).Bind(2, project_id).Bind(3, before);
    while (profiles.Step()) {
      out.creator_snapshots.push_back({profiles.Text(0), profiles.Int(1), profiles.Int(2),
                                       profiles.Int(3), profiles.Int(4), profiles.Int(5)});
    }
    return out;
  });
}

}  // namespace goatherd::sqlite
