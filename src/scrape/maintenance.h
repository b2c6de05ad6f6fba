// MaintenanceRunner: runs the daily retention job (scraping.md "Retention") in the background of
// `serve`, whether or not a scrape source runs. The due time lives in the database, so a restart
// neither skips nor repeats a day, and of several processes on one database exactly one runs it.
// Thread-safety: Start/Stop from one thread; RunIfDue may be called from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "core/clock.h"
#include "store/store.h"

namespace goatherd::scrape {

class MaintenanceRunner {
 public:
  MaintenanceRunner(Store& store, const Clock& clock);
  ~MaintenanceRunner();

  void Start();
  void Stop();
  // Runs the retention job when it is due; true when it ran.
  bool RunIfDue();

 private:
  void Loop();

  Store& store_;
  const Clock& clock_;
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::condition_variable wake_;
  std::thread thread_;
};

}  // namespace goatherd::scrape
