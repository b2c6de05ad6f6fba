// Scheduler: runs the scrape jobs kept in the database (scraping.md "Scheduler"). Worker threads
// claim due jobs under a lease (so several processes on one database never run a job twice),
// ask the source, and hand what it saw to the store's ingest. Transient failures retry with
// exponential backoff and jitter (1 min, doubling, capped at the job's interval, at least any
// Retry-After); three definitive failures in a row auto-disable a creator; a deleted post stops
// refreshing. Intervals come from the organization's settings, clamped up to its plan floors,
// and never below one minute.
// Thread-safety: Start/Stop from one thread; RunDueOnce may be called when not started.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/clock.h"
#include "scrape/source.h"
#include "store/store.h"

namespace goatherd::scrape {

struct SchedulerOptions {
  int threads = 2;
  int claim_batch = 8;
  Timestamp lease_seconds = 300;
  Timestamp min_interval_seconds = 60;
  int definitive_failures_to_disable = 3;
};

class Scheduler {
 public:
  Scheduler(Store& store, Source& source, const Clock& clock, SchedulerOptions options = {});
  ~Scheduler();

  void Start();
  void Stop();
  // Claims and runs every job due at the clock's now, on the calling thread; returns how many ran.
  int RunDueOnce();

  // Seconds between scheduled runs of `kind` for the organization.
  Timestamp IntervalSeconds(const std::string& org_id, const std::string& kind);

 private:
  void WorkerLoop();
  void Run(const ScrapeJob& job);
  void RunCreatorProfile(const ScrapeJob& job, Timestamp now);
  void RunDiscovery(const ScrapeJob& job, Timestamp now);
  void RunVideoStats(const ScrapeJob& job, Timestamp now);
  void Failed(const ScrapeJob& job, const SourceFailure& failure, Timestamp now);

  Store& store_;
  Source& source_;
  const Clock& clock_;
  SchedulerOptions options_;
  std::atomic<bool> stopping_{false};
  std::mutex wake_mu_;
  std::condition_variable wake_;
  std::vector<std::thread> workers_;
  std::mutex interval_mu_;
  std::unordered_map<std::string, std::pair<Timestamp, Timestamp>> interval_cache_;  // -> (s, at)
  std::atomic<Timestamp> last_ensure_{0};
};

}  // namespace goatherd::scrape
