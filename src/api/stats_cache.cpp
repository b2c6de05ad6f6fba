#include "api/stats_cache.h"

namespace goatherd::api {

std::optional<std::string> StatsCache::Get(const std::string& key, std::int64_t generation) {
  std::lock_guard lock(mu_);
  auto it = index_.find(key);
  if (it == index_.end()) return std::nullopt;
  if (it->second->generation != generation) {
    bytes_ -= it->second->key.size() + it->second->payload.size();
    lru_.erase(it->second);
    index_.erase(it);
    return std::nullopt;
  }
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->payload;
}

void StatsCache::Put(const std::string& key, std::int64_t generation, std::string payload) {
  std::size_t size = key.size() + payload.size();
  if (size > max_bytes_ / 8) return;  // one huge answer must not flush everything else
  std::lock_guard lock(mu_);
  auto it = index_.find(key);
  if (it != index_.end()) {
    bytes_ -= it->second->key.size() + it->second->payload.size();
    lru_.erase(it->second);
    index_.erase(it);
  }
  lru_.push_front({key, generation, std::move(payload)});
  index_.emplace(key, lru_.begin());
  bytes_ += size;
  while (bytes_ > max_bytes_ && !lru_.empty()) {
    bytes_ -= lru_.back().key.size() + lru_.back().payload.size();
    index_.erase(lru_.back().key);
    lru_.pop_back();
  }
}

}  // namespace goatherd::api
