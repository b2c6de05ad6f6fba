#include "scrape/tiktok_web_source.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cmath>
#include <initializer_list>

#include "core/utf8.h"
#include "scrape/scraped_json.h"

namespace goatherd::scrape {
namespace json = boost::json;

namespace {

constexpr std::int64_t kWarnEveryMs = 60000;
constexpr std::string_view kScriptId = "id=\"__UNIVERSAL_DATA_FOR_REHYDRATION__\"";

std::int64_t Stat(const json::value& item, const char* key) {
  auto n = JsonInt(JsonAt(&item, {"stats", key}));
  if (!n) n = JsonInt(JsonAt(&item, {"statsV2", key}));
  return std::max<std::int64_t>(0, n.value_or(0));
}

std::optional<ObservedPost> PostFromItem(const json::value& item) {
  std::optional<std::string> id = JsonId(JsonAt(&item, {"id"}));
  if (!id) return std::nullopt;
  ObservedPost post;
  post.tiktok_video_id = *id;
  post.caption = JsonStr(JsonAt(&item, {"desc"}));
  if (auto t = JsonInt(JsonAt(&item, {"createTime"})); t && *t > 0) post.posted_at = *t;
  const json::value* image_post = JsonAt(&item, {"imagePost"});
  post.is_photo = image_post && image_post->is_object();
  post.cover_url = JsonStr(JsonAt(&item, {"video", "cover"}));
  post.counts[kViews] = Stat(item, "playCount");
  post.counts[kLikes] = Stat(item, "diggCount");
  post.counts[kComments] = Stat(item, "commentCount");
  post.counts[kShares] = Stat(item, "shareCount");
  post.counts[kSaves] = Stat(item, "collectCount");
  return post;
}

std::int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

SourceFailure Transient(std::string message) {
  return SourceFailure{false, std::move(message), std::nullopt};
}
SourceFailure Definitive(std::string message) {
  return SourceFailure{true, std::move(message), std::nullopt};
}

}  // namespace

struct TikTokWebSource::Page {
  std::optional<SourceFailure> failure;
  json::value detail;  // the "webapp.<scope>" object
  std::int64_t status_code = 0;
};

TikTokWebSource::TikTokWebSource(HttpClient& http, TikTokWebOptions options)
    : http_(http), options_(std::move(options)) {
  while (!options_.base_url.empty() && options_.base_url.back() == '/')
    options_.base_url.pop_back();
}

void TikTokWebSource::WarnThrottled(std::atomic<std::int64_t>& last_ms,
                                    const std::string& message) {
  std::int64_t now = SteadyMs();
  std::int64_t last = last_ms.load();
  if (now - last >= kWarnEveryMs && last_ms.compare_exchange_strong(last, now)) {
    spdlog::warn("{}", message);
  }
}

TikTokWebSource::Page TikTokWebSource::Fetch(const std::string& path, const std::string& scope,
                                             const std::string& what) {
  Page page;
  HttpRequest req;
  req.url = options_.base_url + path;
  req.headers = {{"Accept", "text/html,application/xhtml+xml"},
                 {"Accept-Language", "en-US,en;q=0.9"}};
  HttpOutcome got = http_.Fetch(req);
  if (!got.ok()) {
    page.failure = *got.failure;
    page.failure->message = "tiktok-web " + what + ": " + page.failure->message;
    return page;
  }
  const HttpResponse& r = *got.response;
  if (r.status != 200) {
    page.failure =
        Transient("tiktok-web " + what + ": unexpected HTTP " + std::to_string(r.status));
    return page;
  }
  auto changed = [&](const std::string& detail) {
    WarnThrottled(last_shape_warning_ms_,
                  "tiktok-web: " + what + ": " + detail +
                      " (TikTok changed its pages, or served a verification wall); retrying later");
    page.failure = Transient("tiktok-web " + what + ": page shape changed: " + detail);
    return page;
  };
  std::string_view body = r.body;
  auto tag = body.find(kScriptId);
  if (tag == std::string_view::npos) return changed("no __UNIVERSAL_DATA_FOR_REHYDRATION__ script");
  auto open_end = body.find('>', tag);
  auto close = open_end == std::string_view::npos ? open_end : body.find("</script>", open_end);
  if (close == std::string_view::npos) return changed("the hydration script is not closed");
  std::string_view text = body.substr(open_end + 1, close - open_end - 1);
  boost::system::error_code ec;
  json::parse_options opts;
  opts.allow_invalid_utf8 = true;  // repaired field by field
  opts.max_depth = 128;
  json::value doc = json::parse(text, ec, {}, opts);
  if (ec) {
    page.failure =
        Transient("tiktok-web " + what + ": unreadable hydration JSON (" + ec.message() + ")");
    return page;
  }
  const json::value* detail = JsonAt(&doc, {"__DEFAULT_SCOPE__", ("webapp." + scope).c_str()});
  if (!detail || !detail->is_object()) {
    return changed("no __DEFAULT_SCOPE__[\"webapp." + scope + "\"] object");
  }
  page.status_code = JsonInt(JsonAt(detail, {"statusCode"})).value_or(0);
  page.detail = *detail;
  return page;
}

SourceResult<ObservedProfile> TikTokWebSource::Profile(const std::string& handle, Timestamp) {
  std::string what = "profile of @" + handle;
  Page page = Fetch("/@" + UrlEscape(handle), "user-detail", what);
  if (page.failure) return {std::nullopt, page.failure};
  switch (page.status_code) {
    case 0:
      break;
    case 10202:
      return {std::nullopt, Definitive("account @" + handle + " does not exist")};
    case 10221:
      return {std::nullopt, Definitive("account @" + handle + " is banned")};
    case 10222:
      return {std::nullopt, Definitive("account @" + handle + " is private")};
    default:
      return {std::nullopt, Transient("tiktok-web " + what + ": TikTok status code " +
                                      std::to_string(page.status_code))};
  }
  const json::value* user = JsonAt(&page.detail, {"userInfo", "user"});
  const json::value* stats = JsonAt(&page.detail, {"userInfo", "stats"});
  if (!user || !user->is_object() || !stats || !stats->is_object()) {
    WarnThrottled(last_shape_warning_ms_, "tiktok-web: " + what +
                                              ": no userInfo.user / userInfo.stats (TikTok changed "
                                              "its pages?); retrying later");
    return {std::nullopt, Transient("tiktok-web " + what + ": page shape changed: no userInfo")};
  }
  if (JsonTrue(JsonAt(user, {"privateAccount"}))) {
    return {std::nullopt, Definitive("account @" + handle + " is private")};
  }
  ObservedProfile p;
  p.display_name = JsonStr(JsonAt(user, {"nickname"}));
  p.avatar_url = JsonStr(JsonAt(user, {"avatarLarger"}));
  p.follower_count =
      std::max<std::int64_t>(0, JsonInt(JsonAt(stats, {"followerCount"})).value_or(0));
  p.following_count =
      std::max<std::int64_t>(0, JsonInt(JsonAt(stats, {"followingCount"})).value_or(0));
  p.like_count = std::max<std::int64_t>(0, JsonInt(JsonAt(stats, {"heartCount"})).value_or(0));
  p.video_count = std::max<std::int64_t>(0, JsonInt(JsonAt(stats, {"videoCount"})).value_or(0));
  return SourceResult<ObservedProfile>::Ok(std::move(p));
}

SourceResult<std::vector<ObservedPost>> TikTokWebSource::RecentPosts(
    const std::string& handle, const std::vector<std::string>& known_ids,
    std::optional<Timestamp> stop_before, Timestamp now) {
  // The profile's answer covers existence and privacy; the post list rides on the same page.
  std::string what = "posts of @" + handle;
  Page page = Fetch("/@" + UrlEscape(handle), "user-detail", what);
  if (page.failure) return {std::nullopt, page.failure};
  if (page.status_code != 0 ||
      JsonTrue(JsonAt(&page.detail, {"userInfo", "user", "privateAccount"}))) {
    auto profile = Profile(handle, now);  // one more fetch, only on this rare path
    if (!profile.ok()) return {std::nullopt, profile.failure};
  }
  const json::value* list = JsonAt(&page.detail, {"itemList"});
  if (!list || !list->is_array()) {
    WarnThrottled(last_no_items_warning_ms_,
                  "tiktok-web: the profile page of @" + handle +
                      " carries no post list; recent posts are not available from profile "
                      "pages (use --source apify for discovery)");
    return {std::nullopt,
            Transient("tiktok-web " + what + ": recent posts not available from the profile page")};
  }
  std::vector<ObservedPost> posts;
  for (const auto& item : list->as_array()) {
    if (auto post = PostFromItem(item)) posts.push_back(std::move(*post));
  }
  std::stable_sort(posts.begin(), posts.end(), [](const ObservedPost& a, const ObservedPost& b) {
    return a.posted_at.value_or(0) > b.posted_at.value_or(0);
  });
  std::vector<ObservedPost> out;
  for (auto& p : posts) {
    if (std::find(known_ids.begin(), known_ids.end(), p.tiktok_video_id) != known_ids.end()) break;
    if (stop_before && p.posted_at && *p.posted_at < *stop_before) break;
    out.push_back(std::move(p));
  }
  return SourceResult<std::vector<ObservedPost>>::Ok(std::move(out));
}

SourceResult<ObservedPost> TikTokWebSource::Post(const std::string& handle,
                                                 const std::string& tiktok_video_id, Timestamp) {
  std::string what = "post " + tiktok_video_id;
  Page page = Fetch("/@" + UrlEscape(handle) + "/video/" + UrlEscape(tiktok_video_id),
                    "video-detail", what);
  if (page.failure) return {std::nullopt, page.failure};
  switch (page.status_code) {
    case 0:
      break;
    case 10204:
      return {std::nullopt, Definitive("post " + tiktok_video_id + " was deleted")};
    case 10216:
      // Hidden, not gone (Source::Post: definitive means gone): the account's own profile job
      // decides about a private account, and the post comes back if the account reopens.
      return {std::nullopt, Transient("post " + tiktok_video_id + " is private")};
    default:
      return {std::nullopt, Transient("tiktok-web " + what + ": TikTok status code " +
                                      std::to_string(page.status_code))};
  }
  const json::value* item = JsonAt(&page.detail, {"itemInfo", "itemStruct"});
  auto post = item ? PostFromItem(*item) : std::nullopt;
  if (!post) {
    WarnThrottled(last_shape_warning_ms_, "tiktok-web: " + what +
                                              ": no itemInfo.itemStruct with an id (TikTok "
                                              "changed its pages?); retrying later");
    return {std::nullopt, Transient("tiktok-web " + what + ": page shape changed: no itemStruct")};
  }
  if (post->tiktok_video_id != tiktok_video_id) {
    return {std::nullopt, Transient("tiktok-web " + what + ": the page showed post " +
                                    post->tiktok_video_id + " instead")};
  }
  return SourceResult<ObservedPost>::Ok(std::move(*post));
}

}  // namespace goatherd::scrape
