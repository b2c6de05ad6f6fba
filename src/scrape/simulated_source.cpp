#include "scrape/simulated_source.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace goatherd::scrape {
namespace {

constexpr Timestamp kAnchor = 1767225600;  // 2026-01-01T00:00:00Z: index 0 of every creator
constexpr std::int64_t kIndexOffset = 500000000;
constexpr int kMaxPostsPerPage = 100;
constexpr Timestamp kHour = 3600;
constexpr Timestamp kDay = 86400;

// SplitMix64: a small, well-mixed hash for deriving the world from the seed.
std::uint64_t Mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// A value in [lo, hi) from a hash.
double Between(std::uint64_t h, double lo, double hi) {
  return lo + (hi - lo) * static_cast<double>(h % 1000000) / 1000000.0;
}

}  // namespace

std::uint64_t SimulatedSource::Hash(const std::string& handle, std::uint64_t salt) const {
  std::uint64_t h = Mix(seed_ ^ Mix(salt));
  for (unsigned char c : handle) h = Mix(h ^ c);
  return h;
}

bool SimulatedSource::IsPrivate(const std::string& handle) const {
  return Hash(handle, 99) % 23 == 0;
}

Timestamp SimulatedSource::PostTime(const std::string& handle, std::int64_t index) const {
  Timestamp interval = static_cast<Timestamp>(Between(Hash(handle, 1), 10, 40) * kHour);
  Timestamp jitter =
      static_cast<Timestamp>(Mix(Hash(handle, 2) ^ static_cast<std::uint64_t>(index)) %
                             static_cast<std::uint64_t>(interval / 2));
  return kAnchor + index * interval + jitter;
}

bool SimulatedSource::IsDeleted(const std::string& handle, std::int64_t index,
                                Timestamp now) const {
  bool doomed = Mix(Hash(handle, 3) ^ static_cast<std::uint64_t>(index)) % 53 == 0;
  return doomed && now - PostTime(handle, index) > 3 * kDay;
}

ObservedPost SimulatedSource::PostAt(const std::string& handle, std::int64_t index,
                                     Timestamp now) const {
  std::uint64_t h = Mix(Hash(handle, 4) ^ static_cast<std::uint64_t>(index));
  ObservedPost post;
  char id[32];
  std::snprintf(id, sizeof id, "7%09llu%09lld",
                static_cast<unsigned long long>(Hash(handle, 5) % 1000000000ULL),
                static_cast<long long>(index + kIndexOffset));
  post.tiktok_video_id = id;
  post.posted_at = PostTime(handle, index);
  post.is_photo = h % 7 == 0;
  post.caption = std::string(post.is_photo ? "Photo set #" : "Video #") + std::to_string(index) +
                 " by @" + handle;
  post.cover_url = "https://example.invalid/simulated/" + post.tiktok_video_id + ".jpg";
  double followers = std::pow(10.0, Between(Hash(handle, 6), 3.0, 6.0));
  double final_views = followers * std::exp(Between(Mix(h ^ 1), -1.6, 1.6));
  double age_h = std::max<double>(0, static_cast<double>(now - *post.posted_at)) / kHour;
  // Most views arrive in the first two days; a slow tail keeps growing for a month.
  double views = final_views *
                 (0.8 * (1 - std::exp(-age_h / 20.0)) + 0.2 * std::min(1.0, age_h / (30.0 * 24)));
  double engagement = Between(Mix(h ^ 2), 0.03, 0.12);
  post.counts[kViews] = static_cast<std::int64_t>(views);
  post.counts[kLikes] = static_cast<std::int64_t>(views * engagement * 0.82);
  post.counts[kComments] = static_cast<std::int64_t>(views * engagement * 0.05);
  post.counts[kShares] = static_cast<std::int64_t>(views * engagement * 0.05);
  post.counts[kSaves] = static_cast<std::int64_t>(views * engagement * 0.08);
  return post;
}

std::vector<ObservedPost> SimulatedSource::PostsUpTo(const std::string& handle,
                                                     Timestamp now) const {
  Timestamp interval = static_cast<Timestamp>(Between(Hash(handle, 1), 10, 40) * kHour);
  std::int64_t latest = (now - kAnchor) / interval + 1;
  while (PostTime(handle, latest) > now) --latest;
  std::vector<ObservedPost> posts;
  for (std::int64_t i = latest; i > latest - kMaxPostsPerPage; --i) {
    if (!IsDeleted(handle, i, now)) posts.push_back(PostAt(handle, i, now));
  }
  return posts;
}

SourceResult<ObservedProfile> SimulatedSource::Profile(const std::string& handle, Timestamp now) {
  if (handle.rfind("missing", 0) == 0) {
    return SourceResult<ObservedProfile>::Fail(true, "account @" + handle + " does not exist");
  }
  if (IsPrivate(handle)) {
    return SourceResult<ObservedProfile>::Fail(true, "account @" + handle + " is private");
  }
  ObservedProfile p;
  double followers = std::pow(10.0, Between(Hash(handle, 6), 3.0, 6.0));
  double years = static_cast<double>(now - kAnchor) / (365.0 * kDay);
  p.display_name = "Sim " + handle;
  p.avatar_url = "https://example.invalid/simulated/" + handle + ".jpg";
  p.follower_count = static_cast<std::int64_t>(followers * (1 + 0.5 * std::max(0.0, years)));
  p.following_count = static_cast<std::int64_t>(100 + Hash(handle, 7) % 900);
  p.like_count = p.follower_count * 20;
  Timestamp interval = static_cast<Timestamp>(Between(Hash(handle, 1), 10, 40) * kHour);
  p.video_count = std::max<std::int64_t>(0, (now - kAnchor) / interval) + 100;
  return SourceResult<ObservedProfile>::Ok(p);
}

SourceResult<std::vector<ObservedPost>> SimulatedSource::RecentPosts(
    const std::string& handle, const std::vector<std::string>& known_ids,
    std::optional<Timestamp> stop_before, Timestamp now) {
  if (auto profile = Profile(handle, now); !profile.ok()) {
    return {std::nullopt, profile.failure};
  }
  std::vector<ObservedPost> out;
  for (auto& post : PostsUpTo(handle, now)) {
    if (std::find(known_ids.begin(), known_ids.end(), post.tiktok_video_id) != known_ids.end()) {
      break;
    }
    if (stop_before && post.posted_at && *post.posted_at < *stop_before) break;
    out.push_back(std::move(post));
  }
  return SourceResult<std::vector<ObservedPost>>::Ok(std::move(out));
}

SourceResult<ObservedPost> SimulatedSource::Post(const std::string& handle,
                                                 const std::string& tiktok_video_id,
                                                 Timestamp now) {
  if (tiktok_video_id.size() != 19) {
    return SourceResult<ObservedPost>::Fail(true, "post " + tiktok_video_id + " does not exist");
  }
  std::int64_t index = std::stoll(tiktok_video_id.substr(10)) - kIndexOffset;
  if (PostTime(handle, index) > now || IsDeleted(handle, index, now)) {
    return SourceResult<ObservedPost>::Fail(true, "post " + tiktok_video_id + " was deleted");
  }
  return SourceResult<ObservedPost>::Ok(PostAt(handle, index, now));
}

}  // namespace goatherd::scrape
