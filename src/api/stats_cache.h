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
  explicit StatsCache(std::size_t capacity) : capacity_(capacity) {}

  // The payload cached under `key` for `generation`, if any.
  std::optional<std::string> Get(const std::string& key, std::int64_t generation);
  void Put(const std::string& key, std::int64_t generation, std::string payload);

 private:
  struct Entry {
    std::string key;
    std::int64_t generation;
    std::string payload;
  };
  std::size_t capacity_;
  std::mutex mu_;
  std::list<Entry> lru_;  // most recently used first
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
};

}  // namespace goatherd::api
