// Store: the one interface to persistence. Everything outside src/store/ talks to the database
// through it and never sees SQL or learns which backend runs (SQLite today, PostgreSQL later).
// Every query that reads tenant data takes the organization id and filters on it.
// Thread-safety: a Store is shared by all threads; each call is independent and may block, so
// callers run it on worker threads, never on I/O threads.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/time.h"
#include "core/types.h"
#include "metrics/analytics_series.h"  // ReadAnalyticsRollup
#include "metrics/day_levels.h"        // VideoDays, ReadVideoStats

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

// One video's day levels in the organization's timezone (Store::VideoDays): the days of the range
// asked for and their baselines; gains are measured over the video's whole history.
struct VideoDayLevels {
  std::string video_id;
  metrics::DayLevels levels;
  std::optional<DayNumber> first_day;  // the video's first day with a snapshot
};

// Store::ReadVideoStats: day rows are wanted for days [from - 1, to] when `timezone` is the
// organization's.
struct DaysRequest {
  std::string timezone;
  DayNumber from = 0;
  DayNumber to = 0;
};

// What one video's stats answer is computed from, read in one transaction.
struct VideoStatsSource {
  std::int64_t generation = 0;
  bool answered = false;  // the caller's check accepted `generation`: nothing more was read
  std::string video_id;
  std::optional<std::string> creator_id;
  std::optional<Timestamp> posted_at;
  bool from_days = false;                // `levels` came from the kept day rows
  metrics::DayLevels levels;             // from_days: the days of [from - 1, to]
  std::optional<DayNumber> first_day;    // from_days: the first day with a snapshot
  std::vector<VideoSnapshot> snapshots;  // otherwise: every snapshot, oldest first
};

// Creators (resources.md "Creators"). The list's filters; `status` is active, disabled, removed
// or all.
struct CreatorFilter {
  std::optional<std::string> project_id;
  std::optional<std::string> search;  // case-insensitive substring of the handle
  std::string status = "active";
};

// One creator to add: `tiktok_handle` already follows the handle rule; unset fields keep a
// reactivated creator's values and take the defaults on a fresh one.
struct CreatorRequest {
  std::string tiktok_handle;
  std::optional<std::string> tracking_mode;
  std::optional<std::string> tracking_start_date;
};

// What one item of an add or bulk action did: 201 created, 200 reactivated or changed, else
// `error` (its status and code) and no creator.
struct CreatorItemResult {
  int status = 0;
  std::optional<Creator> creator;
  std::optional<Error> error;
};

// A PATCH of a creator. `handle_problem` set: the requested handle breaks the rule (409
// invalid_handle once the creator is known to exist).
struct CreatorPatch {
  std::optional<std::optional<std::string>> readme;
  std::optional<std::string> metadata;
  std::optional<std::string> tracking_mode;
  std::optional<std::string> tracking_start_date;
  std::optional<std::optional<std::string>> display_name_override;
  std::optional<std::string> tiktok_handle;
  std::optional<std::string> handle_problem;
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
  // Completes the work the import deferred past its commits (the running aggregates and the
  // current counts of the videos it gave snapshots). Also done by the next import or `serve`
  // start if the process dies first.
  virtual Status Finish() = 0;
};

// Goals: the fields a PATCH names (start_date / end_date: inner nullopt clears).
struct GoalPatch {
  std::optional<std::string> metric;
  std::optional<std::string> period;
  std::optional<std::int64_t> target_hundredths;
  std::optional<std::optional<std::string>> start_date;
  std::optional<std::optional<std::string>> end_date;
  std::optional<bool> is_active;
};

// What goal compliance needs of one creator: its active goals, the posts that count for goals
// (counted status, tracking enabled) with their snapshots, and its profile snapshots.
struct GoalCreatorData {
  Creator creator;
  std::vector<Goal> goals;               // active goals, oldest first
  std::vector<VideoHistory> posts;       // snapshots oldest first
  std::vector<CreatorSnapshot> profile;  // oldest first
};

// Annotations: the fields a PATCH names (body, entity: inner nullopt clears).
struct AnnotationPatch {
  std::optional<std::string> date;
  std::optional<std::string> label;
  std::optional<std::optional<std::string>> body;
  std::optional<std::string> kind;
  // Set together: both values, or both cleared.
  std::optional<std::optional<std::string>> entity_type;
  std::optional<std::optional<std::string>> entity_id;
};

// Campaigns: the list filter and the fields a PATCH names (inner nullopt clears).
struct CampaignFilter {
  std::optional<std::string> project_id;
};
struct CampaignPatch {
  std::optional<std::string> name;
  std::optional<std::optional<std::string>> readme;
  std::optional<std::string> metadata;
  std::optional<std::optional<std::int64_t>> target_views;
  std::optional<std::optional<Timestamp>> target_at;
};
// Which videos of a creator item count toward a campaign. resources.md names `auto_tracked`
// and `included`; analytics.md's "counted" adds `direct_add` (a direct add normally has no
// creator, but an import may attach one). Video items count whatever their status.
enum class CreatorVideoRule { kCounted, kAutoTrackedOrIncluded };

class Store {
 public:
  virtual ~Store() = default;

  // Brings the schema to the current version; returns the version reached.
  virtual Result<int> Migrate() = 0;
  virtual Status Ping() = 0;

  // While the returned object lives, this thread's key lookup and video reads
  // (FindKeyAndOrganization, ListVideos, GetVideo, GetVideoWithSnapshots, StatsGeneration,
  // CohortSums, ReadVideoStats, VideoDays, CountedVideoHistories) see one instant of the
  // database, so a request's answer is consistent and pays for one read instead of one per
  // call. Writes meanwhile work as ever, but those reads do not see them: hold it for requests
  // that only read.
  class SharedRead {
   public:
    virtual ~SharedRead() = default;
  };
  virtual std::unique_ptr<SharedRead> ShareReads() = 0;

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
  // In one read transaction: the stats generation; then, unless `answered(generation)` says the
  // caller has the answer already (a cache hit), the video (404 when not in the organization)
  // and its history: the kept day rows when `days` asks for the organization's zone and they are
  // current, else every snapshot.
  virtual Result<VideoStatsSource> ReadVideoStats(
      const std::string& org_id, const std::string& video_id,
      const std::optional<DaysRequest>& days,
      const std::function<bool(std::int64_t generation)>& answered) = 0;
  // Day levels of many videos at once in the organization's timezone, days [from, to], in the
  // order of `video_ids`; ids unknown to the organization are left out.
  virtual Result<std::vector<VideoDayLevels>> VideoDays(const std::string& org_id,
                                                        const std::vector<std::string>& video_ids,
                                                        DayNumber from, DayNumber to) = 0;

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

  // Goals. A creator of another organization, or a removed one, is a 404.
  virtual Result<Page<Goal>> ListGoals(const std::string& org_id, const std::string& creator_id,
                                       const PageRequest& page) = 0;
  virtual Result<Goal> GetGoal(const std::string& org_id, const std::string& id) = 0;
  // Takes project_id from the creator, in the same transaction as the insert.
  virtual Result<Goal> CreateGoal(const Goal& goal) = 0;
  virtual Result<Goal> UpdateGoal(const std::string& org_id, const std::string& id,
                                  const GoalPatch& patch, Timestamp now) = 0;
  virtual Status DeleteGoal(const std::string& org_id, const std::string& id) = 0;
  // The project's active creators that have active goals (only `creator_id` when set), ordered
  // by handle, each with what its goals are computed from. 404 for no such project.
  virtual Result<std::vector<GoalCreatorData>> GoalComplianceData(
      const std::string& org_id, const std::string& project_id,
      const std::optional<std::string>& creator_id) = 0;

  // Annotations, ordered by (date, id). Create and update check that the project, and the
  // entity when one is named, exist in the organization (the entity in that project).
  virtual Result<std::vector<Annotation>> ListAnnotations(const std::string& org_id,
                                                          const std::string& project_id,
                                                          DayNumber from_date,
                                                          DayNumber to_date) = 0;
  // One page of the same list; the keyset position is (date's day number, id).
  virtual Result<Page<Annotation>> ListAnnotationPage(const std::string& org_id,
                                                      const std::string& project_id,
                                                      DayNumber from_date, DayNumber to_date,
                                                      const PageRequest& page) = 0;
  virtual Result<Annotation> GetAnnotation(const std::string& org_id, const std::string& id) = 0;
  virtual Result<Annotation> CreateAnnotation(const Annotation& annotation) = 0;
  virtual Result<Annotation> UpdateAnnotation(const std::string& org_id, const std::string& id,
                                              const AnnotationPatch& patch, Timestamp now) = 0;
  virtual Status DeleteAnnotation(const std::string& org_id, const std::string& id) = 0;

  // Campaigns. Campaigns of a deleted project are invisible; lists are newest first.
  virtual Result<Page<Campaign>> ListCampaigns(const std::string& org_id,
                                               const CampaignFilter& filter,
                                               const PageRequest& page) = 0;
  virtual Result<Campaign> GetCampaign(const std::string& org_id, const std::string& id) = 0;
  // 404 for no such project; checks max_campaigns_per_project in the same transaction.
  virtual Result<Campaign> CreateCampaign(const Campaign& campaign) = 0;
  virtual Result<Campaign> UpdateCampaign(const std::string& org_id, const std::string& id,
                                          const CampaignPatch& patch, Timestamp now) = 0;
  // Hard delete, with its memberships in both directions (its items, and it as an item).
  virtual Status DeleteCampaign(const std::string& org_id, const std::string& id) = 0;
  // Newest first; the keyset position is (item seq, item id).
  virtual Result<Page<CampaignItem>> ListCampaignItems(const std::string& org_id,
                                                       const std::string& campaign_id,
                                                       const PageRequest& page) = 0;
  // One transaction: 404 when the campaign or the item is not in the same project, 409
  // duplicate, 402 max_campaign_items_per_campaign, 409 circular_reference when the item
  // campaign contains this one (at any depth) or is this one.
  virtual Result<CampaignItem> AddCampaignItem(const std::string& org_id,
                                               const std::string& campaign_id,
                                               const std::string& item_type,
                                               const std::string& item_id, Timestamp now) = 0;
  virtual Status RemoveCampaignItem(const std::string& org_id, const std::string& campaign_id,
                                    const std::string& item_type, const std::string& item_id) = 0;
  // The campaign's videos (resources.md): the union, each once, of its video items, the videos
  // of its active creator items that `rule` counts, and the same of its campaign items at any
  // depth. One read transaction; 404 for no such campaign. Seqs ascending; ids unordered.
  virtual Result<std::vector<std::string>> ResolveCampaignVideoIds(const std::string& org_id,
                                                                   const std::string& campaign_id,
                                                                   CreatorVideoRule rule) = 0;
  virtual Result<std::vector<std::int64_t>> ResolveCampaignVideoSeqs(const std::string& org_id,
                                                                     const std::string& campaign_id,
                                                                     CreatorVideoRule rule) = 0;

  // Creators. Creators of deleted projects are invisible; lists are newest first.
  virtual Result<Page<Creator>> ListCreators(const std::string& org_id, const CreatorFilter& filter,
                                             const PageRequest& page) = 0;
  virtual Result<Creator> GetCreator(const std::string& org_id, const std::string& id) = 0;
  // Adds creators to a project in one transaction: each item is created (201), reactivates a
  // removed creator of the same handle (200), or is refused (409 handle_taken). The plan's
  // max_creators_per_org is checked for all that become active together (402, nothing written).
  // Each added creator gets its event and its profile and discovery jobs due now.
  // `today` is the default tracking_start_date of a fresh creator; `now_ms` orders new ids.
  virtual Result<std::vector<CreatorItemResult>> AddCreators(
      const std::string& org_id, const std::string& project_id,
      const std::vector<CreatorRequest>& items, const std::string& today, std::int64_t now_ms) = 0;
  virtual Result<Creator> UpdateCreator(const std::string& org_id, const std::string& id,
                                        const CreatorPatch& patch, Timestamp now) = 0;
  // Soft remove (status removed); removing a removed creator changes nothing.
  virtual Result<Creator> RemoveCreator(const std::string& org_id, const std::string& id,
                                        Timestamp now) = 0;
  // Per id, in one transaction: 404 items for ids not in the project, the whole call 404 when
  // the project is unknown.
  virtual Result<std::vector<CreatorItemResult>> BulkRemoveCreators(
      const std::string& org_id, const std::string& project_id, const std::vector<std::string>& ids,
      Timestamp now) = 0;
  virtual Result<std::vector<CreatorItemResult>> BulkReenableCreators(
      const std::string& org_id, const std::string& project_id, const std::vector<std::string>& ids,
      Timestamp now) = 0;
  // The creator's change log, newest first.
  virtual Result<Page<CreatorEvent>> ListCreatorEvents(const std::string& org_id,
                                                       const std::string& creator_id,
                                                       const PageRequest& page) = 0;

  // Aggregates (spec/analytics.md "Aggregates"): reads over one project's counted videos
  // (auto_tracked, included, direct_add). Times bound posted_at as [from, before); an unset
  // bound is open, and with both unset videos without posted_at count too.
  struct AggregateVideo {
    std::int64_t seq = 0;
    std::string id;
    std::optional<std::string> creator_id;
    std::optional<std::string> title;
    std::optional<std::string> handle;  // the creator's current handle, else the video's author
    std::string tiktok_video_id;
    bool is_photo = false;
    VideoCounts counts{};
    std::optional<Timestamp> posted_at;
  };
  struct VideoRankQuery {
    std::string project_id;
    std::optional<Timestamp> posted_from;
    std::optional<Timestamp> posted_before;
    std::string order = "view_count";  // view_count ... save_count, posted_at; descending
    int limit = 50;
    std::int64_t offset = 0;
  };
  struct VideoRanking {
    std::vector<AggregateVideo> items;
    std::int64_t total_count = 0;  // before limit and offset
  };
  virtual Result<VideoRanking> RankVideos(const std::string& org_id, const VideoRankQuery& q) = 0;
  // posted_at and current views of the counted videos posted in [from, before).
  struct PostViews {
    Timestamp posted_at = 0;
    std::int64_t views = 0;
  };
  virtual Result<std::vector<PostViews>> CountedPostViews(const std::string& org_id,
                                                          const std::string& project_id,
                                                          Timestamp from, Timestamp before) = 0;
  // Every counted video of the project (seq, id, creator, counts, posted_at; no title/handle).
  virtual Result<std::vector<AggregateVideo>> CountedProjectVideos(
      const std::string& org_id, const std::string& project_id) = 0;
  // The project's creators and their counted videos; with `history`, also every video snapshot
  // and creator snapshot taken before `before` (oldest first per video / creator).
  struct CreatorRow {
    std::string id;
    std::string handle;
    std::int64_t follower_count = 0;
  };
  struct VideoActivity {
    std::int64_t seq = 0;
    std::optional<std::string> creator_id;
    std::optional<Timestamp> posted_at;
    std::vector<VideoSnapshot> snapshots;
  };
  struct ProjectActivity {
    std::vector<CreatorRow> creators;  // by handle
    std::vector<VideoActivity> videos;
    std::vector<CreatorSnapshot> creator_snapshots;  // by creator, then time
  };
  virtual Result<ProjectActivity> ReadProjectActivity(const std::string& org_id,
                                                      const std::string& project_id,
                                                      Timestamp before, bool history) = 0;

  // Analytics (spec/analytics.md "GET /api/v1/analytics"): what an entity's series are computed
  // from, read in one transaction. `entity_type` video (the video itself, any status), creator
  // or project (their counted videos: auto_tracked, included, direct_add), or "videos": exactly
  // `video_ids` (a campaign's resolved videos; ids of other organizations are skipped). With
  // `followers`, the profile snapshots of the member creators (the creator; the project's
  // creators that are not removed; the creators of the listed videos). 404 for an unknown
  // video, creator or project (deleted projects and their creators included).
  struct AnalyticsVideo {
    std::string id;
    std::optional<std::string> creator_id;
    std::string label;  // title, else the TikTok video id
    std::optional<Timestamp> posted_at;
    std::vector<VideoSnapshot> snapshots;  // oldest first
  };
  struct AnalyticsData {
    std::string label;  // video label, creator display name (else handle), project name
    std::string project_id;
    std::vector<AnalyticsVideo> videos;
    std::vector<std::vector<CreatorSnapshot>> followers;  // per creator, oldest first
  };
  virtual Result<AnalyticsData> ReadAnalyticsData(const std::string& org_id,
                                                  const std::string& entity_type,
                                                  const std::string& entity_id,
                                                  const std::vector<std::string>& video_ids,
                                                  bool followers) = 0;
  // A project's or campaign's analytics from the rollups kept in the organization's zone
  // (store/sqlite/rollups.h), in one read transaction: its rollup rows up to `to` (which count
  // its baseline videos per day), its first day, its creators' follower snapshots when asked, and
  // for a breakdown the `top` videos ranked by `rank` with their day rows up to `to`. nullopt when
  // the rollups are not current (an import's deferred work is pending): the caller computes from
  // the snapshots. 404 as ReadAnalyticsData.
  struct RollupRank {
    enum Kind { kGains, kLevel, kPostedIn, kPostedUpTo } kind = kGains;
    int metric = 0;  // kViews..kSaves, or kVideoMetricCount for engagement (kGains, kLevel)
    DayNumber from = 0, to = 0;  // kLevel: the level at `to`
  };
  struct RollupQuery {
    DayNumber to = 0;
    bool followers = false;
    std::optional<RollupRank> rank;
    std::size_t top = 10;
  };
  struct RollupVideo {
    std::string id, label;
    std::optional<Timestamp> posted_at;
    metrics::DayLevels levels;  // days up to RollupQuery::to
  };
  struct AnalyticsRollup {
    std::string label, project_id;
    std::vector<metrics::RollupDay> days;
    std::optional<DayNumber> first_day;
    std::vector<std::vector<CreatorSnapshot>> followers;
    std::int64_t video_count = 0;
    std::vector<RollupVideo> top;  // largest first, ties by id
  };
  virtual Result<std::optional<AnalyticsRollup>> ReadAnalyticsRollup(const std::string& org_id,
                                                                     const std::string& entity_type,
                                                                     const std::string& entity_id,
                                                                     const RollupQuery& query) = 0;

  // Videos by URL, tracking, inbox.
  // Adds `video` (ids, project, TikTok id, photo flag, author handle, created_at set) as a
  // direct_add with its video_stats job due now. 404 for no such live project; 402 when
  // max_tracked_videos_per_org would be passed (checked in the same transaction); 409 duplicate
  // with meta.existing_id when the project already has the TikTok id.
  virtual Result<VideoView> CreateDirectVideo(const Video& video, Timestamp now) = 0;
  // Hard delete: snapshots, cohort contribution, campaign memberships and stats job go too.
  virtual Status DeleteVideo(const std::string& org_id, const std::string& id) = 0;
  // Switches stats refresh off or on; unchanged when already so. Switching on makes the next
  // snapshot a tracking_resumed baseline and queues the stats job now.
  virtual Result<VideoView> SetVideoTracking(const std::string& org_id, const std::string& id,
                                             bool enabled, Timestamp now) = 0;
  // Switches off each id of the project in one transaction: one result per id (404 for an id
  // not in the project); the whole call is a 404 when the project is not found.
  virtual Result<std::vector<Result<VideoView>>> DisableVideosTracking(
      const std::string& org_id, const std::string& project_id, const std::vector<std::string>& ids,
      Timestamp now) = 0;
  // The project's pending_review videos, oldest first by (created_at, id); `page.after` = rows
  // strictly after that position in this order.
  virtual Result<Page<VideoView>> ListInbox(const std::string& org_id,
                                            const std::string& project_id,
                                            const PageRequest& page) = 0;
  // Sets `decision` (included | excluded) on every id, all or nothing: 404 (meta.video_ids)
  // when an id is not in the project, 409 invalid_transition when one is a direct_add.
  virtual Result<std::vector<VideoView>> DecideVideos(const std::string& org_id,
                                                      const std::string& project_id,
                                                      const std::vector<std::string>& ids,
                                                      const std::string& decision,
                                                      Timestamp now) = 0;

  virtual std::unique_ptr<ImportSession> BeginImport(Timestamp now) = 0;
  // Completes aggregate maintenance an interrupted import left behind; returns videos synced.
  virtual Result<std::int64_t> SyncDeferredWork() = 0;
};

// Opens the store a `--db` value names: a file path (SQLite) or, later, a postgresql:// URL.
// `pool_size` bounds the concurrent connections.
Result<std::unique_ptr<Store>> OpenStore(const std::string& location, int pool_size);

}  // namespace goatherd
