#include "store/sqlite/migrations.h"

namespace goatherd::sqlite {
namespace {

// Times are INTEGER unix seconds. Videos carry an integer `seq` beside their UUID so that the
// largest table, video_snapshots, keys on 8 bytes instead of 36.
constexpr const char* kInitial = R"sql(
CREATE TABLE server_secrets (
  name  TEXT PRIMARY KEY,
  value BLOB NOT NULL
);

CREATE TABLE plan_limits (
  plan      TEXT NOT NULL,
  limit_key TEXT NOT NULL,
  value     INTEGER,
  PRIMARY KEY (plan, limit_key)
) WITHOUT ROWID;

INSERT INTO plan_limits (plan, limit_key, value) VALUES
  ('free', 'max_creators_per_org', 5), ('starter', 'max_creators_per_org', 50),
  ('ultra', 'max_creators_per_org', 300),
  ('free', 'max_tracked_videos_per_org', 500), ('starter', 'max_tracked_videos_per_org', 10000),
  ('ultra', 'max_tracked_videos_per_org', 100000),
  ('free', 'max_projects_per_org', 1), ('starter', 'max_projects_per_org', 3),
  ('ultra', 'max_projects_per_org', 10),
  ('free', 'max_members_per_org', 2), ('starter', 'max_members_per_org', 5),
  ('ultra', 'max_members_per_org', 50),
  ('free', 'max_campaigns_per_project', 10), ('starter', 'max_campaigns_per_project', 100),
  ('ultra', 'max_campaigns_per_project', NULL),
  ('free', 'max_campaign_items_per_campaign', 100),
  ('starter', 'max_campaign_items_per_campaign', 1000),
  ('ultra', 'max_campaign_items_per_campaign', NULL),
  ('free', 'max_api_keys_per_org', 2), ('starter', 'max_api_keys_per_org', 10),
  ('ultra', 'max_api_keys_per_org', 50),
  ('free', 'max_api_requests_per_day', 0), ('starter', 'max_api_requests_per_day', 1000),
  ('ultra', 'max_api_requests_per_day', 50000),
  ('free', 'max_manual_scrape_triggers_per_day', 1),
  ('starter', 'max_manual_scrape_triggers_per_day', 10),
  ('ultra', 'max_manual_scrape_triggers_per_day', 100),
  ('free', 'max_payout_methods_per_org', 6), ('starter', 'max_payout_methods_per_org', 10),
  ('ultra', 'max_payout_methods_per_org', NULL),
  ('free', 'max_payout_structures_per_project', 3),
  ('starter', 'max_payout_structures_per_project', 20),
  ('ultra', 'max_payout_structures_per_project', NULL),
  ('free', 'min_video_stats_hours', 24), ('starter', 'min_video_stats_hours', 6),
  ('ultra', 'min_video_stats_hours', 1),
  ('free', 'min_discover_videos_hours', 24), ('starter', 'min_discover_videos_hours', 6),
  ('ultra', 'min_discover_videos_hours', 1),
  ('free', 'min_creator_profiles_hours', 24), ('starter', 'min_creator_profiles_hours', 12),
  ('ultra', 'min_creator_profiles_hours', 6),
  ('free', 'stats_history_retention_days', 30), ('starter', 'stats_history_retention_days', 365),
  ('ultra', 'stats_history_retention_days', NULL);

CREATE TABLE organizations (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  timezone   TEXT NOT NULL DEFAULT 'UTC',
  plan       TEXT NOT NULL,
  settings   TEXT NOT NULL DEFAULT '{}',
  banned     INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE api_keys (
  id           TEXT PRIMARY KEY,
  org_id       TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  name         TEXT NOT NULL,
  prefix       TEXT NOT NULL,
  hash         BLOB NOT NULL UNIQUE,
  scopes       INTEGER NOT NULL,
  expires_at   INTEGER,
  revoked_at   INTEGER,
  last_used_at INTEGER,
  created_at   INTEGER NOT NULL
);
CREATE INDEX api_keys_org ON api_keys (org_id, created_at);

CREATE TABLE projects (
  id          TEXT PRIMARY KEY,
  org_id      TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  name        TEXT NOT NULL,
  description TEXT,
  metadata    TEXT NOT NULL DEFAULT '{}',
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  deleted_at  INTEGER
);
CREATE INDEX projects_org_created ON projects (org_id, created_at DESC, id DESC);

CREATE TABLE creators (
  id                    TEXT PRIMARY KEY,
  org_id                TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  project_id            TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  tiktok_handle         TEXT NOT NULL,
  display_name          TEXT,
  display_name_override TEXT,
  avatar_url            TEXT,
  description           TEXT,
  metadata              TEXT NOT NULL DEFAULT '{}',
  tracking_mode         TEXT NOT NULL DEFAULT 'auto',
  tracking_start_date   TEXT,
  follower_count        INTEGER NOT NULL DEFAULT 0,
  following_count       INTEGER NOT NULL DEFAULT 0,
  like_count            INTEGER NOT NULL DEFAULT 0,
  video_count           INTEGER NOT NULL DEFAULT 0,
  status                TEXT NOT NULL DEFAULT 'active',
  disabled_reason       TEXT,
  last_scraped_at       INTEGER,
  created_at            INTEGER NOT NULL,
  updated_at            INTEGER NOT NULL
);
CREATE INDEX creators_org_created ON creators (org_id, created_at DESC, id DESC);
CREATE INDEX creators_project_handle ON creators (project_id, tiktok_handle COLLATE NOCASE);

CREATE TABLE videos (
  seq                     INTEGER PRIMARY KEY,
  id                      TEXT NOT NULL UNIQUE,
  org_id                  TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  project_id              TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  creator_id              TEXT REFERENCES creators (id) ON DELETE SET NULL,
  tiktok_video_id         TEXT NOT NULL,
  is_photo                INTEGER NOT NULL DEFAULT 0,
  author_handle           TEXT,
  title                   TEXT,
  description             TEXT,
  metadata                TEXT NOT NULL DEFAULT '{}',
  cover_url               TEXT,
  view_count              INTEGER NOT NULL DEFAULT 0,
  like_count              INTEGER NOT NULL DEFAULT 0,
  comment_count           INTEGER NOT NULL DEFAULT 0,
  share_count             INTEGER NOT NULL DEFAULT 0,
  save_count              INTEGER NOT NULL DEFAULT 0,
  tracking_status         TEXT NOT NULL DEFAULT 'auto_tracked',
  tracking_disabled       INTEGER NOT NULL DEFAULT 0,
  tracking_stopped_reason TEXT,
  posted_at               INTEGER,
  last_scraped_at         INTEGER,
  created_at              INTEGER NOT NULL,
  updated_at              INTEGER NOT NULL,
  UNIQUE (project_id, tiktok_video_id)
);
CREATE INDEX videos_org_created ON videos (org_id, created_at DESC, id DESC);
CREATE INDEX videos_creator ON videos (creator_id);

CREATE TABLE video_snapshots (
  video_seq     INTEGER NOT NULL REFERENCES videos (seq) ON DELETE CASCADE,
  snapshot_at   INTEGER NOT NULL,
  view_count    INTEGER NOT NULL,
  like_count    INTEGER NOT NULL,
  comment_count INTEGER NOT NULL,
  share_count   INTEGER NOT NULL,
  save_count    INTEGER NOT NULL,
  reason        INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (video_seq, snapshot_at)
) WITHOUT ROWID;

CREATE TABLE creator_snapshots (
  creator_id      TEXT NOT NULL REFERENCES creators (id) ON DELETE CASCADE,
  snapshot_at     INTEGER NOT NULL,
  follower_count  INTEGER NOT NULL,
  following_count INTEGER NOT NULL,
  like_count      INTEGER NOT NULL,
  video_count     INTEGER NOT NULL,
  PRIMARY KEY (creator_id, snapshot_at)
) WITHOUT ROWID;
)sql";

// Running cohort sums (spec/videos.md): video_velocity holds each counted video's velocity in
// its organization's zone, exactly the contribution it makes to cohort_sums (creator_id '' is
// the organization-wide sum). `in_cohort` / `cohort_creator_id` say where that contribution went,
// so it can be taken out again when the video changes. stats_generation invalidates cached
// stats answers across processes.
constexpr const char* kVideoStats = R"sql(
ALTER TABLE organizations ADD COLUMN stats_generation INTEGER NOT NULL DEFAULT 0;
ALTER TABLE videos ADD COLUMN in_cohort INTEGER NOT NULL DEFAULT 0;
ALTER TABLE videos ADD COLUMN cohort_creator_id TEXT;

CREATE TABLE video_velocity (
  video_seq    INTEGER NOT NULL REFERENCES videos (seq) ON DELETE CASCADE,
  day_number   INTEGER NOT NULL,
  views_gained INTEGER NOT NULL,
  PRIMARY KEY (video_seq, day_number)
) WITHOUT ROWID;

CREATE TABLE cohort_sums (
  org_id           TEXT NOT NULL,
  creator_id       TEXT NOT NULL,
  day_number       INTEGER NOT NULL,
  views_gained_sum INTEGER NOT NULL,
  sample_size      INTEGER NOT NULL,
  PRIMARY KEY (org_id, creator_id, day_number)
) WITHOUT ROWID;

DROP INDEX videos_creator;
CREATE INDEX videos_creator_created ON videos (creator_id, created_at DESC, id DESC);
CREATE INDEX videos_project_created ON videos (project_id, created_at DESC, id DESC);
)sql";

// Platform rules: daily request counts per organization (UTC day number) and idempotency
// records (24 hours; `status` NULL while the first request still runs).
constexpr const char* kPlatform = R"sql(
CREATE TABLE api_usage (
  org_id TEXT NOT NULL,
  day    INTEGER NOT NULL,
  count  INTEGER NOT NULL,
  PRIMARY KEY (org_id, day)
) WITHOUT ROWID;

CREATE TABLE idempotency_keys (
  org_id      TEXT NOT NULL,
  key         TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  status      INTEGER,
  body        TEXT,
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (org_id, key)
) WITHOUT ROWID;
)sql";

// Scrape jobs, persisted so a restart loses nothing; `locked_until` is a claim lease so two
// processes never run one job at once. The `demo` plan: scrape floors of 0 hours (the
// scheduler's own minimum, one minute), so a demo visibly moves.
constexpr const char* kScrape = R"sql(
CREATE TABLE scrape_jobs (
  id                  INTEGER PRIMARY KEY,
  org_id              TEXT NOT NULL,
  kind                TEXT NOT NULL,
  target_id           TEXT NOT NULL,
  due_at              INTEGER NOT NULL,
  attempts            INTEGER NOT NULL DEFAULT 0,
  definitive_failures INTEGER NOT NULL DEFAULT 0,
  last_error          TEXT,
  locked_until        INTEGER,
  manual              INTEGER NOT NULL DEFAULT 0,
  UNIQUE (kind, target_id)
);
CREATE INDEX scrape_jobs_due ON scrape_jobs (due_at);

INSERT INTO plan_limits (plan, limit_key, value)
  SELECT 'demo', limit_key, value FROM plan_limits WHERE plan = 'ultra';
UPDATE plan_limits SET value = 0 WHERE plan = 'demo'
  AND limit_key IN ('min_video_stats_hours', 'min_discover_videos_hours',
                    'min_creator_profiles_hours');
)sql";

// Work an import defers past its commits, marked in the same transactions as the data, so that
// a killed import is completed by the next import or `serve` start instead of being lost.
constexpr const char* kCohortMarks = R"sql(
ALTER TABLE videos ADD COLUMN cohort_dirty INTEGER NOT NULL DEFAULT 0;
ALTER TABLE organizations ADD COLUMN cohort_rebuild INTEGER NOT NULL DEFAULT 0;
CREATE INDEX videos_cohort_dirty ON videos (cohort_dirty) WHERE cohort_dirty = 1;
)sql";

// Manual scrape triggers per organization and UTC day (max_manual_scrape_triggers_per_day).
constexpr const char* kManualTriggers = R"sql(
CREATE TABLE manual_triggers (
  org_id TEXT NOT NULL,
  day    INTEGER NOT NULL,
  count  INTEGER NOT NULL,
  PRIMARY KEY (org_id, day)
) WITHOUT ROWID;
)sql";

// Periodic maintenance tasks (the daily retention run): the next due time and a claim lease,
// so that one process runs each task once however many serve the database.
constexpr const char* kMaintenance = R"sql(
CREATE TABLE maintenance_runs (
  name   TEXT PRIMARY KEY,
  due_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX projects_deleted ON projects (deleted_at) WHERE deleted_at IS NOT NULL;
)sql";

// Creators' change log (spec/resources.md "Creators"): newest first by (created_at, seq); `seq`
// breaks ties of one second in the order the events were written.
constexpr const char* kCreatorEvents = R"sql(
CREATE TABLE creator_events (
  seq        INTEGER PRIMARY KEY,
  id         TEXT NOT NULL UNIQUE,
  org_id     TEXT NOT NULL,
  creator_id TEXT NOT NULL REFERENCES creators (id) ON DELETE CASCADE,
  kind       TEXT NOT NULL,
  details    TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL
);
CREATE INDEX creator_events_creator ON creator_events (creator_id, created_at DESC, seq DESC);
CREATE INDEX creators_org_status ON creators (org_id, status);
)sql";

// Goals per creator (target in hundredths, dates as YYYY-MM-DD text) and dated annotations of a
// project's charts; both keyed for their lists within one organization.
constexpr const char* kGoalsAnnotations = R"sql(
CREATE TABLE goals (
  id                TEXT PRIMARY KEY,
  org_id            TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  project_id        TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  creator_id        TEXT NOT NULL REFERENCES creators (id) ON DELETE CASCADE,
  metric            TEXT NOT NULL,
  period            TEXT NOT NULL,
  target_hundredths INTEGER NOT NULL,
  start_date        TEXT,
  end_date          TEXT,
  is_active         INTEGER NOT NULL DEFAULT 1,
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL
);
CREATE INDEX goals_creator ON goals (org_id, creator_id, created_at DESC, id DESC);
CREATE INDEX goals_project ON goals (org_id, project_id);

CREATE TABLE annotations (
  id          TEXT PRIMARY KEY,
  org_id      TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  project_id  TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  date        TEXT NOT NULL,
  label       TEXT NOT NULL,
  body        TEXT,
  kind        TEXT NOT NULL,
  entity_type TEXT,
  entity_id   TEXT,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);
CREATE INDEX annotations_project_date ON annotations (org_id, project_id, date, id);
)sql";

// Campaigns (resources.md "Campaigns"): deleted for real, with their memberships both ways.
// An item's id points at a creator, video or campaign; triggers drop the memberships of any
// of those when it is deleted (a purge, a video's hard delete), whoever deletes it. The
// covering index lets a campaign's videos be resolved per creator without touching rows.
constexpr const char* kCampaigns = R"sql(
CREATE TABLE campaigns (
  id           TEXT PRIMARY KEY,
  org_id       TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  project_id   TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  name         TEXT NOT NULL,
  description  TEXT,
  metadata     TEXT NOT NULL DEFAULT '{}',
  target_views INTEGER,
  target_at    INTEGER,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
);
CREATE INDEX campaigns_org_created ON campaigns (org_id, created_at DESC, id DESC);
CREATE INDEX campaigns_project_created ON campaigns (project_id, created_at DESC, id DESC);

CREATE TABLE campaign_items (
  seq         INTEGER PRIMARY KEY,
  org_id      TEXT NOT NULL,
  campaign_id TEXT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
  item_type   TEXT NOT NULL,
  item_id     TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  UNIQUE (campaign_id, item_type, item_id)
);
CREATE INDEX campaign_items_item ON campaign_items (item_type, item_id);

CREATE TRIGGER campaigns_drop_memberships AFTER DELETE ON campaigns BEGIN
  DELETE FROM campaign_items WHERE item_type = 'campaign' AND item_id = OLD.id;
END;
CREATE TRIGGER creators_drop_memberships AFTER DELETE ON creators BEGIN
  DELETE FROM campaign_items WHERE item_type = 'creator' AND item_id = OLD.id;
END;
CREATE TRIGGER videos_drop_memberships AFTER DELETE ON videos BEGIN
  DELETE FROM campaign_items WHERE item_type = 'video' AND item_id = OLD.id;
END;

CREATE INDEX videos_org_creator_status ON videos (org_id, creator_id, tracking_status, id);
)sql";

// A video whose tracking was switched back on: its next snapshot is a tracking_resumed baseline
// (spec/videos.md), so ingest must know one is owed. The Tracking Inbox lists a project's
// pending_review videos oldest first without walking its other videos.
constexpr const char* kVideoTrackingInbox = R"sql(
ALTER TABLE videos ADD COLUMN resume_baseline_pending INTEGER NOT NULL DEFAULT 0;
CREATE INDEX videos_inbox ON videos (project_id, created_at, id)
  WHERE tracking_status = 'pending_review';
)sql";

// Analytics rollups (store/sqlite/rollups.h): per scope (0 project, 1 campaign) and local day,
// the sums over its videos; the videos each scope holds, with the posted day applied; scopes whose
// membership changed without passing through a video, marked by the triggers below in the
// changing transaction and rebuilt before they are read; per video and day the running sum of its
// gains (breakdown ranking). Every analytics input these triggers see also bumps the stats
// generation, so cached analytics answers are dropped. Existing scopes start dirty: their
// rebuild needs time zones, which SQL lacks.
constexpr const char* kRollups = R"sql(
CREATE TABLE rollup_days (
  org_id          TEXT NOT NULL,
  scope_kind      INTEGER NOT NULL,
  scope_id        TEXT NOT NULL,
  day             INTEGER NOT NULL,
  views_gained    INTEGER NOT NULL,
  likes_gained    INTEGER NOT NULL,
  comments_gained INTEGER NOT NULL,
  shares_gained   INTEGER NOT NULL,
  saves_gained    INTEGER NOT NULL,
  gain_videos     INTEGER NOT NULL,
  views_delta     INTEGER NOT NULL,
  likes_delta     INTEGER NOT NULL,
  comments_delta  INTEGER NOT NULL,
  shares_delta    INTEGER NOT NULL,
  saves_delta     INTEGER NOT NULL,
  first_videos    INTEGER NOT NULL,
  baseline_videos INTEGER NOT NULL,
  posts           INTEGER NOT NULL,
  PRIMARY KEY (org_id, scope_kind, scope_id, day)
) WITHOUT ROWID;
CREATE TABLE rollup_members (
  video_seq  INTEGER NOT NULL,
  scope_kind INTEGER NOT NULL,
  scope_id   TEXT NOT NULL,
  org_id     TEXT NOT NULL,
  posted_day INTEGER,
  PRIMARY KEY (video_seq, scope_kind, scope_id)
) WITHOUT ROWID;
CREATE INDEX rollup_members_scope ON rollup_members (org_id, scope_kind, scope_id, video_seq);
CREATE TABLE rollup_dirty (
  org_id     TEXT NOT NULL,
  scope_kind INTEGER NOT NULL,
  scope_id   TEXT NOT NULL,
  PRIMARY KEY (org_id, scope_kind, scope_id)
) WITHOUT ROWID;
CREATE TABLE video_gain_sums (
  video_seq INTEGER NOT NULL REFERENCES videos (seq) ON DELETE CASCADE,
  day       INTEGER NOT NULL,
  views     INTEGER NOT NULL,
  likes     INTEGER NOT NULL,
  comments  INTEGER NOT NULL,
  shares    INTEGER NOT NULL,
  saves     INTEGER NOT NULL,
  PRIMARY KEY (video_seq, day)
) WITHOUT ROWID;
INSERT INTO video_gain_sums SELECT video_seq, day,
  sum(views_gained) OVER w, sum(likes_gained) OVER w, sum(comments_gained) OVER w,
  sum(shares_gained) OVER w, sum(saves_gained) OVER w
  FROM video_days WINDOW w AS (PARTITION BY video_seq ORDER BY day);
CREATE INDEX video_days_baselines ON video_days (day, video_seq) WHERE baseline_count > 0;
INSERT INTO rollup_dirty SELECT org_id, 0, id FROM projects;
INSERT INTO rollup_dirty SELECT org_id, 1, id FROM campaigns;

CREATE TRIGGER rollup_item_added AFTER INSERT ON campaign_items BEGIN
  INSERT OR IGNORE INTO rollup_dirty VALUES (NEW.org_id, 1, NEW.campaign_id);
  UPDATE organizations SET stats_generation = stats_generation + 1 WHERE id = NEW.org_id;
END;
CREATE TRIGGER rollup_item_removed AFTER DELETE ON campaign_items BEGIN
  INSERT OR IGNORE INTO rollup_dirty VALUES (OLD.org_id, 1, OLD.campaign_id);
  UPDATE organizations SET stats_generation = stats_generation + 1 WHERE id = OLD.org_id;
END;
CREATE TRIGGER rollup_campaign_deleted AFTER DELETE ON campaigns BEGIN
  INSERT OR IGNORE INTO rollup_dirty VALUES (OLD.org_id, 1, OLD.id);
  UPDATE organizations SET stats_generation = stats_generation + 1 WHERE id = OLD.org_id;
END;
CREATE TRIGGER rollup_creator_status AFTER UPDATE OF status ON creators
  WHEN OLD.status IS NOT NEW.status BEGIN
  INSERT OR IGNORE INTO rollup_dirty SELECT org_id, 1, campaign_id FROM campaign_items
    WHERE item_type = 'creator' AND item_id = NEW.id;
END;
CREATE TRIGGER rollup_video_deleted BEFORE DELETE ON videos BEGIN
  INSERT OR IGNORE INTO rollup_dirty SELECT org_id, scope_kind, scope_id FROM rollup_members
    WHERE video_seq = OLD.seq;
  DELETE FROM rollup_members WHERE video_seq = OLD.seq;
END;
CREATE TRIGGER stats_creator_changed AFTER UPDATE ON creators BEGIN
  UPDATE organizations SET stats_generation = stats_generation + 1 WHERE id = NEW.org_id;
END;
CREATE TRIGGER stats_follower_snapshot AFTER INSERT ON creator_snapshots BEGIN
  UPDATE organizations SET stats_generation = stats_generation + 1
    WHERE id = (SELECT org_id FROM creators WHERE id = NEW.creator_id);
END;
CREATE TRIGGER stats_follower_snapshot_gone AFTER DELETE ON creator_snapshots BEGIN
  UPDATE organizations SET stats_generation = stats_generation + 1
    WHERE id = (SELECT org_id FROM creators WHERE id = OLD.creator_id);
END;
CREATE TRIGGER stats_campaign_changed AFTER UPDATE ON campaigns BEGIN
  UPDATE organizations SET stats_generation = stats_generation + 1 WHERE id = NEW.org_id;
END;
CREATE TRIGGER stats_project_changed AFTER UPDATE ON projects BEGIN
  UPDATE organizations SET stats_generation = stats_generation + 1 WHERE id = NEW.org_id;
END;
CREATE TRIGGER stats_annotation_added AFTER INSERT ON annotations BEGIN
  UPDATE organizations SET stats_generation = stats_generation + 1 WHERE id = NEW.org_id;
END;
CREATE TRIGGER stats_annotation_changed AFTER UPDATE ON annotations BEGIN
  UPDATE organizations SET stats_generation = stats_generation + 1 WHERE id = NEW.org_id;
END;
CREATE TRIGGER stats_annotation_removed AFTER DELETE ON annotations BEGIN
  UPDATE organizations SET stats_generation = stats_generation + 1 WHERE id = OLD.org_id;
END;
CREATE TRIGGER stats_video_label AFTER UPDATE OF title ON videos
  WHEN OLD.title IS NOT NEW.title BEGIN
  UPDATE organizations SET stats_generation = stats_generation + 1 WHERE id = NEW.org_id;
END;
CREATE TRIGGER stats_org_plan AFTER UPDATE OF plan ON organizations
  WHEN OLD.plan IS NOT NEW.plan BEGIN
  UPDATE organizations SET stats_generation = stats_generation + 1 WHERE id = NEW.id;
END;
)sql";

// Per-video day levels in the organization's timezone (store/sqlite/video_days.h), kept with
// the snapshots so that a stats answer reads one row per day instead of every snapshot. The
// backfill needs time zones, which SQL lacks: every video is marked for the deferred sync that
// the next import or `serve` start completes (readers use the snapshots until then).
constexpr const char* kVideoDays = R"sql(
CREATE TABLE video_days (
  video_seq         INTEGER NOT NULL REFERENCES videos (seq) ON DELETE CASCADE,
  day               INTEGER NOT NULL,
  view_count        INTEGER NOT NULL,
  like_count        INTEGER NOT NULL,
  comment_count     INTEGER NOT NULL,
  share_count       INTEGER NOT NULL,
  save_count        INTEGER NOT NULL,
  views_gained      INTEGER NOT NULL,
  likes_gained      INTEGER NOT NULL,
  comments_gained   INTEGER NOT NULL,
  shares_gained     INTEGER NOT NULL,
  saves_gained      INTEGER NOT NULL,
  baseline_count    INTEGER NOT NULL,
  holds_video_added INTEGER NOT NULL,
  baseline_views    INTEGER,
  baseline_likes    INTEGER,
  baseline_comments INTEGER,
  baseline_shares   INTEGER,
  baseline_saves    INTEGER,
  baselines         TEXT,
  PRIMARY KEY (video_seq, day)
) WITHOUT ROWID;
UPDATE videos SET cohort_dirty = 1;
)sql";

// The video-leaderboard (spec/analytics.md "Aggregates") over a project's counted videos from
// indexes instead of the wide video rows: its count and its pages by views (the default order;
// posted_at rides along for ranges) and by posted_at. `is_photo IS NOT NULL` (always true) is a
// marker: SQLite uses a partial index only for a query that repeats its WHERE terms, and only the
// statements in sqlite_aggregates.cpp that gain from these do; other whole-project reads need
// columns these lack and are faster by their own plans than by one row lookup per entry. The
// views index costs an update whenever a video's views change (each scrape; measured in
// bench/README.md "Aggregates"), so the other count columns get none.
constexpr const char* kAggregateIndexes = R"sql(
CREATE INDEX videos_counted_views ON videos (org_id, project_id, view_count DESC, id, posted_at)
  WHERE tracking_status IN ('auto_tracked', 'included', 'direct_add') AND is_photo IS NOT NULL;
CREATE INDEX videos_counted_posted ON videos (org_id, project_id, posted_at)
  WHERE tracking_status IN ('auto_tracked', 'included', 'direct_add') AND is_photo IS NOT NULL;
)sql";

// The campaign resolver's read of a creator's counted videos as row numbers: a covering index a
// third the size of videos_org_creator_status, so resolving a large tree reads fewer pages.
constexpr const char* kCreatorStatusIndex = R"sql(
CREATE INDEX videos_creator_status ON videos (creator_id, tracking_status);
)sql";

// Analytics lists a project's or campaign's baselines per day from rollup_days now, so nothing
// reads baseline days across videos: the partial index only cost writes.
constexpr const char* kDropBaselineDayIndex = R"sql(
DROP INDEX IF EXISTS video_days_baselines;
)sql";

// Every video read joins its live project and its creator's handle and status (video_rows.h):
// indexes that hold what those joins read answer them without a visit to the table rows — 200
// fewer row lookups in a 100-video list page.
constexpr const char* kVideoJoinIndexes = R"sql(
CREATE INDEX projects_id_deleted ON projects (id, deleted_at);
CREATE INDEX creators_handle_status ON creators (id, tiktok_handle, status);
)sql";

// Each video's day rows packed into one value (video_days.h, EncodeDaySeries) for the stats
// endpoint. Every video is marked for the deferred sync, which writes them at the next start
// (readers compute from the snapshots until then, as after migration 9).
constexpr const char* kDaySeries = R"sql(
CREATE TABLE video_day_series (
  video_seq INTEGER PRIMARY KEY REFERENCES videos (seq) ON DELETE CASCADE,
  days      BLOB NOT NULL
);
UPDATE videos SET cohort_dirty = 1;
)sql";

constexpr Migration kMigrations[] = {
    {1, "initial schema", kInitial},
    {2, "video stats: cohort sums, stats generation", kVideoStats},
    {3, "platform: api usage, idempotency keys", kPlatform},
    {4, "scrape jobs, demo plan", kScrape},
    {5, "deferred cohort marks", kCohortMarks},
    {6, "manual scrape triggers", kManualTriggers},
    {7, "creator events", kCreatorEvents},
    {8, "campaigns", kCampaigns},
    {9, "video day levels", kVideoDays},
    {10, "goals, annotations", kGoalsAnnotations},
    {11, "video tracking resume, inbox index", kVideoTrackingInbox},
    {12, "maintenance runs", kMaintenance},
    {13, "aggregate indexes", kAggregateIndexes},
    {14, "analytics rollups", kRollups},
    {15, "creator status index", kCreatorStatusIndex},
    {16, "drop the baseline day index", kDropBaselineDayIndex},
    {17, "video join indexes", kVideoJoinIndexes},
    {18, "packed video day series", kDaySeries},
};

}  // namespace

std::span<const Migration> Migrations() { return kMigrations; }

}  // namespace goatherd::sqlite
