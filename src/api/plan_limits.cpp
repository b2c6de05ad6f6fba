#include "api/plan_limits.h"

namespace goatherd::api {

Result<std::optional<std::int64_t>> PlanLimitCache::Get(const std::string& plan,
                                                        const std::string& key) {
  std::string cache_key = plan + "|" + key;
  std::int64_t now = clock_.NowMs();
  {
    std::lock_guard lock(mu_);
    auto it = entries_.find(cache_key);
    if (it != entries_.end() && now - it->second.read_at_ms < kRefreshMs) return it->second.value;
  }
  auto value = store_.PlanLimit(plan, key);
  if (!value) return value.error();
  std::lock_guard lock(mu_);
  entries_[cache_key] = {*value, now};
  return *value;
}

}  // namespace goatherd::api
