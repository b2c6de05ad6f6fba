// The Analytics part of SqliteStore: an entity's videos with their snapshots, and its creators'
// profile snapshots, in one read transaction so that the series are of one instant.
#include <algorithm>

#include "store/sqlite/sqlite_store.h"
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
    db->Exec("BEGIN");
    struct End {
      Db& db;
      ~End() {
        try {
          db.Exec("COMMIT");
        } catch (const SqliteError&) {
        }
      }
    } end{*db};
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

}  // namespace goatherd::sqlite
