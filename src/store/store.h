// Store: the one interface to persistence. Everything outside src/store/ talks to the database
// through it and never sees SQL or learns which backend runs (SQLite today, PostgreSQL later).
// Every query that reads tenant data takes the organization id and filters on it.
// Thread-safety: a Store is shared by all threads; each call is independent and may block, so
// callers run it on worker threads, never on I/O threads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/time.h"
#include "core/types.h"

namespace goatherd {

// A keyset position in a list ordered newest first by (created_at, id).
struct KeysetPosition {
  Timestamp created_at = 0;
  std::string id;
};

struct PageRequest {
  int limit = 50;
  std::optional<KeysetPosition> after;  // rows strictly after this position
};

template <class T>
struct Page {
  std::vector<T> items;
  bool has_more = false;
};

// Optional fields of a PATCH: a set outer optional means "the request names this field".
struct ProjectPatch {
  std::optional<std::string> name;
  std::optional<std::optional<std::string>> readme;
  std::optional<std::string> metadata;
};

struct VideoFilter {
  std::optional<std::string> project_id;
  std::optional<std::string> creator_id;
};

struct VideoPatch {
  std::optional<std::optional<std::string>> readme;
  std::optional<std::string> metadata;
  std::optional<std::string> tracking_status;  // "included" | "excluded"
};

// A video as the API shows it: the row plus what is derived from related rows.
struct VideoView {
  Video video;
  std::optional<std::string> handle;  // the creator's current handle, else the video's author
  std::optional<std::string> creator_status;
  std::int64_t tracking_days = 90;  // the organization's video_tracking_days
  std::int64_t seq = 0;             // the store's internal row number
};

struct VideoWithSnapshots {
  VideoView view;
  std::vector<VideoSnapshot> snapshots;  // oldest first
};

// One day number's running cohort sum (spec/videos.md, cohort).
struct CohortRow {
  std::int32_t day_number = 0;
  std::int64_t views_gained_sum = 0;
  std::int64_t sample_size = 0;
};

// A counted video's history, for cohort averages computed on the fly in another zone.
struct VideoHistory {
  std::optional<Timestamp> posted_at;
  std::vector<VideoSnapshot> snapshots;
};

// What BeginIdempotent found for (organization, Idempotency-Key).
struct IdempotencyClaim {
  enum Kind { kNew, kReplay, kConflict, kRunning } kind = kNew;
  int status = 0;  // kReplay: the stored response
  std::string body;
};

struct OrganizationPatch {
  std::optional<std::string> name;
  std::optional<std::string> timezone;
  std::optional<std::string> settings;  // the whole new settings object, validated
};

// What one retention run removed.
struct RetentionReport {
  std::int64_t video_snapshots_deleted = 0;
  std::int64_t creator_snapshots_deleted = 0;
  std::int64_t projects_purged = 0;
  std::int64_t idempotency_records_deleted = 0;
};

// Loads JSON Lines imports: one transaction per batch, upsert by id, snapshots unique by
// (video, snapshot_at). A failing call leaves the open batch to be rolled back.
class ImportSession {
 public:
  virtual ~ImportSession() = default;
  virtual Status BeginBatch() = 0;
  virtual Status CommitBatch() = 0;
  virtual void RollbackBatch() = 0;
  // `explicit_created_at`: the line carried `created_at`; otherwise an existing row keeps its own.
  virtual Status PutOrganization(const Organization& org, bool explicit_created_at) = 0;
  virtual Status PutProject(const Project& project, bool explicit_created_at) = 0;
  virtual Status PutCreator(const Creator& creator, bool explicit_created_at) = 0;
  virtual Status PutVideo(const Video& video, bool explicit_created_at) = 0;
  virtual Status PutVideoSnapshot(const std::string& video_id, const VideoSnapshot& snapshot) = 0;
  virtual Status PutCreatorSnapshot(const CreatorSnapshot& snapshot) = 0;
  // Completes the work the import deferred past its commits (the running aggregates). Also done
  // by the next import or `serve` start if the process dies first.
  virtual Status Finish() = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // Brings the schema to the current version; returns the version reached.
  virtual Result<int> Migrate() = 0;
  virtual Status Ping() = 0;

  // A named server secret (e.g. the cursor-signing key), created at random on first use and
  // kept in the database so that every process on it agrees.
  virtual Result<std::string> ServerSecret(const std::string& name) = 0;

  // Organizations.
  virtual Result<Organization> CreateOrganization(const Organization& org) = 0;
  virtual Result<Organization> GetOrganization(const std::string& id) = 0;
  virtual Status SetOrganizationBanned(const std::string& id, bool banned) = 0;

  // Changes name, timezone or settings; a timezone change rebuilds the cohort sums kept in it.
  virtual Result<Organization> UpdateOrganization(const std::string& id,
                                                  const OrganizationPatch& patch,
                                                  Timestamp now) = 0;

  // Plans. nullopt = unlimited (also for a key the plan does not list).
  virtual Result<std::optional<std::int64_t>> PlanLimit(const std::string& plan,
                                                        const std::string& key) = 0;
  virtual Result<bool> PlanExists(const std::string& plan) = 0;
  virtual Result<std::vector<goatherd::PlanLimit>> PlanLimits(const std::string& plan) = 0;

  // API keys. `CreateApiKey` with `enforce_limit` checks max_api_keys_per_org atomically.
  virtual Result<ApiKey> CreateApiKey(const ApiKey& key, bool enforce_limit) = 0;
  virtual Result<std::optional<ApiKey>> FindApiKeyByHash(const std::string& hash) = 0;
  // The key and its organization in one read (every authenticated request does this).
  virtual Result<std::optional<std::pair<ApiKey, Organization>>> FindKeyAndOrganization(
      const std::string& hash) = 0;
  virtual Result<std::vector<ApiKey>> ListApiKeys(const std::string& org_id) = 0;
  // Revokes a key of any organization (operator's CLI); 404 when unknown.
  virtual Result<ApiKey> RevokeApiKey(const std::string& key_id, Timestamp now) = 0;
  virtual Status TouchApiKey(const std::string& key_id, Timestamp now) = 0;
  // Revokes a key of this organization (the API); 404 for another organization's key.
  virtual Result<ApiKey> RevokeOrgApiKey(const std::string& org_id, const std::string& key_id,
                                         Timestamp now) = 0;

  // Daily request counts per organization (UTC day number), so the quota survives restarts.
  virtual Result<std::vector<std::pair<std::string, std::int64_t>>> ApiUsage(DayNumber day) = 0;
  virtual Status AddApiUsage(DayNumber day,
                             const std::vector<std::pair<std::string, std::int64_t>>& counts) = 0;

  // Idempotency records, 24 hours. BeginIdempotent claims the key atomically: exactly one
  // caller gets kNew and must then Finish (the final response) or Abandon (5xx, 429).
  virtual Result<IdempotencyClaim> BeginIdempotent(const std::string& org_id,
                                                   const std::string& key,
                                                   const std::string& fingerprint,
                                                   Timestamp now) = 0;
  virtual Status FinishIdempotent(const std::string& org_id, const std::string& key, int status,
                                  const std::string& body) = 0;
  virtual Status AbandonIdempotent(const std::string& org_id, const std::string& key) = 0;

  // Projects (soft-deleted ones are invisible).
  virtual Result<Page<Project>> ListProjects(const std::string& org_id,
                                             const PageRequest& page) = 0;
  virtual Result<Project> GetProject(const std::string& org_id, const std::string& id) = 0;
  // Checks max_projects_per_org in the same transaction as the insert.
  virtual Result<Project> CreateProject(const Project& project) = 0;
  virtual Result<Project> UpdateProject(const std::string& org_id, const std::string& id,
                                        const ProjectPatch& patch, Timestamp now) = 0;
  virtual Status DeleteProject(const std::string& org_id, const std::string& id, Timestamp now) = 0;

  // Videos. Lists never include `excluded` videos; newest first by (created_at, id).
  virtual Result<Page<VideoView>> ListVideos(const std::string& org_id, const VideoFilter& filter,
                                             const PageRequest& page) = 0;
  virtual Result<VideoView> GetVideo(const std::string& org_id, const std::string& id) = 0;
  // 409 invalid_transition for a status decision on a direct_add video.
  virtual Result<VideoView> UpdateVideo(const std::string& org_id, const std::string& id,
                                        const VideoPatch& patch, Timestamp now) = 0;
  // A video and all its snapshots, in one read.
  virtual Result<VideoWithSnapshots> GetVideoWithSnapshots(const std::string& org_id,
                                                           const std::string& id) = 0;

  // Running cohort sums in the organization's zone: the creator's counted videos, or (creator
  // empty) every counted video of the organization. Ascending day numbers, sample_size >= 1.
  virtual Result<std::vector<CohortRow>> CohortSums(const std::string& org_id,
                                                    const std::string& creator_id) = 0;
  // The histories of the same sets of videos, for another zone.
  virtual Result<std::vector<VideoHistory>> CountedVideoHistories(
      const std::string& org_id, const std::string& creator_id) = 0;

  // A number that changes whenever anything a stats answer depends on changes for the
  // organization (snapshots, statuses, deletions, its timezone), in any process.
  virtual Result<std::int64_t> StatsGeneration(const std::string& org_id) = 0;

  // Scraping. EnsureJobs gives every active creator its profile and discovery jobs and every
  // refreshing video its stats job (new ones due now), whatever created them (API, import).
  virtual Status EnsureJobs(Timestamp now) = 0;
  // Claims up to `max` due jobs for `lease_seconds`: no other claimer (thread or process) gets
  // them until they are completed, failed, or the lease runs out.
  virtual Result<std::vector<ScrapeJob>> ClaimDueJobs(Timestamp now, int max,
                                                      Timestamp lease_seconds) = 0;
  virtual Status CompleteJob(std::int64_t job_id, Timestamp next_due) = 0;
  // A manual trigger (POST .../scrape): the target's jobs due now, ignoring the floors, counted
  // against max_manual_scrape_triggers_per_day (UTC day) atomically. `target_kind` is "creator"
  // or "video". 429 over the cap, 404 for no such target, 409 not_tracked for one that is not
  // refreshed (disabled, deleted on TikTok, creator removed or disabled).
  virtual Result<std::vector<ScrapeJob>> QueueManualScrape(const std::string& org_id,
                                                           const std::string& target_kind,
                                                           const std::string& target_id,
                                                           Timestamp now) = 0;
  // A failed run: `definitive` failures count toward auto-disable; the job runs again at
  // `next_due`.
  virtual Status FailJob(std::int64_t job_id, Timestamp next_due, const std::string& error,
                         bool definitive) = 0;

  // Ingest (scraping.md "Ingest"). Each call is one transaction that also keeps the running
  // aggregates current.
  virtual Result<Creator> GetCreatorAnyOrg(const std::string& creator_id) = 0;
  virtual Status IngestProfile(const std::string& creator_id, const ObservedProfile& profile,
                               Timestamp at) = 0;
  // Adds the posts not yet known (posted on or after the creator's tracking_start_date), each
  // with its first snapshot as baseline and a stats job; returns how many were added.
  virtual Result<int> IngestDiscoveredPosts(const std::string& creator_id,
                                            const std::vector<ObservedPost>& posts,
                                            Timestamp at) = 0;
  // The newest known post ids of a creator (discovery pages back until one of them).
  virtual Result<std::vector<std::string>> KnownPostIds(const std::string& creator_id, int max) = 0;
  virtual Result<VideoView> GetVideoAnyOrg(const std::string& video_id) = 0;
  virtual Status IngestVideoSnapshot(const std::string& video_id, const VideoCounts& counts,
                                     Timestamp at) = 0;
  virtual Status MarkVideoDeleted(const std::string& video_id, Timestamp at) = 0;
  virtual Status DisableCreator(const std::string& creator_id, const std::string& reason,
                                Timestamp at) = 0;

  // Maintenance. ClaimMaintenance hands a named periodic task to exactly one caller (thread or
  // process) when it is due, and makes it due again at `next_due`.
  virtual Result<bool> ClaimMaintenance(const std::string& name, Timestamp now,
                                        Timestamp next_due) = 0;
  // The daily retention run (scraping.md "Retention", resources.md "Projects"): deletes, per
  // organization, snapshots older than its plan's stats_history_retention_days (keeping each
  // video's and creator's last snapshot before the cut-off, so gains stay defined), purges
  // projects deleted more than 30 days ago, and expired idempotency records. Works in short
  // batches so that ingest and the API keep going.
  virtual Result<RetentionReport> ApplyRetention(Timestamp now) = 0;

  virtual std::unique_ptr<ImportSession> BeginImport(Timestamp now) = 0;
  // Completes aggregate maintenance an interrupted import left behind; returns videos synced.
  virtual Result<std::int64_t> SyncDeferredWork() = 0;
};

// Opens the store a `--db` value names: a file path (SQLite) or, later, a postgresql:// URL.
// `pool_size` bounds the concurrent connections.
Result<std::unique_ptr<Store>> OpenStore(const std::string& location, int pool_size);

}  // namespace goatherd
