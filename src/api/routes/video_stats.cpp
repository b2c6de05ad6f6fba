// GET /api/v1/videos/{id}/stats in its two shapes (spec/videos.md): the legacy shape
// (snapshots, velocity, optional cohort) and the derived shape (metric= series).
#include <date/tz.h>

#include <algorithm>
#include <cstring>

#include "api/app.h"
#include "api/date_range.h"
#include "api/envelope.h"
#include "api/routes/videos.h"
#include "metrics/cohort.h"
#include "metrics/day_levels.h"
#include "metrics/derived.h"
#include "metrics/local_day_mapper.h"
#include "metrics/velocity.h"

namespace goatherd::api {
namespace {

constexpr std::string_view kEngagementByViews = "engagement_rate_by_views";
constexpr std::string_view kGrowthRatePop = "growth_rate_pop";

struct StatsRequest {
  DateRange range;
  std::vector<std::string> metrics;  // empty: the legacy shape
  std::optional<VideoMetric> base_metric;
  std::string base_metric_name;
  bool cohort = false;
};

std::optional<VideoMetric> MetricByName(std::string_view name) {
  static constexpr std::string_view kNames[] = {"views", "likes", "comments", "shares", "saves"};
  for (int m = 0; m < kVideoMetricCount; ++m) {
    if (kNames[m] == name) return static_cast<VideoMetric>(m);
  }
  return std::nullopt;
}

Result<StatsRequest> ReadStatsRequest(const RequestContext& ctx) {
  StatsRequest req;
  auto range = ReadDateRange(ctx.query, *ctx.org, *ctx.services.clock);
  if (!range) return range.error();
  req.range = *range;

  auto metric = ctx.query.GetRequiredValue("metric");
  if (!metric) return metric.error();
  if (metric->has_value()) {
    std::string_view list = **metric;
    std::size_t start = 0;
    while (start <= list.size()) {
      std::size_t comma = list.find(',', start);
      if (comma == std::string_view::npos) comma = list.size();
      std::string id(list.substr(start, comma - start));
      start = comma + 1;
      if (id.empty()) return Error::InvalidQuery("Query parameter 'metric' has an empty item");
      if (id == "engagement_rate_by_followers") {
        return Error::InvalidQuery(
            "engagement_rate_by_followers is not supported for video entities — use a creator "
            "or campaign endpoint instead");
      }
      if (id != kEngagementByViews && id != kGrowthRatePop) {
        return Error::InvalidQuery("unknown metric '" + id +
                                   "' — supported for videos: engagement_rate_by_views, "
                                   "growth_rate_pop");
      }
      for (const auto& seen : req.metrics) {
        if (seen == id) return Error::InvalidQuery("metric '" + id + "' is given twice");
      }
      req.metrics.push_back(std::move(id));
    }
  }

  auto granularity = ctx.query.GetRequiredValue("granularity");
  if (!granularity) return granularity.error();
  if (granularity->has_value() && **granularity != "day") {
    return Error::InvalidQuery("granularity '" + **granularity +
                               "' is not supported for videos: only 'day'");
  }

  auto base = ctx.query.GetRequiredValue("base_metric");
  if (!base) return base.error();
  if (base->has_value()) {
    req.base_metric = MetricByName(**base);
    if (!req.base_metric) {
      return Error::InvalidQuery(
          "base_metric must be one of views, likes, comments, shares, "
          "saves; got '" +
          **base + "'");
    }
    req.base_metric_name = **base;
  }
  bool wants_growth = false;
  for (const auto& m : req.metrics) wants_growth = wants_growth || m == kGrowthRatePop;
  if (wants_growth && !req.base_metric) {
    return Error::InvalidQuery(
        "growth_rate_pop requires base_metric=views|likes|comments|shares|saves");
  }

  auto cohort = ctx.query.GetRequiredValue("cohort");
  if (!cohort) return cohort.error();
  if (cohort->has_value()) {
    const std::string& c = **cohort;
    if (c == "1" || c == "true") {
      req.cohort = true;
    } else if (c != "0" && c != "false") {
      return Error::InvalidQuery("cohort must be 1, true, 0 or false; got '" + c + "'");
    }
  }
  return req;
}

std::string CacheKey(const std::string& org_id, const std::string& video_id,
                     const StatsRequest& r) {
  std::string key = org_id + "|" + video_id + "|" + r.range.tz_name + "|" +
                    std::to_string(r.range.from) + "|" + std::to_string(r.range.to) + "|" +
                    r.base_metric_name + "|" + (r.cohort ? "c" : "") + "|";
  for (const auto& m : r.metrics) key += m + ",";
  return key;
}

const char* ReasonName(SnapshotReason reason) {
  return reason == SnapshotReason::kTrackingResumed ? "tracking_resumed" : "video_added";
}

void WriteCohortRows(JsonWriter& w, const std::vector<metrics::CohortAverage>& rows) {
  w.StartArray();
  for (const auto& row : rows) {
    w.StartObject().Key("day_number").Int(row.day_number);
    w.Key("avg_views_gained").Raw(metrics::ToJsonNumber(row.avg_views_gained));
    w.Key("sample_size").Int(row.sample_size).EndObject();
  }
  w.EndArray();
}

// Averages in the organization's zone come from the running sums; in any other zone they are
// computed from the videos' histories.
Result<std::vector<metrics::CohortAverage>> CohortAverages(const RequestContext& ctx,
                                                           const StatsRequest& req,
                                                           const std::string& creator_id) {
  Store& store = *ctx.services.store;
  std::vector<metrics::CohortAverage> out;
  if (req.range.zone == FindTimeZone(ctx.org->timezone)) {
    auto rows = store.CohortSums(ctx.org->id, creator_id);
    if (!rows) return rows.error();
    for (const CohortRow& r : *rows) {
      out.push_back(metrics::ComputeCohortAverage(r.day_number, r.views_gained_sum, r.sample_size));
    }
    return out;
  }
  auto histories = store.CountedVideoHistories(ctx.org->id, creator_id);
  if (!histories) return histories.error();
  metrics::CohortSums sums;
  metrics::DayLevels levels;
  std::vector<metrics::VelocityPoint> velocity;
  for (const VideoHistory& h : *histories) {
    metrics::ComputeDayLevels(h.snapshots, req.range.zone, &levels);
    metrics::ComputeVelocity(levels, h.posted_at, &velocity);
    sums.Add(velocity);
  }
  return sums.Averages();
}

Result<std::string> LegacyPayload(const RequestContext& ctx, const StatsRequest& req,
                                  const VideoStatsSource& video, const metrics::DayLevels& levels) {
  const DateRange& range = req.range;
  const std::vector<VideoSnapshot>& snapshots = video.snapshots;
  std::optional<std::vector<metrics::CohortAverage>> creator_avg, org_avg;
  if (req.cohort && video.creator_id) {
    auto c = CohortAverages(ctx, req, *video.creator_id);
    if (!c) return c.error();
    auto o = CohortAverages(ctx, req, "");
    if (!o) return o.error();
    creator_avg = std::move(*c);
    org_avg = std::move(*o);
  }
  JsonWriter w;
  w.StartObject();
  w.Key("video_id").String(video.video_id);
  w.Key("timezone").String(range.tz_name);
  w.Key("from").String(FormatDate(range.from));
  w.Key("to").String(FormatDate(range.to));
  w.Key("snapshots").StartArray();
  metrics::LocalDayMapper days(range.zone);
  for (const VideoSnapshot& s : snapshots) {
    DayNumber d = days.DayOf(s.snapshot_at);
    if (d < range.from || d > range.to) continue;
    w.StartObject().Key("snapshot_at").Time(s.snapshot_at);
    w.Key("view_count").Int(s.counts[kViews]).Key("like_count").Int(s.counts[kLikes]);
    w.Key("comment_count").Int(s.counts[kComments]).Key("share_count").Int(s.counts[kShares]);
    w.Key("save_count").Int(s.counts[kSaves]).EndObject();
  }
  w.EndArray();
  w.Key("velocity").StartArray();
  for (const auto& p : metrics::ComputeVelocity(levels, video.posted_at)) {
    w.StartObject().Key("day_number").Int(p.day_number);
    w.Key("views_gained").Int(p.views_gained).EndObject();
  }
  w.EndArray();
  if (creator_avg) {
    w.Key("cohort").StartObject().Key("creator_avg");
    WriteCohortRows(w, *creator_avg);
    w.Key("org_avg");
    WriteCohortRows(w, *org_avg);
    w.EndObject();
  }
  w.EndObject();
  return w.Take();
}

// Appends the points of a series, written directly: a 90-day series is 90 objects of two fixed
// keys, a date and a number, and going through the writer for each (and then copying the array
// into it as a raw value, byte by byte) was a quarter of an uncached answer. The points are
// consecutive days, so each date is the previous one with its day of the month incremented,
// computed afresh only at a month's end or a gap.
void AppendPoints(const std::vector<metrics::SeriesPoint>& points, std::string* out) {
  static constexpr std::string_view kHead = R"({"bucket_start":")";
  static constexpr std::string_view kTail = R"(","value":)";
  constexpr std::size_t kDateSize = 10;  // YYYY-MM-DD
  char head[kHead.size() + kDateSize + kTail.size()];
  std::memcpy(head, kHead.data(), kHead.size());
  std::memcpy(head + kHead.size() + kDateSize, kTail.data(), kTail.size());
  char* date = head + kHead.size();
  DayNumber next_day = 0;   // the day after the last point written
  DayNumber month_end = 0;  // the last day of that point's month
  unsigned day_of_month = 0;
  bool first = true;
  out->reserve(out->size() + points.size() * 48 + 2);
  out->push_back('[');
  for (const auto& p : points) {
    if (!first && p.day == next_day && p.day <= month_end) {
      ++day_of_month;
      date[8] = static_cast<char>('0' + day_of_month / 10);
      date[9] = static_cast<char>('0' + day_of_month % 10);
    } else {
      std::string text = FormatDate(p.day);
      std::memcpy(date, text.data(), kDateSize);
      date::year_month_day ymd{date::sys_days{date::days{p.day}}};
      date::year_month_day_last last{ymd.year(), date::month_day_last{ymd.month()}};
      day_of_month = static_cast<unsigned>(ymd.day());
      month_end = p.day + static_cast<DayNumber>(static_cast<unsigned>(last.day()) - day_of_month);
    }
    if (!first) out->push_back(',');
    first = false;
    next_day = p.day + 1;
    out->append(head, sizeof(head));
    if (p.value) {
      metrics::AppendJsonNumber(*p.value, out);
    } else {
      out->append("null");
    }
    out->push_back('}');
  }
  out->push_back(']');
}

// The derived shape by concatenation of pieces that the writer makes (so that it escapes every
// string) around the points, which are written directly (AppendPoints).
std::string DerivedPayload(const StatsRequest& req, const VideoStatsSource& video,
                           const metrics::DayLevels& levels) {
  const DateRange& range = req.range;
  const auto days = static_cast<std::size_t>(std::max(0, range.to - range.from + 1));
  std::string out;
  out.reserve(64 + req.metrics.size() * (200 + 48 * days));
  out.append(R"({"series":[)");
  std::vector<metrics::SeriesPoint> points;
  for (std::size_t i = 0; i < req.metrics.size(); ++i) {
    const std::string& metric = req.metrics[i];
    bool growth = metric == kGrowthRatePop;
    if (growth) {
      metrics::ComputeGrowthRatePop(levels, *req.base_metric, range.from, range.to, &points);
    } else {
      metrics::ComputeEngagementRateByViews(levels, range.from, range.to, &points);
    }
    JsonWriter w;
    w.StartObject().Key("metric").String(metric).Key("unit").String("percent");
    w.Key("mode").String("rate").Key("granularity").String("day");
    w.Key("timezone").String(range.tz_name);
    if (growth) w.Key("base_metric").String(req.base_metric_name);
    w.EndObject();
    std::string head = w.Take();
    head.back() = ',';  // the object goes on with its points
    if (i > 0) out.push_back(',');
    out.append(head).append(R"("points":)");
    AppendPoints(points, &out);
    out.push_back('}');
  }
  JsonWriter w;
  w.StartObject().Key("baselines").StartArray();
  for (const auto& b : metrics::BaselinesBetween(levels, range.from, range.to)) {
    w.StartObject().Key("entity_id").String(video.video_id);
    w.Key("snapshot_at").Time(b.snapshot_at).Key("reason").String(ReasonName(b.reason));
    w.EndObject();
  }
  w.EndArray();
  auto first = video.from_days ? video.first_day : metrics::FirstDataDate(levels);
  w.Key("first_data_date");
  if (first) {
    w.String(FormatDate(*first));
  } else {
    w.Null();
  }
  w.EndObject();
  // The members of this second object continue the payload's.
  std::string rest = w.Take();
  out.append("],").append(rest, 1, std::string::npos);
  return out;
}

Response VideoStats(RequestContext& ctx) {
  auto req = ReadStatsRequest(ctx);
  if (!req) return ErrorResponse(req.error());
  Store& store = *ctx.services.store;
  const std::string& id = ctx.Param("id");
  std::string cache_key = CacheKey(ctx.org->id, id, *req);
  // A derived series needs one level per day, which the store keeps in the organization's zone;
  // the legacy shape lists the snapshots themselves.
  std::optional<DaysRequest> days;
  if (!req->metrics.empty()) days = DaysRequest{req->range.tz_name, req->range.from, req->range.to};
  // A hit under the current generation means the video existed when the answer was computed
  // and nothing changed since (a deletion bumps the generation), so it skips reading the
  // history; retention still depends on today and is checked either way.
  std::optional<std::string> hit;
  auto source = store.ReadVideoStats(ctx.org->id, id, days, [&](std::int64_t generation) {
    hit = ctx.services.stats_cache->Get(cache_key, generation);
    return hit.has_value();
  });
  if (!source) return ErrorResponse(source.error());
  if (Status st = CheckRetention(req->range, *ctx.org, *ctx.services.plan_limits); !st) {
    return ErrorResponse(st.error());
  }
  if (source->answered) return CachedDataResponse(*hit, true);
  metrics::DayLevels computed;
  if (!source->from_days) metrics::ComputeDayLevels(source->snapshots, req->range.zone, &computed);
  const metrics::DayLevels& levels = source->from_days ? source->levels : computed;
  std::string payload;
  if (req->metrics.empty()) {
    auto legacy = LegacyPayload(ctx, *req, *source, levels);
    if (!legacy) return ErrorResponse(legacy.error());
    payload = std::move(*legacy);
  } else {
    payload = DerivedPayload(*req, *source, levels);
  }
  Response response = CachedDataResponse(payload, false);
  ctx.services.stats_cache->Put(cache_key, source->generation, std::move(payload));
  return response;
}

}  // namespace

void RegisterVideoStatsRoute(Router& router) {
  router.Add({"GET",
              "/api/v1/videos/{id}/stats",
              kScopeRead,
              VideoStats,
              {"A video's stats: snapshots, velocity and cohorts, or derived metric series",
               "Videos",
               {{"from", "date", "First local day (default: to - 29)"},
                {"to", "date", "Last local day (default: today in tz)"},
                {"tz", "string", "IANA time zone of the days (default: the organization's)"},
                {"metric", "string",
                 "Comma list: engagement_rate_by_views, growth_rate_pop (derived shape)"},
                {"granularity", "string", "day (the only value)"},
                {"base_metric", "string", "views, likes, comments, shares or saves"},
                {"cohort", "boolean", "1 to add creator and organization cohort averages"}},
               {},
               "",
               false,
               200,
               {402, 404}}});
}

}  // namespace goatherd::api
