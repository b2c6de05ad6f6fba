// Goals of creators and the data goal compliance is computed from (spec/analytics.md "Goals").
#include "store/sqlite/creator_rows.h"
#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/video_rows.h"

namespace goatherd::sqlite {
namespace {

#define GOATHERD_GOAL_COLUMNS                                                           \
  "id, org_id, creator_id, project_id, metric, period, target_hundredths, start_date, " \
  "end_date, is_active, created_at, updated_at"

Goal ReadGoal(const Stmt& s) {
  Goal g;
  g.id = s.Text(0);
  g.org_id = s.Text(1);
  g.creator_id = s.Text(2);
  g.project_id = s.Text(3);
  g.metric = s.Text(4);
  g.period = s.Text(5);
  g.target_hundredths = s.Int(6);
  g.start_date = s.OptText(7);
  g.end_date = s.OptText(8);
  g.is_active = s.Int(9) != 0;
  g.created_at = s.Int(10);
  g.updated_at = s.Int(11);
  return g;
}

std::optional<Goal> FindGoal(Db& db, const std::string& org_id, const std::string& id) {
  auto s = db.Prepare("SELECT " GOATHERD_GOAL_COLUMNS " FROM goals WHERE id = ? AND org_id = ?");
  s.Bind(1, id).Bind(2, org_id);
  if (!s.Step()) return std::nullopt;
  return ReadGoal(s);
}

// The project of a creator that goals may be set on: of this organization, not removed, in a
// project that is not deleted.
std::optional<std::string> GoalCreatorProject(Db& db, const std::string& org_id,
                                              const std::string& creator_id) {
  auto s = db.Prepare(
      "SELECT c.project_id FROM creators c JOIN projects p ON p.id = c.project_id "
      "WHERE c.id = ? AND c.org_id = ? AND c.status <> 'removed' AND p.deleted_at IS NULL");
  s.Bind(1, creator_id).Bind(2, org_id);
  if (!s.Step()) return std::nullopt;
  return s.Text(0);
}

}  // namespace

Result<Page<Goal>> SqliteStore::ListGoals(const std::string& org_id, const std::string& creator_id,
                                          const PageRequest& page) {
  return Guarded("list goals", [&]() -> Result<Page<Goal>> {
    auto db = pool_.Acquire();
    if (!GoalCreatorProject(*db, org_id, creator_id)) return Error::NotFound("Creator not found");
    auto s = page.after ? db->Prepare("SELECT " GOATHERD_GOAL_COLUMNS
                                      " FROM goals WHERE org_id = ?1 AND creator_id = ?2 AND "
                                      "(created_at, id) < (?4, ?5) "
                                      "ORDER BY created_at DESC, id DESC LIMIT ?3")
                        : db->Prepare("SELECT " GOATHERD_GOAL_COLUMNS
                                      " FROM goals WHERE org_id = ?1 AND creator_id = ?2 "
                                      "ORDER BY created_at DESC, id DESC LIMIT ?3");
    s.Bind(1, org_id).Bind(2, creator_id).Bind(3, page.limit + 1);
    if (page.after) s.Bind(4, page.after->created_at).Bind(5, page.after->id);
    return ReadPage<Goal>(s, page.limit, ReadGoal);
  });
}

Result<Goal> SqliteStore::GetGoal(const std::string& org_id, const std::string& id) {
  return Guarded("get goal", [&]() -> Result<Goal> {
    auto db = pool_.Acquire();
    auto g = FindGoal(*db, org_id, id);
    if (!g) return Error::NotFound("Goal not found");
    return *g;
  });
}

Result<Goal> SqliteStore::CreateGoal(const Goal& goal) {
  return Guarded("create goal", [&]() -> Result<Goal> {
    auto db = pool_.Acquire();
    WriteTxn txn(*db);
    auto project = GoalCreatorProject(*db, goal.org_id, goal.creator_id);
    if (!project) return Error::NotFound("Creator not found");
    Goal g = goal;
    g.project_id = *project;
    db->Prepare("INSERT INTO goals (" GOATHERD_GOAL_COLUMNS
                ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .Bind(1, g.id)
        .Bind(2, g.org_id)
        .Bind(3, g.creator_id)
        .Bind(4, g.project_id)
        .Bind(5, g.metric)
        .Bind(6, g.period)
        .Bind(7, g.target_hundredths)
        .Bind(8, g.start_date)
        .Bind(9, g.end_date)
        .Bind(10, g.is_active)
        .Bind(11, g.created_at)
        .Bind(12, g.updated_at)
        .Exec();
    txn.Commit();
    return g;
  });
}

Result<Goal> SqliteStore::UpdateGoal(const std::string& org_id, const std::string& id,
                                     const GoalPatch& patch, Timestamp now) {
  return Guarded("update goal", [&]() -> Result<Goal> {
    auto db = pool_.Acquire();
    WriteTxn txn(*db);
    auto current = FindGoal(*db, org_id, id);
    if (!current) return Error::NotFound("Goal not found");
    Goal g = *current;
    if (patch.metric) g.metric = *patch.metric;
    if (patch.period) g.period = *patch.period;
    if (patch.target_hundredths) g.target_hundredths = *patch.target_hundredths;
    if (patch.start_date) g.start_date = *patch.start_date;
    if (patch.end_date) g.end_date = *patch.end_date;
    if (patch.is_active) g.is_active = *patch.is_active;
    // Dates are YYYY-MM-DD, so text order is date order.
    if (g.start_date && g.end_date && *g.end_date < *g.start_date) {
      return Error::InvalidBody("Field 'end_date' must not be before 'start_date' (" +
                                *g.start_date + ")");
    }
    g.updated_at = now;
    db->Prepare(
          "UPDATE goals SET metric = ?, period = ?, target_hundredths = ?, start_date = ?, "
          "end_date = ?, is_active = ?, updated_at = ? WHERE id = ? AND org_id = ?")
        .Bind(1, g.metric)
        .Bind(2, g.period)
        .Bind(3, g.target_hundredths)
        .Bind(4, g.start_date)
        .Bind(5, g.end_date)
        .Bind(6, g.is_active)
        .Bind(7, g.updated_at)
        .Bind(8, id)
        .Bind(9, org_id)
        .Exec();
    txn.Commit();
    return g;
  });
}

Status SqliteStore::DeleteGoal(const std::string& org_id, const std::string& id) {
  return Guarded("delete goal", [&]() -> Status {
    auto db = pool_.Acquire();
    db->Prepare("DELETE FROM goals WHERE id = ? AND org_id = ?").Bind(1, id).Bind(2, org_id).Exec();
    if (db->Changes() == 0) return Error::NotFound("Goal not found");
    return Status::Ok();
  });
}

Result<std::vector<GoalCreatorData>> SqliteStore::GoalComplianceData(
    const std::string& org_id, const std::string& project_id,
    const std::optional<std::string>& creator_id) {
  return Guarded("goal compliance data", [&]() -> Result<std::vector<GoalCreatorData>> {
    auto db = pool_.Acquire();
    // One read transaction, so goals, posts and snapshots are of one moment.
    ReadTxn txn(*db);
    auto project =
        db->Prepare("SELECT 1 FROM projects WHERE id = ? AND org_id = ? AND deleted_at IS NULL");
    project.Bind(1, project_id).Bind(2, org_id);
    if (!project.Step()) return Error::NotFound("Project not found");
    if (creator_id) {
      auto creator = db->Prepare(
          "SELECT 1 FROM creators WHERE id = ? AND org_id = ? AND project_id = ? AND "
          "status <> 'removed'");
      creator.Bind(1, *creator_id).Bind(2, org_id).Bind(3, project_id);
      if (!creator.Step()) return Error::NotFound("Creator not found in this project");
    }

    std::vector<GoalCreatorData> out;
    {
      auto s = db->Prepare(
          "SELECT " GOATHERD_CREATOR_COLUMNS
          " FROM creators c WHERE c.org_id = ?1 AND c.project_id = ?2 AND c.status = 'active' "
          "AND (?3 IS NULL OR c.id = ?3) AND EXISTS (SELECT 1 FROM goals g WHERE g.org_id = ?1 "
          "AND g.creator_id = c.id AND g.is_active = 1) "
          "ORDER BY c.tiktok_handle COLLATE NOCASE, c.id");
      s.Bind(1, org_id).Bind(2, project_id).Bind(3, creator_id);
      while (s.Step()) out.push_back({ReadCreatorRow(s), {}, {}, {}});
    }
    for (GoalCreatorData& d : out) {
      auto goals = db->Prepare("SELECT " GOATHERD_GOAL_COLUMNS
                               " FROM goals WHERE org_id = ? AND creator_id = ? AND is_active = 1 "
                               "ORDER BY created_at, id");
      goals.Bind(1, org_id).Bind(2, d.creator.id);
      while (goals.Step()) d.goals.push_back(ReadGoal(goals));

      auto videos = db->Prepare(
          "SELECT seq, posted_at FROM videos WHERE org_id = ? AND creator_id = ? AND "
          "tracking_status IN ('auto_tracked', 'included', 'direct_add') AND "
          "tracking_disabled = 0");
      videos.Bind(1, org_id).Bind(2, d.creator.id);
      std::vector<std::pair<std::int64_t, std::optional<Timestamp>>> seqs;
      while (videos.Step()) seqs.emplace_back(videos.Int(0), videos.OptInt(1));
      for (const auto& [seq, posted_at] : seqs) {
        d.posts.push_back({posted_at, ReadSnapshots(*db, seq)});
      }

      auto profile = db->Prepare(
          "SELECT snapshot_at, follower_count, following_count, like_count, video_count "
          "FROM creator_snapshots WHERE creator_id = ? ORDER BY snapshot_at");
      profile.Bind(1, d.creator.id);
      while (profile.Step()) {
        CreatorSnapshot cs;
        cs.creator_id = d.creator.id;
        cs.snapshot_at = profile.Int(0);
        cs.follower_count = profile.Int(1);
        cs.following_count = profile.Int(2);
        cs.like_count = profile.Int(3);
        cs.video_count = profile.Int(4);
        d.profile.push_back(cs);
      }
    }
    return out;
  });
}

}  // namespace goatherd::sqlite
