// The project-level aggregates, GET /api/v1/analytics/aggregate/<name> (spec/analytics.md
// "Aggregates", upstream reference/05-aggregate.md). Each answer is computed on request over the
// project's counted videos (auto_tracked, included, direct_add) and never cached.
//
// Definitions the spec leaves to us, stated once here and in the OpenAPI summaries:
// - Ranges are local days [from, to] in `tz`; a video is "posted in range" when its posted_at
//   falls in them. Totals "in range" are the sums of the videos' gains G(d) (spec/videos.md) over
//   those days. Leaderboards rank descending, ties by id (videos) or handle (creators, campaigns).
// - engagement_rate = (likes + comments + shares + saves gained) / views gained x 100, and
//   avg_views_per_post = views gained / counted posts published up to the end of `to` (the
//   /analytics formulas over one bucket), 4 decimals; avg_views (heatmap) 2 decimals.
// - Percentiles are nearest-rank; bins are log-spaced (metrics/aggregates.h).
// - Outliers: a video posted in range whose views exceed min_ratio x the median views of its
//   creator's other counted videos in the same age bucket (0-6, 7-29, 30-89, 90+ days since
//   posting, at now); at least 2 such peers and a median above 0 are needed.
// - Posting consistency: ISO weeks (Monday start) overlapping the range; score
//   round(100 x weeks-with-posts / weeks / (1 + stddev / mean)), 0 without posts.
// - Campaign sets are the resolved videos (resources.md) that are counted; member-overlap's
//   creators are the creators of those videos; Jaccard = |A ∩ B| / |A ∪ B| of the video sets.
#include "metrics/aggregates.h"

#include <date/tz.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <unordered_map>

#include "api/app.h"
#include "api/date_range.h"
#include "api/envelope.h"
#include "api/routes/goals.h"
#include "core/tiktok_url.h"
#include "metrics/day_levels.h"
#include "metrics/derived.h"
#include "metrics/local_day_mapper.h"

namespace goatherd::api {
namespace {

using metrics::Decimal;

constexpr int kRateDecimals = metrics::kDerivedDecimals;
constexpr std::int64_t kMaxOffset = 1'000'000'000;

// How an endpoint treats a missing from/to (spec/analytics.md "Aggregates").
enum class DateDefault { kAllTime, kRequired, kLast30Days };

struct AggregateRequest {
  std::string project_id;
  DateRange range;
  bool all_time = false;
  Timestamp from_ts = 0;    // first instant of `from`
  Timestamp before_ts = 0;  // first instant after `to`
};

struct Paging {
  int limit = 50;
  std::int64_t offset = 0;
};

Result<std::int64_t> ReadInteger(const Query& query, const char* name, std::int64_t fallback,
                                 std::int64_t min, std::int64_t max) {
  auto text = query.GetRequiredValue(name);
  if (!text) return text.error();
  if (!text->has_value()) return fallback;
  const std::string& t = **text;
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), n);
  if (ec != std::errc() || end != t.data() + t.size() || n < min || n > max) {
    return Error::InvalidQuery(std::string("Query parameter '") + name + "' must be an integer " +
                               std::to_string(min) + ".." + std::to_string(max) + ", got '" + t +
                               "'");
  }
  return n;
}

Result<Paging> ReadPaging(const Query& query) {
  auto limit = ReadInteger(query, "limit", 50, 1, 100);
  if (!limit) return limit.error();
  auto offset = ReadInteger(query, "offset", 0, 0, kMaxOffset);
  if (!offset) return offset.error();
  return Paging{static_cast<int>(*limit), *offset};
}

// `order` among `allowed` (the first is the default).
Result<std::string> ReadOrder(const Query& query, std::initializer_list<const char*> allowed) {
  auto order = query.GetRequiredValue("order");
  if (!order) return order.error();
  if (!order->has_value()) return std::string(*allowed.begin());
  std::string list;
  for (const char* a : allowed) {
    if (**order == a) return **order;
    list += (list.empty() ? "" : ", ") + std::string(a);
  }
  return Error::InvalidQuery("Query parameter 'order' must be one of " + list + "; got '" +
                             **order + "'");
}

// Parses and checks everything shared: project_id, from/to/tz, then (after every other 400 the
// handler has found) the project (404) and plan retention (402), in the order of
// api-conventions.md.
Result<AggregateRequest> ReadRequest(const RequestContext& ctx, DateDefault dates) {
  AggregateRequest req;
  auto project = ctx.query.GetUuid("project_id");
  if (!project) return project.error();
  if (!project->has_value()) return Error::InvalidQuery("Query parameter 'project_id' is required");
  req.project_id = **project;
  bool has_from = ctx.query.Has("from");
  bool has_to = ctx.query.Has("to");
  if (dates == DateDefault::kRequired && (!has_from || !has_to)) {
    return Error::InvalidQuery(
        "Query parameters 'from' and 'to' are both required for this aggregate (YYYY-MM-DD)");
  }
  auto range = ReadDateRange(ctx.query, *ctx.org, *ctx.services.clock);
  if (!range) return range.error();
  req.range = *range;
  req.all_time = dates == DateDefault::kAllTime && !has_from && !has_to;
  req.from_ts = LocalDayStart(req.range.from, req.range.zone);
  req.before_ts = LocalDayStart(req.range.to + 1, req.range.zone);
  return req;
}

Status CheckProjectAndRetention(const RequestContext& ctx, const AggregateRequest& req) {
  auto project = ctx.services.store->GetProject(ctx.org->id, req.project_id);
  if (!project) return project.error();
  if (req.all_time) return Status::Ok();
  return CheckRetention(req.range, *ctx.org, *ctx.services.plan_limits);
}

// Runs the shared checks, then `body` (which has read its own parameters already).
#define GOATHERD_CHECKED(expr)               \
  if (auto&& checked_ = (expr); !checked_) { \
    return ErrorResponse(checked_.error());  \
  }

void WriteDecimal(JsonWriter& w, Decimal d) { w.Raw(metrics::ToJsonNumber(d)); }
void WriteOptDecimal(JsonWriter& w, const std::optional<Decimal>& d) {
  d ? WriteDecimal(w, *d) : (void)w.Null();
}

std::optional<Decimal> Rate(std::int64_t numerator, std::int64_t denominator, int scale) {
  if (denominator == 0) return std::nullopt;
  return metrics::RoundRatio(static_cast<__int128>(numerator) * scale, denominator, kRateDecimals);
}

std::int64_t EngagementOf(const VideoCounts& c) {
  return c[kLikes] + c[kComments] + c[kShares] + c[kSaves];
}

Response ListResponse(const PayloadWriter& items, std::int64_t total, const Paging& paging) {
  return DataResponse(200, items, [&](JsonWriter& w) {
    w.StartObject();
    w.Key("total_count").Int(total);
    w.Key("limit").Int(paging.limit);
    w.Key("offset").Int(paging.offset);
    w.EndObject();
  });
}

// A page [offset, offset + limit) of `n` sorted rows.
std::pair<std::size_t, std::size_t> PageBounds(std::size_t n, const Paging& p) {
  std::size_t begin = std::min<std::size_t>(n, static_cast<std::size_t>(p.offset));
  std::size_t end = std::min<std::size_t>(n, begin + static_cast<std::size_t>(p.limit));
  return {begin, end};
}

// ---------------------------------------------------------------------------------------------
// Video group

Response VideoLeaderboard(RequestContext& ctx) {
  auto req = ReadRequest(ctx, DateDefault::kAllTime);
  GOATHERD_CHECKED(req);
  auto order = ReadOrder(ctx.query, {"view_count", "like_count", "comment_count", "share_count",
                                     "save_count", "posted_at"});
  GOATHERD_CHECKED(order);
  auto paging = ReadPaging(ctx.query);
  GOATHERD_CHECKED(paging);
  GOATHERD_CHECKED(CheckProjectAndRetention(ctx, *req));
  Store::VideoRankQuery q;
  q.project_id = req->project_id;
  if (!req->all_time) {
    q.posted_from = req->from_ts;
    q.posted_before = req->before_ts;
  }
  q.order = *order;
  q.limit = paging->limit;
  q.offset = paging->offset;
  auto ranking = ctx.services.store->RankVideos(ctx.org->id, q);
  GOATHERD_CHECKED(ranking);
  return ListResponse(
      [&](JsonWriter& w) {
        w.StartArray();
        for (const auto& v : ranking->items) {
          w.StartObject();
          w.Key("video_id").String(v.id);
          w.Key("creator_id").OptString(v.creator_id);
          w.Key("title").OptString(v.title);
          w.Key("thumbnail_url").Null();  // as the video object: covers are not proxied yet
          w.Key("url").String(TikTokPostUrl(v.handle, v.is_photo, v.tiktok_video_id));
          w.Key("view_count").Int(v.counts[kViews]);
          w.Key("like_count").Int(v.counts[kLikes]);
          w.Key("comment_count").Int(v.counts[kComments]);
          w.Key("share_count").Int(v.counts[kShares]);
          w.Key("save_count").Int(v.counts[kSaves]);
          w.Key("posted_at").OptTime(v.posted_at);
          w.EndObject();
        }
        w.EndArray();
      },
      ranking->total_count, *paging);
}

Response PostingHeatmap(RequestContext& ctx) {
  auto req = ReadRequest(ctx, DateDefault::kRequired);
  GOATHERD_CHECKED(req);
  GOATHERD_CHECKED(CheckProjectAndRetention(ctx, *req));
  auto posts = ctx.services.store->CountedPostViews(ctx.org->id, req->project_id, req->from_ts,
                                                    req->before_ts);
  GOATHERD_CHECKED(posts);
  struct Cell {
    std::int64_t posts = 0;
    std::int64_t views = 0;
  };
  std::array<Cell, 7 * 24> cells{};
  metrics::LocalTimeMapper mapper(req->range.zone);
  for (const auto& p : *posts) {
    auto [dow, hour] = mapper.Map(p.posted_at);
    Cell& c = cells[dow * 24 + hour];
    ++c.posts;
    c.views += p.views;
  }
  return DataResponse(200, [&](JsonWriter& w) {
    w.StartArray();
    for (int i = 0; i < 7 * 24; ++i) {
      if (cells[i].posts == 0) continue;
      w.StartObject();
      w.Key("dow").Int(i / 24);
      w.Key("hour").Int(i % 24);
      w.Key("post_count").Int(cells[i].posts);
      w.Key("avg_views");
      WriteDecimal(w, metrics::RoundRatio(cells[i].views, cells[i].posts, 2));
      w.EndObject();
    }
    w.EndArray();
  });
}

Response ViewDistribution(RequestContext& ctx) {
  auto req = ReadRequest(ctx, DateDefault::kLast30Days);
  GOATHERD_CHECKED(req);
  auto bins = ReadInteger(ctx.query, "bins", 20, 1, 100);
  GOATHERD_CHECKED(bins);
  GOATHERD_CHECKED(CheckProjectAndRetention(ctx, *req));
  auto posts = ctx.services.store->CountedPostViews(ctx.org->id, req->project_id, req->from_ts,
                                                    req->before_ts);
  GOATHERD_CHECKED(posts);
  std::vector<std::int64_t> views;
  views.reserve(posts->size());
  for (const auto& p : *posts) views.push_back(p.views);
  std::sort(views.begin(), views.end());
  auto histogram = metrics::LogHistogram(views, static_cast<int>(*bins));
  return DataResponse(200, [&](JsonWriter& w) {
    w.StartObject();
    w.Key("video_count").Int(static_cast<std::int64_t>(views.size()));
    w.Key("bins").StartArray();
    for (const auto& b : histogram) {
      w.StartObject().Key("min").Int(b.min).Key("max").Int(b.max).Key("count").Int(b.count);
      w.EndObject();
    }
    w.EndArray();
    w.Key("percentiles").StartObject();
    for (int p : {10, 25, 50, 75, 90, 99}) {
      std::string key = "p";  // appended: GCC 12 warns falsely on "p" + std::string
      key += std::to_string(p);
      w.Key(key);
      views.empty() ? w.Null() : w.Int(metrics::NearestRankPercentile(views, p));
    }
    w.EndObject();
    w.EndObject();
  });
}

// min_ratio as a scaled integer (x 10^4): a positive decimal with at most 4 decimals.
Result<std::int64_t> ReadMinRatio(const Query& query) {
  auto text = query.GetRequiredValue("min_ratio");
  if (!text) return text.error();
  if (!text->has_value()) return 30'000;
  const std::string& t = **text;
  auto bad = [&] {
    return Error::InvalidQuery(
        "Query parameter 'min_ratio' must be a positive number with at most 4 decimals, up to "
        "1000000; got '" +
        t + "'");
  };
  std::size_t dot = t.find('.');
  std::string whole = t.substr(0, dot);
  std::string frac = dot == std::string::npos ? "" : t.substr(dot + 1);
  if (whole.empty() || whole.size() > 7 || frac.size() > 4 ||
      (dot != std::string::npos && frac.empty())) {
    return bad();
  }
  for (char c : whole + frac) {
    if (c < '0' || c > '9') return bad();
  }
  frac.resize(4, '0');
  std::int64_t scaled = std::stoll(whole) * 10'000 + std::stoll(frac);
  if (scaled <= 0 || scaled > 1'000'000LL * 10'000) return bad();
  return scaled;
}

Response Outliers(RequestContext& ctx) {
  auto req = ReadRequest(ctx, DateDefault::kLast30Days);
  GOATHERD_CHECKED(req);
  auto min_ratio = ReadMinRatio(ctx.query);
  GOATHERD_CHECKED(min_ratio);
  auto paging = ReadPaging(ctx.query);
  GOATHERD_CHECKED(paging);
  GOATHERD_CHECKED(CheckProjectAndRetention(ctx, *req));
  auto videos = ctx.services.store->CountedProjectVideos(ctx.org->id, req->project_id);
  GOATHERD_CHECKED(videos);
  const Timestamp now = ctx.services.clock->NowSeconds();
  // Peers: views of a creator's videos per age bucket, sorted.
  std::unordered_map<std::string, std::array<std::vector<std::int64_t>, 4>> peers;
  for (const auto& v : *videos) {
    if (!v.creator_id || !v.posted_at) continue;
    peers[*v.creator_id][metrics::AgeBucket(*v.posted_at, now)].push_back(v.counts[kViews]);
  }
  for (auto& [creator, buckets] : peers) {
    for (auto& b : buckets) std::sort(b.begin(), b.end());
  }
  struct Outlier {
    const Store::AggregateVideo* video;
    std::int64_t twice_median;
    Decimal ratio;
  };
  std::vector<Outlier> found;
  std::vector<std::int64_t> others;
  for (const auto& v : *videos) {
    if (!v.creator_id || !v.posted_at) continue;
    if (*v.posted_at < req->from_ts || *v.posted_at >= req->before_ts) continue;
    const auto& group = peers[*v.creator_id][metrics::AgeBucket(*v.posted_at, now)];
    if (group.size() < 3) continue;  // the video and at least 2 peers
    const std::int64_t views = v.counts[kViews];
    others.assign(group.begin(), group.end());
    others.erase(std::lower_bound(others.begin(), others.end(), views));
    const std::int64_t twice_median = metrics::TwiceMedian(others);
    if (twice_median <= 0) continue;
    // views > min_ratio x median  <=>  views x 2 x 10^4 > min_ratio_scaled x twice_median.
    if (static_cast<__int128>(views) * 2 * 10'000 <=
        static_cast<__int128>(*min_ratio) * twice_median) {
      continue;
    }
    found.push_back({&v, twice_median, metrics::RoundRatio(2 * views, twice_median, 2)});
  }
  std::sort(found.begin(), found.end(), [](const Outlier& a, const Outlier& b) {
    if (a.ratio.scaled != b.ratio.scaled) return a.ratio.scaled > b.ratio.scaled;
    if (a.video->counts[kViews] != b.video->counts[kViews]) {
      return a.video->counts[kViews] > b.video->counts[kViews];
    }
    return a.video->id < b.video->id;
  });
  auto [begin, end] = PageBounds(found.size(), *paging);
  return ListResponse(
      [&](JsonWriter& w) {
        w.StartArray();
        for (std::size_t i = begin; i < end; ++i) {
          const Outlier& o = found[i];
          w.StartObject();
          w.Key("video_id").String(o.video->id);
          w.Key("creator_id").OptString(o.video->creator_id);
          w.Key("view_count").Int(o.video->counts[kViews]);
          w.Key("creator_median");
          WriteDecimal(w, Decimal{o.twice_median * 5, 1});
          w.Key("ratio");
          WriteDecimal(w, o.ratio);
          w.Key("posted_at").OptTime(o.video->posted_at);
          w.EndObject();
        }
        w.EndArray();
      },
      static_cast<std::int64_t>(found.size()), *paging);
}

// ---------------------------------------------------------------------------------------------
// Creator group: per-creator totals over the range, shared by the leaderboard and the scatter.

struct CreatorTotals {
  const Store::CreatorRow* creator = nullptr;
  VideoCounts gains{};
  std::int64_t posts = 0;         // counted posts published in range
  std::int64_t posts_to_end = 0;  // ... published up to the end of `to`
  std::optional<std::int64_t> follower_gain;
  std::optional<Decimal> engagement_rate;
  std::optional<Decimal> avg_views_per_post;
};

// The range gains of every counted video of the activity, in its order.
std::vector<VideoCounts> VideoRangeGains(const Store::ProjectActivity& activity,
                                         const AggregateRequest& req) {
  std::vector<VideoCounts> out(activity.videos.size());
  metrics::DayLevels levels;
  for (std::size_t i = 0; i < activity.videos.size(); ++i) {
    const auto& v = activity.videos[i];
    if (v.snapshots.empty()) continue;
    metrics::ComputeDayLevels(v.snapshots, req.range.zone, &levels);
    metrics::RangeGains g;
    metrics::AddRangeGains(levels, req.range.from, req.range.to, &g);
    out[i] = g.sum;
  }
  return out;
}

std::vector<CreatorTotals> ComputeCreatorTotals(const Store::ProjectActivity& activity,
                                                const AggregateRequest& req) {
  std::vector<CreatorTotals> totals(activity.creators.size());
  std::unordered_map<std::string_view, std::size_t> index;
  for (std::size_t i = 0; i < activity.creators.size(); ++i) {
    totals[i].creator = &activity.creators[i];
    index.emplace(activity.creators[i].id, i);
  }
  std::vector<VideoCounts> gains = VideoRangeGains(activity, req);
  for (std::size_t i = 0; i < activity.videos.size(); ++i) {
    const auto& v = activity.videos[i];
    if (!v.creator_id) continue;
    auto it = index.find(*v.creator_id);
    if (it == index.end()) continue;
    CreatorTotals& t = totals[it->second];
    for (int m = 0; m < kVideoMetricCount; ++m) t.gains[m] += gains[i][m];
    if (v.posted_at && *v.posted_at < req.before_ts) {
      ++t.posts_to_end;
      if (*v.posted_at >= req.from_ts) ++t.posts;
    }
  }
  const auto& snaps = activity.creator_snapshots;
  for (std::size_t i = 0; i < snaps.size();) {
    std::size_t j = i;
    while (j < snaps.size() && snaps[j].creator_id == snaps[i].creator_id) ++j;
    auto it = index.find(snaps[i].creator_id);
    if (it != index.end()) {
      totals[it->second].follower_gain = metrics::FollowerGain(
          std::span<const CreatorSnapshot>(snaps.data() + i, j - i), req.from_ts);
    }
    i = j;
  }
  for (CreatorTotals& t : totals) {
    t.engagement_rate = Rate(EngagementOf(t.gains), t.gains[kViews], 100);
    t.avg_views_per_post = Rate(t.gains[kViews], t.posts_to_end, 1);
  }
  return totals;
}

Result<std::vector<CreatorTotals>> LoadCreatorTotals(const RequestContext& ctx,
                                                     const AggregateRequest& req,
                                                     Store::ProjectActivity* activity) {
  auto read =
      ctx.services.store->ReadProjectActivity(ctx.org->id, req.project_id, req.before_ts, true);
  if (!read) return read.error();
  *activity = std::move(*read);
  return ComputeCreatorTotals(*activity, req);
}

// Descending by a value that may be missing (missing last), then by handle and id.
template <class T>
bool RankBefore(const std::optional<T>& a, const std::optional<T>& b, const Store::CreatorRow& ca,
                const Store::CreatorRow& cb) {
  if (a.has_value() != b.has_value()) return a.has_value();
  if (a && *a != *b) return *a > *b;
  if (ca.handle != cb.handle) return ca.handle < cb.handle;
  return ca.id < cb.id;
}

std::optional<std::int64_t> CreatorOrderValue(const CreatorTotals& t, std::string_view order) {
  if (order == "views") return t.gains[kViews];
  if (order == "likes") return t.gains[kLikes];
  if (order == "comments") return t.gains[kComments];
  if (order == "shares") return t.gains[kShares];
  if (order == "saves") return t.gains[kSaves];
  if (order == "posts") return t.posts;
  if (order == "follower_count") return t.creator->follower_count;
  if (order == "follower_gain") return t.follower_gain;
  if (t.engagement_rate) return t.engagement_rate->scaled;  // engagement_rate
  return std::nullopt;
}

Response CreatorLeaderboard(RequestContext& ctx) {
  auto req = ReadRequest(ctx, DateDefault::kLast30Days);
  GOATHERD_CHECKED(req);
  auto order = ReadOrder(ctx.query, {"views", "likes", "comments", "shares", "saves", "posts",
                                     "engagement_rate", "follower_count", "follower_gain"});
  GOATHERD_CHECKED(order);
  auto paging = ReadPaging(ctx.query);
  GOATHERD_CHECKED(paging);
  GOATHERD_CHECKED(CheckProjectAndRetention(ctx, *req));
  Store::ProjectActivity activity;
  auto totals = LoadCreatorTotals(ctx, *req, &activity);
  GOATHERD_CHECKED(totals);
  std::sort(totals->begin(), totals->end(), [&](const CreatorTotals& a, const CreatorTotals& b) {
    return RankBefore(CreatorOrderValue(a, *order), CreatorOrderValue(b, *order), *a.creator,
                      *b.creator);
  });
  auto [begin, end] = PageBounds(totals->size(), *paging);
  return ListResponse(
      [&](JsonWriter& w) {
        w.StartArray();
        for (std::size_t i = begin; i < end; ++i) {
          const CreatorTotals& t = (*totals)[i];
          w.StartObject();
          w.Key("creator_id").String(t.creator->id);
          w.Key("handle").String(t.creator->handle);
          w.Key("views").Int(t.gains[kViews]);
          w.Key("likes").Int(t.gains[kLikes]);
          w.Key("comments").Int(t.gains[kComments]);
          w.Key("shares").Int(t.gains[kShares]);
          w.Key("saves").Int(t.gains[kSaves]);
          w.Key("posts").Int(t.posts);
          w.Key("engagement_rate");
          WriteOptDecimal(w, t.engagement_rate);
          w.Key("follower_count").Int(t.creator->follower_count);
          w.Key("follower_gain").OptInt(t.follower_gain);
          w.EndObject();
        }
        w.EndArray();
      },
      static_cast<std::int64_t>(totals->size()), *paging);
}

Response CreatorScatter(RequestContext& ctx) {
  auto req = ReadRequest(ctx, DateDefault::kLast30Days);
  GOATHERD_CHECKED(req);
  GOATHERD_CHECKED(CheckProjectAndRetention(ctx, *req));
  Store::ProjectActivity activity;
  auto totals = LoadCreatorTotals(ctx, *req, &activity);
  GOATHERD_CHECKED(totals);
  return DataResponse(200, [&](JsonWriter& w) {
    w.StartArray();
    for (const CreatorTotals& t : *totals) {
      w.StartObject();
      w.Key("creator_id").String(t.creator->id);
      w.Key("handle").String(t.creator->handle);
      w.Key("follower_count").Int(t.creator->follower_count);
      w.Key("avg_views_per_post");
      WriteOptDecimal(w, t.avg_views_per_post);
      w.Key("engagement_rate");
      WriteOptDecimal(w, t.engagement_rate);
      w.Key("posts").Int(t.posts);
      w.EndObject();
    }
    w.EndArray();
  });
}

Response PostingConsistency(RequestContext& ctx) {
  auto req = ReadRequest(ctx, DateDefault::kLast30Days);
  GOATHERD_CHECKED(req);
  GOATHERD_CHECKED(CheckProjectAndRetention(ctx, *req));
  auto activity =
      ctx.services.store->ReadProjectActivity(ctx.org->id, req->project_id, req->before_ts, false);
  GOATHERD_CHECKED(activity);
  std::unordered_map<std::string_view, std::vector<DayNumber>> days;
  metrics::LocalDayMapper mapper(req->range.zone);
  for (const auto& v : activity->videos) {
    if (!v.creator_id || !v.posted_at) continue;
    if (*v.posted_at < req->from_ts || *v.posted_at >= req->before_ts) continue;
    days[*v.creator_id].push_back(mapper.DayOf(*v.posted_at));
  }
  struct Row {
    const Store::CreatorRow* creator;
    metrics::Consistency c;
  };
  std::vector<Row> rows;
  rows.reserve(activity->creators.size());
  for (const auto& creator : activity->creators) {
    rows.push_back(
        {&creator, metrics::ComputeConsistency(days[creator.id], req->range.from, req->range.to)});
  }
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    return a.c.score > b.c.score;  // creators arrive by handle, which breaks ties
  });
  return DataResponse(200, [&](JsonWriter& w) {
    w.StartArray();
    for (const Row& r : rows) {
      w.StartObject();
      w.Key("creator_id").String(r.creator->id);
      w.Key("handle").String(r.creator->handle);
      w.Key("posts_per_week").StartArray();
      for (const auto& week : r.c.weeks) {
        w.StartObject().Key("week_start").String(FormatDate(week.week_start));
        w.Key("posts").Int(week.posts).EndObject();
      }
      w.EndArray();
      w.Key("total_posts").Int(r.c.total_posts);
      w.Key("mean");
      WriteDecimal(w, r.c.mean);
      w.Key("stddev");
      WriteDecimal(w, r.c.stddev);
      w.Key("longest_gap_days").Int(r.c.longest_gap_days);
      w.Key("consistency_score").Int(r.c.score);
      w.EndObject();
    }
    w.EndArray();
  });
}

// ---------------------------------------------------------------------------------------------
// Campaign group

struct CampaignSet {
  Campaign campaign;
  std::vector<std::size_t> videos;  // indexes into the activity's counted videos, ascending
};

Result<std::vector<CampaignSet>> LoadCampaignSets(const RequestContext& ctx,
                                                  const std::string& project_id,
                                                  const Store::ProjectActivity& activity) {
  std::unordered_map<std::int64_t, std::size_t> by_seq;
  for (std::size_t i = 0; i < activity.videos.size(); ++i)
    by_seq.emplace(activity.videos[i].seq, i);
  std::vector<CampaignSet> out;
  CampaignFilter filter;
  filter.project_id = project_id;
  PageRequest page;
  page.limit = 100;
  constexpr int kMaxPages = 100'000;  // far beyond any plan's campaign cap
  for (int n = 0; n < kMaxPages; ++n) {
    auto campaigns = ctx.services.store->ListCampaigns(ctx.org->id, filter, page);
    if (!campaigns) return campaigns.error();
    for (Campaign& c : campaigns->items) {
      auto seqs = ctx.services.store->ResolveCampaignVideoSeqs(ctx.org->id, c.id,
                                                               CreatorVideoRule::kCounted);
      if (!seqs) return seqs.error();
      CampaignSet set{std::move(c), {}};
      for (std::int64_t seq : *seqs) {
        auto it = by_seq.find(seq);
        if (it != by_seq.end()) set.videos.push_back(it->second);  // counted ones only
      }
      std::sort(set.videos.begin(), set.videos.end());
      out.push_back(std::move(set));
    }
    if (!campaigns->has_more || campaigns->items.empty()) break;
    const Campaign& last = out.back().campaign;
    page.after = KeysetPosition{last.created_at, last.id};
  }
  return out;
}

Response CampaignLeaderboard(RequestContext& ctx) {
  auto req = ReadRequest(ctx, DateDefault::kLast30Days);
  GOATHERD_CHECKED(req);
  auto order = ReadOrder(ctx.query, {"views", "likes", "comments", "shares", "saves", "posts",
                                     "engagement_rate", "video_count"});
  GOATHERD_CHECKED(order);
  auto paging = ReadPaging(ctx.query);
  GOATHERD_CHECKED(paging);
  GOATHERD_CHECKED(CheckProjectAndRetention(ctx, *req));
  auto activity =
      ctx.services.store->ReadProjectActivity(ctx.org->id, req->project_id, req->before_ts, true);
  GOATHERD_CHECKED(activity);
  auto sets = LoadCampaignSets(ctx, req->project_id, *activity);
  GOATHERD_CHECKED(sets);
  std::vector<VideoCounts> gains = VideoRangeGains(*activity, *req);
  struct Row {
    const Campaign* campaign;
    std::int64_t video_count;
    VideoCounts gains{};
    std::int64_t posts = 0;
    std::optional<Decimal> engagement_rate;
  };
  std::vector<Row> rows;
  for (const CampaignSet& s : *sets) {
    Row r{&s.campaign, static_cast<std::int64_t>(s.videos.size()), {}, 0, std::nullopt};
    for (std::size_t i : s.videos) {
      for (int m = 0; m < kVideoMetricCount; ++m) r.gains[m] += gains[i][m];
      const auto& posted = activity->videos[i].posted_at;
      if (posted && *posted >= req->from_ts && *posted < req->before_ts) ++r.posts;
    }
    r.engagement_rate = Rate(EngagementOf(r.gains), r.gains[kViews], 100);
    rows.push_back(r);
  }
  auto value = [&](const Row& r) -> std::optional<std::int64_t> {
    const std::string& o = *order;
    if (o == "views") return r.gains[kViews];
    if (o == "likes") return r.gains[kLikes];
    if (o == "comments") return r.gains[kComments];
    if (o == "shares") return r.gains[kShares];
    if (o == "saves") return r.gains[kSaves];
    if (o == "posts") return r.posts;
    if (o == "video_count") return r.video_count;
    if (r.engagement_rate) return r.engagement_rate->scaled;
    return std::nullopt;
  };
  std::sort(rows.begin(), rows.end(), [&](const Row& a, const Row& b) {
    auto va = value(a), vb = value(b);
    if (va.has_value() != vb.has_value()) return va.has_value();
    if (va && *va != *vb) return *va > *vb;
    if (a.campaign->name != b.campaign->name) return a.campaign->name < b.campaign->name;
    return a.campaign->id < b.campaign->id;
  });
  auto [begin, end] = PageBounds(rows.size(), *paging);
  return ListResponse(
      [&](JsonWriter& w) {
        w.StartArray();
        for (std::size_t i = begin; i < end; ++i) {
          const Row& r = rows[i];
          w.StartObject();
          w.Key("campaign_id").String(r.campaign->id);
          w.Key("name").String(r.campaign->name);
          w.Key("video_count").Int(r.video_count);
          w.Key("views").Int(r.gains[kViews]);
          w.Key("likes").Int(r.gains[kLikes]);
          w.Key("comments").Int(r.gains[kComments]);
          w.Key("shares").Int(r.gains[kShares]);
          w.Key("saves").Int(r.gains[kSaves]);
          w.Key("posts").Int(r.posts);
          w.Key("engagement_rate");
          WriteOptDecimal(w, r.engagement_rate);
          w.EndObject();
        }
        w.EndArray();
      },
      static_cast<std::int64_t>(rows.size()), *paging);
}

std::int64_t IntersectionSize(const std::vector<std::size_t>& a,
                              const std::vector<std::size_t>& b) {
  std::int64_t n = 0;
  for (std::size_t i = 0, j = 0; i < a.size() && j < b.size();) {
    if (a[i] < b[j]) {
      ++i;
    } else if (b[j] < a[i]) {
      ++j;
    } else {
      ++n, ++i, ++j;
    }
  }
  return n;
}

Response MemberOverlap(RequestContext& ctx) {
  auto req = ReadRequest(ctx, DateDefault::kLast30Days);
  GOATHERD_CHECKED(req);
  GOATHERD_CHECKED(CheckProjectAndRetention(ctx, *req));
  auto activity =
      ctx.services.store->ReadProjectActivity(ctx.org->id, req->project_id, req->before_ts, false);
  GOATHERD_CHECKED(activity);
  auto sets = LoadCampaignSets(ctx, req->project_id, *activity);
  GOATHERD_CHECKED(sets);
  // Creators as indexes into the project's creators, per campaign, ascending and distinct.
  std::unordered_map<std::string_view, std::size_t> creator_index;
  for (std::size_t i = 0; i < activity->creators.size(); ++i) {
    creator_index.emplace(activity->creators[i].id, i);
  }
  std::vector<std::vector<std::size_t>> creators(sets->size());
  for (std::size_t c = 0; c < sets->size(); ++c) {
    for (std::size_t v : (*sets)[c].videos) {
      const auto& id = activity->videos[v].creator_id;
      if (!id) continue;
      auto it = creator_index.find(*id);
      if (it != creator_index.end()) creators[c].push_back(it->second);
    }
    std::sort(creators[c].begin(), creators[c].end());
    creators[c].erase(std::unique(creators[c].begin(), creators[c].end()), creators[c].end());
  }
  struct Pair {
    std::size_t a, b;
    std::int64_t shared_creators, shared_videos;
    std::optional<Decimal> jaccard;
  };
  std::vector<Pair> pairs;
  for (std::size_t a = 0; a < sets->size(); ++a) {
    for (std::size_t b = a + 1; b < sets->size(); ++b) {
      std::int64_t shared_videos = IntersectionSize((*sets)[a].videos, (*sets)[b].videos);
      std::int64_t shared_creators = IntersectionSize(creators[a], creators[b]);
      if (shared_videos == 0 && shared_creators == 0) continue;
      // Campaigns sort by name so that each pair reads the same way on every request.
      std::size_t first = a, second = b;
      if ((*sets)[b].campaign.name < (*sets)[a].campaign.name) std::swap(first, second);
      pairs.push_back(
          {first, second, shared_creators, shared_videos,
           metrics::Jaccard(static_cast<std::int64_t>((*sets)[a].videos.size()),
                            static_cast<std::int64_t>((*sets)[b].videos.size()), shared_videos)});
    }
  }
  auto key = [](const Pair& p) { return p.jaccard ? p.jaccard->scaled : -1; };
  std::sort(pairs.begin(), pairs.end(), [&](const Pair& x, const Pair& y) {
    if (key(x) != key(y)) return key(x) > key(y);
    if (x.shared_creators != y.shared_creators) return x.shared_creators > y.shared_creators;
    const auto& xa = (*sets)[x.a].campaign;
    const auto& ya = (*sets)[y.a].campaign;
    if (xa.name != ya.name) return xa.name < ya.name;
    return (*sets)[x.b].campaign.name < (*sets)[y.b].campaign.name;
  });
  return DataResponse(200, [&](JsonWriter& w) {
    w.StartArray();
    for (const Pair& p : pairs) {
      const CampaignSet& a = (*sets)[p.a];
      const CampaignSet& b = (*sets)[p.b];
      w.StartObject();
      w.Key("campaign_a_id").String(a.campaign.id);
      w.Key("campaign_a_name").String(a.campaign.name);
      w.Key("campaign_b_id").String(b.campaign.id);
      w.Key("campaign_b_name").String(b.campaign.name);
      w.Key("shared_creators").Int(p.shared_creators);
      w.Key("shared_videos").Int(p.shared_videos);
      w.Key("jaccard_index");
      WriteOptDecimal(w, p.jaccard);
      w.EndObject();
    }
    w.EndArray();
  });
}

// ---------------------------------------------------------------------------------------------
// Goal compliance: the counts of GET /projects/{id}/goal-compliance's results per status.

Response GoalCompliance(RequestContext& ctx) {
  auto project = ctx.query.GetUuid("project_id");
  if (!project) return ErrorResponse(project.error());
  if (!project->has_value()) {
    return ErrorResponse(Error::InvalidQuery("Query parameter 'project_id' is required"));
  }
  auto text = ctx.query.GetRequiredValue("reference_date");
  if (!text) return ErrorResponse(text.error());
  const date::time_zone* zone = FindTimeZone(ctx.org->timezone);
  if (!zone) zone = FindTimeZone("UTC");
  DayNumber reference = LocalDay(ctx.services.clock->NowSeconds(), zone);
  if (text->has_value()) {
    auto day = ParseDate(**text);
    if (!day) {
      return ErrorResponse(Error::InvalidQuery(
          "Query parameter 'reference_date' must be a date YYYY-MM-DD, got '" + **text + "'"));
    }
    reference = *day;
  }
  auto counts = CountGoalStatuses(ctx.services, *ctx.org, **project, reference);
  if (!counts) return ErrorResponse(counts.error());
  return DataResponse(200, [&](JsonWriter& w) {
    w.StartObject();
    w.Key("reference_date").String(FormatDate(reference));
    w.Key("on_track").Int(counts->on_track);
    w.Key("behind_pace").Int(counts->behind_pace);
    w.Key("at_risk").Int(counts->at_risk);
    w.Key("completed").Int(counts->completed);
    w.Key("missed").Int(counts->missed);
    w.Key("total").Int(counts->total());
    w.EndObject();
  });
}

// ---------------------------------------------------------------------------------------------
// Registration

const QueryParamDoc kProjectParam{"project_id", "uuid", "The project (required)"};
const QueryParamDoc kTzParam{"tz", "string", "IANA time zone of the dates (default: the org's)"};

std::vector<QueryParamDoc> RangeParams(const char* defaults) {
  return {kProjectParam,
          {"from", "date", std::string("First local day, inclusive; ") + defaults},
          {"to", "date", "Last local day, inclusive"},
          kTzParam};
}

void AddAggregate(Router& router, const char* name, Handler handler, std::string summary,
                  std::vector<QueryParamDoc> query) {
  router.Add(
      {"GET",
       std::string("/api/v1/analytics/aggregate/") + name,
       kScopeRead,
       std::move(handler),
       {std::move(summary), "Aggregates", std::move(query), {}, "", false, 200, {402, 404}}});
}

}  // namespace

void RegisterAggregateRoutes(Router& router) {
  const QueryParamDoc limit{"limit", "integer", "Rows per page, 1..100 (default 50)"};
  const QueryParamDoc offset{"offset", "integer", "Rows to skip (default 0); meta.total_count"};
  auto with = [](std::vector<QueryParamDoc> base, std::initializer_list<QueryParamDoc> more) {
    base.insert(base.end(), more);
    return base;
  };
  AddAggregate(router, "video-leaderboard", VideoLeaderboard,
               "Counted videos posted in the range, ranked by current counts (descending)",
               with(RangeParams("without from and to: all time"),
                    {{"order", "string",
                      "view_count (default), like_count, comment_count, share_count, "
                      "save_count or posted_at"},
                     limit,
                     offset}));
  AddAggregate(router, "posting-heatmap", PostingHeatmap,
               "Posts and average current views per local day of week (0 = Sunday) and hour; "
               "only cells with posts",
               RangeParams("required, as is to"));
  AddAggregate(router, "view-distribution", ViewDistribution,
               "Log-spaced histogram and nearest-rank percentiles of the current views of videos "
               "posted in the range",
               with(RangeParams("default: the last 30 days"),
                    {{"bins", "integer", "Number of log-spaced bins, 1..100 (default 20)"}}));
  AddAggregate(router, "outliers", Outliers,
               "Videos posted in the range with views above min_ratio x the median of their "
               "creator's other videos of the same age bucket (0-6, 7-29, 30-89, 90+ days)",
               with(RangeParams("default: the last 30 days"),
                    {{"min_ratio", "number", "Threshold ratio, > 0, up to 4 decimals (default 3)"},
                     limit,
                     offset}));
  AddAggregate(router, "creator-leaderboard", CreatorLeaderboard,
               "Creators ranked by what their counted videos gained in the range",
               with(RangeParams("default: the last 30 days"),
                    {{"order", "string",
                      "views (default), likes, comments, shares, saves, posts, engagement_rate, "
                      "follower_count or follower_gain"},
                     limit,
                     offset}));
  AddAggregate(router, "posting-consistency", PostingConsistency,
               "Posts per ISO week, mean, standard deviation, longest gap and a 0-100 score "
               "(100 x weeks with posts / weeks / (1 + stddev / mean)) per creator",
               RangeParams("default: the last 30 days"));
  AddAggregate(router, "creator-scatter", CreatorScatter,
               "Per creator: followers, average views per post, engagement rate and posts",
               RangeParams("default: the last 30 days"));
  AddAggregate(
      router, "goal-compliance", GoalCompliance,
      "Counts of the project's goal results per status (on_track, behind_pace, at_risk, "
      "completed, missed) in the periods containing reference_date",
      {kProjectParam,
       {"reference_date", "date", "Local date in the organization's time zone (default: today)"}});
  AddAggregate(router, "campaign-leaderboard", CampaignLeaderboard,
               "Campaigns ranked by what their resolved counted videos gained in the range",
               with(RangeParams("default: the last 30 days"),
                    {{"order", "string",
                      "views (default), likes, comments, shares, saves, posts, engagement_rate "
                      "or video_count"},
                     limit,
                     offset}));
  AddAggregate(router, "member-overlap", MemberOverlap,
               "Pairs of campaigns sharing creators or videos, with the Jaccard index of their "
               "resolved video sets",
               RangeParams("default: the last 30 days"));
}

}  // namespace goatherd::api
