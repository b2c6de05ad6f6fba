// The Analytics part of SqliteStore: an entity's videos with their snapshots, and its creators'
// profile snapshots, in one read transaction so that the series are of one instant; or, for a
// project or campaign in the organization's zone, its rollup rows (store/sqlite/rollups.h).
#include <algorithm>
#include <climits>

#include "store/sqlite/rollups.h"
#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/video_days.h"
#include "store/sqlite/video_rows.h"

namespace goatherd::sqlite {
namespace {

constexpr const char* kVideoById =
    "SELECT seq, id, creator_id, title, tiktok_video_id, posted_at, project_id FROM videos "
    "WHERE id = ?1 AND org_id = ?2";
constexpr const char* kCreatorVideos =
    "SELECT seq, id, creator_id, title, tiktok_video_id, posted_at, project_id FROM videos "
    "WHERE org_id = ?1 AND creator_id = ?2 "
    "AND tracking_status IN ('auto_tracked', 'included', 'direct_add') ORDER BY seq";
constexpr const char* kProjectVideos =
    "SELECT seq, id, creator_id, title, tiktok_video_id, posted_at, project_id FROM videos "
    "WHERE org_id = ?1 AND project_id = ?2 "
    "AND tracking_status IN ('auto_tracked', 'included', 'direct_add') ORDER BY seq";
constexpr const char* kCreatorById =
    "SELECT c.project_id, c.tiktok_handle, COALESCE(c.display_name_override, c.display_name) "
    "FROM creators c JOIN projects p ON p.id = c.project_id "
    "WHERE c.id = ?1 AND c.org_id = ?2 AND p.deleted_at IS NULL";
constexpr const char* kProjectById =
    "SELECT name FROM projects WHERE id = ?1 AND org_id = ?2 AND deleted_at IS NULL";
constexpr const char* kProjectCreators =
    "SELECT id FROM creators WHERE org_id = ?1 AND project_id = ?2 AND status <> 'removed' "
    "ORDER BY id";
constexpr const char* kFollowerSnapshots =
    "SELECT snapshot_at, follower_count FROM creator_snapshots WHERE creator_id = ?1 "
    "ORDER BY snapshot_at";

// Rollup reads.
constexpr const char* kRollupFresh =
    "SELECT o.cohort_rebuild, o.timezone, "
    "EXISTS (SELECT 1 FROM videos WHERE cohort_dirty = 1 AND org_id = ?1), "
    "EXISTS (SELECT 1 FROM rollup_dirty WHERE org_id = ?1) FROM organizations o WHERE o.id = ?1";
constexpr const char* kCampaignLabel =
    "SELECT c.name, c.project_id FROM campaigns c JOIN projects p ON p.id = c.project_id "
    "AND p.deleted_at IS NULL WHERE c.id = ?1 AND c.org_id = ?2";
constexpr const char* kRollupFirstDay =
    "SELECT min(day) FROM rollup_days WHERE org_id = ?1 AND scope_kind = ?2 AND scope_id = ?3 "
    "AND first_videos > 0";
constexpr const char* kRollupMemberCount =
    "SELECT count(*) FROM rollup_members WHERE org_id = ?1 AND scope_kind = ?2 AND scope_id = ?3";
constexpr const char* kRollupCreators =
    "SELECT DISTINCT v.creator_id FROM rollup_members m JOIN videos v ON v.seq = m.video_seq "
    "WHERE m.org_id = ?1 AND m.scope_kind = ?2 AND m.scope_id = ?3 AND v.creator_id IS NOT NULL "
    "ORDER BY 1";

// Breakdown ranking over a scope's members: ?4..?5 the range, ?6 how many. A gain over the range
// is the difference of two running sums (video_gain_sums), so each member costs two lookups.
#define GOATHERD_RANK(EXPR)                                                                  \
  "SELECT v.seq, v.id, COALESCE(v.title, v.tiktok_video_id), v.posted_at, " EXPR             \
  " AS total FROM rollup_members m JOIN videos v ON v.seq = m.video_seq "                    \
  "WHERE m.org_id = ?1 AND m.scope_kind = ?2 AND m.scope_id = ?3 ORDER BY total DESC, v.id " \
  "LIMIT ?6"
#define GOATHERD_GAIN_SUM(COL, CMP, DAY)                     \
  "COALESCE((SELECT " COL                                    \
  " FROM video_gain_sums g WHERE g.video_seq = m.video_seq " \
  "AND g.day " CMP " " DAY " ORDER BY g.day DESC LIMIT 1), 0)"
#define GOATHERD_GAIN(COL) \
  GOATHERD_RANK("(" GOATHERD_GAIN_SUM(COL, "<=", "?5") " - " GOATHERD_GAIN_SUM(COL, "<", "?4") ")")
#define GOATHERD_LEVEL(COL)                                           \
  GOATHERD_RANK("COALESCE((SELECT " COL                               \
                " FROM video_days d WHERE d.video_seq = m.video_seq " \
                "AND d.day <= ?5 ORDER BY d.day DESC LIMIT 1), 0)")
constexpr const char* kRankGains[kVideoMetricCount + 1] = {
    GOATHERD_GAIN("views"),    GOATHERD_GAIN("likes"),
    GOATHERD_GAIN("comments"), GOATHERD_GAIN("shares"),
    GOATHERD_GAIN("saves"),    GOATHERD_GAIN("likes + comments + shares + saves")};
constexpr const char* kRankLevels[kVideoMetricCount + 1] = {
    GOATHERD_LEVEL("view_count"),
    GOATHERD_LEVEL("like_count"),
    GOATHERD_LEVEL("comment_count"),
    GOATHERD_LEVEL("share_count"),
    GOATHERD_LEVEL("save_count"),
    GOATHERD_LEVEL("like_count + comment_count + share_count + save_count")};
constexpr const char* kRankPostedIn =
    GOATHERD_RANK("CASE WHEN m.posted_day BETWEEN ?4 AND ?5 THEN 1 ELSE 0 END");
constexpr const char* kRankPostedUpTo =
    GOATHERD_RANK("CASE WHEN m.posted_day <= ?5 THEN 1 ELSE 0 END");

// Reads the rows of one of the video statements above, with each video's snapshots.
void ReadVideos(Db& db, Stmt& s, std::vector<Store::AnalyticsVideo>* out,
                std::string* project_id = nullptr) {
  const std::size_t base = out->size();
  std::vector<std::int64_t> seqs;
  while (s.Step()) {
    seqs.push_back(s.Int(0));
    Store::AnalyticsVideo v;
    v.id = s.Text(1);
    v.creator_id = s.OptText(2);
    v.label = s.OptText(3).value_or(s.Text(4));
    v.posted_at = s.OptInt(5);
    if (project_id) *project_id = s.Text(6);
    out->push_back(std::move(v));
  }
  // Snapshots are read after the statement is done, so that the two never interleave.
  for (std::size_t i = 0; i < seqs.size(); ++i) {
    (*out)[base + i].snapshots = ReadSnapshots(db, seqs[i]);
  }
}

std::vector<CreatorSnapshot> ReadFollowers(Db& db, const std::string& creator_id) {
  auto s = db.Prepare(kFollowerSnapshots);
  s.Bind(1, creator_id);
  std::vector<CreatorSnapshot> out;
  while (s.Step()) {
    CreatorSnapshot snap;
    snap.creator_id = creator_id;
    snap.snapshot_at = s.Int(0);
    snap.follower_count = s.Int(1);
    out.push_back(snap);
  }
  return out;
}

}  // namespace

Result<Store::AnalyticsData> SqliteStore::ReadAnalyticsData(
    const std::string& org_id, const std::string& entity_type, const std::string& entity_id,
    const std::vector<std::string>& video_ids, bool followers) {
  return Guarded("analytics data", [&]() -> Result<AnalyticsData> {
    auto db = pool_.Acquire();
    ReadTxn txn(*db);
    AnalyticsData out;
    std::vector<std::string> creators;
    if (entity_type == "video") {
      auto s = db->Prepare(kVideoById);
      s.Bind(1, entity_id).Bind(2, org_id);
      ReadVideos(*db, s, &out.videos, &out.project_id);
      if (out.videos.empty()) return Error::NotFound("Video not found");
      out.label = out.videos.front().label;
      if (out.videos.front().creator_id) creators.push_back(*out.videos.front().creator_id);
    } else if (entity_type == "creator") {
      {
        auto s = db->Prepare(kCreatorById);
        s.Bind(1, entity_id).Bind(2, org_id);
        if (!s.Step()) return Error::NotFound("Creator not found");
        out.project_id = s.Text(0);
        out.label = s.OptText(2).value_or(s.Text(1));
      }
      auto s = db->Prepare(kCreatorVideos);
      s.Bind(1, org_id).Bind(2, entity_id);
      ReadVideos(*db, s, &out.videos);
      creators.push_back(entity_id);
    } else if (entity_type == "project") {
      {
        auto s = db->Prepare(kProjectById);
        s.Bind(1, entity_id).Bind(2, org_id);
        if (!s.Step()) return Error::NotFound("Project not found");
        out.label = s.Text(0);
        out.project_id = entity_id;
      }
      auto s = db->Prepare(kProjectVideos);
      s.Bind(1, org_id).Bind(2, entity_id);
      ReadVideos(*db, s, &out.videos);
      if (followers) {
        auto c = db->Prepare(kProjectCreators);
        c.Bind(1, org_id).Bind(2, entity_id);
        while (c.Step()) creators.push_back(c.Text(0));
      }
    } else {
      for (const std::string& id : video_ids) {
        auto s = db->Prepare(kVideoById);
        s.Bind(1, id).Bind(2, org_id);
        ReadVideos(*db, s, &out.videos);
      }
      for (const auto& v : out.videos) {
        if (v.creator_id) creators.push_back(*v.creator_id);
      }
      std::sort(creators.begin(), creators.end());
      creators.erase(std::unique(creators.begin(), creators.end()), creators.end());
    }
    if (followers) {
      for (const std::string& c : creators) out.followers.push_back(ReadFollowers(*db, c));
    }
    return out;
  });
}

Result<std::optional<Store::AnalyticsRollup>> SqliteStore::ReadAnalyticsRollup(
    const std::string& org_id, const std::string& entity_type, const std::string& entity_id,
    const RollupQuery& query) {
  return Guarded("analytics rollup", [&]() -> Result<std::optional<AnalyticsRollup>> {
    auto db = pool_.Acquire();
    if (HasDirtyRollups(*db, org_id)) {
      // A membership change marked scopes: rebuild them now, as any writer could have.
      WriteTxn txn(*db);
      FlushDirtyRollups(*db, org_id);
      txn.Commit();
    }
    ReadTxn txn(*db);
    const date::time_zone* zone = nullptr;
    {
      auto s = db->Prepare(kRollupFresh);
      s.Bind(1, org_id);
      // Deferred work pending, or a membership change since the flush: not current.
      if (!s.Step() || s.Int(0) != 0 || s.Int(2) != 0 || s.Int(3) != 0) {
        return std::optional<AnalyticsRollup>();
      }
      zone = FindTimeZone(s.Text(1));
    }
    AnalyticsRollup out;
    RollupScope kind = RollupScope::kProject;
    if (entity_type == "project") {
      auto s = db->Prepare(kProjectById);
      s.Bind(1, entity_id).Bind(2, org_id);
      if (!s.Step()) return Error::NotFound("Project not found");
      out.label = s.Text(0);
      out.project_id = entity_id;
    } else {
      kind = RollupScope::kCampaign;
      auto s = db->Prepare(kCampaignLabel);
      s.Bind(1, entity_id).Bind(2, org_id);
      if (!s.Step()) return Error::NotFound("Campaign not found");
      out.label = s.Text(0);
      out.project_id = s.Text(1);
    }
    const int k = static_cast<int>(kind);
    out.days = ReadRollupDays(*db, org_id, kind, entity_id, query.to);
    {
      auto s = db->Prepare(kRollupFirstDay);
      s.Bind(1, org_id).Bind(2, k).Bind(3, entity_id);
      if (s.Step() && !s.IsNull(0)) out.first_day = static_cast<DayNumber>(s.Int(0));
    }
    if (query.followers) {
      std::vector<std::string> creators;
      auto c = kind == RollupScope::kProject ? db->Prepare(kProjectCreators)
                                             : db->Prepare(kRollupCreators);
      if (kind == RollupScope::kProject) {
        c.Bind(1, org_id).Bind(2, entity_id);
      } else {
        c.Bind(1, org_id).Bind(2, k).Bind(3, entity_id);
      }
      while (c.Step()) creators.push_back(c.Text(0));
      for (const std::string& id : creators) out.followers.push_back(ReadFollowers(*db, id));
    }
    if (query.rank) {
      {
        auto s = db->Prepare(kRollupMemberCount);
        s.Bind(1, org_id).Bind(2, k).Bind(3, entity_id);
        if (s.Step()) out.video_count = s.Int(0);
      }
      const RollupRank& r = *query.rank;
      const int metric = std::clamp(r.metric, 0, static_cast<int>(kVideoMetricCount));
      const char* sql = r.kind == RollupRank::kGains      ? kRankGains[metric]
                        : r.kind == RollupRank::kLevel    ? kRankLevels[metric]
                        : r.kind == RollupRank::kPostedIn ? kRankPostedIn
                                                          : kRankPostedUpTo;
      std::vector<std::int64_t> seqs;
      {
        auto s = db->Prepare(sql);
        s.Bind(1, org_id).Bind(2, k).Bind(3, entity_id).Bind(4, r.from).Bind(5, r.to);
        s.Bind(6, static_cast<std::int64_t>(query.top));
        while (s.Step()) {
          seqs.push_back(s.Int(0));
          RollupVideo& v = out.top.emplace_back();
          v.id = s.Text(1);
          v.label = s.Text(2);
          v.posted_at = s.OptInt(3);
        }
      }
      for (std::size_t i = 0; i < seqs.size(); ++i) {
        ReadVideoDays(*db, seqs[i], INT_MIN / 2, query.to, zone, &out.top[i].levels);
      }
    }
    return std::optional<AnalyticsRollup>(std::move(out));
  });
}

}  // namespace goatherd::sqlite
