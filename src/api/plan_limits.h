// PlanLimitCache: plan limits as the request path reads them. Limits are data the operator may
// edit in the database, so they are re-read every few seconds rather than on every request (the
// daily quota and retention checks would otherwise add a query to each one).
// Thread-safety: safe to share; one internal mutex.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/clock.h"
#include "store/store.h"

namespace goatherd::api {

class PlanLimitCache {
 public:
  PlanLimitCache(Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  // The limit (nullopt: unlimited), at most kRefreshMs old.
  Result<std::optional<std::int64_t>> Get(const std::string& plan, const std::string& key);

 private:
  static constexpr std::int64_t kRefreshMs = 10'000;
  struct Entry {
    std::optional<std::int64_t> value;
    std::int64_t read_at_ms;
  };
  Store& store_;
  const Clock& clock_;
  std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;  // "plan|key"
};

}  // namespace goatherd::api
