#include "scrape/apify_source.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cmath>
#include <initializer_list>

#include "core/time.h"
#include "core/utf8.h"
#include "scrape/scraped_json.h"

namespace goatherd::scrape {
namespace json = boost::json;

namespace {

constexpr std::int64_t kWarnEveryMs = 60000;

std::int64_t Count(const json::value& item, const char* key) {
  return std::max<std::int64_t>(0, JsonInt(JsonAt(&item, {key})).value_or(0));
}

std::optional<ObservedPost> PostFromItem(const json::value& item) {
  auto id = JsonId(JsonAt(&item, {"id"}));
  if (!id || JsonAt(&item, {"error"})) return std::nullopt;
  ObservedPost post;
  post.tiktok_video_id = *id;
  post.caption = JsonStr(JsonAt(&item, {"text"}));
  if (auto iso = JsonStr(JsonAt(&item, {"createTimeISO"}))) post.posted_at = ParseTimestamp(*iso);
  if (!post.posted_at) {
    if (auto t = JsonInt(JsonAt(&item, {"createTime"})); t && *t > 0) post.posted_at = *t;
  }
  post.is_photo = JsonTrue(JsonAt(&item, {"isSlideshow"}));
  post.cover_url = JsonStr(JsonAt(&item, {"videoMeta", "coverUrl"}));
  post.counts[kViews] = Count(item, "playCount");
  post.counts[kLikes] = Count(item, "diggCount");
  post.counts[kComments] = Count(item, "commentCount");
  post.counts[kShares] = Count(item, "shareCount");
  post.counts[kSaves] = Count(item, "collectCount");
  return post;
}

std::string Input(const std::string& handle, int per_page) {
  json::object in;
  in["profiles"] = json::array{json::value(handle)};
  in["resultsPerPage"] = per_page;
  in["profileSorting"] = "latest";
  in["excludePinnedPosts"] = false;
  in["shouldDownloadVideos"] = false;
  in["shouldDownloadCovers"] = false;
  in["shouldDownloadSubtitles"] = false;
  in["shouldDownloadSlideshowImages"] = false;
  return json::serialize(in);
}

std::string PostUrl(const std::string& handle, const std::string& id) {
  return "https://www.tiktok.com/@" + handle + "/video/" + id;
}

// What the items say about the account when none of them is a post: private or not found.
SourceFailure AccountFailure(const json::array& items, const std::string& handle) {
  for (const auto& item : items) {
    std::string error = JsonStr(JsonAt(&item, {"error"})).value_or("");
    std::string lower = error;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (JsonTrue(JsonAt(&item, {"authorMeta", "privateAccount"})) ||
        lower.find("private") != std::string::npos) {
      return {true, "account @" + handle + " is private", std::nullopt};
    }
  }
  return {true, "account @" + handle + " does not exist (the vendor found no profile)",
          std::nullopt};
}

}  // namespace

SourceFailure ApifySource::ShapeChanged(const std::string& what) {
  std::int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::steady_clock::now().time_since_epoch())
                            .count();
  std::int64_t last = last_shape_warning_ms_.load();
  if (now_ms - last >= kWarnEveryMs &&
      last_shape_warning_ms_.compare_exchange_strong(last, now_ms)) {
    spdlog::warn(
        "apify {}: items without an id or authorMeta (the actor's output changed?); "
        "retrying later",
        what);
  }
  return {false, "apify " + what + ": unexpected item shape", std::nullopt};
}

struct ApifySource::Items {
  std::optional<SourceFailure> failure;
  json::array items;
};

ApifySource::ApifySource(HttpClient& http, ApifyOptions options)
    : http_(http), options_(std::move(options)) {
  while (!options_.base_url.empty() && options_.base_url.back() == '/')
    options_.base_url.pop_back();
  options_.first_page = std::max(1, options_.first_page);
  options_.max_posts = std::max(options_.first_page, options_.max_posts);
}

ApifySource::Items ApifySource::Run(const std::string& input, const std::string& what) {
  Items out;
  HttpRequest req;
  req.method = "POST";
  req.url = options_.base_url + "/v2/acts/" + UrlEscape(options_.actor) +
            "/run-sync-get-dataset-items?token=" + UrlEscape(options_.token);
  req.body = input;
  req.headers = {{"Content-Type", "application/json"}, {"Accept", "application/json"}};
  HttpOutcome got = http_.Fetch(req);
  if (!got.ok()) {
    out.failure = *got.failure;
    out.failure->message = "apify " + what + ": " + out.failure->message;
    return out;
  }
  const HttpResponse& r = *got.response;
  if (r.status == 401 || r.status == 403) {
    // Our configuration is wrong, not the creator: transient, so nobody gets auto-disabled.
    std::int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::steady_clock::now().time_since_epoch())
                              .count();
    std::int64_t last = last_token_warning_ms_.load();
    if (now_ms - last >= kWarnEveryMs &&
        last_token_warning_ms_.compare_exchange_strong(last, now_ms)) {
      spdlog::error(
          "apify refused the token (HTTP {}): check --apify-token / GOATHERD_APIFY_TOKEN; scrapes "
          "are retried and no creator is disabled for it",
          r.status);
    }
    out.failure = SourceFailure{
        false, "apify " + what + ": the token was refused (HTTP " + std::to_string(r.status) + ")",
        std::nullopt};
    return out;
  }
  if (r.status < 200 || r.status >= 300) {
    if (r.status == 404) {
      spdlog::error("apify answered 404 for actor '{}': check --apify-actor", options_.actor);
    }
    out.failure = SourceFailure{
        false, "apify " + what + ": unexpected HTTP " + std::to_string(r.status), std::nullopt};
    return out;
  }
  boost::system::error_code ec;
  json::parse_options opts;
  opts.allow_invalid_utf8 = true;  // repaired field by field
  opts.max_depth = 64;
  json::value doc = json::parse(r.body, ec, {}, opts);
  if (ec) {
    out.failure = SourceFailure{false, "apify " + what + ": unreadable JSON (" + ec.message() + ")",
                                std::nullopt};
    return out;
  }
  if (!doc.is_array()) {
    spdlog::warn(
        "apify {}: the answer is not an array of dataset items (the actor's output "
        "changed?); retrying later",
        what);
    out.failure = SourceFailure{
        false, "apify " + what + ": unexpected answer shape (expected an array of items)",
        std::nullopt};
    return out;
  }
  out.items = std::move(doc.as_array());
  return out;
}

SourceResult<ObservedProfile> ApifySource::Profile(const std::string& handle, Timestamp) {
  Items got = Run(Input(handle, 1), "profile of @" + handle);
  if (got.failure) return {std::nullopt, got.failure};
  bool unknown_items = false;
  for (const auto& item : got.items) {
    const json::value* author = JsonAt(&item, {"authorMeta"});
    if (JsonAt(&item, {"error"})) continue;
    if (!author || !author->is_object()) {
      unknown_items = true;
      continue;
    }
    if (JsonTrue(JsonAt(author, {"privateAccount"}))) {
      return SourceResult<ObservedProfile>::Fail(true, "account @" + handle + " is private");
    }
    ObservedProfile p;
    p.display_name = JsonStr(JsonAt(author, {"nickName"}));
    p.avatar_url = JsonStr(JsonAt(author, {"avatar"}));
    p.follower_count = std::max<std::int64_t>(0, JsonInt(JsonAt(author, {"fans"})).value_or(0));
    p.following_count =
        std::max<std::int64_t>(0, JsonInt(JsonAt(author, {"following"})).value_or(0));
    p.like_count = std::max<std::int64_t>(0, JsonInt(JsonAt(author, {"heart"})).value_or(0));
    p.video_count = std::max<std::int64_t>(0, JsonInt(JsonAt(author, {"video"})).value_or(0));
    return SourceResult<ObservedProfile>::Ok(std::move(p));
  }
  // Items that are neither profiles nor error reports: the actor's output changed, which is no
  // reason to disable anyone.
  if (unknown_items) return {std::nullopt, ShapeChanged("profile of @" + handle)};
  return {std::nullopt, AccountFailure(got.items, handle)};
}

SourceResult<std::vector<ObservedPost>> ApifySource::RecentPosts(
    const std::string& handle, const std::vector<std::string>& known_ids,
    std::optional<Timestamp> stop_before, Timestamp) {
  auto known = [&](const std::string& id) {
    return std::find(known_ids.begin(), known_ids.end(), id) != known_ids.end();
  };
  std::vector<ObservedPost> posts;
  int per_page = options_.first_page;
  for (int round = 0; round < 16; ++round) {
    Items got = Run(Input(handle, per_page), "posts of @" + handle);
    if (got.failure) return {std::nullopt, got.failure};
    posts.clear();
    bool any_error = false;
    bool unknown_items = false;
    for (const auto& item : got.items) {
      if (auto post = PostFromItem(item)) {
        posts.push_back(std::move(*post));
      } else if (JsonAt(&item, {"error"})) {
        any_error = true;
      } else {
        unknown_items = true;
      }
    }
    if (posts.empty() && unknown_items) {
      return {std::nullopt, ShapeChanged("posts of @" + handle)};
    }
    if (posts.empty() && any_error) return {std::nullopt, AccountFailure(got.items, handle)};
    // Pinned posts come first whatever their age; order by time so the cut below is right.
    std::stable_sort(posts.begin(), posts.end(), [](const ObservedPost& a, const ObservedPost& b) {
      return a.posted_at.value_or(0) > b.posted_at.value_or(0);
    });
    bool exhausted = static_cast<int>(posts.size()) < per_page;
    bool reached = std::any_of(posts.begin(), posts.end(), [&](const ObservedPost& p) {
      return known(p.tiktok_video_id) ||
             (stop_before && p.posted_at && *p.posted_at < *stop_before);
    });
    if (exhausted || reached || per_page >= options_.max_posts) {
      if (!exhausted && !reached) {
        spdlog::warn(
            "apify: @{} posted more than {} posts since the last run; older ones wait "
            "for the next run",
            handle, options_.max_posts);
      }
      break;
    }
    per_page = std::min(per_page * 2, options_.max_posts);
  }
  std::vector<ObservedPost> out;
  for (auto& p : posts) {
    if (known(p.tiktok_video_id)) break;
    if (stop_before && p.posted_at && *p.posted_at < *stop_before) break;
    out.push_back(std::move(p));
  }
  return SourceResult<std::vector<ObservedPost>>::Ok(std::move(out));
}

SourceResult<ObservedPost> ApifySource::Post(const std::string& handle,
                                             const std::string& tiktok_video_id, Timestamp) {
  json::object in;
  in["postURLs"] = json::array{json::value(PostUrl(handle, tiktok_video_id))};
  in["resultsPerPage"] = 1;
  in["shouldDownloadVideos"] = false;
  in["shouldDownloadCovers"] = false;
  Items got = Run(json::serialize(in), "post " + tiktok_video_id);
  if (got.failure) return {std::nullopt, got.failure};
  bool private_author = false;
  for (const auto& item : got.items) {
    if (auto post = PostFromItem(item); post && post->tiktok_video_id == tiktok_video_id) {
      return SourceResult<ObservedPost>::Ok(std::move(*post));
    }
    private_author = private_author || JsonTrue(JsonAt(&item, {"authorMeta", "privateAccount"}));
  }
  // A private account hides the post without deleting it (Source::Post: definitive means gone);
  // the account's own profile job decides about the account.
  if (private_author) {
    return SourceResult<ObservedPost>::Fail(
        false, "post " + tiktok_video_id + " is not visible (the account is private)");
  }
  return SourceResult<ObservedPost>::Fail(
      true, "post " + tiktok_video_id + " was deleted (the vendor returned no item for it)");
}

}  // namespace goatherd::scrape
