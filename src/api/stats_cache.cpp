#include "api/stats_cache.h"

namespace goatherd::api {

std::optional<std::string> StatsCache::Get(const std::string& key, std::int64_t generation) {
  std::lock_guard lock(mu_);
  auto it = index_.find(key);
  if (it == index_.end()) return std::nullopt;
  if (it->second->generation != generation) {
    lru_.erase(it->second);
    index_.erase(it);
    return std::nullopt;
  }
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->payload;
}

void StatsCache::Put(const std::string& key, std::int64_t generation, std::string payload) {
  if (capacity_ == 0) return;
  std::lock_guard lock(mu_);
  auto it = index_.find(key);
  if (it != index_.end()) {
    it->second->generation = generation;
    it->second->payload = std::move(payload);
    lru_.splice(lru_.begin(), lru_, it->second);
    return;
  }
  lru_.push_front({key, generation, std::move(payload)});
  index_.emplace(key, lru_.begin());
  if (lru_.size() > capacity_) {
    index_.erase(lru_.back().key);
    lru_.pop_back();
  }
}

}  // namespace goatherd::api
