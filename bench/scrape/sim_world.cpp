// Writes, as `goatherd import` lines, an organization whose creators and videos exist in the
// simulated TikTok world (scrape/simulated_source.h) of a given seed: N creators, each with up to
// P of its latest posts as tracked videos and one baseline snapshot per video. `goatherd serve
// --source simulated --seed S` then finds every video and refreshes it, which is what the scrape
// benchmark measures (bench/README.md, section Scraping).
//
// usage: sim_world CREATORS POSTS_PER_CREATOR NOW_RFC3339 [SEED]  > world.jsonl
#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/time.h"
#include "scrape/simulated_source.h"

namespace {

void PrintCounts(const goatherd::VideoCounts& c) {
  std::printf(
      "\"view_count\":%lld,\"like_count\":%lld,\"comment_count\":%lld,\"share_count\":%lld,"
      "\"save_count\":%lld",
      static_cast<long long>(c[goatherd::kViews]), static_cast<long long>(c[goatherd::kLikes]),
      static_cast<long long>(c[goatherd::kComments]), static_cast<long long>(c[goatherd::kShares]),
      static_cast<long long>(c[goatherd::kSaves]));
}

// A deterministic uuid-shaped id: `kind` picks the first group, n the last.
std::string Id(unsigned kind, long long n) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "0190%04x-0000-7000-8000-%012llx", kind, n);
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s CREATORS POSTS_PER_CREATOR NOW_RFC3339 [SEED]\n", argv[0]);
    return 2;
  }
  long long creators = std::atoll(argv[1]);
  long long per_creator = std::atoll(argv[2]);
  auto now = goatherd::ParseTimestamp(argv[3]);
  if (creators <= 0 || per_creator <= 0 || !now) {
    std::fprintf(stderr, "bad arguments\n");
    return 2;
  }
  std::uint64_t seed = argc > 4 ? std::strtoull(argv[4], nullptr, 10) : 42;
  goatherd::scrape::SimulatedSource world(seed);
  const std::string org = Id(0xa000, 1), project = Id(0xb000, 1);
  const std::string seen_at = goatherd::FormatTimestamp(*now - 3600);
  std::printf(
      "{\"type\":\"org\",\"id\":\"%s\",\"name\":\"Scrape bench\",\"timezone\":\"UTC\","
      "\"plan\":\"bench\"}\n",
      org.c_str());
  std::printf("{\"type\":\"project\",\"id\":\"%s\",\"org_id\":\"%s\",\"name\":\"Bench\"}\n",
              project.c_str(), org.c_str());
  long long video_n = 0;
  for (long long c = 1; c <= creators; ++c) {
    char handle[32];
    std::snprintf(handle, sizeof handle, "bench%06lld", c);
    if (world.IsPrivate(handle)) continue;  // its profile job would disable it
    std::string creator = Id(0xd000, c);
    std::printf(
        "{\"type\":\"creator\",\"id\":\"%s\",\"project_id\":\"%s\",\"tiktok_handle\":\"%s\","
        "\"tracking_mode\":\"auto\",\"tracking_start_date\":\"2026-01-01\"}\n",
        creator.c_str(), project.c_str(), handle);
    long long taken = 0;
    for (const auto& post : world.PostsUpTo(handle, *now - 3600)) {
      if (taken++ == per_creator) break;
      std::string video = Id(0xe000, ++video_n);
      std::string posted = goatherd::FormatTimestamp(*post.posted_at);
      std::printf(
          "{\"type\":\"video\",\"id\":\"%s\",\"project_id\":\"%s\",\"creator_id\":\"%s\","
          "\"tiktok_video_id\":\"%s\",\"tracking_status\":\"auto_tracked\",\"posted_at\":\"%s\","
          "\"created_at\":\"%s\"}\n",
          video.c_str(), project.c_str(), creator.c_str(), post.tiktok_video_id.c_str(),
          posted.c_str(), posted.c_str());
      std::printf("{\"type\":\"video_snapshot\",\"video_id\":\"%s\",\"snapshot_at\":\"%s\",",
                  video.c_str(), seen_at.c_str());
      PrintCounts(post.counts);
      std::printf("}\n");
    }
  }
  std::fprintf(stderr, "%lld videos\n", video_n);
  return 0;
}
