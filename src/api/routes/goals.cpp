// Goals of creators and goal compliance (spec/analytics.md "Goals and goal compliance",
// reference/06-goals.md).
//
// Choices where upstream is silent, each what a team reading the dashboard would expect:
// - A result is evaluated in the calendar period (organization zone) containing the reference
//   date; a goal whose end_date lies before the reference date shows its last period, and a goal
//   whose start_date lies after the period has nothing expected of it yet (on_track).
// - `posts` and `views` count the creator's posts that count for goals (counted status, tracking
//   enabled) published in the period; `views` is the sum of their view gains on the period's
//   local days (a post's first snapshot is its baseline and gains nothing, exactly as analytics
//   counts it). `engagement` is the rate by views over the period of all of the creator's posts
//   that count: engagement gains / view gains x 100, 0 when no view was gained.
// - Compliance lists the project's active creators that have at least one matching result,
//   ordered by handle; goals oldest first. Only active goals are evaluated.
// - `scrape_stale`: the creator's newest profile snapshot is older than twice its profile
//   interval (organization setting clamped up to the plan floor), or it has none.
#include "api/routes/goals.h"

#include <boost/json/value.hpp>
#include <cmath>

#include "api/app.h"
#include "api/envelope.h"
#include "api/json_body.h"
#include "core/uuid.h"
#include "metrics/day_levels.h"
#include "metrics/decimal.h"
#include "metrics/goal_pace.h"
#include "store/org_settings.h"

namespace goatherd::api {
namespace {

namespace json = boost::json;
using metrics::GoalMetric;
using metrics::GoalPeriod;
using metrics::GoalStatus;

constexpr std::int64_t kMaxTargetHundredths = 100'000'000'000'000;  // 10^12 as a target
constexpr Timestamp kRecentlyEndedSeconds = 48 * 3600;
constexpr int kEngagementDecimals = 4;  // as the derived metrics of spec/videos.md
constexpr int kHoursDecimals = 2;

// ---------------------------------------------------------------------------------------------
// The goal object

void WriteHundredths(JsonWriter& w, std::int64_t hundredths) {
  w.Raw(metrics::ToJsonNumber(metrics::Decimal{hundredths, 2}));
}

void WriteGoal(JsonWriter& w, const Goal& g) {
  w.StartObject();
  w.Key("id").String(g.id);
  w.Key("creator_id").String(g.creator_id);
  w.Key("project_id").String(g.project_id);
  w.Key("metric").String(g.metric);
  w.Key("period").String(g.period);
  w.Key("target_value");
  WriteHundredths(w, g.target_hundredths);
  w.Key("start_date").OptString(g.start_date);
  w.Key("end_date").OptString(g.end_date);
  w.Key("is_active").Bool(g.is_active);
  w.Key("created_at").Time(g.created_at);
  w.Key("updated_at").Time(g.updated_at);
  w.EndObject();
}

Response GoalResponse(int status, const Goal& g) {
  return DataResponse(status, [&](JsonWriter& w) { WriteGoal(w, g); });
}

// ---------------------------------------------------------------------------------------------
// Reading a create or update body

// A positive number with at most two decimals, as hundredths.
Result<std::optional<std::int64_t>> ReadTarget(const json::object& body) {
  auto it = body.find("target_value");
  if (it == body.end()) return std::optional<std::int64_t>();
  const json::value& v = it->value();
  const Error wrong = Error::InvalidBody(
      "Field 'target_value' must be a number above 0 with at most 2 decimals, at most "
      "1000000000000");
  if (v.is_int64() || v.is_uint64()) {
    if (v.is_uint64() && v.get_uint64() > static_cast<std::uint64_t>(INT64_MAX)) return wrong;
    std::int64_t n = v.is_int64() ? v.get_int64() : static_cast<std::int64_t>(v.get_uint64());
    if (n <= 0 || n > kMaxTargetHundredths / 100) return wrong;
    return std::optional<std::int64_t>(n * 100);
  }
  if (!v.is_double()) return wrong;
  double d = v.get_double();
  if (!(d > 0) || d > static_cast<double>(kMaxTargetHundredths / 100)) return wrong;
  double scaled = d * 100;
  double rounded = std::round(scaled);
  if (std::fabs(scaled - rounded) > 1e-6 * std::max(1.0, rounded) || rounded < 1) return wrong;
  return std::optional<std::int64_t>(static_cast<std::int64_t>(rounded));
}

Result<std::optional<std::optional<std::string>>> ReadDateField(const json::object& body,
                                                                std::string_view field) {
  auto v = ReadNullableString(body, field);
  if (!v)
    return Error::InvalidBody("Field '" + std::string(field) +
                              "' must be a date YYYY-MM-DD or null");
  if (v->has_value() && v->value().has_value() && !ParseDate(*v->value())) {
    return Error::InvalidBody("Field '" + std::string(field) +
                              "' must be a date YYYY-MM-DD or null, got '" + *v->value() + "'");
  }
  return *v;
}

Result<GoalPatch> ReadGoalFields(const std::string& body, bool creating) {
  auto parsed = ParseJsonObjectBody(body);
  if (!parsed) return parsed.error();
  const auto& obj = *parsed;
  if (Status st = RejectUnknownFields(
          obj, {"metric", "period", "target_value", "start_date", "end_date", "is_active"});
      !st) {
    return st.error();
  }
  if (!creating && obj.empty()) {
    return Error::InvalidBody(
        "Body must set at least one of 'metric', 'period', 'target_value', 'start_date', "
        "'end_date', 'is_active'");
  }
  GoalPatch patch;
  auto metric = ReadEnum(obj, "metric", {"posts", "views", "engagement", "followers"});
  if (!metric) return metric.error();
  if (creating && !metric->has_value()) return Error::InvalidBody("Field 'metric' is required");
  patch.metric = *metric;
  auto period = ReadEnum(obj, "period", {"daily", "weekly", "monthly"});
  if (!period) return period.error();
  if (creating && !period->has_value()) return Error::InvalidBody("Field 'period' is required");
  patch.period = *period;
  auto target = ReadTarget(obj);
  if (!target) return target.error();
  if (creating && !target->has_value()) {
    return Error::InvalidBody("Field 'target_value' is required");
  }
  patch.target_hundredths = *target;
  auto start = ReadDateField(obj, "start_date");
  if (!start) return start.error();
  patch.start_date = *start;
  auto end = ReadDateField(obj, "end_date");
  if (!end) return end.error();
  patch.end_date = *end;
  if (auto it = obj.find("is_active"); it != obj.end()) {
    if (!it->value().is_bool())
      return Error::InvalidBody("Field 'is_active' must be true or false");
    patch.is_active = it->value().get_bool();
  }
  return patch;
}

// Rules across fields, checked on the goal as it would be stored.
Status CheckGoal(const Goal& g) {
  if (g.metric != "engagement" && g.target_hundredths % 100 != 0) {
    return Error::InvalidBody("Field 'target_value' must be a whole number for metric '" +
                              g.metric + "'");
  }
  if (g.start_date && g.end_date && *g.end_date < *g.start_date) {
    return Error::InvalidBody("Field 'end_date' (" + *g.end_date + ") must not be before " +
                              "'start_date' (" + *g.start_date + ")");
  }
  return Status::Ok();
}

// ---------------------------------------------------------------------------------------------
// Goal routes

std::string ListIdentity(const RequestContext& ctx) {
  return "goals|" + ctx.org->id + "|" + ctx.Param("id");
}

Response ListGoals(RequestContext& ctx) {
  auto page_request = ctx.services.cursors->ReadPageRequest(ctx.query, ListIdentity(ctx));
  if (!page_request) return ErrorResponse(page_request.error());
  auto page = ctx.services.store->ListGoals(ctx.org->id, ctx.Param("id"), *page_request);
  if (!page) return ErrorResponse(page.error());
  return PageResponse(
      [&](JsonWriter& w) {
        w.StartArray();
        for (const Goal& g : page->items) WriteGoal(w, g);
        w.EndArray();
      },
      ctx.services.cursors->NextCursor(ListIdentity(ctx), *page));
}

Response CreateGoal(RequestContext& ctx) {
  auto fields = ReadGoalFields(ctx.request.body, /*creating=*/true);
  if (!fields) return ErrorResponse(fields.error());
  std::int64_t now_ms = ctx.services.clock->NowMs();
  Goal g;
  g.id = NewUuidV7(now_ms);
  g.org_id = ctx.org->id;
  g.creator_id = ctx.Param("id");
  g.metric = *fields->metric;
  g.period = *fields->period;
  g.target_hundredths = *fields->target_hundredths;
  if (fields->start_date) g.start_date = *fields->start_date;
  if (fields->end_date) g.end_date = *fields->end_date;
  if (fields->is_active) g.is_active = *fields->is_active;
  g.created_at = g.updated_at = now_ms / 1000;
  if (Status st = CheckGoal(g); !st) return ErrorResponse(st.error());
  auto created = ctx.services.store->CreateGoal(g);
  if (!created) return ErrorResponse(created.error());
  return GoalResponse(201, *created);
}

Response GetGoal(RequestContext& ctx) {
  auto g = ctx.services.store->GetGoal(ctx.org->id, ctx.Param("id"));
  if (!g) return ErrorResponse(g.error());
  return GoalResponse(200, *g);
}

Response UpdateGoal(RequestContext& ctx) {
  auto fields = ReadGoalFields(ctx.request.body, /*creating=*/false);
  if (!fields) return ErrorResponse(fields.error());
  // The cross-field rules need the stored goal; the store re-checks the dates in its write
  // transaction, and a metric change racing a target change can only be caught here.
  auto current = ctx.services.store->GetGoal(ctx.org->id, ctx.Param("id"));
  if (!current) return ErrorResponse(current.error());
  Goal next = *current;
  if (fields->metric) next.metric = *fields->metric;
  if (fields->target_hundredths) next.target_hundredths = *fields->target_hundredths;
  if (fields->start_date) next.start_date = *fields->start_date;
  if (fields->end_date) next.end_date = *fields->end_date;
  if (Status st = CheckGoal(next); !st) return ErrorResponse(st.error());
  auto updated = ctx.services.store->UpdateGoal(ctx.org->id, ctx.Param("id"), *fields,
                                                ctx.services.clock->NowSeconds());
  if (!updated) return ErrorResponse(updated.error());
  return GoalResponse(200, *updated);
}

Response DeleteGoal(RequestContext& ctx) {
  const std::string& id = ctx.Param("id");
  if (Status st = ctx.services.store->DeleteGoal(ctx.org->id, id); !st) {
    return ErrorResponse(st.error());
  }
  return DeletedResponse(id);
}

// ---------------------------------------------------------------------------------------------
// Evaluation

struct GoalResult {
  const Goal* goal = nullptr;
  GoalPeriod period;
  metrics::GoalActual actual;
  metrics::GoalPace pace;
  bool not_yet_started = false;
};

struct ScrapeFreshness {
  std::optional<Timestamp> last_scraped_at;
  double interval_hours = 24;
  bool stale = true;
};

struct Evaluation {
  const date::time_zone* zone = nullptr;
  DayNumber today = 0;
  Timestamp now = 0;
  std::vector<GoalCreatorData> data;
};

Result<Evaluation> LoadEvaluation(const Services& services, const Organization& org,
                                  const std::string& project_id,
                                  const std::optional<std::string>& creator_id) {
  Evaluation e;
  e.zone = FindTimeZone(org.timezone);
  if (!e.zone) e.zone = FindTimeZone("UTC");
  e.now = services.clock->NowSeconds();
  e.today = LocalDay(e.now, e.zone);
  auto data = services.store->GoalComplianceData(org.id, project_id, creator_id);
  if (!data) return data.error();
  e.data = std::move(*data);
  return e;
}

// The day levels of a creator's posts, computed once for all of its goals.
class CreatorLevels {
 public:
  CreatorLevels(const GoalCreatorData& d, const date::time_zone* zone) : d_(d), zone_(zone) {}
  const metrics::DayLevels& Of(std::size_t post) {
    if (levels_.empty()) {
      levels_.resize(d_.posts.size());
      for (std::size_t i = 0; i < d_.posts.size(); ++i) {
        metrics::ComputeDayLevels(d_.posts[i].snapshots, zone_, &levels_[i]);
      }
    }
    return levels_[post];
  }

 private:
  const GoalCreatorData& d_;
  const date::time_zone* zone_;
  std::vector<metrics::DayLevels> levels_;
};

GoalResult EvaluateGoal(const Goal& goal, const GoalCreatorData& d, const Evaluation& e,
                        DayNumber reference_date, CreatorLevels& creator_levels) {
  GoalResult r;
  r.goal = &goal;
  DayNumber day = reference_date;
  std::optional<DayNumber> start = goal.start_date ? ParseDate(*goal.start_date) : std::nullopt;
  std::optional<DayNumber> end = goal.end_date ? ParseDate(*goal.end_date) : std::nullopt;
  if (end && *end < day) day = *end;
  auto kind = metrics::ParseGoalPeriod(goal.period).value_or(metrics::GoalPeriodKind::kWeekly);
  auto metric = metrics::ParseGoalMetric(goal.metric).value_or(GoalMetric::kPosts);
  r.period = metrics::PeriodContaining(kind, day, e.zone);
  r.not_yet_started = start && *start > e.today;

  std::int64_t posts = 0, views = 0, engagement_views = 0, engagement = 0;
  for (std::size_t i = 0; i < d.posts.size(); ++i) {
    bool in_period = metrics::PostedIn(d.posts[i].posted_at, r.period);
    if (metric == GoalMetric::kPosts) {
      posts += in_period ? 1 : 0;
      continue;
    }
    if (metric == GoalMetric::kFollowers || (metric == GoalMetric::kViews && !in_period)) continue;
    std::int64_t v = 0, eng = 0;
    metrics::AddPeriodGains(creator_levels.Of(i), r.period, &v, &eng);
    views += v;
    engagement_views += v;
    engagement += eng;
  }
  switch (metric) {
    case GoalMetric::kPosts:
      r.actual = {posts, 1};
      break;
    case GoalMetric::kViews:
      r.actual = {views, 1};
      break;
    case GoalMetric::kEngagement:
      r.actual = engagement_views > 0 ? metrics::GoalActual{static_cast<__int128>(engagement) * 100,
                                                            engagement_views}
                                      : metrics::GoalActual{0, 1};
      break;
    case GoalMetric::kFollowers:
      r.actual = {metrics::FollowerGain(d.profile, r.period), 1};
      break;
  }
  r.pace = metrics::EvaluateGoalPace(r.actual, goal.target_hundredths,
                                     metric == GoalMetric::kEngagement, r.period, e.now);
  // Nothing is expected of a goal in a period that ends before the goal starts.
  if (start && r.period.last_day < *start) r.pace.status = GoalStatus::kOnTrack;
  return r;
}

ScrapeFreshness Freshness(const GoalCreatorData& d, const Organization& org, PlanLimitCache& limits,
                          Timestamp now) {
  ScrapeFreshness f;
  auto floor = limits.Get(org.plan, "min_creator_profiles_hours");
  f.interval_hours =
      ScrapeIntervalHours(org.settings, "creator_profiles", floor ? *floor : std::nullopt);
  if (!d.profile.empty()) f.last_scraped_at = d.profile.back().snapshot_at;
  f.stale = !f.last_scraped_at ||
            static_cast<double>(now - *f.last_scraped_at) > 2 * f.interval_hours * 3600;
  return f;
}

void WriteHours(JsonWriter& w, Timestamp seconds) {
  w.Raw(metrics::ToJsonNumber(metrics::RoundRatio(seconds, 3600, kHoursDecimals)));
}

std::string HoursText(Timestamp seconds) {
  return metrics::ToJsonNumber(metrics::RoundRatio(seconds, 3600, kHoursDecimals));
}

void WriteActual(JsonWriter& w, const GoalResult& r) {
  if (r.goal->metric == "engagement") {
    w.Raw(metrics::ToJsonNumber(
        metrics::RoundRatio(r.actual.num, r.actual.den, kEngagementDecimals)));
  } else {
    w.Int(static_cast<std::int64_t>(r.actual.num));
  }
}

void WriteAdvisory(JsonWriter& w, const GoalResult& r, const ScrapeFreshness& f, Timestamp now) {
  const bool in_progress = now < r.period.end;
  const bool recently_ended = !in_progress && now - r.period.end < kRecentlyEndedSeconds;
  std::vector<std::string> messages;
  if (in_progress) {
    messages.push_back("The period runs until " + FormatTimestamp(r.period.end) +
                       "; the actual keeps growing until it closes");
  }
  if (recently_ended) {
    messages.push_back("The period ended " + HoursText(now - r.period.end) +
                       " hours ago; posts from its last hours may still be coming through "
                       "scraping");
  }
  if (f.stale) {
    messages.push_back(
        f.last_scraped_at
            ? "The creator was last scraped at " + FormatTimestamp(*f.last_scraped_at) +
                  ", more than twice the expected interval of " +
                  metrics::ToJsonNumber(metrics::RoundRatio(
                      static_cast<__int128>(std::llround(f.interval_hours * 100)), 100, 2)) +
                  " hours ago; views, engagement and followers may be undercounted"
            : std::string("The creator has not been scraped yet; views, engagement and "
                          "followers may be undercounted"));
  }
  if (r.not_yet_started) {
    messages.push_back("The goal starts on " + *r.goal->start_date + "; nothing has accrued yet");
  }
  w.StartObject();
  w.Key("has_advisory").Bool(!messages.empty());
  w.Key("period_in_progress").Bool(in_progress);
  w.Key("period_recently_ended").Bool(recently_ended);
  w.Key("scrape_stale").Bool(f.stale);
  w.Key("not_yet_started").Bool(r.not_yet_started);
  w.Key("period_start").Time(r.period.start);
  w.Key("period_end").Time(r.period.end);
  w.Key("hours_until_period_end");
  if (in_progress) {
    WriteHours(w, r.period.end - std::max(now, r.period.start));
  } else {
    w.Null();
  }
  w.Key("hours_since_period_end");
  if (in_progress) {
    w.Null();
  } else {
    WriteHours(w, now - r.period.end);
  }
  w.Key("scrape_freshness").StartObject();
  w.Key("last_scraped_at").OptTime(f.last_scraped_at);
  w.Key("expected_interval_hours").Double(f.interval_hours);
  w.Key("overdue_hours");
  if (f.last_scraped_at) {
    Timestamp due = *f.last_scraped_at + std::llround(f.interval_hours * 3600);
    WriteHours(w, std::max<Timestamp>(0, now - due));
  } else {
    w.Null();
  }
  w.EndObject();
  w.Key("messages").StartArray();
  for (const auto& m : messages) w.String(m);
  w.EndArray();
  w.EndObject();
}

Result<DayNumber> ReadReferenceDate(const Query& query, DayNumber today) {
  auto text = query.GetRequiredValue("reference_date");
  if (!text) return text.error();
  if (!text->has_value()) return today;
  auto day = ParseDate(**text);
  if (!day) {
    return Error::InvalidQuery("Query parameter 'reference_date' must be a date YYYY-MM-DD, got '" +
                               **text + "'");
  }
  // Periods are printed as timestamps, which need four-digit years at both ends.
  if (*day < 0 || *day > *ParseDate("9998-12-31")) {
    return Error::InvalidQuery(
        "Query parameter 'reference_date' must lie between 1970-01-01 and 9998-12-31, got '" +
        **text + "'");
  }
  return *day;
}

Result<std::optional<std::string>> ReadEnumQuery(const Query& query, std::string_view name,
                                                 std::initializer_list<std::string_view> allowed) {
  auto v = query.GetRequiredValue(name);
  if (!v) return v.error();
  if (!v->has_value()) return std::optional<std::string>();
  std::string list;
  for (auto a : allowed) {
    if (**v == a) return *v;
    list += (list.empty() ? "" : ", ") + std::string(a);
  }
  return Error::InvalidQuery("Query parameter '" + std::string(name) + "' must be one of " + list +
                             ", got '" + **v + "'");
}

Response GoalCompliance(RequestContext& ctx) {
  auto creator_id = ctx.query.GetUuid("creator_id");
  if (!creator_id) return ErrorResponse(creator_id.error());
  auto period = ReadEnumQuery(ctx.query, "period", {"daily", "weekly", "monthly"});
  if (!period) return ErrorResponse(period.error());
  auto status = ReadEnumQuery(ctx.query, "status",
                              {"on_track", "behind_pace", "at_risk", "completed", "missed"});
  if (!status) return ErrorResponse(status.error());
  const date::time_zone* zone = FindTimeZone(ctx.org->timezone);
  if (!zone) zone = FindTimeZone("UTC");
  auto reference = ReadReferenceDate(ctx.query, LocalDay(ctx.services.clock->NowSeconds(), zone));
  if (!reference) return ErrorResponse(reference.error());
  auto e = LoadEvaluation(ctx.services, *ctx.org, ctx.Param("projectId"), *creator_id);
  if (!e) return ErrorResponse(e.error());

  struct CreatorRows {
    const GoalCreatorData* data;
    ScrapeFreshness freshness;
    std::vector<GoalResult> results;
  };
  std::vector<CreatorRows> rows;
  for (const GoalCreatorData& d : e->data) {
    CreatorRows row{&d, Freshness(d, *ctx.org, *ctx.services.plan_limits, e->now), {}};
    CreatorLevels levels(d, e->zone);
    for (const Goal& g : d.goals) {
      if (*period && g.period != **period) continue;
      GoalResult r = EvaluateGoal(g, d, *e, *reference, levels);
      if (*status && metrics::GoalStatusName(r.pace.status) != **status) continue;
      row.results.push_back(r);
    }
    if (!row.results.empty()) rows.push_back(std::move(row));
  }
  return DataResponse(200, [&](JsonWriter& w) {
    w.StartArray();
    for (const CreatorRows& row : rows) {
      const Creator& c = row.data->creator;
      w.StartObject();
      w.Key("creator").StartObject();
      w.Key("id").String(c.id);
      w.Key("tiktok_handle").String(c.tiktok_handle);
      w.Key("display_name")
          .OptString(c.display_name_override ? c.display_name_override : c.display_name);
      w.Key("avatar_url").OptString(c.avatar_url);
      w.EndObject();
      w.Key("compliance").StartArray();
      for (const GoalResult& r : row.results) {
        w.StartObject();
        w.Key("goal");
        WriteGoal(w, *r.goal);
        w.Key("target");
        WriteHundredths(w, r.goal->target_hundredths);
        w.Key("actual");
        WriteActual(w, r);
        w.Key("percentage").Int(r.pace.percentage);
        w.Key("status").String(metrics::GoalStatusName(r.pace.status));
        w.Key("advisory");
        WriteAdvisory(w, r, row.freshness, e->now);
        w.EndObject();
      }
      w.EndArray();
      w.EndObject();
    }
    w.EndArray();
  });
}

std::vector<FieldDoc> GoalWriteFields(bool creating) {
  return {
      {"metric", "string", false, "posts | views | engagement | followers", creating},
      {"period", "string", false, "daily | weekly | monthly (calendar periods, org timezone)",
       creating},
      {"target_value", "number", false,
       "Target above 0 per period (whole for counts; engagement in percent, 2 decimals)", creating},
      {"start_date", "date", true, "First day the goal applies (YYYY-MM-DD)"},
      {"end_date", "date", true, "Last day the goal applies (YYYY-MM-DD)"},
      {"is_active", "boolean", false, "Inactive goals are kept but not evaluated (default true)"},
  };
}

}  // namespace

Result<GoalComplianceCounts> CountGoalStatuses(const Services& services, const Organization& org,
                                               const std::string& project_id,
                                               DayNumber reference_date) {
  auto e = LoadEvaluation(services, org, project_id, std::nullopt);
  if (!e) return e.error();
  GoalComplianceCounts counts;
  for (const GoalCreatorData& d : e->data) {
    CreatorLevels levels(d, e->zone);
    for (const Goal& g : d.goals) {
      switch (EvaluateGoal(g, d, *e, reference_date, levels).pace.status) {
        case GoalStatus::kOnTrack:
          ++counts.on_track;
          break;
        case GoalStatus::kBehindPace:
          ++counts.behind_pace;
          break;
        case GoalStatus::kAtRisk:
          ++counts.at_risk;
          break;
        case GoalStatus::kCompleted:
          ++counts.completed;
          break;
        case GoalStatus::kMissed:
          ++counts.missed;
          break;
      }
    }
  }
  return counts;
}

void RegisterGoalRoutes(Router& router) {
  router.AddEntity({"goal",
                    "A per-creator performance target per calendar period",
                    {
                        {"id", "uuid", false, "Goal id"},
                        {"creator_id", "uuid", false, "The creator"},
                        {"project_id", "uuid", false, "The creator's project"},
                        {"metric", "string", false, "posts | views | engagement | followers"},
                        {"period", "string", false, "daily | weekly | monthly"},
                        {"target_value", "number", false, "Target per period"},
                        {"start_date", "date", true, "First day the goal applies"},
                        {"end_date", "date", true, "Last day the goal applies"},
                        {"is_active", "boolean", false, "Whether compliance evaluates it"},
                        {"created_at", "timestamp", false, "Creation time"},
                        {"updated_at", "timestamp", false, "Last change"},
                    },
                    {{"creator_id", "creator"}, {"project_id", "project"}}});

  router.Add({"GET",
              "/api/v1/creators/{id}/goals",
              kScopeRead,
              ListGoals,
              {"List a creator's goals, newest first",
               "Goals",
               {{"limit", "integer", "Items per page, 1..100 (default 50)"},
                {"cursor", "string", "Opaque cursor from meta.nextCursor"}},
               {},
               "goal",
               true,
               200,
               {404}}});
  router.Add({"POST",
              "/api/v1/creators/{id}/goals",
              kScopeWrite,
              CreateGoal,
              {"Set a goal for a creator",
               "Goals",
               {},
               GoalWriteFields(true),
               "goal",
               false,
               201,
               {404}}});
  router.Add({"GET",
              "/api/v1/goals/{id}",
              kScopeRead,
              GetGoal,
              {"Get one goal", "Goals", {}, {}, "goal", false, 200, {404}}});
  router.Add({"PATCH",
              "/api/v1/goals/{id}",
              kScopeWrite,
              UpdateGoal,
              {"Change a goal", "Goals", {}, GoalWriteFields(false), "goal", false, 200, {404}}});
  router.Add({"DELETE",
              "/api/v1/goals/{id}",
              kScopeWrite,
              DeleteGoal,
              {"Delete a goal", "Goals", {}, {}, "", false, 200, {404}}});
  router.Add(
      {"GET",
       "/api/v1/projects/{projectId}/goal-compliance",
       kScopeRead,
       GoalCompliance,
       {"Per-creator, per-goal progress with status and data advisories",
        "Goals",
        {{"creator_id", "uuid", "Only this creator"},
         {"period", "string", "Only goals of this period: daily | weekly | monthly"},
         {"status", "string",
          "Only results with this status: on_track | behind_pace | at_risk | completed | missed"},
         {"reference_date", "date",
          "Evaluate the period containing this date (default today, org timezone)"}},
        {},
        "",
        false,
        200,
        {404}}});
}

}  // namespace goatherd::api
