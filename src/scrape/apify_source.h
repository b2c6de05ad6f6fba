// ApifySource: TikTok through a data vendor, Apify's synchronous actor API
// (`POST {base}/v2/acts/{actor}/run-sync-get-dataset-items?token=...`) with a TikTok scraper
// actor whose dataset items use the "clockworks" field names (scraping.md "Sources").
//   profile      -> input {profiles: [handle], resultsPerPage: 1}; the item's authorMeta
//   recent posts -> the same with a larger resultsPerPage, doubled until the page reaches a known
//                   post or the stop date (Apify has no cursor: a bigger run is the next page)
//   post         -> input {postURLs: [the post's URL]}
// Failures: an error item or an empty dataset for a profile means the account does not exist,
// privateAccount means private, a post URL without its item means the post is gone (all
// definitive). A refused token (401/403) is our own misconfiguration, never the creator's: it is
// transient and logged loudly. 429, 5xx, timeouts and unreadable answers are transient.
// Every field is read defensively; text is repaired to UTF-8.
// Thread-safety: safe to call from several threads (the HttpClient is, and nothing else is
// mutable but an atomic log throttle).
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "scrape/http_client.h"
#include "scrape/source.h"

namespace goatherd::scrape {

struct ApifyOptions {
  std::string token;
  std::string actor = "clockworks~tiktok-scraper";
  std::string base_url = "https://api.apify.com";
  int first_page = 30;  // resultsPerPage of the first discovery run
  int max_posts = 240;  // discovery never asks for more than this in one run
};

class ApifySource final : public Source {
 public:
  ApifySource(HttpClient& http, ApifyOptions options);
  std::string name() const override { return "apify"; }

  SourceResult<ObservedProfile> Profile(const std::string& handle, Timestamp now) override;
  SourceResult<std::vector<ObservedPost>> RecentPosts(const std::string& handle,
                                                      const std::vector<std::string>& known_ids,
                                                      std::optional<Timestamp> stop_before,
                                                      Timestamp now) override;
  SourceResult<ObservedPost> Post(const std::string& handle, const std::string& tiktok_video_id,
                                  Timestamp now) override;

 private:
  struct Items;
  // Runs the actor with `input` (a JSON object's text) and returns its dataset items.
  Items Run(const std::string& input, const std::string& what);
  // A transient failure for items of an unknown shape, logged at most once a minute.
  SourceFailure ShapeChanged(const std::string& what);

  HttpClient& http_;
  ApifyOptions options_;
  std::atomic<std::int64_t> last_token_warning_ms_{0};
  std::atomic<std::int64_t> last_shape_warning_ms_{0};
};

}  // namespace goatherd::scrape
