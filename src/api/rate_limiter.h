// The request limits of api-conventions.md: a sliding window per API key (at most N admitted
// requests in any 60 s) and a daily quota per organization (UTC day, the plan's
// max_api_requests_per_day). Refused requests count toward neither. The window lives in memory
// (one `serve` process per SQLite database); the daily counts are written to the database every
// second so the quota survives a restart.
// Thread-safety: both classes are safe to share; state is sharded behind mutexes, and a check is
// atomic with the admission it grants, so N parallel clients never get more than the limit.
#pragma once

#include <array>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>

#include "core/clock.h"
#include "store/store.h"

namespace goatherd::api {

class SlidingWindowLimiter {
 public:
  SlidingWindowLimiter(int limit, std::int64_t window_ms) : limit_(limit), window_ms_(window_ms) {}

  // Admits and records a request, or returns the whole seconds until one would be admitted.
  std::optional<std::int64_t> Admit(const std::string& key, std::int64_t now_ms);
  // Takes back the admission just granted at `admitted_ms` (a later limit refused the request).
  void Undo(const std::string& key, std::int64_t admitted_ms);

 private:
  struct Shard {
    std::mutex mu;
    std::unordered_map<std::string, std::deque<std::int64_t>> admitted;
  };
  Shard& ShardOf(const std::string& key);

  int limit_;
  std::int64_t window_ms_;
  std::array<Shard, 16> shards_;
};

class DailyQuota {
 public:
  DailyQuota(Store& store, const Clock& clock);
  ~DailyQuota();  // flushes what is not yet written

  // Counts one request of `org_id` against `limit` (nullopt: unlimited) for the current UTC
  // day, or returns the seconds until the next UTC midnight when the quota is used up.
  std::optional<std::int64_t> Consume(const std::string& org_id, std::optional<std::int64_t> limit);
  void Flush();

 private:
  void RollDay(DayNumber day);  // with mu_ held

  Store& store_;
  const Clock& clock_;
  std::mutex mu_;
  DayNumber day_ = -1;
  std::unordered_map<std::string, std::int64_t> counts_;   // today, including unflushed
  std::unordered_map<std::string, std::int64_t> pending_;  // not yet written
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::thread flusher_;
};

}  // namespace goatherd::api
