// SqliteStore: the Store on an embedded SQLite database in WAL mode (many readers, one writer).
// Writes take `BEGIN IMMEDIATE` and stay short; count limits are checked inside the same
// transaction as the insert they guard, which the single SQLite writer makes atomic.
// Thread-safety: safe to share; each call leases its own connection from a pool.
#pragma once

#include <memory>
#include <string>

#include "store/sqlite/db.h"
#include "store/store.h"

namespace goatherd::sqlite {

class SqliteStore final : public Store {
 public:
  SqliteStore(std::string path, int pool_size);

  Result<int> Migrate() override;
  Status Ping() override;
  std::unique_ptr<SharedRead> ShareReads() override;
  Result<std::string> ServerSecret(const std::string& name) override;

  Result<Organization> CreateOrganization(const Organization& org) override;
  Result<Organization> GetOrganization(const std::string& id) override;
  Status SetOrganizationBanned(const std::string& id, bool banned) override;

  Result<Organization> UpdateOrganization(const std::string& id, const OrganizationPatch& patch,
                                          Timestamp now) override;
  Result<std::optional<std::int64_t>> PlanLimit(const std::string& plan,
                                                const std::string& key) override;
  Result<bool> PlanExists(const std::string& plan) override;
  Result<std::vector<goatherd::PlanLimit>> PlanLimits(const std::string& plan) override;

  Result<ApiKey> CreateApiKey(const ApiKey& key, bool enforce_limit) override;
  Result<std::optional<ApiKey>> FindApiKeyByHash(const std::string& hash) override;
  Result<std::optional<std::pair<ApiKey, Organization>>> FindKeyAndOrganization(
      const std::string& hash) override;
  Result<std::vector<ApiKey>> ListApiKeys(const std::string& org_id) override;
  Result<ApiKey> RevokeApiKey(const std::string& key_id, Timestamp now) override;
  Status TouchApiKey(const std::string& key_id, Timestamp now) override;
  Result<ApiKey> RevokeOrgApiKey(const std::string& org_id, const std::string& key_id,
                                 Timestamp now) override;
  Result<std::vector<std::pair<std::string, std::int64_t>>> ApiUsage(DayNumber day) override;
  Status AddApiUsage(DayNumber day,
                     const std::vector<std::pair<std::string, std::int64_t>>& counts) override;
  Result<IdempotencyClaim> BeginIdempotent(const std::string& org_id, const std::string& key,
                                           const std::string& fingerprint, Timestamp now) override;
  Status FinishIdempotent(const std::string& org_id, const std::string& key, int status,
                          const std::string& body) override;
  Status AbandonIdempotent(const std::string& org_id, const std::string& key) override;

  Result<Page<Project>> ListProjects(const std::string& org_id, const PageRequest& page) override;
  Result<Project> GetProject(const std::string& org_id, const std::string& id) override;
  Result<Project> CreateProject(const Project& project) override;
  Result<Project> UpdateProject(const std::string& org_id, const std::string& id,
                                const ProjectPatch& patch, Timestamp now) override;
  Status DeleteProject(const std::string& org_id, const std::string& id, Timestamp now) override;

  Result<Page<VideoView>> ListVideos(const std::string& org_id, const VideoFilter& filter,
                                     const PageRequest& page) override;
  Result<VideoView> GetVideo(const std::string& org_id, const std::string& id) override;
  Result<VideoView> UpdateVideo(const std::string& org_id, const std::string& id,
                                const VideoPatch& patch, Timestamp now) override;
  Result<VideoWithSnapshots> GetVideoWithSnapshots(const std::string& org_id,
                                                   const std::string& id) override;
  Result<std::vector<CohortRow>> CohortSums(const std::string& org_id,
                                            const std::string& creator_id) override;
  Result<std::vector<VideoHistory>> CountedVideoHistories(const std::string& org_id,
                                                          const std::string& creator_id) override;
  Result<std::int64_t> StatsGeneration(const std::string& org_id) override;
  Result<VideoStatsSource> ReadVideoStats(
      const std::string& org_id, const std::string& video_id,
      const std::optional<DaysRequest>& days,
      const std::function<bool(std::int64_t generation)>& answered) override;
  Result<std::vector<VideoDayLevels>> VideoDays(const std::string& org_id,
                                                const std::vector<std::string>& video_ids,
                                                DayNumber from, DayNumber to) override;

  Status EnsureJobs(Timestamp now) override;
  Result<std::vector<ScrapeJob>> ClaimDueJobs(Timestamp now, int max,
                                              Timestamp lease_seconds) override;
  Status CompleteJob(std::int64_t job_id, Timestamp next_due) override;
  Result<std::vector<ScrapeJob>> QueueManualScrape(const std::string& org_id,
                                                   const std::string& target_kind,
                                                   const std::string& target_id,
                                                   Timestamp now) override;
  Status FailJob(std::int64_t job_id, Timestamp next_due, const std::string& error,
                 bool definitive) override;
  Result<Creator> GetCreatorAnyOrg(const std::string& creator_id) override;
  Status IngestProfile(const std::string& creator_id, const ObservedProfile& profile,
                       Timestamp at) override;
  Result<int> IngestDiscoveredPosts(const std::string& creator_id,
                                    const std::vector<ObservedPost>& posts, Timestamp at) override;
  Result<std::vector<std::string>> KnownPostIds(const std::string& creator_id, int max) override;
  Result<VideoView> GetVideoAnyOrg(const std::string& video_id) override;
  Status IngestVideoSnapshot(const std::string& video_id, const VideoCounts& counts,
                             Timestamp at) override;
  Status MarkVideoDeleted(const std::string& video_id, Timestamp at) override;
  Status DisableCreator(const std::string& creator_id, const std::string& reason,
                        Timestamp at) override;

  Result<bool> ClaimMaintenance(const std::string& name, Timestamp now,
                                Timestamp next_due) override;
  Result<RetentionReport> ApplyRetention(Timestamp now) override;

  Result<Page<Goal>> ListGoals(const std::string& org_id, const std::string& creator_id,
                               const PageRequest& page) override;
  Result<Goal> GetGoal(const std::string& org_id, const std::string& id) override;
  Result<Goal> CreateGoal(const Goal& goal) override;
  Result<Goal> UpdateGoal(const std::string& org_id, const std::string& id, const GoalPatch& patch,
                          Timestamp now) override;
  Status DeleteGoal(const std::string& org_id, const std::string& id) override;
  Result<std::vector<GoalCreatorData>> GoalComplianceData(
      const std::string& org_id, const std::string& project_id,
      const std::optional<std::string>& creator_id) override;

  Result<std::vector<Annotation>> ListAnnotations(const std::string& org_id,
                                                  const std::string& project_id,
                                                  DayNumber from_date, DayNumber to_date) override;
  Result<Page<Annotation>> ListAnnotationPage(const std::string& org_id,
                                              const std::string& project_id, DayNumber from_date,
                                              DayNumber to_date, const PageRequest& page) override;
  Result<Annotation> GetAnnotation(const std::string& org_id, const std::string& id) override;
  Result<Annotation> CreateAnnotation(const Annotation& annotation) override;
  Result<Annotation> UpdateAnnotation(const std::string& org_id, const std::string& id,
                                      const AnnotationPatch& patch, Timestamp now) override;
  Status DeleteAnnotation(const std::string& org_id, const std::string& id) override;

  Result<Page<Campaign>> ListCampaigns(const std::string& org_id, const CampaignFilter& filter,
                                       const PageRequest& page) override;
  Result<Campaign> GetCampaign(const std::string& org_id, const std::string& id) override;
  Result<Campaign> CreateCampaign(const Campaign& campaign) override;
  Result<Campaign> UpdateCampaign(const std::string& org_id, const std::string& id,
                                  const CampaignPatch& patch, Timestamp now) override;
  Status DeleteCampaign(const std::string& org_id, const std::string& id) override;
  Result<Page<CampaignItem>> ListCampaignItems(const std::string& org_id,
                                               const std::string& campaign_id,
                                               const PageRequest& page) override;
  Result<CampaignItem> AddCampaignItem(const std::string& org_id, const std::string& campaign_id,
                                       const std::string& item_type, const std::string& item_id,
                                       Timestamp now) override;
  Status RemoveCampaignItem(const std::string& org_id, const std::string& campaign_id,
                            const std::string& item_type, const std::string& item_id) override;
  Result<std::vector<std::string>> ResolveCampaignVideoIds(const std::string& org_id,
                                                           const std::string& campaign_id,
                                                           CreatorVideoRule rule) override;
  Result<std::vector<std::int64_t>> ResolveCampaignVideoSeqs(const std::string& org_id,
                                                             const std::string& campaign_id,
                                                             CreatorVideoRule rule) override;

  Result<Page<Creator>> ListCreators(const std::string& org_id, const CreatorFilter& filter,
                                     const PageRequest& page) override;
  Result<Creator> GetCreator(const std::string& org_id, const std::string& id) override;
  Result<std::vector<CreatorItemResult>> AddCreators(const std::string& org_id,
                                                     const std::string& project_id,
                                                     const std::vector<CreatorRequest>& items,
                                                     const std::string& today,
                                                     std::int64_t now_ms) override;
  Result<Creator> UpdateCreator(const std::string& org_id, const std::string& id,
                                const CreatorPatch& patch, Timestamp now) override;
  Result<Creator> RemoveCreator(const std::string& org_id, const std::string& id,
                                Timestamp now) override;
  Result<std::vector<CreatorItemResult>> BulkRemoveCreators(const std::string& org_id,
                                                            const std::string& project_id,
                                                            const std::vector<std::string>& ids,
                                                            Timestamp now) override;
  Result<std::vector<CreatorItemResult>> BulkReenableCreators(const std::string& org_id,
                                                              const std::string& project_id,
                                                              const std::vector<std::string>& ids,
                                                              Timestamp now) override;
  Result<Page<CreatorEvent>> ListCreatorEvents(const std::string& org_id,
                                               const std::string& creator_id,
                                               const PageRequest& page) override;

  Result<VideoRanking> RankVideos(const std::string& org_id, const VideoRankQuery& q) override;
  Result<std::vector<PostViews>> CountedPostViews(const std::string& org_id,
                                                  const std::string& project_id, Timestamp from,
                                                  Timestamp before) override;
  Result<std::vector<AggregateVideo>> CountedProjectVideos(const std::string& org_id,
                                                           const std::string& project_id) override;
  Result<ProjectActivity> ReadProjectActivity(const std::string& org_id,
                                              const std::string& project_id, Timestamp before,
                                              bool history) override;

  Result<AnalyticsData> ReadAnalyticsData(const std::string& org_id, const std::string& entity_type,
                                          const std::string& entity_id,
                                          const std::vector<std::string>& video_ids,
                                          bool followers) override;
  Result<std::optional<AnalyticsRollup>> ReadAnalyticsRollup(const std::string& org_id,
                                                             const std::string& entity_type,
                                                             const std::string& entity_id,
                                                             const RollupQuery& query) override;

  // Videos by URL, tracking, inbox (sqlite_video_writes.cpp).
  Result<VideoView> CreateDirectVideo(const Video& video, Timestamp now) override;
  Status DeleteVideo(const std::string& org_id, const std::string& id) override;
  Result<VideoView> SetVideoTracking(const std::string& org_id, const std::string& id, bool enabled,
                                     Timestamp now) override;
  Result<std::vector<Result<VideoView>>> DisableVideosTracking(const std::string& org_id,
                                                               const std::string& project_id,
                                                               const std::vector<std::string>& ids,
                                                               Timestamp now) override;
  Result<Page<VideoView>> ListInbox(const std::string& org_id, const std::string& project_id,
                                    const PageRequest& page) override;
  Result<std::vector<VideoView>> DecideVideos(const std::string& org_id,
                                              const std::string& project_id,
                                              const std::vector<std::string>& ids,
                                              const std::string& decision, Timestamp now) override;

  std::unique_ptr<ImportSession> BeginImport(Timestamp now) override;
  Result<std::int64_t> SyncDeferredWork() override;

  Pool& pool() { return pool_; }

 private:
  Pool pool_;
};

// Reads a list page from a statement that asked for `limit + 1` rows: the extra row only tells
// that there is more.
template <class T, class Reader>
Page<T> ReadPage(Stmt& s, int limit, Reader read) {
  Page<T> out;
  while (s.Step()) out.items.push_back(read(s));
  if (static_cast<int>(out.items.size()) > limit) {
    out.items.pop_back();
    out.has_more = true;
  }
  return out;
}

// Checks a plan count limit inside an open write transaction: `current` rows exist already and
// `adding` more would be written. Returns the 402 error when the cap would be passed.
// The organization's plan limit `limit_key`; nullopt = unlimited. Lets a caller skip counting
// (which can scan) when nothing caps it.
std::optional<std::int64_t> OrgLimit(Db& db, const std::string& org_id,
                                     const std::string& limit_key);
Status CheckCountLimit(Db& db, const std::string& org_id, const std::string& limit_key,
                       std::int64_t current, std::int64_t adding);

// As CheckCountLimit, calling `count()` (which can scan) only when the plan sets the limit.
template <class CountFn>
Status CheckCountLimitLazily(Db& db, const std::string& org_id, const std::string& limit_key,
                             CountFn&& count, std::int64_t adding) {
  auto max = OrgLimit(db, org_id, limit_key);
  if (!max) return Status::Ok();
  std::int64_t current = count();
  if (current + adding > *max) return Error::LimitReached(limit_key, current, *max);
  return Status::Ok();
}

}  // namespace goatherd::sqlite
