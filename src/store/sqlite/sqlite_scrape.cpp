// The scraping part of SqliteStore: persisted jobs with claim leases, and ingest of what the
// sources observe (profiles, discovered posts, video snapshots), each in one transaction that
// also keeps the cohort sums and the stats generation current.
#include "core/time.h"
#include "core/uuid.h"
#include "store/sqlite/cohort_sync.h"
#include "store/sqlite/creator_events.h"
#include "store/sqlite/creator_rows.h"
#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/video_rows.h"

namespace goatherd::sqlite {
namespace {

// Whether the creator's newest change-log event is of `kind`.
bool LastEventIs(Db& db, const std::string& creator_id, const char* kind) {
  auto s = db.Prepare(
      "SELECT kind FROM creator_events WHERE creator_id = ? ORDER BY created_at DESC, seq DESC "
      "LIMIT 1");
  s.Bind(1, creator_id);
  return s.Step() && s.Text(0) == kind;
}

// A row of `RETURNING id, org_id, kind, target_id, due_at, attempts, definitive_failures,
// manual`.
ScrapeJob ReadJob(const Stmt& s) {
  ScrapeJob j;
  j.id = s.Int(0);
  j.org_id = s.Text(1);
  j.kind = s.Text(2);
  j.target_id = s.Text(3);
  j.due_at = s.Int(4);
  j.attempts = static_cast<int>(s.Int(5));
  j.definitive_failures = static_cast<int>(s.Int(6));
  j.manual = s.Int(7) != 0;
  return j;
}

// Writes one snapshot and makes it the video's current counts when it is the latest.
void WriteSnapshot(Db& db, std::int64_t seq, const VideoCounts& c, Timestamp at,
                   SnapshotReason reason) {
  db.Prepare(
        "INSERT INTO video_snapshots (video_seq, snapshot_at, view_count, like_count, "
        "comment_count, share_count, save_count, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (video_seq, snapshot_at) DO NOTHING")
      .Bind(1, seq)
      .Bind(2, at)
      .Bind(3, c[kViews])
      .Bind(4, c[kLikes])
      .Bind(5, c[kComments])
      .Bind(6, c[kShares])
      .Bind(7, c[kSaves])
      .Bind(8, static_cast<std::int64_t>(reason))
      .Exec();
  db.Prepare(
        "UPDATE videos SET view_count = ?2, like_count = ?3, comment_count = ?4, "
        "share_count = ?5, save_count = ?6, last_scraped_at = ?7 WHERE seq = ?1 AND "
        "(last_scraped_at IS NULL OR last_scraped_at < ?7)")
      .Bind(1, seq)
      .Bind(2, c[kViews])
      .Bind(3, c[kLikes])
      .Bind(4, c[kComments])
      .Bind(5, c[kShares])
      .Bind(6, c[kSaves])
      .Bind(7, at)
      .Exec();
}

}  // namespace

Status SqliteStore::EnsureJobs(Timestamp now) {
  return Guarded("ensure jobs", [&]() -> Status {
    auto db = pool_.Acquire();
    WriteTxn txn(*db);
    db->Prepare(
          "INSERT OR IGNORE INTO scrape_jobs (org_id, kind, target_id, due_at) "
          "SELECT c.org_id, k.kind, c.id, ?1 FROM creators c "
          "JOIN projects p ON p.id = c.project_id "
          "CROSS JOIN (SELECT 'creator_profiles' AS kind UNION ALL SELECT 'discover_videos') k "
          "WHERE c.status = 'active' AND p.deleted_at IS NULL")
        .Bind(1, now)
        .Exec();
    db->Prepare(
          "INSERT OR IGNORE INTO scrape_jobs (org_id, kind, target_id, due_at) "
          "SELECT v.org_id, 'video_stats', v.id, ?1 FROM videos v "
          "JOIN organizations o ON o.id = v.org_id "
          "JOIN projects p ON p.id = v.project_id "
          "LEFT JOIN creators c ON c.id = v.creator_id "
          "WHERE v.tracking_disabled = 0 AND v.tracking_stopped_reason IS NULL "
          "AND v.tracking_status <> 'excluded' AND p.deleted_at IS NULL "
          "AND (c.id IS NULL OR c.status = 'active') "
          "AND COALESCE(v.posted_at, v.created_at) + "
          "COALESCE(json_extract(o.settings, '$.video_tracking_days'), 90) * 86400 > ?1")
        .Bind(1, now)
        .Exec();
    txn.Commit();
    return Status::Ok();
  });
}

Result<std::vector<ScrapeJob>> SqliteStore::ClaimDueJobs(Timestamp now, int max,
                                                         Timestamp lease_seconds) {
  return Guarded("claim jobs", [&]() -> Result<std::vector<ScrapeJob>> {
    auto db = pool_.Acquire();
    WriteTxn txn(*db);
    auto s = db->Prepare(
        "UPDATE scrape_jobs SET locked_until = ?1 + ?3 WHERE id IN (SELECT id FROM scrape_jobs "
        "WHERE due_at <= ?1 AND (locked_until IS NULL OR locked_until <= ?1) "
        "ORDER BY due_at LIMIT ?2) "
        "RETURNING id, org_id, kind, target_id, due_at, attempts, definitive_failures, manual");
    s.Bind(1, now).Bind(2, max).Bind(3, lease_seconds);
    std::vector<ScrapeJob> jobs;
    while (s.Step()) jobs.push_back(ReadJob(s));
    txn.Commit();
    return jobs;
  });
}

Result<std::vector<ScrapeJob>> SqliteStore::QueueManualScrape(const std::string& org_id,
                                                              const std::string& target_kind,
                                                              const std::string& target_id,
                                                              Timestamp now) {
  return Guarded("queue manual scrape", [&]() -> Result<std::vector<ScrapeJob>> {
    auto db = pool_.Acquire();
    WriteTxn txn(*db);
    std::int64_t day = now / 86400;
    auto used = db->Prepare("SELECT count FROM manual_triggers WHERE org_id = ? AND day = ?");
    used.Bind(1, org_id).Bind(2, day);
    std::int64_t count = used.Step() ? used.Int(0) : 0;
    auto plan = db->Prepare(
        "SELECT p.value FROM organizations o JOIN plan_limits p ON p.plan = o.plan "
        "AND p.limit_key = 'max_manual_scrape_triggers_per_day' WHERE o.id = ?");
    plan.Bind(1, org_id);
    std::optional<std::int64_t> max = plan.Step() ? plan.OptInt(0) : std::nullopt;
    if (max && count >= *max) {
      return Error(429, "rate_limit_exceeded",
                   "Manual scrape limit reached: max_manual_scrape_triggers_per_day",
                   {{"limitKey", std::string("max_manual_scrape_triggers_per_day")},
                    {"current", count},
                    {"max", *max},
                    {"retryAfter", (day + 1) * 86400 - now}});
    }
    std::vector<const char*> kinds;
    if (target_kind == "creator") {
      auto c = FindCreator(*db, target_id);
      if (!c || c->org_id != org_id) return Error::NotFound("Creator not found");
      if (c->status != "active") {
        return Error::Conflict("not_tracked",
                               "Creator is " + c->status + "; re-enable it before updating it");
      }
      kinds = {"creator_profiles", "discover_videos"};
    } else {
      auto s = db->Prepare(
          "SELECT v.tracking_disabled, v.tracking_stopped_reason, c.status FROM videos v "
          "LEFT JOIN creators c ON c.id = v.creator_id WHERE v.id = ? AND v.org_id = ?");
      s.Bind(1, target_id).Bind(2, org_id);
      if (!s.Step()) return Error::NotFound("Video not found");
      if (s.Int(0) != 0) {
        return Error::Conflict("not_tracked", "Tracking is disabled for this video");
      }
      if (auto reason = s.OptText(1)) {
        return Error::Conflict("not_tracked", "This video is not refreshed: " + *reason);
      }
      if (auto status = s.OptText(2); status && *status != "active") {
        return Error::Conflict("not_tracked", "This video's creator is " + *status);
      }
      kinds = {"video_stats"};
    }
    std::vector<ScrapeJob> jobs;
    for (const char* kind : kinds) {
      auto s = db->Prepare(
          "INSERT INTO scrape_jobs (org_id, kind, target_id, due_at, manual) VALUES (?, ?, ?, ?, "
          "1) "
          "ON CONFLICT (kind, target_id) DO UPDATE SET due_at = excluded.due_at, manual = 1 "
          "RETURNING id, org_id, kind, target_id, due_at, attempts, definitive_failures, manual");
      s.Bind(1, org_id).Bind(2, kind).Bind(3, target_id).Bind(4, now);
      if (s.Step()) jobs.push_back(ReadJob(s));
    }
    db->Prepare(
          "INSERT INTO manual_triggers (org_id, day, count) VALUES (?, ?, 1) "
          "ON CONFLICT (org_id, day) DO UPDATE SET count = count + 1")
        .Bind(1, org_id)
        .Bind(2, day)
        .Exec();
    txn.Commit();
    return jobs;
  });
}

Status SqliteStore::CompleteJob(std::int64_t job_id, Timestamp next_due) {
  return Guarded("complete job", [&]() -> Status {
    auto db = pool_.Acquire();
    db->Prepare(
          "UPDATE scrape_jobs SET due_at = ?, attempts = 0, definitive_failures = 0, "
          "last_error = NULL, locked_until = NULL, manual = 0 WHERE id = ?")
        .Bind(1, next_due)
        .Bind(2, job_id)
        .Exec();
    return Status::Ok();
  });
}

Status SqliteStore::FailJob(std::int64_t job_id, Timestamp next_due, const std::string& error,
                            bool definitive) {
  return Guarded("fail job", [&]() -> Status {
    auto db = pool_.Acquire();
    db->Prepare(
          "UPDATE scrape_jobs SET due_at = ?, attempts = attempts + 1, definitive_failures = "
          "CASE WHEN ? THEN definitive_failures + 1 ELSE 0 END, last_error = ?, "
          "locked_until = NULL, manual = 0 WHERE id = ?")
        .Bind(1, next_due)
        .Bind(2, definitive)
        .Bind(3, error)
        .Bind(4, job_id)
        .Exec();
    return Status::Ok();
  });
}

Result<Creator> SqliteStore::GetCreatorAnyOrg(const std::string& creator_id) {
  return Guarded("get creator", [&]() -> Result<Creator> {
    auto db = pool_.Acquire();
    auto c = FindCreator(*db, creator_id);
    if (!c) return Error::NotFound("Creator not found");
    return *c;
  });
}

Status SqliteStore::IngestProfile(const std::string& creator_id, const ObservedProfile& p,
                                  Timestamp at) {
  return Guarded("ingest profile", [&]() -> Status {
    auto db = pool_.Acquire();
    WriteTxn txn(*db);
    // Milestones compare with the count stored by an earlier profile scrape; a creator's first
    // profile is where tracking starts, not a crossing.
    std::optional<std::string> org_id;
    std::vector<std::int64_t> milestones;
    {
      auto before = db->Prepare(
          "SELECT org_id, follower_count, last_scraped_at IS NOT NULL FROM creators WHERE id = ?");
      before.Bind(1, creator_id);
      if (before.Step()) {
        org_id = before.Text(0);
        if (before.Int(2) != 0) {
          milestones = FollowerMilestonesCrossed(before.Int(1), p.follower_count);
        }
      }
    }
    db->Prepare(
          "INSERT OR IGNORE INTO creator_snapshots (creator_id, snapshot_at, follower_count, "
          "following_count, like_count, video_count) VALUES (?, ?, ?, ?, ?, ?)")
        .Bind(1, creator_id)
        .Bind(2, at)
        .Bind(3, p.follower_count)
        .Bind(4, p.following_count)
        .Bind(5, p.like_count)
        .Bind(6, p.video_count)
        .Exec();
    db->Prepare(
          "UPDATE creators SET display_name = COALESCE(?2, display_name), "
          "avatar_url = COALESCE(?3, avatar_url), follower_count = ?4, following_count = ?5, "
          "like_count = ?6, video_count = ?7, last_scraped_at = ?8 WHERE id = ?1")
        .Bind(1, creator_id)
        .Bind(2, p.display_name)
        .Bind(3, p.avatar_url)
        .Bind(4, p.follower_count)
        .Bind(5, p.following_count)
        .Bind(6, p.like_count)
        .Bind(7, p.video_count)
        .Bind(8, at)
        .Exec();
    for (std::int64_t m : milestones) {
      AppendCreatorEvent(*db, *org_id, creator_id, "follower_milestone", at,
                         {{"milestone", m}, {"follower_count", p.follower_count}});
    }
    txn.Commit();
    return Status::Ok();
  });
}

Result<int> SqliteStore::IngestDiscoveredPosts(const std::string& creator_id,
                                               const std::vector<ObservedPost>& posts,
                                               Timestamp at) {
  return Guarded("ingest discovered posts", [&]() -> Result<int> {
    auto db = pool_.Acquire();
    WriteTxn txn(*db);
    auto creator = FindCreator(*db, creator_id);
    if (!creator) return Error::NotFound("Creator not found");
    auto tz = db->Prepare("SELECT timezone FROM organizations WHERE id = ?");
    tz.Bind(1, creator->org_id);
    const date::time_zone* zone = tz.Step() ? FindTimeZone(tz.Text(0)) : nullptr;
    if (!zone) zone = FindTimeZone("UTC");
    std::optional<DayNumber> start;
    if (creator->tracking_start_date) start = ParseDate(*creator->tracking_start_date);
    std::string status = creator->tracking_mode == "selective" ? "pending_review" : "auto_tracked";
    int added = 0;
    std::int64_t skipped_at_cap = 0;
    // The cap and the count of tracked videos, read once, when the first new post shows up; no
    // count (a scan of the organization's videos) when the plan sets no cap.
    bool cap_read = false;
    std::optional<std::int64_t> cap;
    std::int64_t tracked = 0;
    for (const ObservedPost& post : posts) {
      if (start && post.posted_at && LocalDay(*post.posted_at, zone) < *start) continue;
      auto known = db->Prepare("SELECT 1 FROM videos WHERE project_id = ? AND tiktok_video_id = ?");
      known.Bind(1, creator->project_id).Bind(2, post.tiktok_video_id);
      if (known.Step()) continue;
      if (!cap_read) {
        cap_read = true;
        cap = OrgLimit(*db, creator->org_id, "max_tracked_videos_per_org");
        if (cap) tracked = CountTrackedVideos(*db, creator->org_id, at);
      }
      if (cap && tracked + 1 > *cap) {
        ++skipped_at_cap;
        continue;
      }
      ++tracked;
      std::string id = NewUuidV7(at * 1000 + added);
      db->Prepare(
            "INSERT INTO videos (id, org_id, project_id, creator_id, tiktok_video_id, is_photo, "
            "author_handle, title, cover_url, tracking_status, posted_at, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
          .Bind(1, id)
          .Bind(2, creator->org_id)
          .Bind(3, creator->project_id)
          .Bind(4, creator->id)
          .Bind(5, post.tiktok_video_id)
          .Bind(6, post.is_photo)
          .Bind(7, creator->tiktok_handle)
          .Bind(8, post.caption)
          .Bind(9, post.cover_url)
          .Bind(10, status)
          .Bind(11, post.posted_at)
          .Bind(12, at)
          .Bind(13, at)
          .Exec();
      std::int64_t seq = sqlite3_last_insert_rowid(db->raw());
      WriteSnapshot(*db, seq, post.counts, at, SnapshotReason::kVideoAdded);
      SyncVideoCohort(*db, seq);
      db->Prepare(
            "INSERT OR IGNORE INTO scrape_jobs (org_id, kind, target_id, due_at) "
            "VALUES (?, 'video_stats', ?, ?)")
          .Bind(1, creator->org_id)
          .Bind(2, id)
          .Bind(3, at)
          .Exec();
      ++added;
    }
    if (skipped_at_cap > 0 && !LastEventIs(*db, creator->id, "video_cap_reached")) {
      // Once per stretch at the cap, not at every discovery run while it lasts.
      AppendCreatorEvent(*db, creator->org_id, creator->id, "video_cap_reached", at,
                         {{"skipped_posts", skipped_at_cap}});
    }
    if (added > 0) BumpStatsGeneration(*db, creator->org_id);
    txn.Commit();
    return added;
  });
}

Result<std::vector<std::string>> SqliteStore::KnownPostIds(const std::string& creator_id, int max) {
  return Guarded("known post ids", [&]() -> Result<std::vector<std::string>> {
    auto db = pool_.Acquire();
    auto s = db->Prepare(
        "SELECT tiktok_video_id FROM videos WHERE creator_id = ? "
        "ORDER BY posted_at DESC LIMIT ?");
    s.Bind(1, creator_id).Bind(2, max);
    std::vector<std::string> ids;
    while (s.Step()) ids.push_back(s.Text(0));
    return ids;
  });
}

Result<VideoView> SqliteStore::GetVideoAnyOrg(const std::string& video_id) {
  return Guarded("get video", [&]() -> Result<VideoView> {
    auto db = pool_.Acquire();
    auto v = FindVideo(*db, video_id, nullptr);
    if (!v) return Error::NotFound("Video not found");
    return *v;
  });
}

Status SqliteStore::IngestVideoSnapshot(const std::string& video_id, const VideoCounts& counts,
                                        Timestamp at) {
  return Guarded("ingest video snapshot", [&]() -> Status {
    auto db = pool_.Acquire();
    WriteTxn txn(*db);
    auto s = db->Prepare(
        "SELECT seq, org_id, EXISTS (SELECT 1 FROM video_snapshots WHERE video_seq = seq), "
        "resume_baseline_pending FROM videos WHERE id = ?");
    s.Bind(1, video_id);
    if (!s.Step()) return Error::NotFound("Video not found");
    std::int64_t seq = s.Int(0);
    std::string org_id = s.Text(1);
    bool first = s.Int(2) == 0;
    // Tracking switched back on (SetVideoTracking) owes a tracking_resumed baseline.
    bool resumed = s.Int(3) != 0;
    WriteSnapshot(*db, seq, counts, at,
                  first     ? SnapshotReason::kVideoAdded
                  : resumed ? SnapshotReason::kTrackingResumed
                            : SnapshotReason::kNone);
    if (resumed) {
      db->Prepare("UPDATE videos SET resume_baseline_pending = 0 WHERE seq = ?")
          .Bind(1, seq)
          .Exec();
    }
    SyncVideoAggregates(*db, seq, at);
    BumpStatsGeneration(*db, org_id);
    txn.Commit();
    return Status::Ok();
  });
}

Status SqliteStore::MarkVideoDeleted(const std::string& video_id, Timestamp at) {
  return Guarded("mark video deleted", [&]() -> Status {
    auto db = pool_.Acquire();
    WriteTxn txn(*db);
    db->Prepare(
          "UPDATE videos SET tracking_stopped_reason = 'deleted_on_tiktok', updated_at = ? "
          "WHERE id = ?")
        .Bind(1, at)
        .Bind(2, video_id)
        .Exec();
    db->Prepare("DELETE FROM scrape_jobs WHERE kind = 'video_stats' AND target_id = ?")
        .Bind(1, video_id)
        .Exec();
    txn.Commit();
    return Status::Ok();
  });
}

Status SqliteStore::DisableCreator(const std::string& creator_id, const std::string& reason,
                                   Timestamp at) {
  return Guarded("disable creator", [&]() -> Status {
    auto db = pool_.Acquire();
    WriteTxn txn(*db);
    db->Prepare(
          "UPDATE creators SET status = 'disabled', disabled_reason = ?, updated_at = ? "
          "WHERE id = ? AND status = 'active'")
        .Bind(1, reason)
        .Bind(2, at)
        .Bind(3, creator_id)
        .Exec();
    if (db->Changes() > 0) {
      std::optional<std::string> org_id;
      {
        auto org = db->Prepare("SELECT org_id FROM creators WHERE id = ?");
        org.Bind(1, creator_id);
        if (org.Step()) org_id = org.Text(0);
      }
      if (org_id) {
        AppendCreatorEvent(*db, *org_id, creator_id, "auto_disabled", at, {{"reason", reason}});
        // Its videos now report tracking_stopped_reason creator_disabled.
        BumpStatsGeneration(*db, *org_id);
      }
    }
    db->Prepare("DELETE FROM scrape_jobs WHERE target_id = ?").Bind(1, creator_id).Exec();
    txn.Commit();
    return Status::Ok();
  });
}

}  // namespace goatherd::sqlite
