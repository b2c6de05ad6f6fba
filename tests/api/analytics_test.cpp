// Black-box tests of GET /api/v1/analytics and /api/v1/analytics/schema (spec/analytics.md)
// against the real binary. Data is loaded with `goatherd import` under fixed ids, times and
// counts, so every expected value is worked out by hand; the arithmetic sits in the comments.
// "Today" is fixed with --fake-now.
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <fstream>

#include "harness.h"

namespace goatherd::blackbox {
namespace {

namespace json = boost::json;

// A Tuesday, 12:00 UTC.
constexpr char kNow[] = "2026-03-10T12:00:00Z";

constexpr char kOrg[] = "c0000000-0000-4000-8000-000000000000";
constexpr char kP[] = "c1000000-0000-4000-8000-000000000001";
constexpr char kP2[] = "c1000000-0000-4000-8000-000000000002";
constexpr char kC1[] = "c2000000-0000-4000-8000-000000000001";
constexpr char kC2[] = "c2000000-0000-4000-8000-000000000002";
constexpr char kC3[] = "c2000000-0000-4000-8000-000000000003";
constexpr char kV1[] = "c3000000-0000-4000-8000-000000000001";
constexpr char kV2[] = "c3000000-0000-4000-8000-000000000002";
constexpr char kV3[] = "c3000000-0000-4000-8000-000000000003";
constexpr char kV4[] = "c3000000-0000-4000-8000-000000000004";
constexpr char kOrgF[] = "f0000000-0000-4000-8000-000000000000";
constexpr char kPF[] = "f1000000-0000-4000-8000-000000000001";

std::string Q(const std::string& s) { return "\"" + s + "\""; }

std::string OrgLine(const std::string& id, const std::string& plan) {
  return R"({"type":"org","id":")" + id + R"(","name":"Org","timezone":"UTC","plan":")" + plan +
         R"("})";
}
std::string ProjectLine(const std::string& id, const std::string& org, const std::string& name) {
  return R"({"type":"project","id":")" + id + R"(","org_id":")" + org + R"(","name":")" + name +
         R"(","readme":null})";
}
std::string CreatorLine(const std::string& id, const std::string& project,
                        const std::string& handle, const std::string& display_name_json) {
  return R"({"type":"creator","id":")" + id + R"(","project_id":")" + project +
         R"(","tiktok_handle":")" + handle + R"(","display_name":)" + display_name_json +
         R"(,"tracking_mode":"auto","tracking_start_date":"2025-01-01"})";
}
std::string VideoLine(const std::string& id, const std::string& project, const std::string& creator,
                      const std::string& tiktok_id, const std::string& title_json,
                      const std::string& status, const std::string& posted_at) {
  return R"({"type":"video","id":")" + id + R"(","project_id":")" + project +
         R"(","creator_id":")" + creator + R"(","tiktok_video_id":")" + tiktok_id +
         R"(","title":)" + title_json + R"(,"tracking_status":")" + status + R"(","posted_at":")" +
         posted_at + R"("})";
}
std::string SnapLine(const std::string& video, const std::string& at,
                     std::array<std::int64_t, 5> c) {
  return R"({"type":"video_snapshot","video_id":")" + video + R"(","snapshot_at":")" + at +
         R"(","view_count":)" + std::to_string(c[0]) + R"(,"like_count":)" + std::to_string(c[1]) +
         R"(,"comment_count":)" + std::to_string(c[2]) + R"(,"share_count":)" +
         std::to_string(c[3]) + R"(,"save_count":)" + std::to_string(c[4]) + "}";
}
std::string FollowerLine(const std::string& creator, const std::string& at, std::int64_t n) {
  return R"({"type":"creator_snapshot","creator_id":")" + creator + R"(","snapshot_at":")" + at +
         R"(","follower_count":)" + std::to_string(n) +
         R"(,"following_count":1,"like_count":1,"video_count":1})";
}

std::string Noon(const std::string& date) { return date + "T12:00:00Z"; }

// A value as JavaScript prints it: Boost.JSON 1.81 would print the double 1.1 as "1.1E0", so
// doubles go through std::to_chars (shortest round trip).
std::string NumberText(const json::value& v) {
  if (v.is_double()) {
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v.as_double());
    return std::string(buf, end);
  }
  return json::serialize(v);
}

// The values of series[i] of `key` as JSON text ("null" for null).
std::vector<std::string> ValuesOf(const HttpResult& r, std::size_t i = 0,
                                  const char* key = "series") {
  std::vector<std::string> out;
  json::value data = DataOf(r);
  if (!data.is_object() || !data.as_object().contains(key)) return out;
  const auto& series = data.as_object().at(key).as_array();
  if (i >= series.size()) return out;
  for (const auto& p : series[i].as_object().at("points").as_array()) {
    out.push_back(NumberText(p.as_object().at("value")));
  }
  return out;
}

std::vector<std::string> StartsOf(const HttpResult& r, std::size_t i = 0,
                                  const char* key = "series") {
  std::vector<std::string> out;
  json::value data = DataOf(r);
  if (!data.is_object() || !data.as_object().contains(key)) return out;
  for (const auto& p : data.as_object().at(key).as_array()[i].as_object().at("points").as_array()) {
    out.emplace_back(p.as_object().at("bucket_start").as_string());
  }
  return out;
}

using V = std::vector<std::string>;

// Organization (UTC, ultra), project P "Spring Program":
//   C1 "ann" (no display name), followers 1000 on 03-01, 1100 on 03-03
//   C2 "ben" shown as "Ben, the Films", followers 500 on 03-02
//   video status        posted   noon snapshots (views/likes/comments/shares/saves)
//   V1    auto_tracked  03-01    03-01 1000/10/1/0/0 (baseline), 03-02 5000/50/5/0/0,
//                                03-03 4000/40/5/0/0, 03-05 6000/70/9/1/0
//         gains views 0, 4000, 0 (below H 5000), -, 1000; engagement 0, 44, 0, -, 25
//   V2    included      03-02    03-02 200/2 (baseline), 03-04 700/7 → views 0, 500
//   V3    auto_tracked  03-03    (C2) 03-03 100 (baseline), 03-04 400 → views 0, 300
//   V4    excluded      03-01    03-01 99999, 03-02 199999: never counted
// Project P2 "Clips", creator C3: twelve videos K1..K12, posted 03-01, 0 views (baseline) on
// 03-01 and k × 100 on 03-02.
// Organization F (free plan: 30 days of history).
class AnalyticsTest : public BlackBoxTest {
 protected:
  void Configure(ServerProcess::Options& options) override { options.fake_now = kNow; }

  void SetUp() override {
    BlackBoxTest::SetUp();
    if (HasFatalFailure()) return;
    std::vector<std::string> lines = {
        OrgLine(kOrg, "ultra"),
        ProjectLine(kP, kOrg, "Spring Program"),
        CreatorLine(kC1, kP, "ann", "null"),
        CreatorLine(kC2, kP, "ben", Q("Ben, the Films")),
        VideoLine(kV1, kP, kC1, "7300000000000000001", Q("First"), "auto_tracked",
                  "2026-03-01T10:00:00Z"),
        SnapLine(kV1, Noon("2026-03-01"), {1000, 10, 1, 0, 0}),
        SnapLine(kV1, Noon("2026-03-02"), {5000, 50, 5, 0, 0}),
        SnapLine(kV1, Noon("2026-03-03"), {4000, 40, 5, 0, 0}),
        SnapLine(kV1, Noon("2026-03-05"), {6000, 70, 9, 1, 0}),
        VideoLine(kV2, kP, kC1, "7300000000000000002", "null", "included", "2026-03-02T10:00:00Z"),
        SnapLine(kV2, Noon("2026-03-02"), {200, 2, 0, 0, 0}),
        SnapLine(kV2, Noon("2026-03-04"), {700, 7, 0, 0, 0}),
        VideoLine(kV3, kP, kC2, "7300000000000000003", Q("Ben's"), "auto_tracked",
                  "2026-03-03T10:00:00Z"),
        SnapLine(kV3, Noon("2026-03-03"), {100, 0, 0, 0, 0}),
        SnapLine(kV3, Noon("2026-03-04"), {400, 0, 0, 0, 0}),
        VideoLine(kV4, kP, kC1, "7300000000000000004", Q("Gone"), "excluded",
                  "2026-03-01T10:00:00Z"),
        SnapLine(kV4, Noon("2026-03-01"), {99999, 0, 0, 0, 0}),
        SnapLine(kV4, Noon("2026-03-02"), {199999, 0, 0, 0, 0}),
        FollowerLine(kC1, Noon("2026-03-01"), 1000),
        FollowerLine(kC1, Noon("2026-03-03"), 1100),
        FollowerLine(kC2, Noon("2026-03-02"), 500),
        ProjectLine(kP2, kOrg, "Clips"),
        CreatorLine(kC3, kP2, "clipper", "null"),
        OrgLine(kOrgF, "free"),
        ProjectLine(kPF, kOrgF, "Free"),
    };
    for (int k = 1; k <= 12; ++k) {
      std::string id = Clip(k);
      lines.push_back(VideoLine(id, kP2, kC3, std::to_string(7400000000000000000LL + k),
                                Q("Clip " + std::to_string(k)), "auto_tracked",
                                "2026-03-01T10:00:00Z"));
      lines.push_back(SnapLine(id, Noon("2026-03-01"), {0, 0, 0, 0, 0}));
      lines.push_back(SnapLine(id, Noon("2026-03-02"), {k * 100, 0, 0, 0, 0}));
    }
    std::string path = dir_->File("data.jsonl");
    {
      std::ofstream out(path);
      for (const auto& line : lines) out << line << "\n";
    }
    auto r = Cli({"import", path, "--fake-now", kNow});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    key_ = CreateKey(kOrg).secret;
    key_f_ = CreateKey(kOrgF).secret;
  }

  static std::string Clip(int k) {
    char id[40];
    std::snprintf(id, sizeof id, "c4000000-0000-4000-8000-%012d", k);
    return id;
  }

  HttpResult A(const std::string& query, const std::string& key = "") {
    return Get("/api/v1/analytics?" + query, key.empty() ? key_ : key);
  }

  std::string key_, key_f_;
};

const std::string kDays16 = "&from=2026-03-01&to=2026-03-06";

TEST_F(AnalyticsTest, ProjectRawMetricsByDayInBothModes) {
  auto r = A(std::string("entity=project&entity_id=") + kP + "&metric=views" + kDays16);
  ASSERT_TRUE(IsEnvelope(r));
  ASSERT_EQ(r.status, 200) << r.body;
  // 03-01 V1 0; 03-02 V1 4000 + V2 0; 03-03 V1 0 + V3 0; 03-04 V2 500 + V3 300; 03-05 V1 1000.
  EXPECT_EQ(ValuesOf(r), (V{"0", "4000", "0", "800", "1000", "null"}));
  EXPECT_EQ(StartsOf(r), (V{"2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05",
                            "2026-03-06"}));
  json::value data = DataOf(r);
  const auto& s = data.at("series").as_array()[0].as_object();
  EXPECT_EQ(json::serialize(s.at("entity_ref")),
            std::string(R"({"type":"project","id":")") + kP + R"(","label":"Spring Program"})");
  EXPECT_EQ(s.at("metric"), "views");
  EXPECT_EQ(s.at("unit"), "count");
  EXPECT_EQ(s.at("mode"), "new");
  EXPECT_EQ(s.at("granularity"), "day");
  EXPECT_EQ(s.at("timezone"), "UTC");
  EXPECT_FALSE(s.contains("base_metric"));
  // The first point in full: baselines of V1 fall on 03-01; not today.
  EXPECT_EQ(json::serialize(s.at("points").as_array()[0]),
            R"({"bucket_start":"2026-03-01","value":0,"partial":false,"baseline":true})");
  EXPECT_EQ(s.at("points").as_array()[4].at("baseline"), false);
  // Baselines in the range, counted per day for a project: V1 03-01, V2 03-02, V3 03-03 (never
  // the excluded V4).
  EXPECT_EQ(json::serialize(data.at("baselines")),
            std::string("[") + R"({"entity_id":")" + kP +
                R"(","date":"2026-03-01","video_count":1},)" + R"({"entity_id":")" + kP +
                R"(","date":"2026-03-02","video_count":1},)" + R"({"entity_id":")" + kP +
                R"(","date":"2026-03-03","video_count":1}])");
  EXPECT_EQ(data.at("first_data_date"), "2026-03-01");
  EXPECT_TRUE(data.at("tier_retention_days").is_null());  // ultra: unlimited
  EXPECT_EQ(json::serialize(data.at("annotations")), "[]");
  EXPECT_FALSE(data.as_object().contains("compare_series"));
  EXPECT_FALSE(data.as_object().contains("breakdown_series"));
  EXPECT_EQ(json::serialize(r.json.at("meta")), R"({"cached":false})");

  // Cumulative: 1000; 5000 + 200; 4000 + 200 + 100; 4000 + 700 + 400; 6000 + 700 + 400; carried.
  r = A(std::string("entity=project&entity_id=") + kP + "&metric=views&mode=cumulative" + kDays16);
  EXPECT_EQ(ValuesOf(r), (V{"1000", "5200", "4300", "5100", "7100", "7100"}));
  // Engagement: V1's 0, 44 (40 + 4), 0, -, 25 (20 + 4 + 1); V2's 0 on 03-02 and 5 on 03-04.
  r = A(std::string("entity=project&entity_id=") + kP + "&metric=engagement" + kDays16);
  EXPECT_EQ(ValuesOf(r), (V{"0", "44", "0", "5", "25", "null"}));
  r = A(std::string("entity=project&entity_id=") + kP + "&metric=comments" + kDays16);
  EXPECT_EQ(ValuesOf(r), (V{"0", "4", "0", "0", "4", "null"}));
  r = A(std::string("entity=project&entity_id=") + kP + "&metric=posts" + kDays16);
  EXPECT_EQ(ValuesOf(r), (V{"1", "1", "1", "0", "0", "0"}));
}

// meta.cached is honest: a repeated question is answered from the cache, and anything the answer
// depends on — a snapshot imported by another process, a new annotation — makes it fresh again.
TEST_F(AnalyticsTest, CachedUntilSomethingItDependsOnChanges) {
  const std::string q = std::string("entity=project&entity_id=") + kP + "&metric=views" + kDays16;
  auto first = A(q);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(json::serialize(first.json.at("meta")), R"({"cached":false})");
  auto again = A(q);
  EXPECT_EQ(json::serialize(again.json.at("meta")), R"({"cached":true})");
  EXPECT_EQ(json::serialize(DataOf(again)), json::serialize(DataOf(first)));

  // V2 gains 300 views on 03-06 (700 on 03-04, 1000 now): the last point moves from null to 300.
  std::string path = dir_->File("more.jsonl");
  {
    std::ofstream out(path);
    out << SnapLine(kV2, Noon("2026-03-06"), {1000, 7, 0, 0, 0}) << "\n";
  }
  auto imported = Cli({"import", path, "--fake-now", kNow});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  auto fresh = A(q);
  EXPECT_EQ(json::serialize(fresh.json.at("meta")), R"({"cached":false})");
  EXPECT_EQ(ValuesOf(fresh), (V{"0", "4000", "0", "800", "1000", "300"}));

  EXPECT_EQ(json::serialize(A(q).json.at("meta")), R"({"cached":true})");
  auto note = Call("POST", "/api/v1/analytics/annotations", key_,
                   std::string(R"({"project_id":")") + kP +
                       R"(","date":"2026-03-04","label":"Launch","kind":"launch"})");
  ASSERT_EQ(note.status, 201) << note.body;
  auto annotated = A(q);
  EXPECT_EQ(json::serialize(annotated.json.at("meta")), R"({"cached":false})");
  ASSERT_EQ(DataOf(annotated).at("annotations").as_array().size(), 1u);
  EXPECT_EQ(DataOf(annotated).at("annotations").as_array()[0].at("label"), "Launch");
}

TEST_F(AnalyticsTest, WeekMonthAndCustomBuckets) {
  // 03-01 is a Sunday: the week of 02-23 covers it alone (V1's 0); the week of 03-02 the rest:
  // 4000 + 0 + 800 + 1000.
  auto r = A(std::string("entity=project&entity_id=") + kP +
             "&metric=views&granularity=week&from=2026-03-01&to=2026-03-08");
  EXPECT_EQ(StartsOf(r), (V{"2026-02-23", "2026-03-02"}));
  EXPECT_EQ(ValuesOf(r), (V{"0", "5800"}));
  r = A(std::string("entity=project&entity_id=") + kP +
        "&metric=views&granularity=month&from=2026-03-01&to=2026-03-06");
  EXPECT_EQ(StartsOf(r), (V{"2026-03-01"}));
  EXPECT_EQ(ValuesOf(r), (V{"5800"}));
  // The month of today (03-10) is partial.
  r = A(std::string("entity=project&entity_id=") + kP +
        "&metric=views&granularity=month&from=2026-03-01&to=2026-03-31");
  EXPECT_EQ(DataOf(r).at("series").as_array()[0].at("points").as_array()[0].at("partial"), true);
  // bucket_days=4 from 03-01: [03-01..03-04] 4800, [03-05..03-06] 1000.
  r = A(std::string("entity=project&entity_id=") + kP + "&metric=views&bucket_days=4" + kDays16);
  EXPECT_EQ(StartsOf(r), (V{"2026-03-01", "2026-03-05"}));
  EXPECT_EQ(ValuesOf(r), (V{"4800", "1000"}));
  EXPECT_EQ(DataOf(r).at("series").as_array()[0].at("granularity"), "custom");
  EXPECT_EQ(DataOf(r).at("series").as_array()[0].at("bucket_days"), 4);
  // posts_per_week: week of 02-23 covers 1 day with V1: 7; week of 03-02 holds V2 and V3: 2.
  r = A(std::string("entity=project&entity_id=") + kP +
        "&metric=posts_per_week&granularity=week&from=2026-03-01&to=2026-03-08");
  EXPECT_EQ(ValuesOf(r), (V{"7", "2"}));
  EXPECT_EQ(DataOf(r).at("series").as_array()[0].at("unit"), "posts_per_week");
  EXPECT_EQ(DataOf(r).at("series").as_array()[0].at("mode"), "rate");
}

TEST_F(AnalyticsTest, DerivedMetricsByHand) {
  // engagement / views: 03-02 44 / 4000 = 1.1 %; 03-04 5 / 800 = 0.625 %; 03-05 25 / 1000.
  auto r = A(std::string("entity=project&entity_id=") + kP + "&metric=engagement_rate_by_views" +
             kDays16);
  EXPECT_EQ(ValuesOf(r), (V{"null", "1.1", "null", "0.625", "2.5", "null"}));
  EXPECT_EQ(DataOf(r).at("series").as_array()[0].at("unit"), "percent");
  // Followers at each day's end: 1000; 1000 + 500; 1100 + 500; carried forward.
  r = A(std::string("entity=project&entity_id=") + kP + "&metric=followers" + kDays16);
  EXPECT_EQ(ValuesOf(r), (V{"1000", "1500", "1600", "1600", "1600", "1600"}));
  EXPECT_EQ(DataOf(r).at("series").as_array()[0].at("mode"), "cumulative");
  // engagement / followers: 0 / 1000; 44 / 1500 = 2.9333; 0 / 1600; 5 / 1600 = 0.3125;
  // 25 / 1600 = 1.5625; no engagement on 03-06.
  r = A(std::string("entity=project&entity_id=") + kP + "&metric=engagement_rate_by_followers" +
        kDays16);
  EXPECT_EQ(ValuesOf(r), (V{"0", "2.9333", "0", "0.3125", "1.5625", "null"}));
  // views gained / posts published so far: 0 / 1; 4000 / 2; 0 / 3; 800 / 3 = 266.6667; 1000 / 3.
  r = A(std::string("entity=project&entity_id=") + kP + "&metric=avg_views_per_post" + kDays16);
  EXPECT_EQ(ValuesOf(r), (V{"0", "2000", "0", "266.6667", "333.3333", "null"}));
  EXPECT_EQ(DataOf(r).at("series").as_array()[0].at("unit"), "views_per_post");
  // growth of cumulative views 1000, 5200, 4300, 5100, 7100, 7100: null; +420 %;
  // -900 / 5200 = -17.3077 %; 800 / 4300 = 18.6047 %; 2000 / 5100 = 39.2157 %; 0 %.
  r = A(std::string("entity=project&entity_id=") + kP +
        "&metric=growth_rate_pop&base_metric=views" + kDays16);
  EXPECT_EQ(ValuesOf(r), (V{"null", "420", "-17.3077", "18.6047", "39.2157", "0"}));
  EXPECT_EQ(DataOf(r).at("series").as_array()[0].at("base_metric"), "views");
  EXPECT_EQ(DataOf(r).at("series").as_array()[0].at("mode"), "rate");
}

TEST_F(AnalyticsTest, CreatorsAndEntityIdsCompare) {
  auto r =
      A(std::string("entity=creator&entity_ids=") + kC1 + "," + kC2 + "&metric=views" + kDays16);
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(DataOf(r).at("series").as_array().size(), 2u);
  // C1: V1 and V2 (V4 is excluded). C2: V3 only, first seen 03-03.
  EXPECT_EQ(ValuesOf(r, 0), (V{"0", "4000", "0", "500", "1000", "null"}));
  EXPECT_EQ(ValuesOf(r, 1), (V{"null", "null", "0", "300", "null", "null"}));
  EXPECT_EQ(DataOf(r).at("series").as_array()[0].at("entity_ref").at("label"), "ann");
  EXPECT_EQ(DataOf(r).at("series").as_array()[1].at("entity_ref").at("label"), "Ben, the Films");
  // A creator's followers: C2 has 500 from 03-02.
  r = A(std::string("entity=creator&entity_id=") + kC2 + "&metric=followers" + kDays16);
  EXPECT_EQ(ValuesOf(r), (V{"null", "500", "500", "500", "500", "500"}));
  // New followers of C1: the first snapshot is a 0 change, +100 on 03-03.
  r = A(std::string("entity=creator&entity_id=") + kC1 + "&metric=followers&mode=new" + kDays16);
  EXPECT_EQ(ValuesOf(r), (V{"0", "null", "100", "null", "null", "null"}));
}

TEST_F(AnalyticsTest, ComparePriorPeriodAlignsByPosition) {
  // [03-04, 03-05] is 2 days long: the prior period is [03-02, 03-03].
  auto r = A(std::string("entity=project&entity_id=") + kP +
             "&metric=views&compare=prior_period&from=2026-03-04&to=2026-03-05");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(ValuesOf(r), (V{"800", "1000"}));
  EXPECT_EQ(ValuesOf(r, 0, "compare_series"), (V{"4000", "0"}));
  EXPECT_EQ(StartsOf(r, 0, "compare_series"), (V{"2026-03-02", "2026-03-03"}));
  EXPECT_EQ(DataOf(r).at("compare_series").as_array()[0].at("entity_ref").at("id"), kP);
}

TEST_F(AnalyticsTest, BreakdownTopTenAndOther) {
  auto r = A(std::string("entity=project&entity_id=") + kP2 +
             "&metric=views&breakdown=video&from=2026-03-01&to=2026-03-02");
  ASSERT_EQ(r.status, 200) << r.body;
  // 100 + 200 + ... + 1200 = 7800 on 03-02.
  EXPECT_EQ(ValuesOf(r), (V{"0", "7800"}));
  json::value data = DataOf(r);
  const auto& b = data.at("breakdown_series").as_array();
  ASSERT_EQ(b.size(), 11u);
  for (int i = 0; i < 10; ++i) {
    const int k = 12 - i;  // K12 (1200 views) first
    EXPECT_EQ(b[i].at("entity_ref").at("id").as_string(), Clip(k)) << i;
    EXPECT_EQ(b[i].at("entity_ref").at("label").as_string(), "Clip " + std::to_string(k));
    EXPECT_EQ(b[i].at("entity_ref").at("type"), "video");
    EXPECT_EQ(ValuesOf(r, i, "breakdown_series"), (V{"0", std::to_string(k * 100)}));
  }
  EXPECT_EQ(json::serialize(b[10].at("entity_ref")),
            R"({"type":"video","id":"__other__","label":"Other"})");
  // K1 + K2 = 100 + 200.
  EXPECT_EQ(ValuesOf(r, 10, "breakdown_series"), (V{"0", "300"}));
  // All twelve clips' first snapshots fall on 03-01: one day, twelve videos.
  EXPECT_EQ(
      json::serialize(data.at("baselines")),
      std::string(R"([{"entity_id":")") + kP2 + R"(","date":"2026-03-01","video_count":12}])");
  // The same for their creator (computed from the snapshots, not the rollups).
  auto c = A(std::string("entity=creator&entity_id=") + kC3 +
             "&metric=views&from=2026-03-01&to=2026-03-02");
  ASSERT_EQ(c.status, 200) << c.body;
  EXPECT_EQ(
      json::serialize(DataOf(c).at("baselines")),
      std::string(R"([{"entity_id":")") + kC3 + R"(","date":"2026-03-01","video_count":12}])");
}

TEST_F(AnalyticsTest, CampaignOfACreatorAndAVideo) {
  auto c = Call("POST", std::string("/api/v1/projects/") + kP + "/campaigns", key_,
                R"({"name":"Launch"})");
  ASSERT_EQ(c.status, 201) << c.body;
  std::string id(DataOf(c).at("id").as_string());
  ASSERT_EQ(Call("POST", "/api/v1/campaigns/" + id + "/items", key_,
                 std::string(R"({"item_type":"creator","item_id":")") + kC2 + "\"}")
                .status,
            201);
  ASSERT_EQ(Call("POST", "/api/v1/campaigns/" + id + "/items", key_,
                 std::string(R"({"item_type":"video","item_id":")") + kV1 + "\"}")
                .status,
            201);
  // V1 and V3: 0, 4000, 0 + 0, 300, 1000, null.
  auto r = A("entity=campaign&entity_id=" + id + "&metric=views" + kDays16);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(ValuesOf(r), (V{"0", "4000", "0", "300", "1000", "null"}));
  EXPECT_EQ(DataOf(r).at("series").as_array()[0].at("entity_ref").at("label"), "Launch");
  // Followers of its creators (V1's C1 and V3's C2): 1000, 1500, 1600, ...
  r = A("entity=campaign&entity_id=" + id + "&metric=followers&from=2026-03-01&to=2026-03-03");
  EXPECT_EQ(ValuesOf(r), (V{"1000", "1500", "1600"}));
}

TEST_F(AnalyticsTest, OneVideoByDayEqualsItsStats) {
  const std::string range = "&from=2026-02-28&to=2026-03-07";
  auto a =
      A(std::string("entity=video&entity_id=") + kV1 + "&metric=engagement_rate_by_views" + range);
  auto s =
      Get(std::string("/api/v1/videos/") + kV1 + "/stats?metric=engagement_rate_by_views" + range,
          key_);
  ASSERT_EQ(a.status, 200) << a.body;
  ASSERT_EQ(s.status, 200) << s.body;
  EXPECT_EQ(ValuesOf(a), ValuesOf(s));
  EXPECT_EQ(StartsOf(a), StartsOf(s));
  EXPECT_EQ(ValuesOf(a), (V{"null", "null", "1.1", "null", "null", "2.5", "null", "null"}));
  EXPECT_EQ(json::serialize(DataOf(a).at("baselines")), json::serialize(DataOf(s).at("baselines")));
  EXPECT_EQ(DataOf(a).at("first_data_date"), DataOf(s).at("first_data_date"));
  // Views gained equal the legacy velocity on every day after day 0 (day 0 of a post counts its
  // whole first level there): day 1 = 03-02 4000, day 4 = 03-05 1000.
  auto v = A(std::string("entity=video&entity_id=") + kV1 + "&metric=views" + range);
  EXPECT_EQ(ValuesOf(v), (V{"null", "0", "4000", "0", "null", "1000", "null", "null"}));
  auto legacy = Get(std::string("/api/v1/videos/") + kV1 + "/stats", key_);
  EXPECT_EQ(json::serialize(DataOf(legacy).at("velocity")),
            R"([{"day_number":0,"views_gained":1000},{"day_number":1,"views_gained":4000},)"
            R"({"day_number":2,"views_gained":0},{"day_number":4,"views_gained":1000}])");
  // The label of a video without a title is its TikTok id.
  auto untitled = A(std::string("entity=video&entity_id=") + kV2 + "&metric=views" + range);
  EXPECT_EQ(DataOf(untitled).at("series").as_array()[0].at("entity_ref").at("label"),
            "7300000000000000002");
}

TEST_F(AnalyticsTest, CsvExportBytes) {
  auto r = A(std::string("entity=creator&entity_id=") + kC2 +
             "&metric=views&compare=prior_period&from=2026-03-03&to=2026-03-04&format=csv");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("content-type"), "text/csv; charset=utf-8");
  EXPECT_EQ(r.Header("content-disposition"),
            "attachment; filename=\"goatherd-creator-views-2026-03-03-2026-03-04.csv\"");
  const std::string c2 = kC2;
  EXPECT_EQ(r.body,
            "series_kind,entity_type,entity_id,entity_label,metric,bucket_start,value\r\n"
            "main,creator," +
                c2 +
                ",\"Ben, the Films\",views,2026-03-03,0\r\n"
                "main,creator," +
                c2 +
                ",\"Ben, the Films\",views,2026-03-04,300\r\n"
                "compare,creator," +
                c2 +
                ",\"Ben, the Films\",views,2026-03-01,\r\n"
                "compare,creator," +
                c2 + ",\"Ben, the Films\",views,2026-03-02,\r\n");
  // Breakdown rows come after the main ones; errors stay JSON.
  r = A(std::string("entity=project&entity_id=") + kP +
        "&metric=engagement_rate_by_views&breakdown=video&from=2026-03-02&to=2026-03-02"
        "&format=csv");
  // Ranked by views gained: V1 4000, then V2 and V3 (0 each, by id).
  EXPECT_EQ(r.body,
            "series_kind,entity_type,entity_id,entity_label,metric,bucket_start,value\r\n"
            "main,project," +
                std::string(kP) +
                ",Spring Program,engagement_rate_by_views,2026-03-02,1.1\r\n"
                "breakdown,video," +
                kV1 +
                ",First,engagement_rate_by_views,2026-03-02,1.1\r\n"
                "breakdown,video," +
                kV2 +
                ",7300000000000000002,engagement_rate_by_views,2026-03-02,\r\n"
                "breakdown,video," +
                kV3 + ",Ben's,engagement_rate_by_views,2026-03-02,\r\n");
  EXPECT_TRUE(IsError(A("entity=project&format=csv"), 400, "invalid_query"));
}

TEST_F(AnalyticsTest, InvalidQueriesAre400NamingTheParameter) {
  const std::string p = std::string("&entity_id=") + kP;
  struct Case {
    std::string query;
    std::string needle;  // a part of the message
  };
  std::string eleven;
  for (int k = 1; k <= 11; ++k) {
    if (k > 1) eleven += ',';  // appended: GCC 12 warns falsely on "," + std::string
    eleven += Clip(k);
  }
  const std::vector<Case> cases = {
      {"metric=views" + p, "'entity' is required"},
      {"entity=team" + p, "'entity'"},
      {"entity=project", "'entity_id'"},
      {"entity=project" + p + "&entity_ids=" + kP, "not both"},
      {"entity=video&entity_ids=" + eleven, "at most 10"},
      {"entity=video&entity_ids=" + std::string(kV1) + "," + kV1, "twice"},
      {"entity=video&entity_ids=" + std::string(kV1) + ",", "empty item"},
      {"entity=project&entity_id=nope", "'entity_id'"},
      {"entity=project&metric=reach" + p, "unknown metric 'reach'"},
      {"entity=project&metric=views&mode=rate" + p, "mode"},
      {"entity=project&metric=engagement_rate_by_views&mode=new" + p, "rate"},
      {"entity=project&mode=sometimes" + p, "'mode'"},
      {"entity=project&granularity=hour" + p, "'granularity'"},
      {"entity=project&bucket_days=0" + p, "'bucket_days'"},
      {"entity=project&bucket_days=91" + p, "'bucket_days'"},
      {"entity=project&bucket_days=7x" + p, "'bucket_days'"},
      {"entity=project&bucket_days=7&granularity=week" + p, "bucket_days"},
      {"entity=project&granularity=custom" + p, "bucket_days"},
      {"entity=project&metric=growth_rate_pop" + p, "base_metric"},
      {"entity=project&metric=growth_rate_pop&base_metric=reach" + p, "'base_metric'"},
      {"entity=project&tz=Mars/Olympus" + p, "time zone"},
      {"entity=project&from=2026-02-30" + p, "'from'"},
      {"entity=project&from=2026-03-05&to=2026-03-01" + p, "after"},
      {"entity=project&compare=last_year" + p, "'compare'"},
      {"entity=project&breakdown=creator" + p, "'breakdown'"},
      {"entity=project&format=xml" + p, "'format'"},
      {"entity=project&metric=views&metric=likes" + p, "twice"},
      {"entity=video&entity_id=" + std::string(kV1) + "&breakdown=video", "breakdown"},
      {"entity=creator&entity_ids=" + std::string(kC1) + "," + kC2 + "&breakdown=video",
       "one entity_id"},
      {"entity=project&metric=followers&breakdown=video" + p, "breakdown"},
      {"entity=video&entity_id=" + std::string(kV1) + "&metric=followers", "creator"},
  };
  for (const Case& c : cases) {
    auto r = A(c.query);
    EXPECT_TRUE(IsError(r, 400, "invalid_query")) << c.query << " → " << r.body;
    std::string error = r.json_ok ? std::string(r.json.at("error").as_string()) : "";
    EXPECT_NE(error.find(c.needle), std::string::npos) << c.query << " → " << error;
  }
  auto r = A(std::string("entity=video&entity_id=") + kV1 + "&metric=engagement_rate_by_followers");
  EXPECT_TRUE(IsError(r, 400, "invalid_query"));
  EXPECT_EQ(r.json.at("error"),
            "engagement_rate_by_followers is not supported for video entities — use a creator or "
            "campaign endpoint instead");
}

TEST_F(AnalyticsTest, OtherOrganizationsAndUnknownEntitiesAre404) {
  // The free organization's project, asked with this organization's key.
  EXPECT_TRUE(IsError(A(std::string("entity=project&entity_id=") + kPF), 404, "not_found"));
  // This organization's project, asked with the free organization's key.
  EXPECT_TRUE(IsError(A(std::string("entity=project&entity_id=") + kP, key_f_), 404, "not_found"));
  EXPECT_TRUE(IsError(A("entity=creator&entity_id=00000000-0000-4000-8000-000000000009"), 404,
                      "not_found"));
  EXPECT_TRUE(IsError(A("entity=campaign&entity_id=00000000-0000-4000-8000-000000000009"), 404,
                      "not_found"));
  // One unknown id among entity_ids fails the request.
  EXPECT_TRUE(IsError(
      A(std::string("entity=creator&entity_ids=") + kC1 + ",00000000-0000-4000-8000-000000000009"),
      404, "not_found"));
}

TEST_F(AnalyticsTest, RetentionOfTheFreePlan) {
  // Today 03-10: a 30-day plan allows from 02-09 on.
  auto ok =
      A(std::string("entity=project&entity_id=") + kPF + "&from=2026-02-09&to=2026-03-10", key_f_);
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(DataOf(ok).at("tier_retention_days"), 30);
  EXPECT_EQ(ValuesOf(ok).size(), 30u);
  auto r =
      A(std::string("entity=project&entity_id=") + kPF + "&from=2026-02-08&to=2026-03-10", key_f_);
  EXPECT_TRUE(IsError(r, 402, "retention_exceeded"));
  EXPECT_EQ(r.json.at("meta").at("earliest_allowed"), "2026-02-09");
  // The prior period of the default range reaches 60 days back.
  r = A(std::string("entity=project&entity_id=") + kPF + "&compare=prior_period", key_f_);
  EXPECT_TRUE(IsError(r, 402, "retention_exceeded"));
}

TEST_F(AnalyticsTest, SchemaIsAnOpenApiDocumentOfTheEndpoint) {
  auto r = Get("/api/v1/analytics/schema", key_);
  ASSERT_TRUE(IsEnvelope(r));
  ASSERT_EQ(r.status, 200);
  json::value doc = DataOf(r);
  EXPECT_EQ(doc.at("openapi"), "3.1.0");
  const auto& op = doc.at("paths").at("/api/v1/analytics").at("get");
  std::vector<std::string> names;
  for (const auto& p : op.at("parameters").as_array()) {
    names.emplace_back(p.at("name").as_string());
  }
  for (const char* n :
       {"entity", "entity_id", "entity_ids", "metric", "mode", "granularity", "bucket_days",
        "base_metric", "from", "to", "tz", "compare", "breakdown", "format"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), n), names.end()) << n;
  }
  EXPECT_TRUE(op.at("responses").as_object().contains("200"));
  EXPECT_TRUE(doc.at("components").at("schemas").as_object().contains("Series"));
  EXPECT_TRUE(IsError(Get("/api/v1/analytics/schema", ""), 401, "invalid_api_key"));
}

}  // namespace
}  // namespace goatherd::blackbox
