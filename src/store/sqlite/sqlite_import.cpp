// The SQLite ImportSession: upserts that change nothing when the same data arrives again, with
// id lookups cached for the length of the import so that a million snapshot lines cost one
// insert each.
//
// What the import defers, and why:
// - A video's current counts (those of its latest snapshot) are gathered per batch in memory and
//   written once per video at commit, instead of one UPDATE per snapshot line.
// - The running cohort sums (cohort_sync.h) are recomputed once per changed video at the end of
//   the import (Finish), not per batch: a file ordered by time touches every video in every
//   batch, and each recomputation reads the video's whole history. Each batch marks its videos
//   (cohort_dirty) in its own transaction, so if the process dies before Finish, the next import
//   or `serve` start completes the work.
// - stats_generation is bumped at each commit for every organization the batch changed, so that
//   cached stats answers of a running `serve` are invalidated; an import that changes nothing
//   bumps nothing.
#include <spdlog/spdlog.h>

#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "store/sqlite/cohort_sync.h"
#include "store/sqlite/sqlite_store.h"

namespace goatherd::sqlite {
namespace {

Error Dangling(const std::string& what, const std::string& id) {
  return Error::InvalidBody("unknown " + what + " '" + id + "' (not defined earlier in the file " +
                            "nor in the database)");
}

// The import connection's page cache: a batch of snapshots in time order scatters its inserts
// over the whole snapshot table, and SQLite's default 2 MB cache then rereads pages constantly.
constexpr const char* kImportCacheSize = "PRAGMA cache_size = -262144";  // 256 MiB
constexpr const char* kDefaultCacheSize = "PRAGMA cache_size = -2000";
// Such a batch also rewrites most pages of that table; checkpointing after every commit (the
// default, at 1000 WAL pages) would copy them all to the database file each time. Checkpoints
// every 64 MiB of WAL copy each page once for many commits.
constexpr const char* kImportCheckpoint = "PRAGMA wal_autocheckpoint = 16384";
constexpr const char* kDefaultCheckpoint = "PRAGMA wal_autocheckpoint = 1000";

class SqliteImportSession final : public ImportSession {
 public:
  SqliteImportSession(Pool& pool, Timestamp now) : db_(pool.Acquire()), now_(now) {
    db_->Exec(kImportCacheSize);
    db_->Exec(kImportCheckpoint);
  }

  ~SqliteImportSession() override {
    txn_.reset();
    try {
      db_->Exec(kDefaultCacheSize);
      db_->Exec(kDefaultCheckpoint);
      db_->Exec("PRAGMA wal_checkpoint(PASSIVE)");
    } catch (const std::exception&) {
      // The connection goes back to the pool either way; a large cache only costs memory.
    }
  }

  Status BeginBatch() override {
    return Guard([&]() -> Status {
      txn_.emplace(*db_);
      return Status::Ok();
    });
  }
  Status CommitBatch() override {
    return Guard([&]() -> Status {
      FlushLatest();
      for (const auto& org : batch_orgs_) BumpStatsGeneration(*db_, org);
      // The cohort work is deferred to Finish, but marked here, with the data it is about.
      for (auto seq : batch_videos_) {
        db_->Prepare("UPDATE videos SET cohort_dirty = 1 WHERE seq = ?").Bind(1, seq).Exec();
      }
      for (const auto& org : batch_rebuild_orgs_) {
        db_->Prepare("UPDATE organizations SET cohort_rebuild = 1 WHERE id = ?")
            .Bind(1, org)
            .Exec();
      }
      txn_->Commit();
      txn_.reset();
      ClearBatch();
      return Status::Ok();
    });
  }
  Status Finish() override {
    return Guard([&]() -> Status {
      SyncDeferredCohorts(*db_);
      return Status::Ok();
    });
  }

  void RollbackBatch() override {
    txn_.reset();
    ClearBatch();
    // Ids cached during the failed batch may name rows that were rolled back.
    projects_.clear();
    creators_.clear();
    videos_.clear();
    orgs_.clear();
  }

  Status PutOrganization(const Organization& o, bool explicit_created_at) override {
    return Guard([&]() -> Status {
      std::optional<std::string> old_timezone;
      {
        auto s = db_->Prepare("SELECT timezone FROM organizations WHERE id = ?");
        s.Bind(1, o.id);
        if (s.Step()) old_timezone = s.Text(0);
      }
      db_->Prepare(
             "INSERT INTO organizations (id, name, timezone, plan, settings, banned, created_at, "
             "updated_at) VALUES (?1, ?2, ?3, ?4, '{}', 0, ?5, ?6) "
             "ON CONFLICT (id) DO UPDATE SET name = excluded.name, timezone = excluded.timezone, "
             "plan = excluded.plan, "
             "created_at = CASE WHEN ?7 THEN excluded.created_at ELSE created_at END, "
             "updated_at = excluded.updated_at "
             "WHERE name IS NOT excluded.name OR timezone IS NOT excluded.timezone "
             "OR plan IS NOT excluded.plan OR (?7 AND created_at IS NOT excluded.created_at)")
          .Bind(1, o.id)
          .Bind(2, o.name)
          .Bind(3, o.timezone)
          .Bind(4, o.plan)
          .Bind(5, o.created_at)
          .Bind(6, now_)
          .Bind(7, explicit_created_at)
          .Exec();
      orgs_.emplace(o.id);
      // Day numbers of the cohort sums are local to the organization's zone.
      if (old_timezone && *old_timezone != o.timezone) {
        batch_rebuild_orgs_.insert(o.id);
        batch_orgs_.insert(o.id);
      }
      return Status::Ok();
    });
  }

  Status PutProject(const Project& p, bool explicit_created_at) override {
    return Guard([&]() -> Status {
      if (!OrgExists(p.org_id)) return Dangling("org_id", p.org_id);
      db_->Prepare(
             "INSERT INTO projects (id, org_id, name, description, metadata, created_at, "
             "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
             "ON CONFLICT (id) DO UPDATE SET name = excluded.name, "
             "description = excluded.description, metadata = excluded.metadata, "
             "created_at = CASE WHEN ?8 THEN excluded.created_at ELSE created_at END, "
             "updated_at = excluded.updated_at "
             "WHERE org_id = excluded.org_id AND (name IS NOT excluded.name "
             "OR description IS NOT excluded.description OR metadata IS NOT excluded.metadata "
             "OR (?8 AND created_at IS NOT excluded.created_at))")
          .Bind(1, p.id)
          .Bind(2, p.org_id)
          .Bind(3, p.name)
          .Bind(4, p.description)
          .Bind(5, p.metadata)
          .Bind(6, p.created_at)
          .Bind(7, now_)
          .Bind(8, explicit_created_at)
          .Exec();
      auto owner = ProjectOrg(p.id);
      if (!owner || *owner != p.org_id) {
        return Error::InvalidBody("project '" + p.id + "' already belongs to another org");
      }
      return Status::Ok();
    });
  }

  Status PutCreator(const Creator& c, bool explicit_created_at) override {
    return Guard([&]() -> Status {
      auto org = ProjectOrg(c.project_id);
      if (!org) return Dangling("project_id", c.project_id);
      db_->Prepare(
             "INSERT INTO creators (id, org_id, project_id, tiktok_handle, display_name, "
             "tracking_mode, tracking_start_date, created_at, updated_at) "
             "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
             "ON CONFLICT (id) DO UPDATE SET tiktok_handle = excluded.tiktok_handle, "
             "display_name = excluded.display_name, tracking_mode = excluded.tracking_mode, "
             "tracking_start_date = excluded.tracking_start_date, "
             "created_at = CASE WHEN ?10 THEN excluded.created_at ELSE created_at END, "
             "updated_at = excluded.updated_at "
             "WHERE project_id = excluded.project_id AND (tiktok_handle IS NOT "
             "excluded.tiktok_handle OR display_name IS NOT excluded.display_name "
             "OR tracking_mode IS NOT excluded.tracking_mode "
             "OR tracking_start_date IS NOT excluded.tracking_start_date "
             "OR (?10 AND created_at IS NOT excluded.created_at))")
          .Bind(1, c.id)
          .Bind(2, *org)
          .Bind(3, c.project_id)
          .Bind(4, c.tiktok_handle)
          .Bind(5, c.display_name)
          .Bind(6, c.tracking_mode)
          .Bind(7, c.tracking_start_date)
          .Bind(8, c.created_at)
          .Bind(9, now_)
          .Bind(10, explicit_created_at)
          .Exec();
      auto project = CreatorProject(c.id);
      if (!project || *project != c.project_id) {
        return Error::InvalidBody("creator '" + c.id + "' already belongs to another project");
      }
      return Status::Ok();
    });
  }

  Status PutVideo(const Video& v, bool explicit_created_at) override {
    return Guard([&]() -> Status {
      auto org = ProjectOrg(v.project_id);
      if (!org) return Dangling("project_id", v.project_id);
      if (v.creator_id) {
        auto project = CreatorProject(*v.creator_id);
        if (!project) return Dangling("creator_id", *v.creator_id);
        if (*project != v.project_id) {
          return Error::InvalidBody("creator '" + *v.creator_id + "' is in another project");
        }
      }
      db_->Prepare(
             "INSERT INTO videos (id, org_id, project_id, creator_id, tiktok_video_id, title, "
             "tracking_status, posted_at, created_at, updated_at) "
             "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
             "ON CONFLICT (id) DO UPDATE SET creator_id = excluded.creator_id, "
             "tiktok_video_id = excluded.tiktok_video_id, title = excluded.title, "
             "tracking_status = excluded.tracking_status, posted_at = excluded.posted_at, "
             "created_at = CASE WHEN ?11 THEN excluded.created_at ELSE created_at END, "
             "updated_at = excluded.updated_at "
             "WHERE project_id = excluded.project_id AND (creator_id IS NOT excluded.creator_id "
             "OR tiktok_video_id IS NOT excluded.tiktok_video_id OR title IS NOT excluded.title "
             "OR tracking_status IS NOT excluded.tracking_status "
             "OR posted_at IS NOT excluded.posted_at "
             "OR (?11 AND created_at IS NOT excluded.created_at))")
          .Bind(1, v.id)
          .Bind(2, *org)
          .Bind(3, v.project_id)
          .Bind(4, v.creator_id)
          .Bind(5, v.tiktok_video_id)
          .Bind(6, v.title)
          .Bind(7, v.tracking_status)
          .Bind(8, v.posted_at)
          .Bind(9, v.created_at)
          .Bind(10, now_)
          .Bind(11, explicit_created_at)
          .Exec();
      bool changed = db_->Changes() > 0;
      auto ref = VideoSeq(v.id);
      if (!ref || ref->project_id != v.project_id) {
        return Error::InvalidBody("video '" + v.id + "' already belongs to another project");
      }
      // Status, creator and posted_at decide whether and where a video counts in the cohorts.
      if (changed) MarkChanged(*ref);
      return Status::Ok();
    });
  }

  Status PutVideoSnapshot(const std::string& video_id, const VideoSnapshot& s) override {
    return Guard([&]() -> Status {
      const VideoRef* video = VideoSeq(video_id);
      if (!video) return Dangling("video_id", video_id);
      db_->Prepare(
             "INSERT INTO video_snapshots (video_seq, snapshot_at, view_count, like_count, "
             "comment_count, share_count, save_count, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
             "?8) ON CONFLICT (video_seq, snapshot_at) DO UPDATE SET "
             "view_count = excluded.view_count, like_count = excluded.like_count, "
             "comment_count = excluded.comment_count, share_count = excluded.share_count, "
             "save_count = excluded.save_count, reason = excluded.reason "
             "WHERE view_count IS NOT excluded.view_count OR like_count IS NOT excluded.like_count "
             "OR comment_count IS NOT excluded.comment_count "
             "OR share_count IS NOT excluded.share_count OR save_count IS NOT excluded.save_count "
             "OR reason IS NOT excluded.reason")
          .Bind(1, video->seq)
          .Bind(2, s.snapshot_at)
          .Bind(3, s.counts[kViews])
          .Bind(4, s.counts[kLikes])
          .Bind(5, s.counts[kComments])
          .Bind(6, s.counts[kShares])
          .Bind(7, s.counts[kSaves])
          .Bind(8, static_cast<std::int64_t>(s.reason))
          .Exec();
      if (db_->Changes() > 0) MarkChanged(*video);
      // The current counts are those of the latest snapshot, whatever order snapshots arrive
      // in; at equal times the later line wins, as its upsert did above.
      auto [it, fresh] = latest_.try_emplace(video->seq, Latest{s.snapshot_at, s.counts});
      if (!fresh && s.snapshot_at >= it->second.snapshot_at) {
        it->second = Latest{s.snapshot_at, s.counts};
      }
      return Status::Ok();
    });
  }

  Status PutCreatorSnapshot(const CreatorSnapshot& s) override {
    return Guard([&]() -> Status {
      if (!CreatorProject(s.creator_id)) return Dangling("creator_id", s.creator_id);
      db_->Prepare(
             "INSERT INTO creator_snapshots (creator_id, snapshot_at, follower_count, "
             "following_count, like_count, video_count) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
             "ON CONFLICT (creator_id, snapshot_at) DO UPDATE SET "
             "follower_count = excluded.follower_count, "
             "following_count = excluded.following_count, like_count = excluded.like_count, "
             "video_count = excluded.video_count WHERE follower_count IS NOT "
             "excluded.follower_count OR following_count IS NOT excluded.following_count "
             "OR like_count IS NOT excluded.like_count OR video_count IS NOT excluded.video_count")
          .Bind(1, s.creator_id)
          .Bind(2, s.snapshot_at)
          .Bind(3, s.follower_count)
          .Bind(4, s.following_count)
          .Bind(5, s.like_count)
          .Bind(6, s.video_count)
          .Exec();
      db_->Prepare(
             "UPDATE creators SET follower_count = ?2, following_count = ?3, like_count = ?4, "
             "video_count = ?5, last_scraped_at = ?6 WHERE id = ?1 AND "
             "(last_scraped_at IS NULL OR last_scraped_at < ?6 OR (last_scraped_at = ?6 AND "
             "(follower_count, following_count, like_count, video_count) IS NOT "
             "(?2, ?3, ?4, ?5)))")
          .Bind(1, s.creator_id)
          .Bind(2, s.follower_count)
          .Bind(3, s.following_count)
          .Bind(4, s.like_count)
          .Bind(5, s.video_count)
          .Bind(6, s.snapshot_at)
          .Exec();
      return Status::Ok();
    });
  }

 private:
  struct VideoRef {
    std::int64_t seq;
    std::string project_id;
  };
  struct Latest {
    Timestamp snapshot_at;
    VideoCounts counts;
  };

  // The import is an operator's command: its errors may say what the database said.
  template <class F>
  Status Guard(F&& body) {
    try {
      return body();
    } catch (const std::exception& e) {
      spdlog::debug("import: {}", e.what());
      return Error(500, "internal_error", std::string("database error: ") + e.what());
    }
  }

  void MarkChanged(const VideoRef& video) {
    batch_videos_.insert(video.seq);
    if (auto org = ProjectOrg(video.project_id)) batch_orgs_.insert(*org);
  }

  // Videos whose snapshots changed in this batch are left to Finish (their cohort_dirty mark
  // brings their counts up to date with the aggregates): a time-ordered file touches every video
  // in every batch, and rewriting the rows each time also rewrites their index entries.
  void FlushLatest() {
    for (const auto& [seq, latest] : latest_) {
      if (batch_videos_.count(seq)) continue;
      const VideoCounts& c = latest.counts;
      db_->Prepare(
             "UPDATE videos SET view_count = ?2, like_count = ?3, comment_count = ?4, "
             "share_count = ?5, save_count = ?6, last_scraped_at = ?7 WHERE seq = ?1 AND "
             "(last_scraped_at IS NULL OR last_scraped_at < ?7 OR (last_scraped_at = ?7 AND "
             "(view_count, like_count, comment_count, share_count, save_count) IS NOT "
             "(?2, ?3, ?4, ?5, ?6)))")
          .Bind(1, seq)
          .Bind(2, c[kViews])
          .Bind(3, c[kLikes])
          .Bind(4, c[kComments])
          .Bind(5, c[kShares])
          .Bind(6, c[kSaves])
          .Bind(7, latest.snapshot_at)
          .Exec();
    }
  }

  void ClearBatch() {
    latest_.clear();
    batch_videos_.clear();
    batch_orgs_.clear();
    batch_rebuild_orgs_.clear();
  }

  bool OrgExists(const std::string& id) {
    if (orgs_.count(id)) return true;
    auto s = db_->Prepare("SELECT 1 FROM organizations WHERE id = ?");
    s.Bind(1, id);
    if (!s.Step()) return false;
    orgs_.emplace(id);
    return true;
  }
  const std::string* ProjectOrg(const std::string& id) {
    if (auto it = projects_.find(id); it != projects_.end()) return &it->second;
    auto s = db_->Prepare("SELECT org_id FROM projects WHERE id = ?");
    s.Bind(1, id);
    if (!s.Step()) return nullptr;
    return &projects_.emplace(id, s.Text(0)).first->second;
  }
  const std::string* CreatorProject(const std::string& id) {
    if (auto it = creators_.find(id); it != creators_.end()) return &it->second;
    auto s = db_->Prepare("SELECT project_id FROM creators WHERE id = ?");
    s.Bind(1, id);
    if (!s.Step()) return nullptr;
    return &creators_.emplace(id, s.Text(0)).first->second;
  }
  const VideoRef* VideoSeq(const std::string& id) {
    if (auto it = videos_.find(id); it != videos_.end()) return &it->second;
    auto s = db_->Prepare("SELECT seq, project_id FROM videos WHERE id = ?");
    s.Bind(1, id);
    if (!s.Step()) return nullptr;
    return &videos_.emplace(id, VideoRef{s.Int(0), s.Text(1)}).first->second;
  }

  Pool::Lease db_;
  Timestamp now_;
  std::optional<WriteTxn> txn_;
  // Id caches (valid while no batch has been rolled back since they were filled).
  std::unordered_set<std::string> orgs_;
  std::unordered_map<std::string, std::string> projects_;
  std::unordered_map<std::string, std::string> creators_;
  std::unordered_map<std::string, VideoRef> videos_;
  // The open batch.
  std::unordered_map<std::int64_t, Latest> latest_;
  std::unordered_set<std::int64_t> batch_videos_;
  std::unordered_set<std::string> batch_orgs_;
  std::unordered_set<std::string> batch_rebuild_orgs_;
};

}  // namespace

std::unique_ptr<ImportSession> SqliteStore::BeginImport(Timestamp now) {
  return std::make_unique<SqliteImportSession>(pool_, now);
}

}  // namespace goatherd::sqlite
