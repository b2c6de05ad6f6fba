// TikTokWebSource: TikTok's public web pages (scraping.md "Sources"). Profile and video pages
// embed their data for hydration in <script id="__UNIVERSAL_DATA_FOR_REHYDRATION__">; this
// source reads that JSON with Boost.JSON, every field optional:
//   GET {base}/@handle              -> __DEFAULT_SCOPE__["webapp.user-detail"]
//   GET {base}/@handle/video/{id}   -> __DEFAULT_SCOPE__["webapp.video-detail"]
// TikTok's own status codes decide the definitive failures (10202 user not found, 10221 banned,
// 10222 private; 10204 post gone, 10216 post private); a private account is definitive too.
// Recent posts: a profile page carries the post list only sometimes (`itemList` beside
// userInfo); without it discovery fails transiently ("not available from the profile page") and
// says so in the log, so run discovery through another source (apify) in production. Best
// effort by design: a page of another shape is a transient failure with a clear log line, never
// a reason to disable a creator.
// Thread-safety: safe to call from several threads.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "scrape/http_client.h"
#include "scrape/source.h"

namespace goatherd::scrape {

struct TikTokWebOptions {
  std::string base_url = "https://www.tiktok.com";
};

class TikTokWebSource final : public Source {
 public:
  TikTokWebSource(HttpClient& http, TikTokWebOptions options);
  std::string name() const override { return "tiktok-web"; }

  SourceResult<ObservedProfile> Profile(const std::string& handle, Timestamp now) override;
  SourceResult<std::vector<ObservedPost>> RecentPosts(const std::string& handle,
                                                      const std::vector<std::string>& known_ids,
                                                      std::optional<Timestamp> stop_before,
                                                      Timestamp now) override;
  SourceResult<ObservedPost> Post(const std::string& handle, const std::string& tiktok_video_id,
                                  Timestamp now) override;

 private:
  struct Page;
  // Fetches `path` and returns the "webapp.<scope>" object of its hydration data.
  Page Fetch(const std::string& path, const std::string& scope, const std::string& what);
  // Logs `message` at warning level at most once a minute per kind of trouble.
  void WarnThrottled(std::atomic<std::int64_t>& last_ms, const std::string& message);

  HttpClient& http_;
  TikTokWebOptions options_;
  std::atomic<std::int64_t> last_shape_warning_ms_{0};
  std::atomic<std::int64_t> last_no_items_warning_ms_{0};
};

}  // namespace goatherd::scrape
