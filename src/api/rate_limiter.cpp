#include "api/rate_limiter.h"

#include <spdlog/spdlog.h>

#include <functional>
#include <vector>

namespace goatherd::api {

SlidingWindowLimiter::Shard& SlidingWindowLimiter::ShardOf(const std::string& key) {
  return shards_[std::hash<std::string>{}(key) % shards_.size()];
}

std::optional<std::int64_t> SlidingWindowLimiter::Admit(const std::string& key,
                                                        std::int64_t now_ms) {
  Shard& shard = ShardOf(key);
  std::lock_guard lock(shard.mu);
  auto& times = shard.admitted[key];
  while (!times.empty() && times.front() <= now_ms - window_ms_) times.pop_front();
  if (static_cast<int>(times.size()) >= limit_) {
    std::int64_t wait_ms = times.front() + window_ms_ - now_ms;
    return std::max<std::int64_t>(1, (wait_ms + 999) / 1000);
  }
  times.push_back(now_ms);
  return std::nullopt;
}

void SlidingWindowLimiter::Undo(const std::string& key, std::int64_t admitted_ms) {
  Shard& shard = ShardOf(key);
  std::lock_guard lock(shard.mu);
  auto& times = shard.admitted[key];
  for (auto it = times.rbegin(); it != times.rend(); ++it) {
    if (*it == admitted_ms) {
      times.erase(std::next(it).base());
      return;
    }
  }
}

DailyQuota::DailyQuota(Store& store, const Clock& clock) : store_(store), clock_(clock) {
  flusher_ = std::thread([this] {
    std::unique_lock lock(stop_mu_);
    while (!stop_cv_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_; })) {
      lock.unlock();
      Flush();
      lock.lock();
    }
  });
}

DailyQuota::~DailyQuota() {
  {
    std::lock_guard lock(stop_mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  flusher_.join();
  Flush();
}

void DailyQuota::RollDay(DayNumber day) {
  if (day == day_) return;
  day_ = day;
  counts_.clear();
  pending_.clear();
  auto stored = store_.ApiUsage(day);
  if (stored) {
    for (const auto& [org, n] : *stored) counts_[org] = n;
  } else {
    spdlog::error("cannot read today's API usage; the daily quota starts from zero");
  }
}

std::optional<std::int64_t> DailyQuota::Consume(const std::string& org_id,
                                                std::optional<std::int64_t> limit) {
  std::int64_t now = clock_.NowSeconds();
  DayNumber day = static_cast<DayNumber>(now / 86400);
  std::lock_guard lock(mu_);
  RollDay(day);
  std::int64_t& count = counts_[org_id];
  if (limit && count >= *limit) return (static_cast<std::int64_t>(day) + 1) * 86400 - now;
  ++count;
  ++pending_[org_id];
  return std::nullopt;
}

void DailyQuota::Flush() {
  std::vector<std::pair<std::string, std::int64_t>> batch;
  DayNumber day;
  {
    std::lock_guard lock(mu_);
    if (pending_.empty()) return;
    batch.assign(pending_.begin(), pending_.end());
    pending_.clear();
    day = day_;
  }
  if (Status st = store_.AddApiUsage(day, batch); !st) {
    std::lock_guard lock(mu_);
    if (day == day_) {
      for (const auto& [org, n] : batch) pending_[org] += n;  // retried on the next flush
    }
  }
}

}  // namespace goatherd::api
