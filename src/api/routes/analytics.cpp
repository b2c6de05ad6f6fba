// GET /api/v1/analytics (spec/analytics.md): bucketed series of a metric for one or several
// entities, with the prior-period comparison, the per-video breakdown, baselines, annotations
// and CSV export; and GET /api/v1/analytics/schema, the OpenAPI 3.1 document of that endpoint
// alone. The series themselves are computed by metrics/analytics_series.h: for a project or
// campaign in the organization's zone from the rollups (store/sqlite/rollups.h), else from the
// entity's snapshots, read live in one transaction. The rollups are written in the same
// transaction as each snapshot, so their row for today is exactly what a computation from the
// snapshots would give at that instant: today is "computed live" either way, and the two paths
// give identical answers (tests/api/analytics_rollup_test.cpp compares them).
//
// JSON answers go through the stats cache, keyed by the organization's stats generation, which
// everything an answer depends on bumps (snapshots, statuses, follower snapshots, renames,
// campaign membership, annotations, plan: triggers of migration 14), so meta.cached is honest.
#include <date/tz.h>

#include <algorithm>
#include <charconv>
#include <climits>
#include <map>
#include <set>
#include <tuple>

#include "api/app.h"
#include "api/date_range.h"
#include "api/envelope.h"
#include "core/uuid.h"
#include "metrics/analytics_series.h"
#include "metrics/day_levels.h"
#include "metrics/local_day_mapper.h"

namespace goatherd::api {
namespace {

using metrics::AnalyticsMetric;
using metrics::Granularity;
using metrics::SeriesMode;

constexpr std::size_t kMaxEntities = 10;
constexpr std::size_t kBreakdownTop = 10;
constexpr int kMaxBucketDays = 90;
constexpr char kOtherId[] = "__other__";

const std::vector<QueryParamDoc>& QueryDocs() {
  static const std::vector<QueryParamDoc> docs = {
      {"entity", "string", "Required: video, creator, campaign or project"},
      {"entity_id", "uuid", "The entity (or entity_ids)"},
      {"entity_ids", "string",
       "Comma list of up to 10 entity UUIDs of the same type: one series each (multi-entity "
       "compare); not with entity_id"},
      {"metric", "string",
       "views (default), likes, comments, shares, saves, engagement, posts, followers, "
       "engagement_rate_by_views, engagement_rate_by_followers, posts_per_week, "
       "avg_views_per_post or growth_rate_pop"},
      {"mode", "string",
       "new (gain in the bucket) or cumulative (level at its end) for raw metrics and for the "
       "base of growth_rate_pop; rate for the other derived metrics"},
      {"granularity", "string", "day (default), week (ISO, Monday start), month, or custom"},
      {"bucket_days", "integer", "1..90: custom buckets of N days aligned to from"},
      {"base_metric", "string",
       "growth_rate_pop's base: views, likes, comments, shares, saves, engagement, posts or "
       "followers"},
      {"from", "date", "First local day (default: to - 29)"},
      {"to", "date", "Last local day (default: today in tz)"},
      {"tz", "string", "IANA time zone of the days (default: the organization's)"},
      {"compare", "string", "prior_period: add compare_series over the period just before from"},
      {"breakdown", "string", "video: add breakdown_series, the top 10 videos and Other"},
      {"format", "string", "json (default) or csv"},
  };
  return docs;
}

struct AnalyticsRequest {
  std::string entity;
  std::vector<std::string> ids;
  AnalyticsMetric metric = AnalyticsMetric::kViews;
  SeriesMode mode = SeriesMode::kNew;
  AnalyticsMetric base = AnalyticsMetric::kViews;
  Granularity granularity = Granularity::kDay;
  int bucket_days = 0;
  DateRange range;
  bool compare = false;
  bool breakdown = false;
  bool csv = false;

  bool growth() const { return metric == AnalyticsMetric::kGrowthRatePop; }
  // The series needs creators' follower levels.
  bool needs_followers() const {
    return metric == AnalyticsMetric::kFollowers ||
           metric == AnalyticsMetric::kEngagementRateByFollowers ||
           (growth() && base == AnalyticsMetric::kFollowers);
  }
  std::string granularity_name() const {
    switch (granularity) {
      case Granularity::kDay:
        return "day";
      case Granularity::kWeek:
        return "week";
      case Granularity::kMonth:
        return "month";
      case Granularity::kCustom:
        break;
    }
    return "custom";
  }
};

Result<std::optional<std::string>> Param(const Query& q, const char* name) {
  return q.GetRequiredValue(name);
}

std::string OneOf(const char* name, const std::string& got, const char* allowed) {
  return std::string("Query parameter '") + name + "' must be " + allowed + "; got '" + got + "'";
}

Result<std::vector<std::string>> ReadEntityIds(const Query& q) {
  auto one = q.GetRequiredValue("entity_id");
  if (!one) return one.error();
  auto many = q.GetRequiredValue("entity_ids");
  if (!many) return many.error();
  if (one->has_value() && many->has_value()) {
    return Error::InvalidQuery("Give either 'entity_id' or 'entity_ids', not both");
  }
  std::vector<std::string> ids;
  if (one->has_value()) {
    auto id = q.GetUuid("entity_id");
    if (!id) return id.error();
    ids.push_back(**id);
    return ids;
  }
  if (!many->has_value()) {
    return Error::InvalidQuery("Query parameter 'entity_id' (or 'entity_ids') is required");
  }
  std::string_view list = **many;
  std::size_t start = 0;
  while (start <= list.size()) {
    std::size_t comma = std::min(list.find(',', start), list.size());
    std::string item(list.substr(start, comma - start));
    start = comma + 1;
    if (item.empty()) return Error::InvalidQuery("Query parameter 'entity_ids' has an empty item");
    auto id = NormalizeUuid(item);
    if (!id) {
      return Error::InvalidQuery("Query parameter 'entity_ids' must hold UUIDs; got '" + item +
                                 "'");
    }
    if (std::find(ids.begin(), ids.end(), *id) != ids.end()) {
      return Error::InvalidQuery("Query parameter 'entity_ids' names '" + *id + "' twice");
    }
    ids.push_back(std::move(*id));
  }
  if (ids.size() > kMaxEntities) {
    return Error::InvalidQuery("Query parameter 'entity_ids' holds " + std::to_string(ids.size()) +
                               " ids; at most 10 are allowed");
  }
  return ids;
}

Result<AnalyticsRequest> ReadRequest(const RequestContext& ctx) {
  const Query& q = ctx.query;
  AnalyticsRequest req;
  auto entity = Param(q, "entity");
  if (!entity) return entity.error();
  if (!entity->has_value()) {
    return Error::InvalidQuery(
        "Query parameter 'entity' is required: video, creator, campaign or project");
  }
  req.entity = **entity;
  if (req.entity != "video" && req.entity != "creator" && req.entity != "campaign" &&
      req.entity != "project") {
    return Error::InvalidQuery(
        OneOf("entity", req.entity, "one of video, creator, campaign, project"));
  }
  auto ids = ReadEntityIds(q);
  if (!ids) return ids.error();
  req.ids = std::move(*ids);

  auto metric = Param(q, "metric");
  if (!metric) return metric.error();
  if (metric->has_value()) {
    auto m = metrics::AnalyticsMetricByName(**metric);
    if (!m) {
      return Error::InvalidQuery(
          "unknown metric '" + **metric +
          "' — supported: views, likes, comments, shares, saves, engagement, posts, followers, "
          "engagement_rate_by_views, engagement_rate_by_followers, posts_per_week, "
          "avg_views_per_post, growth_rate_pop");
    }
    req.metric = *m;
  }
  const std::string metric_name(metrics::AnalyticsMetricName(req.metric));

  auto base = Param(q, "base_metric");
  if (!base) return base.error();
  if (base->has_value()) {
    auto b = metrics::AnalyticsMetricByName(**base);
    if (!b || !metrics::IsRawMetric(*b)) {
      return Error::InvalidQuery(
          OneOf("base_metric", **base,
                "one of views, likes, comments, shares, saves, engagement, posts, followers"));
    }
    req.base = *b;
  } else if (req.growth()) {
    return Error::InvalidQuery(
        "growth_rate_pop requires base_metric=views|likes|comments|shares|saves|engagement|posts|"
        "followers");
  }

  req.mode = metrics::DefaultMode(req.metric);
  auto mode = Param(q, "mode");
  if (!mode) return mode.error();
  if (mode->has_value()) {
    const std::string& m = **mode;
    if (m != "new" && m != "cumulative" && m != "rate") {
      return Error::InvalidQuery(OneOf("mode", m, "new, cumulative or rate"));
    }
    const bool raw = metrics::IsRawMetric(req.metric);
    if (raw && m == "rate") {
      return Error::InvalidQuery("mode 'rate' is for derived metrics; " + metric_name +
                                 " takes mode new or cumulative");
    }
    if (!raw && !req.growth() && m != "rate") {
      return Error::InvalidQuery(metric_name + " is a derived metric: its mode is 'rate', not '" +
                                 m + "'");
    }
    // growth_rate_pop reports a rate; its mode chooses how its base is measured per bucket.
    if (m == "new") req.mode = SeriesMode::kNew;
    if (m == "cumulative") req.mode = SeriesMode::kCumulative;
  }

  auto granularity = Param(q, "granularity");
  if (!granularity) return granularity.error();
  auto bucket_days = Param(q, "bucket_days");
  if (!bucket_days) return bucket_days.error();
  if (granularity->has_value()) {
    const std::string& g = **granularity;
    if (g == "day") {
      req.granularity = Granularity::kDay;
    } else if (g == "week") {
      req.granularity = Granularity::kWeek;
    } else if (g == "month") {
      req.granularity = Granularity::kMonth;
    } else if (g == "custom") {
      req.granularity = Granularity::kCustom;
    } else {
      return Error::InvalidQuery(OneOf("granularity", g, "day, week, month or custom"));
    }
  }
  if (bucket_days->has_value()) {
    if (granularity->has_value() && req.granularity != Granularity::kCustom) {
      return Error::InvalidQuery(
          "bucket_days makes custom buckets: it cannot be combined with "
          "granularity=" +
          **granularity);
    }
    const std::string& text = **bucket_days;
    int n = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc() || end != text.data() + text.size() || n < 1 || n > kMaxBucketDays) {
      return Error::InvalidQuery(
          "Query parameter 'bucket_days' must be an integer from 1 to 90; "
          "got '" +
          text + "'");
    }
    req.granularity = Granularity::kCustom;
    req.bucket_days = n;
  } else if (req.granularity == Granularity::kCustom) {
    return Error::InvalidQuery("granularity=custom requires bucket_days (1 to 90)");
  }

  auto range = ReadDateRange(q, *ctx.org, *ctx.services.clock);
  if (!range) return range.error();
  req.range = std::move(*range);

  auto compare = Param(q, "compare");
  if (!compare) return compare.error();
  if (compare->has_value()) {
    if (**compare != "prior_period") {
      return Error::InvalidQuery(OneOf("compare", **compare, "prior_period"));
    }
    req.compare = true;
  }
  auto breakdown = Param(q, "breakdown");
  if (!breakdown) return breakdown.error();
  if (breakdown->has_value()) {
    if (**breakdown != "video")
      return Error::InvalidQuery(OneOf("breakdown", **breakdown, "video"));
    req.breakdown = true;
  }
  auto format = Param(q, "format");
  if (!format) return format.error();
  if (format->has_value()) {
    if (**format != "csv" && **format != "json") {
      return Error::InvalidQuery(OneOf("format", **format, "json or csv"));
    }
    req.csv = **format == "csv";
  }

  // Combinations.
  if (req.entity == "video") {
    if (req.metric == AnalyticsMetric::kEngagementRateByFollowers) {
      return Error::InvalidQuery(
          "engagement_rate_by_followers is not supported for video entities — use a creator or "
          "campaign endpoint instead");
    }
    if (req.needs_followers()) {
      return Error::InvalidQuery(
          "followers are a creator's count, not a video's — use entity=creator, campaign or "
          "project");
    }
    if (req.breakdown) {
      return Error::InvalidQuery(
          "breakdown=video needs an entity made of videos: creator, campaign or project");
    }
  }
  if (req.breakdown && req.ids.size() > 1) {
    return Error::InvalidQuery("breakdown=video takes one entity_id, not entity_ids");
  }
  if (req.breakdown && req.needs_followers()) {
    return Error::InvalidQuery("breakdown=video cannot split " + metric_name +
                               ": followers belong to creators, not videos");
  }
  return req;
}

// One entity as the engine needs it: day levels in the request's zone.
struct EntityInput {
  std::string type, id, label, project_id;
  // From the rollups: the scope's rows, first day, baselines and breakdown candidates.
  std::optional<Store::AnalyticsRollup> rollup;
  std::vector<metrics::DayLevels> top_levels;
  std::vector<metrics::SeriesVideo> top_videos;  // points into `top_levels`
  std::vector<Store::AnalyticsVideo> rows;
  std::vector<metrics::DayLevels> levels;
  std::vector<metrics::SeriesVideo> videos;  // points into `levels`
  std::vector<metrics::FollowerLevels> creators;
};

void Prepare(const DateRange& range, const std::vector<std::vector<CreatorSnapshot>>& followers,
             EntityInput* e) {
  e->levels.resize(e->rows.size());
  e->videos.clear();
  for (std::size_t i = 0; i < e->rows.size(); ++i) {
    metrics::ComputeDayLevels(e->rows[i].snapshots, range.zone, &e->levels[i]);
    std::optional<DayNumber> posted;
    if (e->rows[i].posted_at) posted = LocalDay(*e->rows[i].posted_at, range.zone);
    e->videos.push_back({&e->levels[i], posted});
  }
  for (const auto& snaps : followers) {
    metrics::LocalDayMapper mapper(range.zone);
    metrics::FollowerLevels days;
    for (const CreatorSnapshot& s : snaps) {
      DayNumber d = mapper.DayOf(s.snapshot_at);
      if (!days.empty() && days.back().day >= d) {
        days.back().followers = s.follower_count;  // the day's last snapshot is its level
      } else {
        days.push_back({d, s.follower_count});
      }
    }
    e->creators.push_back(std::move(days));
  }
}

// How the rollup path ranks the breakdown's videos: as metrics::BreakdownRankingTotal ranks
// them from their series.
Store::RollupRank RankOf(const AnalyticsRequest& req, std::span<const metrics::Bucket> buckets) {
  const DateRange& range = req.range;
  Store::RollupRank rank{
      .kind = Store::RollupRank::kGains, .metric = kViews, .from = range.from, .to = range.to};
  if (!metrics::IsRawMetric(req.metric)) return rank;  // rates: views gained in the range
  if (req.metric == AnalyticsMetric::kPosts) {
    rank.kind = req.mode == SeriesMode::kCumulative ? Store::RollupRank::kPostedUpTo
                                                    : Store::RollupRank::kPostedIn;
    return rank;
  }
  rank.metric = req.metric == AnalyticsMetric::kEngagement ? static_cast<int>(kVideoMetricCount)
                                                           : static_cast<int>(req.metric);
  if (req.mode == SeriesMode::kCumulative) {
    // The last non-null point: the level at the end of the last bucket that has begun.
    rank.kind = Store::RollupRank::kLevel;
    rank.to = INT_MIN / 2;
    for (const metrics::Bucket& b : buckets) {
      if (b.first <= range.today) rank.to = b.last;
    }
  }
  return rank;
}

// The rollup path answers a project or campaign in the organization's own zone (its rows are
// days of that zone); nullopt when it cannot (another zone, or rollups not current).
Result<std::optional<EntityInput>> LoadFromRollup(const RequestContext& ctx,
                                                  const AnalyticsRequest& req,
                                                  const std::string& id) {
  if ((req.entity != "project" && req.entity != "campaign") ||
      req.range.tz_name != ctx.org->timezone) {
    return std::optional<EntityInput>();
  }
  const DateRange& range = req.range;
  const auto buckets = metrics::MakeBuckets(req.granularity, req.bucket_days, range.from, range.to);
  Store::RollupQuery q{.to = range.to,
                       .followers = req.needs_followers(),
                       .rank = std::nullopt,
                       .top = kBreakdownTop};
  if (req.breakdown) q.rank = RankOf(req, buckets);
  auto data = ctx.services.store->ReadAnalyticsRollup(ctx.org->id, req.entity, id, q);
  if (!data) return data.error();
  if (!*data) return std::optional<EntityInput>();
  EntityInput e;
  e.type = req.entity;
  e.id = id;
  e.label = (*data)->label;
  e.project_id = (*data)->project_id;
  Prepare(range, (*data)->followers, &e);
  e.top_levels.reserve((*data)->top.size());
  for (auto& v : (*data)->top) {
    e.top_levels.push_back(std::move(v.levels));
    std::optional<DayNumber> posted;
    if (v.posted_at) posted = LocalDay(*v.posted_at, range.zone);
    e.top_videos.push_back({nullptr, posted});
  }
  for (std::size_t i = 0; i < e.top_levels.size(); ++i) e.top_videos[i].levels = &e.top_levels[i];
  e.rollup = std::move(**data);
  return std::optional<EntityInput>(std::move(e));
}

Result<EntityInput> LoadEntity(const RequestContext& ctx, const AnalyticsRequest& req,
                               const std::string& id) {
  Store& store = *ctx.services.store;
  auto from_rollup = LoadFromRollup(ctx, req, id);
  if (!from_rollup) return from_rollup.error();
  if (*from_rollup) return std::move(**from_rollup);
  EntityInput e;
  e.type = req.entity;
  e.id = id;
  Result<Store::AnalyticsData> data = Error::Internal();
  if (req.entity == "campaign") {
    auto campaign = store.GetCampaign(ctx.org->id, id);
    if (!campaign) return campaign.error();
    auto ids = store.ResolveCampaignVideoIds(ctx.org->id, id, CreatorVideoRule::kCounted);
    if (!ids) return ids.error();
    data = store.ReadAnalyticsData(ctx.org->id, "videos", "", *ids, req.needs_followers());
    if (data) {
      data->label = campaign->name;
      data->project_id = campaign->project_id;
    }
  } else {
    data = store.ReadAnalyticsData(ctx.org->id, req.entity, id, {}, req.needs_followers());
  }
  if (!data) return data.error();
  e.label = std::move(data->label);
  e.project_id = std::move(data->project_id);
  e.rows = std::move(data->videos);
  Prepare(req.range, data->followers, &e);
  return e;
}

struct SeriesOut {
  std::string type, id, label;
  std::vector<metrics::AnalyticsPoint> points;
};

void WriteSeries(JsonWriter& w, const AnalyticsRequest& req, const SeriesOut& s) {
  w.StartObject().Key("entity_ref").StartObject();
  w.Key("type").String(s.type).Key("id").String(s.id).Key("label").String(s.label).EndObject();
  w.Key("metric").String(metrics::AnalyticsMetricName(req.metric));
  w.Key("unit").String(metrics::UnitOf(req.metric));
  w.Key("mode").String(
      metrics::SeriesModeName(metrics::IsRawMetric(req.metric) ? req.mode : SeriesMode::kRate));
  w.Key("granularity").String(req.granularity_name());
  if (req.granularity == Granularity::kCustom) w.Key("bucket_days").Int(req.bucket_days);
  w.Key("timezone").String(req.range.tz_name);
  if (req.growth()) w.Key("base_metric").String(metrics::AnalyticsMetricName(req.base));
  w.Key("points").StartArray();
  for (const auto& p : s.points) {
    w.StartObject().Key("bucket_start").String(FormatDate(p.bucket_start)).Key("value");
    if (p.value) {
      w.Raw(metrics::ToJsonNumber(*p.value));
    } else {
      w.Null();
    }
    w.Key("partial").Bool(p.partial).Key("baseline").Bool(p.baseline).EndObject();
  }
  w.EndArray().EndObject();
}

// RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled.
void AppendCsvField(std::string_view field, std::string* out) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
    out->append(field);
    return;
  }
  out->push_back('"');
  for (char c : field) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

void AppendCsvRows(const char* kind, const AnalyticsRequest& req,
                   const std::vector<SeriesOut>& series, std::string* out) {
  for (const SeriesOut& s : series) {
    for (const auto& p : s.points) {
      out->append(kind).push_back(',');
      AppendCsvField(s.type, out);
      out->push_back(',');
      AppendCsvField(s.id, out);
      out->push_back(',');
      AppendCsvField(s.label, out);
      out->push_back(',');
      out->append(metrics::AnalyticsMetricName(req.metric)).push_back(',');
      out->append(FormatDate(p.bucket_start)).push_back(',');
      if (p.value) metrics::AppendJsonNumber(*p.value, out);
      out->append("\r\n");
    }
  }
}

// A video's baselines are listed one by one, as /videos/{id}/stats lists them. An entity made of
// videos lists, per local day, how many of its videos hold a baseline then: a project's chart
// marks days, and one object per video would make a 90-day project answer megabytes long.
struct VideoBaselineOut {
  Timestamp at;
  std::string video_id;
  SnapshotReason reason;
  bool operator<(const VideoBaselineOut& o) const {
    return std::tie(at, video_id) < std::tie(o.at, o.video_id);
  }
};
struct BaselineDayOut {
  DayNumber day;
  std::string entity_id;
  std::int64_t video_count;
  bool operator<(const BaselineDayOut& o) const {
    return std::tie(day, entity_id) < std::tie(o.day, o.entity_id);
  }
};

void WriteAnnotation(JsonWriter& w, const Annotation& a) {
  w.StartObject().Key("id").String(a.id).Key("project_id").String(a.project_id);
  w.Key("date").String(a.date).Key("label").String(a.label).Key("body").OptString(a.body);
  w.Key("kind").String(a.kind).Key("entity_type").OptString(a.entity_type);
  w.Key("entity_id").OptString(a.entity_id).Key("created_at").Time(a.created_at);
  w.Key("updated_at").Time(a.updated_at).EndObject();
}

// Checks the plan's history for the range and, with compare, the prior period.
Status CheckRanges(RequestContext& ctx, const AnalyticsRequest& req) {
  const DateRange& range = req.range;
  if (Status st = CheckRetention(range, *ctx.org, *ctx.services.plan_limits); !st) return st;
  if (req.compare) {
    DateRange prior = range;
    prior.from = range.from - (range.to - range.from + 1);
    if (Status st = CheckRetention(prior, *ctx.org, *ctx.services.plan_limits); !st) {
      Error e = st.error();
      e.message =
          "compare=prior_period needs history from " + FormatDate(prior.from) + ": " + e.message;
      return e;
    }
  }
  return Status::Ok();
}

Response Analytics(RequestContext& ctx) {
  auto req = ReadRequest(ctx);
  if (!req) return ErrorResponse(req.error());
  const DateRange& range = req->range;
  // JSON answers are cached under the organization's stats generation, read before anything
  // else: a write during the computation bumps it, so its answer is never served afterwards.
  // A hit implies the entities existed at that generation (a deletion bumps it too). The key
  // holds today, on which the default range and the partial flags depend.
  const bool cacheable = !req->csv;
  std::string cache_key;
  std::optional<std::int64_t> generation;
  if (cacheable) {
    auto g = ctx.services.store->StatsGeneration(ctx.org->id);
    if (!g) return ErrorResponse(g.error());
    generation = *g;
    cache_key = "analytics|" + ctx.org->id + "|" + std::to_string(range.today) + "|" +
                ctx.request.raw_query;
    if (auto hit = ctx.services.stats_cache->Get(cache_key, *generation)) {
      if (Status st = CheckRanges(ctx, *req); !st) return ErrorResponse(st.error());
      return CachedDataResponse(*hit, true);
    }
  }
  std::vector<EntityInput> entities;
  for (const std::string& id : req->ids) {
    auto e = LoadEntity(ctx, *req, id);
    if (!e) return ErrorResponse(e.error());
    entities.push_back(std::move(*e));
  }
  if (Status st = CheckRanges(ctx, *req); !st) return ErrorResponse(st.error());
  const int period = range.to - range.from + 1;
  auto retention = ctx.services.plan_limits->Get(ctx.org->plan, "stats_history_retention_days");
  if (!retention) return ErrorResponse(retention.error());

  const metrics::SeriesSpec spec{
      .metric = req->metric, .mode = req->mode, .base_metric = req->base, .today = range.today};
  const auto buckets =
      metrics::MakeBuckets(req->granularity, req->bucket_days, range.from, range.to);
  std::vector<SeriesOut> main, compare, breakdown;
  auto sums_of = [&](const EntityInput& e, std::span<const metrics::Bucket> over) {
    return e.rollup ? metrics::SumRollupBuckets(over, e.rollup->days, e.creators, spec.today)
                    : metrics::SumVideoBuckets(over, e.videos, e.creators, spec.today);
  };
  for (const EntityInput& e : entities) {
    main.push_back(
        {e.type, e.id, e.label, metrics::SeriesFromSums(spec, buckets, sums_of(e, buckets))});
  }
  if (req->compare) {
    const auto prior = metrics::ShiftBuckets(buckets, period);
    for (const EntityInput& e : entities) {
      compare.push_back(
          {e.type, e.id, e.label, metrics::SeriesFromSums(spec, prior, sums_of(e, prior))});
    }
  }
  if (req->breakdown && entities.front().rollup) {
    // The store ranked the videos; "Other" is the whole minus the top ones.
    const EntityInput& e = entities.front();
    std::vector<metrics::BucketSums> other = sums_of(e, buckets);
    for (std::size_t i = 0; i < e.top_videos.size(); ++i) {
      auto sums = metrics::SumVideoBuckets(buckets, std::span(&e.top_videos[i], 1), {}, spec.today);
      for (std::size_t b = 0; b < other.size(); ++b) other[b].SubtractVideos(sums[b]);
      breakdown.push_back({"video", e.rollup->top[i].id, e.rollup->top[i].label,
                           metrics::SeriesFromSums(spec, buckets, sums)});
    }
    if (e.rollup->video_count > static_cast<std::int64_t>(e.top_videos.size())) {
      for (auto& b : other) {
        b.any_follower_level = b.any_follower_gain = false;
        b.followers = b.follower_gain = 0;
      }
      breakdown.push_back(
          {"video", kOtherId, "Other", metrics::SeriesFromSums(spec, buckets, other)});
    }
  } else if (req->breakdown) {
    const EntityInput& e = entities.front();
    struct Ranked {
      std::int64_t total;
      std::size_t index;
      std::vector<metrics::AnalyticsPoint> points;
    };
    std::vector<Ranked> ranked;
    for (std::size_t i = 0; i < e.videos.size(); ++i) {
      auto points = metrics::ComputeAnalyticsSeries(spec, buckets, std::span(&e.videos[i], 1), {});
      std::int64_t total =
          metrics::BreakdownRankingTotal(spec, points, e.videos[i], range.from, range.to);
      ranked.push_back({total, i, std::move(points)});
    }
    // Largest total first; ties by video id, so the order never depends on storage.
    std::sort(ranked.begin(), ranked.end(), [&](const Ranked& a, const Ranked& b) {
      if (a.total != b.total) return a.total > b.total;
      return e.rows[a.index].id < e.rows[b.index].id;
    });
    std::vector<metrics::SeriesVideo> rest;
    for (std::size_t r = 0; r < ranked.size(); ++r) {
      const auto& row = e.rows[ranked[r].index];
      if (r < kBreakdownTop) {
        breakdown.push_back({"video", row.id, row.label, std::move(ranked[r].points)});
      } else {
        rest.push_back(e.videos[ranked[r].index]);
      }
    }
    if (!rest.empty()) {
      breakdown.push_back(
          {"video", kOtherId, "Other", metrics::ComputeAnalyticsSeries(spec, buckets, rest, {})});
    }
  }

  if (req->csv) {
    Response r;
    r.content_type = "text/csv; charset=utf-8";
    r.headers.emplace_back("Content-Disposition",
                           "attachment; filename=\"goatherd-" + req->entity + "-" +
                               std::string(metrics::AnalyticsMetricName(req->metric)) + "-" +
                               FormatDate(range.from) + "-" + FormatDate(range.to) + ".csv\"");
    r.body = "series_kind,entity_type,entity_id,entity_label,metric,bucket_start,value\r\n";
    AppendCsvRows("main", *req, main, &r.body);
    AppendCsvRows("compare", *req, compare, &r.body);
    AppendCsvRows("breakdown", *req, breakdown, &r.body);
    return r;
  }

  std::set<VideoBaselineOut> video_baselines;
  std::vector<BaselineDayOut> baseline_days;
  std::optional<DayNumber> first_data;
  std::set<std::string> projects;
  auto first_data_at = [&first_data](DayNumber d) {
    first_data = first_data ? std::min(*first_data, d) : d;
  };
  const auto in_range = [&range](DayNumber d) { return d >= range.from && d <= range.to; };
  for (const EntityInput& e : entities) {
    projects.insert(e.project_id);
    if (e.rollup) {
      if (e.rollup->first_day) first_data_at(*e.rollup->first_day);
      for (const metrics::RollupDay& d : e.rollup->days) {
        if (d.baseline_videos > 0 && in_range(d.day)) {
          baseline_days.push_back({d.day, e.id, d.baseline_videos});
        }
      }
    }
    std::map<DayNumber, std::int64_t> videos_by_day;
    for (std::size_t i = 0; i < e.levels.size(); ++i) {
      const auto& levels = e.levels[i];
      if (!levels.days.empty()) first_data_at(levels.days.front().day);
      if (e.type == "video") {
        for (const auto& b : levels.baselines) {
          if (in_range(b.day)) video_baselines.insert({b.snapshot_at, e.rows[i].id, b.reason});
        }
        continue;
      }
      for (const metrics::DayLevel& d : levels.days) {
        if (d.holds_baseline() && in_range(d.day)) ++videos_by_day[d.day];
      }
    }
    if (e.type != "video") {
      for (const auto& [day, count] : videos_by_day) baseline_days.push_back({day, e.id, count});
    }
    for (const auto& c : e.creators) {
      if (!c.empty()) first_data_at(c.front().day);
    }
  }
  std::sort(baseline_days.begin(), baseline_days.end());
  std::vector<Annotation> annotations;
  for (const std::string& project : projects) {
    if (project.empty()) continue;
    auto list = ctx.services.store->ListAnnotations(ctx.org->id, project, range.from, range.to);
    if (!list) return ErrorResponse(list.error());
    annotations.insert(annotations.end(), list->begin(), list->end());
  }
  std::stable_sort(annotations.begin(), annotations.end(),
                   [](const Annotation& a, const Annotation& b) {
                     return std::tie(a.date, a.id) < std::tie(b.date, b.id);
                   });

  JsonWriter w;
  {
    w.StartObject().Key("series").StartArray();
    for (const auto& s : main) WriteSeries(w, *req, s);
    w.EndArray();
    if (req->compare) {
      w.Key("compare_series").StartArray();
      for (const auto& s : compare) WriteSeries(w, *req, s);
      w.EndArray();
    }
    if (req->breakdown) {
      w.Key("breakdown_series").StartArray();
      for (const auto& s : breakdown) WriteSeries(w, *req, s);
      w.EndArray();
    }
    w.Key("baselines").StartArray();
    for (const auto& b : video_baselines) {
      w.StartObject().Key("entity_id").String(b.video_id).Key("snapshot_at").Time(b.at);
      w.Key("reason").String(b.reason == SnapshotReason::kTrackingResumed ? "tracking_resumed"
                                                                          : "video_added");
      w.EndObject();
    }
    for (const auto& b : baseline_days) {
      w.StartObject().Key("entity_id").String(b.entity_id).Key("date").String(FormatDate(b.day));
      w.Key("video_count").Int(b.video_count).EndObject();
    }
    w.EndArray();
    w.Key("annotations").StartArray();
    for (const auto& a : annotations) WriteAnnotation(w, a);
    w.EndArray();
    w.Key("first_data_date");
    if (first_data) {
      w.String(FormatDate(*first_data));
    } else {
      w.Null();
    }
    w.Key("tier_retention_days").OptInt(*retention);
    w.EndObject();
  }
  std::string payload = w.Take();
  Response response = CachedDataResponse(payload, false);
  if (cacheable) ctx.services.stats_cache->Put(cache_key, *generation, std::move(payload));
  return response;
}

// JSON Schema helpers for the endpoint's own OpenAPI document.
void TypeSchema(JsonWriter& w, const char* type, bool nullable = false, const char* format = "") {
  w.StartObject().Key("type");
  if (nullable) {
    w.StartArray().String(type).String("null").EndArray();
  } else {
    w.String(type);
  }
  if (*format) w.Key("format").String(format);
  w.EndObject();
}

void EnumSchema(JsonWriter& w, std::initializer_list<const char*> values) {
  w.StartObject().Key("type").String("string").Key("enum").StartArray();
  for (const char* v : values) w.String(v);
  w.EndArray().EndObject();
}

void Required(JsonWriter& w, std::initializer_list<const char*> names) {
  w.Key("required").StartArray();
  for (const char* n : names) w.String(n);
  w.EndArray();
}

std::string BuildAnalyticsOpenApi() {
  JsonWriter w;
  w.StartObject().Key("openapi").String("3.1.0");
  w.Key("info").StartObject().Key("title").String("goatherd analytics API");
  w.Key("version").String("1.0.0");
  w.Key("description")
      .String(
          "GET /api/v1/analytics: bucketed series for any metric x entity x granularity x mode. "
          "Key names and types are stable; fields may be added.");
  w.EndObject();
  w.Key("servers").StartArray().StartObject().Key("url").String("/").EndObject().EndArray();
  w.Key("security").StartArray().StartObject().Key("bearerAuth").StartArray().EndArray();
  w.EndObject().EndArray();
  w.Key("paths").StartObject().Key("/api/v1/analytics").StartObject().Key("get").StartObject();
  w.Key("operationId").String("getAnalytics");
  w.Key("summary").String("Bucketed analytics series");
  w.Key("parameters").StartArray();
  for (const auto& p : QueryDocs()) {
    w.StartObject().Key("name").String(p.name).Key("in").String("query");
    w.Key("required").Bool(p.name == "entity").Key("description").String(p.description);
    w.Key("schema");
    if (p.type == "uuid") {
      TypeSchema(w, "string", false, "uuid");
    } else if (p.type == "date") {
      TypeSchema(w, "string", false, "date");
    } else if (p.type == "integer") {
      w.StartObject().Key("type").String("integer").Key("minimum").Int(1);
      w.Key("maximum").Int(kMaxBucketDays).EndObject();
    } else {
      TypeSchema(w, "string");
    }
    w.EndObject();
  }
  w.EndArray();
  w.Key("responses").StartObject();
  w.Key("200").StartObject().Key("description").String("The series");
  w.Key("content").StartObject();
  w.Key("application/json").StartObject().Key("schema").StartObject();
  w.Key("$ref").String("#/components/schemas/AnalyticsEnvelope").EndObject().EndObject();
  w.Key("text/csv").StartObject().Key("schema");
  TypeSchema(w, "string");
  w.EndObject().EndObject().EndObject();
  for (const auto& [status, text] : std::initializer_list<std::pair<const char*, const char*>>{
           {"400", "invalid_query"},
           {"401", "invalid_api_key"},
           {"402", "retention_exceeded"},
           {"403", "insufficient_scope or org_banned"},
           {"404", "not_found: no such entity in the key's organization"},
           {"429", "rate_limit_exceeded"}}) {
    w.Key(status).StartObject().Key("description").String(text);
    w.Key("content").StartObject().Key("application/json").StartObject().Key("schema");
    w.StartObject().Key("$ref").String("#/components/schemas/ErrorEnvelope").EndObject();
    w.EndObject().EndObject().EndObject();
  }
  w.EndObject().EndObject().EndObject().EndObject();  // responses, get, path, paths

  w.Key("components").StartObject();
  w.Key("securitySchemes").StartObject().Key("bearerAuth").StartObject();
  w.Key("type").String("http").Key("scheme").String("bearer").EndObject().EndObject();
  w.Key("schemas").StartObject();

  w.Key("Point").StartObject().Key("type").String("object").Key("properties").StartObject();
  w.Key("bucket_start");
  TypeSchema(w, "string", false, "date");
  w.Key("value");
  TypeSchema(w, "number", true);
  w.Key("partial");
  TypeSchema(w, "boolean");
  w.Key("baseline");
  TypeSchema(w, "boolean");
  w.EndObject();
  Required(w, {"bucket_start", "value", "partial", "baseline"});
  w.EndObject();

  w.Key("Series").StartObject().Key("type").String("object").Key("properties").StartObject();
  w.Key("entity_ref").StartObject().Key("type").String("object").Key("properties").StartObject();
  w.Key("type");
  EnumSchema(w, {"video", "creator", "campaign", "project"});
  w.Key("id");
  TypeSchema(w, "string");
  w.Key("label");
  TypeSchema(w, "string");
  w.EndObject();
  Required(w, {"type", "id", "label"});
  w.EndObject();
  w.Key("metric");
  TypeSchema(w, "string");
  w.Key("unit");
  EnumSchema(w, {"count", "percent", "posts_per_week", "views_per_post"});
  w.Key("mode");
  EnumSchema(w, {"new", "cumulative", "rate"});
  w.Key("granularity");
  EnumSchema(w, {"day", "week", "month", "custom"});
  w.Key("bucket_days");
  TypeSchema(w, "integer");
  w.Key("timezone");
  TypeSchema(w, "string");
  w.Key("base_metric");
  TypeSchema(w, "string");
  w.Key("points").StartObject().Key("type").String("array").Key("items").StartObject();
  w.Key("$ref").String("#/components/schemas/Point").EndObject().EndObject();
  w.EndObject();
  Required(w, {"entity_ref", "metric", "unit", "mode", "granularity", "timezone", "points"});
  w.EndObject();

  auto series_array = [&w]() {
    w.StartObject().Key("type").String("array").Key("items").StartObject();
    w.Key("$ref").String("#/components/schemas/Series").EndObject().EndObject();
  };
  w.Key("Analytics").StartObject().Key("type").String("object").Key("properties").StartObject();
  w.Key("series");
  series_array();
  w.Key("compare_series");
  series_array();
  w.Key("breakdown_series");
  series_array();
  w.Key("baselines").StartObject().Key("type").String("array");
  w.Key("description")
      .String(
          "entity=video: each baseline snapshot in the range, as /videos/{id}/stats lists them. "
          "creator, campaign, project: per local day in the range, how many of the entity's "
          "videos hold a baseline that day.");
  w.Key("items").StartObject().Key("oneOf").StartArray();
  w.StartObject().Key("type").String("object").Key("properties").StartObject();
  w.Key("entity_id");
  TypeSchema(w, "string", false, "uuid");
  w.Key("snapshot_at");
  TypeSchema(w, "string", false, "date-time");
  w.Key("reason");
  EnumSchema(w, {"video_added", "tracking_resumed"});
  w.EndObject();
  Required(w, {"entity_id", "snapshot_at", "reason"});
  w.EndObject();
  w.StartObject().Key("type").String("object").Key("properties").StartObject();
  w.Key("entity_id");
  TypeSchema(w, "string", false, "uuid");
  w.Key("date");
  TypeSchema(w, "string", false, "date");
  w.Key("video_count");
  TypeSchema(w, "integer");
  w.EndObject();
  Required(w, {"entity_id", "date", "video_count"});
  w.EndObject();
  w.EndArray().EndObject().EndObject();
  w.Key("annotations").StartObject().Key("type").String("array").Key("items");
  TypeSchema(w, "object");
  w.EndObject();
  w.Key("first_data_date");
  TypeSchema(w, "string", true, "date");
  w.Key("tier_retention_days");
  TypeSchema(w, "integer", true);
  w.EndObject();
  Required(w, {"series", "baselines", "annotations", "first_data_date", "tier_retention_days"});
  w.EndObject();

  w.Key("AnalyticsEnvelope").StartObject().Key("type").String("object");
  w.Key("properties").StartObject();
  w.Key("data").StartObject().Key("$ref").String("#/components/schemas/Analytics").EndObject();
  w.Key("error").StartObject().Key("type").String("null").EndObject();
  w.Key("meta").StartObject().Key("type").String("object").Key("properties").StartObject();
  w.Key("cached");
  TypeSchema(w, "boolean");
  w.EndObject().EndObject().EndObject();
  Required(w, {"data", "error", "meta"});
  w.EndObject();

  w.Key("ErrorEnvelope").StartObject().Key("type").String("object");
  w.Key("properties").StartObject();
  w.Key("data").StartObject().Key("type").String("null").EndObject();
  w.Key("error");
  TypeSchema(w, "string");
  w.Key("meta").StartObject().Key("type").String("object").Key("properties").StartObject();
  w.Key("code");
  TypeSchema(w, "string");
  w.EndObject();
  Required(w, {"code"});
  w.EndObject().EndObject();
  Required(w, {"data", "error", "meta"});
  w.EndObject();

  w.EndObject().EndObject().EndObject();  // schemas, components, document
  return w.Take();
}

// The document in the envelope, as every /api/v1 answer but openapi.json itself.
Response AnalyticsSchema(RequestContext&) {
  static const std::string doc = BuildAnalyticsOpenApi();
  return DataResponse(200, [&](JsonWriter& w) { w.Raw(doc); });
}

}  // namespace

void RegisterAnalyticsRoutes(Router& router) {
  router.Add({"GET",
              "/api/v1/analytics",
              kScopeRead,
              Analytics,
              {"Bucketed series of a metric for a video, creator, campaign or project (JSON, or "
               "CSV with format=csv)",
               "Analytics",
               QueryDocs(),
               {},
               "",
               false,
               200,
               {402, 404}}});
  router.Add({"GET",
              "/api/v1/analytics/schema",
              kScopeRead,
              AnalyticsSchema,
              {"The OpenAPI 3.1 document of GET /api/v1/analytics alone (in data)", "Analytics"}});
}

}  // namespace goatherd::api
