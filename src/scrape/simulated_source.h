// SimulatedSource: a deterministic TikTok world for demos, tests and benchmarks. Creators post
// on their own schedules; views follow a fast first-48-hours curve with a long tail; engagement
// is 3–12 %; a few posts get deleted and a few accounts are private. Everything is a pure
// function of (seed, handle, time), so the same seed gives the same world, observations at any
// instant are consistent with each other, and the world advances with the clock it is asked at.
// Thread-safety: stateless; safe to share.
#pragma once

#include <cstdint>

#include "scrape/source.h"

namespace goatherd::scrape {

class SimulatedSource final : public Source {
 public:
  explicit SimulatedSource(std::uint64_t seed) : seed_(seed) {}
  std::string name() const override { return "simulated"; }

  SourceResult<ObservedProfile> Profile(const std::string& handle, Timestamp now) override;
  SourceResult<std::vector<ObservedPost>> RecentPosts(const std::string& handle,
                                                      const std::vector<std::string>& known_ids,
                                                      std::optional<Timestamp> stop_before,
                                                      Timestamp now) override;
  SourceResult<ObservedPost> Post(const std::string& handle, const std::string& tiktok_video_id,
                                  Timestamp now) override;

  // The world's rules, exposed for tests.
  bool IsPrivate(const std::string& handle) const;
  // Posts of `handle` published at or before `now`, newest first (deleted ones excluded).
  std::vector<ObservedPost> PostsUpTo(const std::string& handle, Timestamp now) const;

 private:
  std::uint64_t Hash(const std::string& handle, std::uint64_t salt) const;
  ObservedPost PostAt(const std::string& handle, std::int64_t index, Timestamp now) const;
  Timestamp PostTime(const std::string& handle, std::int64_t index) const;
  bool IsDeleted(const std::string& handle, std::int64_t index, Timestamp now) const;

  std::uint64_t seed_;
};

}  // namespace goatherd::scrape
