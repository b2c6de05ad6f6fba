// Source: where observations of TikTok come from (scraping.md "Sources"). Everything else in
// goatherd is independent of which source runs. Every failure says whether it is transient
// (try again later) or definitive (the account or post is gone, private or banned).
// Thread-safety: implementations must be safe to call from several scheduler threads at once.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/types.h"

namespace goatherd::scrape {

struct SourceFailure {
  bool definitive = false;
  std::string message;
  std::optional<int> retry_after_seconds;
};

template <class T>
struct SourceResult {
  std::optional<T> value;
  std::optional<SourceFailure> failure;
  bool ok() const { return value.has_value(); }

  static SourceResult Ok(T v) { return {std::move(v), std::nullopt}; }
  static SourceResult Fail(bool definitive, std::string message) {
    return {std::nullopt, SourceFailure{definitive, std::move(message), std::nullopt}};
  }
};

class Source {
 public:
  virtual ~Source() = default;
  virtual std::string name() const = 0;
  virtual SourceResult<ObservedProfile> Profile(const std::string& handle, Timestamp now) = 0;
  // The creator's posts, newest first, paging back until one of `known_ids` or `stop_before`.
  virtual SourceResult<std::vector<ObservedPost>> RecentPosts(
      const std::string& handle, const std::vector<std::string>& known_ids,
      std::optional<Timestamp> stop_before, Timestamp now) = 0;
  // One post's current counts; a definitive failure means it is gone.
  virtual SourceResult<ObservedPost> Post(const std::string& handle,
                                          const std::string& tiktok_video_id, Timestamp now) = 0;
};

}  // namespace goatherd::scrape
