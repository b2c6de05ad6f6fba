// The maintenance part of SqliteStore: claims of periodic tasks, and the daily retention run.
// Retention deletes in batches of short write transactions, so the single SQLite writer is never
// held for long while ingest and the API keep writing.
#include <spdlog/spdlog.h>

#include <vector>

#include "store/sqlite/cohort_sync.h"
#include "store/sqlite/sqlite_store.h"

namespace goatherd::sqlite {
namespace {

constexpr Timestamp kDeletedProjectDays = 30;      // resources.md: data kept 30 days
constexpr Timestamp kIdempotencySeconds = 86'400;  // api-conventions.md: records live 24 hours

struct OrgCutoff {
  std::string org_id;
  Timestamp cutoff = 0;
};

// Organizations whose plan limits history, with the instant before which history goes.
std::vector<OrgCutoff> RetentionCutoffs(Db& db, Timestamp now) {
  auto s = db.Prepare(
      "SELECT o.id, l.value FROM organizations o JOIN plan_limits l "
      "ON l.plan = o.plan AND l.limit_key = 'stats_history_retention_days' "
      "WHERE l.value IS NOT NULL");
  std::vector<OrgCutoff> out;
  while (s.Step()) out.push_back({s.Text(0), now - s.Int(1) * 86'400});
  return out;
}

// The next batch of an organization's video seqs or creator ids, ordered by key; a batch is
// one write transaction.
std::vector<std::int64_t> VideoSeqsAfter(Db& db, const std::string& org_id, std::int64_t after) {
  auto s = db.Prepare("SELECT seq FROM videos WHERE org_id = ? AND seq > ? ORDER BY seq LIMIT 500");
  s.Bind(1, org_id).Bind(2, after);
  std::vector<std::int64_t> out;
  while (s.Step()) out.push_back(s.Int(0));
  return out;
}

std::vector<std::string> CreatorIdsAfter(Db& db, const std::string& org_id,
                                         const std::string& after) {
  auto s = db.Prepare("SELECT id FROM creators WHERE org_id = ? AND id > ? ORDER BY id LIMIT 500");
  s.Bind(1, org_id).Bind(2, after);
  std::vector<std::string> out;
  while (s.Step()) out.push_back(s.Text(0));
  return out;
}

// Deletes the snapshots before the last one before `cutoff` (that one stays as the anchor the
// next gain is measured from).
std::int64_t TrimVideoSnapshots(Db& db, std::int64_t video_seq, Timestamp cutoff) {
  db.Prepare(
        "DELETE FROM video_snapshots WHERE video_seq = ?1 AND snapshot_at < (SELECT "
        "MAX(snapshot_at) FROM video_snapshots WHERE video_seq = ?1 AND snapshot_at < ?2)")
      .Bind(1, video_seq)
      .Bind(2, cutoff)
      .Exec();
  return db.Changes();
}

std::int64_t TrimCreatorSnapshots(Db& db, const std::string& creator_id, Timestamp cutoff) {
  db.Prepare(
        "DELETE FROM creator_snapshots WHERE creator_id = ?1 AND snapshot_at < (SELECT "
        "MAX(snapshot_at) FROM creator_snapshots WHERE creator_id = ?1 AND snapshot_at < ?2)")
      .Bind(1, creator_id)
      .Bind(2, cutoff)
      .Exec();
  return db.Changes();
}

void TrimOrganization(Db& db, const OrgCutoff& org, RetentionReport& report) {
  std::int64_t trimmed_before = report.video_snapshots_deleted;
  for (std::int64_t after = 0;;) {
    WriteTxn txn(db);
    auto seqs = VideoSeqsAfter(db, org.org_id, after);
    if (seqs.empty()) break;
    for (std::int64_t seq : seqs) {
      report.video_snapshots_deleted += TrimVideoSnapshots(db, seq, org.cutoff);
    }
    txn.Commit();
    after = seqs.back();
  }
  for (std::string after;;) {
    WriteTxn txn(db);
    auto ids = CreatorIdsAfter(db, org.org_id, after);
    if (ids.empty()) break;
    for (const auto& id : ids) {
      report.creator_snapshots_deleted += TrimCreatorSnapshots(db, id, org.cutoff);
    }
    txn.Commit();
    after = ids.back();
  }
  if (report.video_snapshots_deleted != trimmed_before) {
    WriteTxn txn(db);
    BumpStatsGeneration(db, org.org_id);
    txn.Commit();
  }
}

// A project deleted more than 30 days ago goes with everything in it. Its videos' snapshots go
// first so that their contribution leaves the running cohort sums before the rows disappear.
void PurgeProject(Db& db, const std::string& project_id, const std::string& org_id) {
  for (;;) {
    WriteTxn txn(db);
    std::vector<std::int64_t> seqs;
    {
      auto s = db.Prepare("SELECT seq FROM videos WHERE project_id = ? LIMIT 500");
      s.Bind(1, project_id);
      while (s.Step()) seqs.push_back(s.Int(0));
    }
    if (seqs.empty()) {
      db.Prepare("DELETE FROM projects WHERE id = ?").Bind(1, project_id).Exec();
      BumpStatsGeneration(db, org_id);
      txn.Commit();
      return;
    }
    for (std::int64_t seq : seqs) {
      db.Prepare("DELETE FROM video_snapshots WHERE video_seq = ?").Bind(1, seq).Exec();
      SyncVideoCohort(db, seq);
      db.Prepare("DELETE FROM videos WHERE seq = ?").Bind(1, seq).Exec();
    }
    txn.Commit();
  }
}

}  // namespace

Result<bool> SqliteStore::ClaimMaintenance(const std::string& name, Timestamp now,
                                           Timestamp next_due) {
  return Guarded("claim maintenance", [&]() -> Result<bool> {
    auto db = pool_.Acquire();
    WriteTxn txn(*db);
    db->Prepare("INSERT OR IGNORE INTO maintenance_runs (name, due_at) VALUES (?, ?)")
        .Bind(1, name)
        .Bind(2, now)
        .Exec();
    db->Prepare("UPDATE maintenance_runs SET due_at = ? WHERE name = ? AND due_at <= ?")
        .Bind(1, next_due)
        .Bind(2, name)
        .Bind(3, now)
        .Exec();
    bool claimed = db->Changes() > 0;
    txn.Commit();
    return claimed;
  });
}

Result<RetentionReport> SqliteStore::ApplyRetention(Timestamp now) {
  return Guarded("retention", [&]() -> Result<RetentionReport> {
    auto db = pool_.Acquire();
    RetentionReport report;
    for (const OrgCutoff& org : RetentionCutoffs(*db, now)) TrimOrganization(*db, org, report);

    std::vector<std::pair<std::string, std::string>> expired;  // (project, org)
    {
      auto s = db->Prepare(
          "SELECT id, org_id FROM projects WHERE deleted_at IS NOT NULL AND deleted_at <= ?");
      s.Bind(1, now - kDeletedProjectDays * 86'400);
      while (s.Step()) expired.emplace_back(s.Text(0), s.Text(1));
    }
    for (const auto& [project_id, org_id] : expired) {
      PurgeProject(*db, project_id, org_id);
      ++report.projects_purged;
    }

    WriteTxn txn(*db);
    db->Prepare("DELETE FROM idempotency_keys WHERE created_at <= ?")
        .Bind(1, now - kIdempotencySeconds)
        .Exec();
    report.idempotency_records_deleted = db->Changes();
    txn.Commit();
    return report;
  });
}

}  // namespace goatherd::sqlite
