#include "scrape/scheduler.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <random>

#include "core/time.h"
#include "store/org_settings.h"

namespace goatherd::scrape {
namespace {
constexpr Timestamp kEnsureEverySeconds = 30;
constexpr Timestamp kRecheckIneligibleSeconds = 86400;
constexpr Timestamp kIntervalCacheSeconds = 60;

}  // namespace

Scheduler::Scheduler(Store& store, Source& source, const Clock& clock, SchedulerOptions options)
    : store_(store), source_(source), clock_(clock), options_(options) {}

Scheduler::~Scheduler() { Stop(); }

void Scheduler::Start() {
  stopping_ = false;
  for (int i = 0; i < std::max(1, options_.threads); ++i) {
    workers_.emplace_back([this] { WorkerLoop(); });
  }
  spdlog::info("scheduler started: source {}, {} threads", source_.name(), workers_.size());
}

void Scheduler::Stop() {
  stopping_ = true;
  wake_.notify_all();
  for (auto& t : workers_) t.join();
  workers_.clear();
}

Timestamp Scheduler::IntervalSeconds(const std::string& org_id, const std::string& kind) {
  std::string cache_key = org_id + "|" + kind;
  Timestamp now = clock_.NowSeconds();
  {
    std::lock_guard lock(interval_mu_);
    auto it = interval_cache_.find(cache_key);
    if (it != interval_cache_.end() && now - it->second.second < kIntervalCacheSeconds) {
      return it->second.first;
    }
  }
  double hours = 24;
  auto org = store_.GetOrganization(org_id);
  if (org) {
    auto floor = store_.PlanLimit(org->plan, "min_" + kind + "_hours");
    hours = ScrapeIntervalHours(org->settings, kind, floor ? *floor : std::nullopt);
  }
  Timestamp seconds = std::max(options_.min_interval_seconds, static_cast<Timestamp>(hours * 3600));
  std::lock_guard lock(interval_mu_);
  interval_cache_[cache_key] = {seconds, now};
  return seconds;
}

int Scheduler::RunDueOnce() {
  Timestamp now = clock_.NowSeconds();
  (void)store_.EnsureJobs(now);
  last_ensure_ = now;
  int ran = 0;
  while (true) {
    auto jobs = store_.ClaimDueJobs(now, options_.claim_batch, options_.lease_seconds);
    if (!jobs || jobs->empty()) break;
    for (const auto& job : *jobs) {
      Run(job);
      ++ran;
    }
  }
  return ran;
}

void Scheduler::WorkerLoop() {
  while (!stopping_) {
    Timestamp now = clock_.NowSeconds();
    Timestamp last = last_ensure_.load();
    if (now - last >= kEnsureEverySeconds && last_ensure_.compare_exchange_strong(last, now)) {
      if (Status st = store_.EnsureJobs(now); !st) spdlog::warn("scheduler: cannot queue jobs");
    }
    auto jobs = store_.ClaimDueJobs(now, options_.claim_batch, options_.lease_seconds);
    if (jobs && !jobs->empty()) {
      for (const auto& job : *jobs) {
        if (stopping_) break;  // the lease runs out and another run picks it up
        Run(job);
      }
      continue;
    }
    std::unique_lock lock(wake_mu_);
    wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_.load(); });
  }
}

void Scheduler::Run(const ScrapeJob& job) {
  Timestamp now = clock_.NowSeconds();
  try {
    if (job.kind == "creator_profiles") {
      RunCreatorProfile(job, now);
    } else if (job.kind == "discover_videos") {
      RunDiscovery(job, now);
    } else if (job.kind == "video_stats") {
      RunVideoStats(job, now);
    } else {
      (void)store_.CompleteJob(job.id, now + kRecheckIneligibleSeconds);
    }
  } catch (const std::exception& e) {
    spdlog::error("scheduler: job {} ({} {}) failed: {}", job.id, job.kind, job.target_id,
                  e.what());
    Failed(job, {false, e.what(), std::nullopt}, now);
  }
}

void Scheduler::RunCreatorProfile(const ScrapeJob& job, Timestamp now) {
  auto creator = store_.GetCreatorAnyOrg(job.target_id);
  if (!creator || creator->status != "active") {
    (void)store_.CompleteJob(job.id, now + kRecheckIneligibleSeconds);
    return;
  }
  auto result = source_.Profile(creator->tiktok_handle, now);
  if (!result.ok()) return Failed(job, *result.failure, now);
  if (Status st = store_.IngestProfile(creator->id, *result.value, now); !st) {
    return Failed(job, {false, "could not store the profile", std::nullopt}, now);
  }
  (void)store_.CompleteJob(job.id, now + IntervalSeconds(job.org_id, job.kind));
}

void Scheduler::RunDiscovery(const ScrapeJob& job, Timestamp now) {
  auto creator = store_.GetCreatorAnyOrg(job.target_id);
  if (!creator || creator->status != "active") {
    (void)store_.CompleteJob(job.id, now + kRecheckIneligibleSeconds);
    return;
  }
  auto known = store_.KnownPostIds(creator->id, 20);
  std::optional<Timestamp> stop_before;
  if (creator->tracking_start_date) {
    if (auto day = ParseDate(*creator->tracking_start_date)) {
      stop_before = static_cast<Timestamp>(*day) * 86400 - 14 * 3600;  // any zone's midnight
    }
  } else {
    stop_before = creator->created_at - 86400;
  }
  auto result = source_.RecentPosts(creator->tiktok_handle,
                                    known ? *known : std::vector<std::string>{}, stop_before, now);
  if (!result.ok()) return Failed(job, *result.failure, now);
  auto added = store_.IngestDiscoveredPosts(creator->id, *result.value, now);
  if (!added) return Failed(job, {false, "could not store discovered posts", std::nullopt}, now);
  if (*added > 0) spdlog::debug("discovered {} new posts of @{}", *added, creator->tiktok_handle);
  (void)store_.CompleteJob(job.id, now + IntervalSeconds(job.org_id, job.kind));
  if (*added > 0) wake_.notify_all();
}

void Scheduler::RunVideoStats(const ScrapeJob& job, Timestamp now) {
  auto video = store_.GetVideoAnyOrg(job.target_id);
  bool refreshing =
      video && !video->video.tracking_disabled && !video->video.tracking_stopped_reason &&
      video->video.tracking_status != "excluded" &&
      (!video->creator_status || video->creator_status == "active") &&
      now < video->video.posted_at.value_or(video->video.created_at) + video->tracking_days * 86400;
  if (!video || (!refreshing && !job.manual) || !video->handle) {
    (void)store_.CompleteJob(job.id, now + kRecheckIneligibleSeconds);
    return;
  }
  auto result = source_.Post(*video->handle, video->video.tiktok_video_id, now);
  if (!result.ok()) {
    if (result.failure->definitive) {
      (void)store_.MarkVideoDeleted(video->video.id, now);
      return;
    }
    return Failed(job, *result.failure, now);
  }
  if (Status st = store_.IngestVideoSnapshot(video->video.id, result.value->counts, now); !st) {
    return Failed(job, {false, "could not store the snapshot", std::nullopt}, now);
  }
  (void)store_.CompleteJob(job.id, now + IntervalSeconds(job.org_id, job.kind));
}

void Scheduler::Failed(const ScrapeJob& job, const SourceFailure& failure, Timestamp now) {
  Timestamp interval = IntervalSeconds(job.org_id, job.kind);
  Timestamp backoff = std::min<Timestamp>(interval, 60LL << std::min(job.attempts, 20));
  thread_local std::mt19937_64 rng{std::random_device{}()};
  backoff += static_cast<Timestamp>(rng() % static_cast<std::uint64_t>(backoff / 4 + 1));
  if (failure.retry_after_seconds)
    backoff = std::max<Timestamp>(backoff, *failure.retry_after_seconds);
  spdlog::warn("scrape {} {}: {} failure: {} (retry in {} s)", job.kind, job.target_id,
               failure.definitive ? "definitive" : "transient", failure.message, backoff);
  (void)store_.FailJob(job.id, now + backoff, failure.message, failure.definitive);
  bool creator_job = job.kind == "creator_profiles" || job.kind == "discover_videos";
  if (creator_job && failure.definitive &&
      job.definitive_failures + 1 >= options_.definitive_failures_to_disable) {
    spdlog::warn("auto-disabling creator {}: {}", job.target_id, failure.message);
    (void)store_.DisableCreator(job.target_id, failure.message, now);
  }
}

}  // namespace goatherd::scrape
