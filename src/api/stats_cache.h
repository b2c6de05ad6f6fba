// StatsCache: a bounded LRU of stats answers. An entry is served only while the organization's
// stats generation (bumped in the database by every write that could change an answer, by any
// process) is the one it was computed under, so a cached answer is always identical to a fresh
// one. Keys carry the resolved date range, so the local date moving on changes the key.
// Thread-safety: safe to share; one internal mutex.
#pragma once

#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace goatherd::api {

class StatsCache {
 public:
  // Holds at most `max_bytes` of payloads (a 90-day legacy answer is ~40 KB, so a count cap
  // would not bound memory).
  explicit StatsCache(std::size_t max_bytes) : max_bytes_(max_bytes) {}

  // The payload cached under `key` for `generation`, if any.
  std::optional<std::string> Get(const std::string& key, std::int64_t generation);
  void Put(const std::string& key, std::int64_t generation, std::string payload);

 private:
  struct Entry {
    std::string key;
    std::int64_t generation;
    std::string payload;
  };
  std::size_t max_bytes_;
  std::size_t bytes_ = 0;
  std::mutex mu_;
  std::list<Entry> lru_;  // most recently used first
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
};

}  // namespace goatherd::api
