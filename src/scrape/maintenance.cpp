#include "scrape/maintenance.h"

#include <spdlog/spdlog.h>

namespace goatherd::scrape {
namespace {

constexpr Timestamp kRetentionEverySeconds = 86'400;
// How often a process looks whether the job is due: a process that starts after a missed run
// catches up within this, and checking costs one indexed write.
constexpr auto kCheckEvery = std::chrono::minutes(5);

}  // namespace

MaintenanceRunner::MaintenanceRunner(Store& store, const Clock& clock)
    : store_(store), clock_(clock) {}

MaintenanceRunner::~MaintenanceRunner() { Stop(); }

void MaintenanceRunner::Start() {
  stopping_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void MaintenanceRunner::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool MaintenanceRunner::RunIfDue() {
  Timestamp now = clock_.NowSeconds();
  auto claimed = store_.ClaimMaintenance("retention", now, now + kRetentionEverySeconds);
  if (!claimed || !*claimed) return false;
  auto report = store_.ApplyRetention(now);
  if (!report) {
    spdlog::warn("retention: failed ({}); it runs again tomorrow", report.error().message);
    return true;
  }
  spdlog::info(
      "retention: deleted {} video and {} creator snapshots past their plan's history, purged {} "
      "deleted projects and {} expired idempotency records",
      report->video_snapshots_deleted, report->creator_snapshots_deleted, report->projects_purged,
      report->idempotency_records_deleted);
  return true;
}

void MaintenanceRunner::Loop() {
  while (!stopping_) {
    RunIfDue();
    std::unique_lock lock(mu_);
    wake_.wait_for(lock, kCheckEvery, [this] { return stopping_.load(); });
  }
}

}  // namespace goatherd::scrape
