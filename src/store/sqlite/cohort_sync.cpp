#include "store/sqlite/cohort_sync.h"

#include <algorithm>
#include <vector>

#include "core/time.h"
#include "metrics/cohort.h"
#include "metrics/day_levels.h"
#include "metrics/velocity.h"
#include "store/sqlite/rollups.h"
#include "store/sqlite/video_days.h"
#include "store/sqlite/video_rows.h"

namespace goatherd::sqlite {
namespace {

// Adds rows (org_id, creator_id, day_number, views_gained_sum, sample_size), given by `rows`
// (VALUES or a SELECT), to the running sums: every change to them is an addition of deltas.
#define GOATHERD_ADD_TO_COHORT_SUMS(rows)                                                         \
  "INSERT INTO cohort_sums (org_id, creator_id, day_number, views_gained_sum, sample_size) " rows \
  " ON CONFLICT (org_id, creator_id, day_number) DO UPDATE SET "                                  \
  "views_gained_sum = views_gained_sum + excluded.views_gained_sum, "                             \
  "sample_size = sample_size + excluded.sample_size"

bool CountsForCohort(const std::string& status) {
  return status == "auto_tracked" || status == "included" || status == "direct_add";
}

void ApplyDeltas(Db& db, const std::string& org_id, const std::string& creator_id,
                 const std::vector<metrics::CohortDelta>& deltas) {
  for (const auto& d : deltas) {
    db.Prepare(GOATHERD_ADD_TO_COHORT_SUMS("VALUES (?1, ?2, ?3, ?4, ?5)"))
        .Bind(1, org_id)
        .Bind(2, creator_id)
        .Bind(3, d.day_number)
        .Bind(4, d.views_gained_delta)
        .Bind(5, d.sample_size_delta)
        .Exec();
  }
}

}  // namespace

void SyncVideoCohort(Db& db, std::int64_t video_seq) {
  SyncVideoAggregates(db, video_seq, std::nullopt);
}

void SyncVideoAggregates(Db& db, std::int64_t video_seq, std::optional<Timestamp> changed_at) {
  auto v = db.Prepare(
      "SELECT v.org_id, v.creator_id, v.tracking_status, v.posted_at, v.in_cohort, "
      "v.cohort_creator_id, o.timezone, v.id, v.project_id, "
      "(SELECT p.deleted_at IS NULL FROM projects p WHERE p.id = v.project_id) "
      "FROM videos v JOIN organizations o ON o.id = v.org_id WHERE v.seq = ?");
  v.Bind(1, video_seq);
  if (!v.Step()) return;
  std::string org_id = v.Text(0);
  std::string video_id = v.Text(7);
  std::string project_id = v.Text(8);
  std::string status = v.Text(2);
  std::optional<std::string> creator_id = v.OptText(1);
  // A deleted project is hidden everywhere (resources.md), its videos from the averages too.
  bool counted = CountsForCohort(v.Text(2)) && v.Int(9) != 0;
  std::optional<Timestamp> posted_at = v.OptInt(3);
  bool in_cohort = v.Int(4) != 0;
  std::optional<std::string> old_creator = v.OptText(5);
  const date::time_zone* zone = FindTimeZone(v.Text(6));
  if (!zone) zone = FindTimeZone("UTC");

  std::vector<metrics::VelocityPoint> old_velocity;
  if (in_cohort) {
    auto s = db.Prepare(
        "SELECT day_number, views_gained FROM video_velocity WHERE video_seq = ? "
        "ORDER BY day_number");
    s.Bind(1, video_seq);
    while (s.Step()) {
      old_velocity.push_back({static_cast<std::int32_t>(s.Int(0)), s.Int(1)});
    }
  }
  // The day rows are kept for every video, counted or not (analytics reads them all).
  metrics::DayLevels levels;
  metrics::ComputeDayLevels(ReadSnapshots(db, video_seq), zone, &levels);
  const std::optional<DayNumber> from_day =
      changed_at ? std::optional<DayNumber>(LocalDay(*changed_at, zone)) : std::nullopt;
  // The rollups take the difference between the rows being replaced and the new ones.
  const VideoRollupBefore rollup_before = ReadVideoRollupBefore(db, video_seq);
  WriteVideoDays(db, video_seq, levels, from_day);
  SyncVideoRollups(db, rollup_before,
                   {.seq = video_seq,
                    .id = video_id,
                    .org_id = org_id,
                    .project_id = project_id,
                    .creator_id = creator_id,
                    .tracking_status = status,
                    .posted_day = posted_at ? std::optional<DayNumber>(LocalDay(*posted_at, zone))
                                            : std::nullopt,
                    .levels = &levels,
                    .from_day = from_day});
  std::vector<metrics::VelocityPoint> new_velocity;
  if (counted && posted_at) metrics::ComputeVelocity(levels, posted_at, &new_velocity);
  if (!in_cohort && !counted) return;

  std::vector<metrics::CohortDelta> deltas;
  if (old_creator == creator_id) {
    metrics::DiffVelocity(old_velocity, new_velocity, &deltas);
    ApplyDeltas(db, org_id, "", deltas);
    if (creator_id) ApplyDeltas(db, org_id, *creator_id, deltas);
  } else {
    // The creator changed: the org-wide sums take the difference, the two creators all of it.
    metrics::DiffVelocity(old_velocity, new_velocity, &deltas);
    ApplyDeltas(db, org_id, "", deltas);
    if (old_creator) ApplyDeltas(db, org_id, *old_creator, metrics::DiffVelocity(old_velocity, {}));
    if (creator_id) ApplyDeltas(db, org_id, *creator_id, metrics::DiffVelocity({}, new_velocity));
  }
  for (const auto& d : deltas) {
    db.Prepare("DELETE FROM video_velocity WHERE video_seq = ? AND day_number = ?")
        .Bind(1, video_seq)
        .Bind(2, d.day_number)
        .Exec();
  }
  for (const auto& p : new_velocity) {
    bool changed = false;
    for (const auto& d : deltas) changed = changed || d.day_number == p.day_number;
    if (!changed && old_creator == creator_id) continue;
    db.Prepare(
          "INSERT OR REPLACE INTO video_velocity (video_seq, day_number, views_gained) "
          "VALUES (?, ?, ?)")
        .Bind(1, video_seq)
        .Bind(2, p.day_number)
        .Bind(3, p.views_gained)
        .Exec();
  }
  db.Prepare("UPDATE videos SET in_cohort = ?, cohort_creator_id = ? WHERE seq = ?")
      .Bind(1, counted)
      .Bind(2, counted ? creator_id : std::nullopt)
      .Bind(3, video_seq)
      .Exec();
}

void RemoveProjectFromCohorts(Db& db, const std::string& org_id, const std::string& project_id) {
  // The sums hold exactly the velocity rows of the videos in_cohort: take those of the project
  // away, org-wide and per creator, set-wise whatever the project's size. Two statements: one
  // that counts each row twice (a join on a two-row table) took 40 % longer.
  db.Prepare(GOATHERD_ADD_TO_COHORT_SUMS(
                 "SELECT ?1, '', vv.day_number, -SUM(vv.views_gained), -COUNT(*) FROM videos v "
                 "JOIN video_velocity vv ON vv.video_seq = v.seq "
                 "WHERE v.project_id = ?2 AND v.in_cohort = 1 GROUP BY vv.day_number"))
      .Bind(1, org_id)
      .Bind(2, project_id)
      .Exec();
  db.Prepare(GOATHERD_ADD_TO_COHORT_SUMS(
                 "SELECT ?1, v.cohort_creator_id, vv.day_number, -SUM(vv.views_gained), -COUNT(*) "
                 "FROM videos v JOIN video_velocity vv ON vv.video_seq = v.seq "
                 "WHERE v.project_id = ?2 AND v.in_cohort = 1 AND v.cohort_creator_id IS NOT NULL "
                 "GROUP BY v.cohort_creator_id, vv.day_number"))
      .Bind(1, org_id)
      .Bind(2, project_id)
      .Exec();
  db.Prepare(
        "DELETE FROM video_velocity WHERE video_seq IN "
        "(SELECT seq FROM videos WHERE project_id = ? AND in_cohort = 1)")
      .Bind(1, project_id)
      .Exec();
  db.Prepare(
        "UPDATE videos SET in_cohort = 0, cohort_creator_id = NULL "
        "WHERE project_id = ? AND in_cohort = 1")
      .Bind(1, project_id)
      .Exec();
  BumpStatsGeneration(db, org_id);
}

void RebuildOrgCohorts(Db& db, const std::string& org_id) {
  // Each video's sync below adds its contribution back, in the new zone.
  ClearOrgRollups(db, org_id);
  db.Prepare("DELETE FROM cohort_sums WHERE org_id = ?").Bind(1, org_id).Exec();
  db.Prepare(
        "DELETE FROM video_velocity WHERE video_seq IN (SELECT seq FROM videos WHERE org_id = ?)")
      .Bind(1, org_id)
      .Exec();
  db.Prepare("UPDATE videos SET in_cohort = 0, cohort_creator_id = NULL WHERE org_id = ?")
      .Bind(1, org_id)
      .Exec();
  std::vector<std::int64_t> seqs;
  auto s = db.Prepare("SELECT seq FROM videos WHERE org_id = ?");
  s.Bind(1, org_id);
  while (s.Step()) seqs.push_back(s.Int(0));
  for (auto seq : seqs) SyncVideoCohort(db, seq);
}

namespace {

// A video's current counts are those of its latest snapshot; an import defers writing them (with
// the rest of its aggregate work) to the end, marked by cohort_dirty.
void RefreshCurrentCounts(Db& db, std::int64_t seq) {
  db.Prepare(
        "UPDATE videos SET (view_count, like_count, comment_count, share_count, save_count, "
        "last_scraped_at) = (SELECT view_count, like_count, comment_count, share_count, "
        "save_count, snapshot_at FROM video_snapshots WHERE video_seq = ?1 "
        "ORDER BY snapshot_at DESC LIMIT 1) WHERE seq = ?1 AND EXISTS (SELECT 1 FROM "
        "video_snapshots WHERE video_seq = ?1 AND (videos.last_scraped_at IS NULL OR "
        "snapshot_at >= videos.last_scraped_at))")
      .Bind(1, seq)
      .Exec();
}

}  // namespace

std::int64_t SyncDeferredCohorts(Db& db) {
  constexpr int kChunk = 500;
  std::vector<std::string> orgs;
  {
    auto s = db.Prepare("SELECT id FROM organizations WHERE cohort_rebuild = 1");
    while (s.Step()) orgs.push_back(s.Text(0));
  }
  for (const auto& org : orgs) {
    WriteTxn txn(db);
    RebuildOrgCohorts(db, org);
    db.Prepare("UPDATE videos SET cohort_dirty = 0 WHERE org_id = ? AND cohort_dirty = 1")
        .Bind(1, org)
        .Exec();
    db.Prepare("UPDATE organizations SET cohort_rebuild = 0 WHERE id = ?").Bind(1, org).Exec();
    BumpStatsGeneration(db, org);
    txn.Commit();
  }
  std::int64_t synced = 0;
  while (true) {
    WriteTxn txn(db);
    std::vector<std::pair<std::int64_t, std::string>> chunk;
    auto s = db.Prepare("SELECT seq, org_id FROM videos WHERE cohort_dirty = 1 LIMIT ?");
    s.Bind(1, kChunk);
    while (s.Step()) chunk.emplace_back(s.Int(0), s.Text(1));
    if (chunk.empty()) break;
    std::vector<std::string> touched;
    for (const auto& [seq, org] : chunk) {
      RefreshCurrentCounts(db, seq);
      SyncVideoCohort(db, seq);
      db.Prepare("UPDATE videos SET cohort_dirty = 0 WHERE seq = ?").Bind(1, seq).Exec();
      if (std::find(touched.begin(), touched.end(), org) == touched.end()) touched.push_back(org);
    }
    for (const auto& org : touched) BumpStatsGeneration(db, org);
    txn.Commit();
    synced += static_cast<std::int64_t>(chunk.size());
  }
  {
    WriteTxn txn(db);
    FlushDirtyRollups(db, "");
    txn.Commit();
  }
  return synced;
}

void BumpStatsGeneration(Db& db, const std::string& org_id) {
  db.Prepare("UPDATE organizations SET stats_generation = stats_generation + 1 WHERE id = ?")
      .Bind(1, org_id)
      .Exec();
}

}  // namespace goatherd::sqlite
