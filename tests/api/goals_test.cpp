// Black-box tests of goals and goal compliance (spec/analytics.md "Goals and goal compliance",
// reference/06-goals.md) against the real binary. Creators, posts and snapshots are loaded with
// `goatherd import` under fixed ids and times; "now" is fixed with --fake-now at Wednesday
// 2026-03-04 12:00 UTC, so every period, actual, percentage and status below is worked out by
// hand in the comments next to it. The server's clock runs on from there in real time, so the
// expected paces are chosen well clear of every boundary.
#include <algorithm>
#include <boost/json/parse.hpp>
#include <fstream>
#include <functional>
#include <map>
#include <set>

#include "harness.h"

namespace goatherd::blackbox {
namespace {

namespace json = boost::json;

constexpr char kNow[] = "2026-03-04T12:00:00Z";

constexpr char kOrgA[] = "a0000000-0000-4000-8000-00000000000a";
constexpr char kP1[] = "a1000000-0000-4000-8000-000000000001";
constexpr char kP2[] = "a1000000-0000-4000-8000-000000000002";
constexpr char kAlice[] = "a2000000-0000-4000-8000-000000000001";
constexpr char kBob[] = "a2000000-0000-4000-8000-000000000002";
constexpr char kCarol[] = "a2000000-0000-4000-8000-000000000003";
constexpr char kDave[] = "a2000000-0000-4000-8000-000000000004";  // in P2
constexpr char kOrgB[] = "b0000000-0000-4000-8000-00000000000b";
constexpr char kPB[] = "b1000000-0000-4000-8000-000000000001";
constexpr char kCB[] = "b2000000-0000-4000-8000-000000000001";

std::string OrgLine(const std::string& id, const std::string& tz) {
  return R"({"type":"org","id":")" + id + R"(","name":"Org","timezone":")" + tz +
         R"(","plan":"ultra"})";
}
std::string ProjectLine(const std::string& id, const std::string& org) {
  return R"({"type":"project","id":")" + id + R"(","org_id":")" + org +
         R"(","name":"Program","readme":null})";
}
std::string CreatorLine(const std::string& id, const std::string& project,
                        const std::string& handle, const std::string& name = "") {
  return R"({"type":"creator","id":")" + id + R"(","project_id":")" + project +
         R"(","tiktok_handle":")" + handle + R"(","display_name":)" +
         (name.empty() ? "null" : JsonString(name)) +
         R"(,"tracking_mode":"auto","tracking_start_date":"2025-01-01"})";
}
std::string VideoLine(const std::string& id, const std::string& project, const std::string& creator,
                      const std::string& tiktok_id, const std::string& status,
                      const std::string& posted_at) {
  return R"({"type":"video","id":")" + id + R"(","project_id":")" + project +
         R"(","creator_id":")" + creator + R"(","tiktok_video_id":")" + tiktok_id +
         R"(","title":null,"tracking_status":")" + status + R"(","posted_at":")" + posted_at +
         R"(","created_at":")" + posted_at + "\"}";
}
// A snapshot with views and likes (the other three counts 0).
std::string SnapLine(const std::string& video, const std::string& at, std::int64_t views,
                     std::int64_t likes) {
  return R"({"type":"video_snapshot","video_id":")" + video + R"(","snapshot_at":")" + at +
         R"(","view_count":)" + std::to_string(views) + R"(,"like_count":)" +
         std::to_string(likes) + R"(,"comment_count":0,"share_count":0,"save_count":0})";
}
std::string FollowersLine(const std::string& creator, const std::string& at,
                          std::int64_t followers) {
  return R"({"type":"creator_snapshot","creator_id":")" + creator + R"(","snapshot_at":")" + at +
         R"(","follower_count":)" + std::to_string(followers) +
         R"(,"following_count":1,"like_count":1,"video_count":1})";
}

std::string ErrorOf(const HttpResult& r) {
  if (!r.json_ok || !r.json.is_object()) return "";
  const auto* e = r.json.as_object().if_contains("error");
  return e && e->is_string() ? std::string(e->as_string()) : "";
}
std::string Str(const json::value& v, std::string_view key) {
  const auto* o = v.if_object();
  if (!o || !o->contains(key) || !o->at(key).is_string()) return "";
  return std::string(o->at(key).as_string());
}
std::set<std::string> KeysOf(const json::value& v) {
  std::set<std::string> keys;
  if (const auto* o = v.if_object()) {
    for (const auto& m : *o) keys.emplace(m.key());
  }
  return keys;
}
double Num(const json::value& v) { return v.is_double() ? v.get_double() : v.to_number<double>(); }

// Videos of alice (UTC, all days below are UTC days). Views / likes per snapshot, gains by
// spec/videos.md (a video's first snapshot is its baseline and gains 0):
//   V1 posted Mon 03-02 10:00 auto_tracked:  03-02 12:00 100/10 (baseline), 03-03 12:00 1100/60,
//        03-04 08:00 2100/110  -> gains 03-03: 1000 views, 50 likes; 03-04: 1000, 50
//   V2 posted Tue 03-03 09:00 included:      03-03 10:00 500/5 (baseline), 03-04 10:00 1500/25
//        -> gains 03-04: 1000 views, 20 likes
//   V3 posted Wed 03-04 06:00 direct_add:    03-04 07:00 50/1 (baseline) -> no gain
//   V4 posted 03-03 15:00 pending_review, V5 posted 03-03 16:00 excluded, V7 posted 03-04 05:00
//        auto_tracked with tracking disabled: never counted for goals (each has big gains)
//   V6 posted Fri 02-27 10:00 auto_tracked:  02-27 12:00 1000/10 (baseline), 03-01 12:00 3000/30,
//        03-03 12:00 4000/70, 03-04 09:00 4500/75
//        -> gains 03-01: 2000 views, 20 likes; 03-03: 1000, 40; 03-04: 500, 5
// Followers of alice: 02-25 20:00 900, 03-01 20:00 1000, 03-03 20:00 1200, 03-04 08:00 1300.
// bob: one follower snapshot 03-03 20:00 (16 hours before now); carol: none; dave is in P2.
class GoalsTest : public BlackBoxTest {
 protected:
  void Configure(ServerProcess::Options& options) override { options.fake_now = kNow; }

  void SetUp() override {
    BlackBoxTest::SetUp();
    if (HasFatalFailure()) return;
    const std::string v = "a3000000-0000-4000-8000-00000000000";
    ASSERT_TRUE(Import({
        OrgLine(kOrgA, "UTC"),
        ProjectLine(kP1, kOrgA),
        ProjectLine(kP2, kOrgA),
        CreatorLine(kAlice, kP1, "alice", "Alice A"),
        CreatorLine(kBob, kP1, "Bob"),
        CreatorLine(kCarol, kP1, "carol"),
        CreatorLine(kDave, kP2, "dave"),
        VideoLine(v + "1", kP1, kAlice, "7300000000000000001", "auto_tracked",
                  "2026-03-02T10:00:00Z"),
        VideoLine(v + "2", kP1, kAlice, "7300000000000000002", "included", "2026-03-03T09:00:00Z"),
        VideoLine(v + "3", kP1, kAlice, "7300000000000000003", "direct_add",
                  "2026-03-04T06:00:00Z"),
        VideoLine(v + "4", kP1, kAlice, "7300000000000000004", "pending_review",
                  "2026-03-03T15:00:00Z"),
        VideoLine(v + "5", kP1, kAlice, "7300000000000000005", "excluded", "2026-03-03T16:00:00Z"),
        VideoLine(v + "6", kP1, kAlice, "7300000000000000006", "auto_tracked",
                  "2026-02-27T10:00:00Z"),
        VideoLine(v + "7", kP1, kAlice, "7300000000000000007", "auto_tracked",
                  "2026-03-04T05:00:00Z"),
        SnapLine(v + "1", "2026-03-02T12:00:00Z", 100, 10),
        SnapLine(v + "1", "2026-03-03T12:00:00Z", 1100, 60),
        SnapLine(v + "1", "2026-03-04T08:00:00Z", 2100, 110),
        SnapLine(v + "2", "2026-03-03T10:00:00Z", 500, 5),
        SnapLine(v + "2", "2026-03-04T10:00:00Z", 1500, 25),
        SnapLine(v + "3", "2026-03-04T07:00:00Z", 50, 1),
        SnapLine(v + "4", "2026-03-03T16:00:00Z", 10, 0),
        SnapLine(v + "4", "2026-03-04T10:00:00Z", 90000, 9000),
        SnapLine(v + "5", "2026-03-03T17:00:00Z", 10, 0),
        SnapLine(v + "5", "2026-03-04T10:00:00Z", 90000, 9000),
        SnapLine(v + "6", "2026-02-27T12:00:00Z", 1000, 10),
        SnapLine(v + "6", "2026-03-01T12:00:00Z", 3000, 30),
        SnapLine(v + "6", "2026-03-03T12:00:00Z", 4000, 70),
        SnapLine(v + "6", "2026-03-04T09:00:00Z", 4500, 75),
        SnapLine(v + "7", "2026-03-04T05:30:00Z", 10, 0),
        SnapLine(v + "7", "2026-03-04T10:00:00Z", 90000, 9000),
        FollowersLine(kAlice, "2026-02-25T20:00:00Z", 900),
        FollowersLine(kAlice, "2026-03-01T20:00:00Z", 1000),
        FollowersLine(kAlice, "2026-03-03T20:00:00Z", 1200),
        FollowersLine(kAlice, "2026-03-04T08:00:00Z", 1300),
        FollowersLine(kBob, "2026-03-03T20:00:00Z", 50),
        OrgLine(kOrgB, "UTC"),
        ProjectLine(kPB, kOrgB),
        CreatorLine(kCB, kPB, "zed"),
    }));
    Sql("UPDATE videos SET tracking_disabled = 1 WHERE id = '" + v + "7'");
    key_a_ = CreateKey(kOrgA).secret;
    key_b_ = CreateKey(kOrgB).secret;
  }

  ::testing::AssertionResult Import(const std::vector<std::string>& lines) {
    std::string path = dir_->File("import-" + std::to_string(imports_++) + ".jsonl");
    {
      std::ofstream out(path);
      for (const auto& line : lines) out << line << "\n";
    }
    auto r = Cli({"import", path, "--fake-now", kNow});
    if (r.exit_code != 0) return ::testing::AssertionFailure() << "import failed: " << r.err;
    return ::testing::AssertionSuccess();
  }

  // Creates a goal for `creator`; returns its id ("" and a test failure otherwise).
  std::string AddGoal(const std::string& creator, const std::string& body) {
    auto r = Call("POST", "/api/v1/creators/" + creator + "/goals", key_a_, body);
    EXPECT_EQ(r.status, 201) << body << " -> " << r.body;
    return Str(DataOf(r), "id");
  }

  // The compliance entries of a goal-compliance answer, by goal id.
  static std::map<std::string, json::value> ByGoal(const HttpResult& r) {
    std::map<std::string, json::value> out;
    json::value data = DataOf(r);
    if (!data.is_array()) return out;
    for (const auto& row : data.as_array()) {
      for (const auto& c : row.as_object().at("compliance").as_array()) {
        out[Str(c.as_object().at("goal"), "id")] = c;
      }
    }
    return out;
  }

  HttpResult Compliance(const std::string& query = "") {
    return Get(std::string("/api/v1/projects/") + kP1 + "/goal-compliance" + query, key_a_);
  }

  std::string key_a_;
  std::string key_b_;
  int imports_ = 0;
};

struct Expect {
  const char* body;
  json::value actual;
  std::int64_t percentage;
  const char* status;
};

// Every metric x period for alice, at Wednesday 03-04 12:00 UTC. Elapsed fractions: the day
// 12/24; the week (Mon 03-02 ..) 60/168 = 0.357; the month (March, 31 days) 84/744 = 0.113.
TEST_F(GoalsTest, EveryMetricAndPeriodDuringThePeriod) {
  const std::vector<Expect> cases = {
      // posts: the week has V1, V2, V3 (V4 pending, V5 excluded, V7 disabled, V6 last week).
      // Expected 8 x 0.357 = 2.86 <= 3 -> on_track; 3 / 8 = 37.5 % -> 37.
      {R"({"metric":"posts","period":"weekly","target_value":8})", 3, 37, "on_track"},
      // The day: V3 only. Expected 3 x 0.5 = 1.5; 0.7 x 1.5 = 1.05 > 1 -> at_risk; 33.3 -> 33.
      {R"({"metric":"posts","period":"daily","target_value":3})", 1, 33, "at_risk"},
      // The month: V1, V2, V3. Expected 20 x 0.113 = 2.26 <= 3 -> on_track; 15 %.
      {R"({"metric":"posts","period":"monthly","target_value":20})", 3, 15, "on_track"},
      // views of the week's posts: V1 1000 + 1000, V2 1000, V3 0 = 3000. Expected
      // 9000 x 0.357 = 3214; 0.7 x 3214 = 2250 <= 3000 -> behind_pace; 33.3 -> 33.
      {R"({"metric":"views","period":"weekly","target_value":9000})", 3000, 33, "behind_pace"},
      // The same 3000 against 2000: expected 714 -> on_track, 150 %.
      {R"({"metric":"views","period":"weekly","target_value":2000})", 3000, 150, "on_track"},
      // The day's posts: V3 only, whose baseline gains nothing -> 0 of expected 50: at_risk.
      {R"({"metric":"views","period":"daily","target_value":100})", 0, 0, "at_risk"},
      // The month's posts V1, V2, V3: 3000 of 50000; expected 5645, 0.7 x = 3952 -> at_risk, 6.
      {R"({"metric":"views","period":"monthly","target_value":50000})", 3000, 6, "at_risk"},
      // engagement over the week, all counted posts: views 2000 (V1) + 1000 (V2) + 1500 (V6)
      // = 4500; likes 100 + 20 + 45 = 165; 165 / 4500 x 100 = 3.6667 %. Target 4: expected 4,
      // 0.7 x 4 = 2.8 -> behind_pace; 91.67 -> 91.
      {R"({"metric":"engagement","period":"weekly","target_value":4})", 3.6667, 91, "behind_pace"},
      // The day: views 1000 + 1000 + 500 = 2500, likes 50 + 20 + 5 = 75 -> 3 % vs 2.5: 120 %.
      {R"({"metric":"engagement","period":"daily","target_value":2.5})", 3, 120, "on_track"},
      // The month adds V6's 03-01: views 6500, likes 185 -> 2.8462 % vs 5 (3.5 needed for
      // behind) -> at_risk; 56.92 -> 56.
      {R"({"metric":"engagement","period":"monthly","target_value":5})", 2.8462, 56, "at_risk"},
      // followers: the week from 1000 (03-01 20:00) to 1300 = 300; expected 500 x 0.357 = 179
      // -> on_track; 60 %.
      {R"({"metric":"followers","period":"weekly","target_value":500})", 300, 60, "on_track"},
      // The day from 1200 (03-03 20:00) to 1300 = 100; expected 125, 0.7 x = 87.5 ->
      // behind_pace; 40 %.
      {R"({"metric":"followers","period":"daily","target_value":250})", 100, 40, "behind_pace"},
      // The month from 900 (02-25) to 1300 = 400; expected 4000 x 0.113 = 452, 0.7 x = 316 ->
      // behind_pace; 10 %.
      {R"({"metric":"followers","period":"monthly","target_value":4000})", 400, 10, "behind_pace"},
  };
  std::vector<std::string> ids;
  for (const auto& c : cases) ids.push_back(AddGoal(kAlice, c.body));
  auto r = Compliance();
  ASSERT_EQ(r.status, 200) << r.body;
  auto by_goal = ByGoal(r);
  for (std::size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE(cases[i].body);
    ASSERT_TRUE(by_goal.count(ids[i])) << r.body;
    const auto& e = by_goal[ids[i]].as_object();
    EXPECT_DOUBLE_EQ(Num(e.at("actual")), Num(cases[i].actual));
    EXPECT_EQ(e.at("percentage"), json::value(cases[i].percentage));
    EXPECT_EQ(Str(e, "status"), cases[i].status);
    EXPECT_EQ(e.at("target"), json::parse(cases[i].body).as_object().at("target_value"));
  }
  // Counts are integers in the JSON, the engagement rate a decimal number.
  EXPECT_TRUE(by_goal[ids[0]].as_object().at("actual").is_int64());
  EXPECT_TRUE(by_goal[ids[7]].as_object().at("actual").is_double());
}

// Last week (Mon 02-23 .. Sun 03-01), closed 60 hours before now: completed or missed.
TEST_F(GoalsTest, PastPeriodsCompletedOrMissed) {
  std::string posts = AddGoal(kAlice, R"({"metric":"posts","period":"weekly","target_value":8})");
  std::string views =
      AddGoal(kAlice, R"({"metric":"views","period":"weekly","target_value":2000})");
  std::string views_big =
      AddGoal(kAlice, R"({"metric":"views","period":"weekly","target_value":9000})");
  std::string eng =
      AddGoal(kAlice, R"({"metric":"engagement","period":"weekly","target_value":1})");
  std::string fol =
      AddGoal(kAlice, R"({"metric":"followers","period":"weekly","target_value":500})");
  std::string daily = AddGoal(kAlice, R"({"metric":"posts","period":"daily","target_value":1})");
  auto r = Compliance("?reference_date=2026-02-25&period=weekly");
  ASSERT_EQ(r.status, 200) << r.body;
  auto by_goal = ByGoal(r);
  EXPECT_EQ(by_goal.size(), 5u) << "the daily goal is filtered out by period=weekly";
  auto check = [&](const std::string& id, std::int64_t actual_x10000, std::int64_t pct,
                   const char* status) {
    SCOPED_TRACE(id);
    const auto& e = by_goal[id].as_object();
    EXPECT_DOUBLE_EQ(Num(e.at("actual")) * 10000, static_cast<double>(actual_x10000));
    EXPECT_EQ(e.at("percentage"), json::value(pct));
    EXPECT_EQ(Str(e, "status"), status);
    const auto& adv = e.at("advisory").as_object();
    EXPECT_EQ(adv.at("period_in_progress"), json::value(false));
    EXPECT_EQ(adv.at("period_recently_ended"), json::value(false));  // 60 h > 48 h
    EXPECT_EQ(Str(adv, "period_start"), "2026-02-23T00:00:00Z");
    EXPECT_EQ(Str(adv, "period_end"), "2026-03-02T00:00:00Z");
    EXPECT_TRUE(adv.at("hours_until_period_end").is_null());
    double since = Num(adv.at("hours_since_period_end"));
    EXPECT_GE(since, 60);
    EXPECT_LE(since, 60.1);
  };
  // posts: V6 only (02-27) -> 1 of 8, 12.5 -> 12, missed.
  check(posts, 10000, 12, "missed");
  // views of last week's posts: V6's 03-01 gain 2000 -> exactly 2000: completed, 100 %.
  check(views, 20000000, 100, "completed");
  check(views_big, 20000000, 22, "missed");  // 22.2 -> 22
  // engagement: views 2000 (V6, 03-01), likes 20 -> 1 % = target 1: completed.
  check(eng, 10000, 100, "completed");
  // followers: no level before 02-23, so from the first inside (900, 02-25) to the last inside
  // (1000, 03-01) = 100 of 500 -> 20 %, missed.
  check(fol, 1000000, 20, "missed");
  (void)daily;
}

TEST_F(GoalsTest, RecentlyEndedPeriodCarriesItsAdvisory) {
  std::string g = AddGoal(kAlice, R"({"metric":"posts","period":"daily","target_value":3})");
  // Tuesday 03-03 closed at 03-04 00:00, 12 hours ago. Posts that day: V2 (V4 pending, V5
  // excluded) -> 1 of 3: missed, 33 %.
  auto r = Compliance("?reference_date=2026-03-03");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto e = ByGoal(r)[g].as_object();
  EXPECT_EQ(e.at("actual"), json::value(1));
  EXPECT_EQ(e.at("percentage"), json::value(33));
  EXPECT_EQ(Str(e, "status"), "missed");
  const auto& adv = e.at("advisory").as_object();
  EXPECT_EQ(adv.at("period_recently_ended"), json::value(true));
  EXPECT_EQ(adv.at("period_in_progress"), json::value(false));
  EXPECT_EQ(adv.at("has_advisory"), json::value(true));
  double since = Num(adv.at("hours_since_period_end"));
  EXPECT_GE(since, 12);
  EXPECT_LE(since, 12.1);
  // One message per active flag: recently ended only (alice was scraped 4 hours ago).
  EXPECT_EQ(adv.at("messages").as_array().size(), 1u) << r.body;
}

TEST_F(GoalsTest, ResponseShapeFieldByField) {
  std::string g = AddGoal(
      kAlice,
      R"({"metric":"posts","period":"weekly","target_value":15,"start_date":"2026-01-01"})");
  auto r = Compliance();
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_TRUE(IsEnvelope(r));
  json::value data = DataOf(r);
  ASSERT_TRUE(data.is_array());
  ASSERT_EQ(data.as_array().size(), 1u) << "only creators with goals appear: " << r.body;
  const auto& row = data.as_array()[0].as_object();
  EXPECT_EQ(KeysOf(row), (std::set<std::string>{"creator", "compliance"}));
  EXPECT_EQ(row.at("creator"), json::parse(R"({"id":")" + std::string(kAlice) +
                                           R"(","tiktok_handle":"alice","display_name":"Alice A",)"
                                           R"("avatar_url":null})"));
  const auto& c = row.at("compliance").as_array()[0].as_object();
  EXPECT_EQ(KeysOf(c), (std::set<std::string>{"goal", "target", "actual", "percentage", "status",
                                              "advisory"}));
  json::value goal = c.at("goal");
  std::string created_at = Str(goal, "created_at");
  EXPECT_EQ(created_at.substr(0, 14), "2026-03-04T12:");
  goal.as_object().erase("created_at");
  goal.as_object().erase("updated_at");
  EXPECT_EQ(goal, json::parse(R"({"id":")" + g + R"(","creator_id":")" + kAlice +
                              R"(","project_id":")" + kP1 +
                              R"(","metric":"posts","period":"weekly","target_value":15,)"
                              R"("start_date":"2026-01-01","end_date":null,"is_active":true})"));
  EXPECT_EQ(c.at("target"), json::value(15));
  EXPECT_EQ(c.at("actual"), json::value(3));
  EXPECT_EQ(c.at("percentage"), json::value(20));
  // Expected 15 x 60/168 = 5.36; 0.7 x = 3.75 > 3 -> at_risk.
  EXPECT_EQ(Str(c, "status"), "at_risk");
  const auto& adv = c.at("advisory").as_object();
  EXPECT_EQ(KeysOf(adv),
            (std::set<std::string>{"has_advisory", "period_in_progress", "period_recently_ended",
                                   "scrape_stale", "not_yet_started", "period_start", "period_end",
                                   "hours_until_period_end", "hours_since_period_end",
                                   "scrape_freshness", "messages"}));
  EXPECT_EQ(adv.at("has_advisory"), json::value(true));
  EXPECT_EQ(adv.at("period_in_progress"), json::value(true));
  EXPECT_EQ(adv.at("period_recently_ended"), json::value(false));
  EXPECT_EQ(adv.at("scrape_stale"), json::value(false));
  EXPECT_EQ(adv.at("not_yet_started"), json::value(false));
  EXPECT_EQ(Str(adv, "period_start"), "2026-03-02T00:00:00Z");
  EXPECT_EQ(Str(adv, "period_end"), "2026-03-09T00:00:00Z");
  // 4 days 12 hours left = 108 hours (less the seconds the test has run).
  double left = Num(adv.at("hours_until_period_end"));
  EXPECT_LE(left, 108);
  EXPECT_GE(left, 107.9);
  EXPECT_TRUE(adv.at("hours_since_period_end").is_null());
  // alice's newest profile snapshot: 03-04 08:00, 4 hours old; the ultra plan's profile floor
  // is 6 hours and the organization sets nothing, so the interval is 6 and nothing is overdue.
  EXPECT_EQ(adv.at("scrape_freshness"),
            json::parse(R"({"last_scraped_at":"2026-03-04T08:00:00Z",)"
                        R"("expected_interval_hours":6,"overdue_hours":0})"));
  ASSERT_EQ(adv.at("messages").as_array().size(), 1u);
  EXPECT_TRUE(adv.at("messages").as_array()[0].is_string());
}

TEST_F(GoalsTest, ScrapeStaleAfterTwiceTheInterval) {
  std::string a = AddGoal(kAlice, R"({"metric":"posts","period":"weekly","target_value":1})");
  std::string b = AddGoal(kBob, R"({"metric":"posts","period":"weekly","target_value":1})");
  std::string c = AddGoal(kCarol, R"({"metric":"followers","period":"weekly","target_value":1})");
  auto r = Compliance();
  ASSERT_EQ(r.status, 200) << r.body;
  // Creators ordered by handle, case aside: alice, Bob, carol.
  json::value data = DataOf(r);
  ASSERT_EQ(data.as_array().size(), 3u) << r.body;
  EXPECT_EQ(Str(data.as_array()[1].as_object().at("creator"), "tiktok_handle"), "Bob");
  auto by_goal = ByGoal(r);
  auto adv = [&](const std::string& id) { return by_goal[id].as_object().at("advisory"); };
  EXPECT_EQ(adv(a).as_object().at("scrape_stale"), json::value(false));
  // Bob: last snapshot 03-03 20:00, 16 hours ago > 2 x 6 -> stale; overdue 16 - 6 = 10 hours.
  const json::value adv_b = adv(b);
  const auto& fb = adv_b.as_object().at("scrape_freshness").as_object();
  EXPECT_EQ(adv(b).as_object().at("scrape_stale"), json::value(true));
  EXPECT_EQ(Str(fb, "last_scraped_at"), "2026-03-03T20:00:00Z");
  EXPECT_GE(Num(fb.at("overdue_hours")), 10);
  EXPECT_LE(Num(fb.at("overdue_hours")), 10.1);
  // Bob's messages: period in progress and stale.
  EXPECT_EQ(adv(b).as_object().at("messages").as_array().size(), 2u);
  // Carol was never scraped: stale, no time, nothing to be overdue from; no followers -> 0.
  EXPECT_EQ(adv(c).as_object().at("scrape_stale"), json::value(true));
  EXPECT_EQ(adv(c).as_object().at("scrape_freshness"),
            json::parse(R"({"last_scraped_at":null,"expected_interval_hours":6,)"
                        R"("overdue_hours":null})"));
  EXPECT_EQ(by_goal[c].as_object().at("actual"), json::value(0));

  // The organization asks for profiles every 10 hours: Bob's 16 hours are under 2 x 10.
  Sql(std::string("UPDATE organizations SET settings = '{\"creator_profiles_hours\":10}' "
                  "WHERE id = '") +
      kOrgA + "'");
  auto r2 = Compliance("?creator_id=" + std::string(kBob));
  ASSERT_EQ(r2.status, 200) << r2.body;
  auto fresh = ByGoal(r2)[b].as_object().at("advisory").as_object();
  EXPECT_EQ(fresh.at("scrape_stale"), json::value(false));
  EXPECT_EQ(fresh.at("scrape_freshness").as_object().at("expected_interval_hours"),
            json::value(10));
  // A plan floor above the setting wins: the free plan's 24 hours.
  Sql(std::string("UPDATE organizations SET plan = 'free' WHERE id = '") + kOrgA + "'");
  auto r3 = Compliance("?creator_id=" + std::string(kBob));
  ASSERT_EQ(r3.status, 200) << r3.body;
  EXPECT_EQ(ByGoal(r3)[b]
                .as_object()
                .at("advisory")
                .as_object()
                .at("scrape_freshness")
                .as_object()
                .at("expected_interval_hours"),
            json::value(24));
}

TEST_F(GoalsTest, FiltersAndGoalDates) {
  std::string weekly = AddGoal(kAlice, R"({"metric":"posts","period":"weekly","target_value":8})");
  std::string daily = AddGoal(kAlice, R"({"metric":"posts","period":"daily","target_value":3})");
  std::string inactive =
      AddGoal(kAlice, R"({"metric":"posts","period":"weekly","target_value":8,"is_active":false})");
  std::string future = AddGoal(
      kAlice,
      R"({"metric":"posts","period":"weekly","target_value":100,"start_date":"2026-03-10"})");
  // Ended Sunday 03-01: evaluated in its last week (02-23 .. 03-01): 1 post of 8, missed.
  std::string ended = AddGoal(
      kAlice, R"({"metric":"posts","period":"weekly","target_value":8,"end_date":"2026-03-01"})");
  std::string bob = AddGoal(kBob, R"({"metric":"posts","period":"weekly","target_value":1})");

  auto all = ByGoal(Compliance());
  EXPECT_EQ(all.count(inactive), 0u) << "inactive goals are not evaluated";
  EXPECT_EQ(all.size(), 5u);
  // Not started: 0 expected whatever the pace -> on_track, and the advisory flag.
  const auto& f = all[future].as_object();
  EXPECT_EQ(Str(f, "status"), "on_track");
  EXPECT_EQ(f.at("advisory").as_object().at("not_yet_started"), json::value(true));
  EXPECT_EQ(all[weekly].as_object().at("advisory").as_object().at("not_yet_started"),
            json::value(false));
  const auto& e = all[ended].as_object();
  EXPECT_EQ(Str(e, "status"), "missed");
  EXPECT_EQ(e.at("actual"), json::value(1));
  EXPECT_EQ(Str(e.at("advisory"), "period_end"), "2026-03-02T00:00:00Z");

  auto daily_only = ByGoal(Compliance("?period=daily"));
  EXPECT_EQ(daily_only.size(), 1u);
  EXPECT_EQ(daily_only.count(daily), 1u);
  auto missed = ByGoal(Compliance("?status=missed"));
  EXPECT_EQ(missed.size(), 1u);
  EXPECT_EQ(missed.count(ended), 1u);
  auto only_bob = ByGoal(Compliance(std::string("?creator_id=") + kBob));
  EXPECT_EQ(only_bob.size(), 1u);
  EXPECT_EQ(only_bob.count(bob), 1u);

  // Bad parameters.
  EXPECT_TRUE(IsError(Compliance("?period=yearly"), 400, "invalid_query"));
  EXPECT_EQ(ErrorOf(Compliance("?period=yearly")),
            "Query parameter 'period' must be one of daily, weekly, monthly, got 'yearly'");
  EXPECT_TRUE(IsError(Compliance("?status=great"), 400, "invalid_query"));
  EXPECT_TRUE(IsError(Compliance("?reference_date=2026-02-30"), 400, "invalid_query"));
  EXPECT_EQ(ErrorOf(Compliance("?reference_date=2026-02-30")),
            "Query parameter 'reference_date' must be a date YYYY-MM-DD, got '2026-02-30'");
  EXPECT_TRUE(IsError(Compliance("?reference_date=9999-12-31"), 400, "invalid_query"));
  EXPECT_TRUE(IsError(Compliance("?reference_date=1969-12-31"), 400, "invalid_query"));
  EXPECT_TRUE(IsError(Compliance("?creator_id=nope"), 400, "invalid_query"));
  // A creator of another project or organization, another organization's project: 404.
  EXPECT_TRUE(IsError(Compliance(std::string("?creator_id=") + kDave), 404, "not_found"));
  EXPECT_TRUE(IsError(Compliance(std::string("?creator_id=") + kCB), 404, "not_found"));
  EXPECT_TRUE(IsError(Get(std::string("/api/v1/projects/") + kPB + "/goal-compliance", key_a_), 404,
                      "not_found"));
  // A project without goals answers an empty list.
  auto empty = Get(std::string("/api/v1/projects/") + kP2 + "/goal-compliance", key_a_);
  EXPECT_EQ(empty.body, R"({"data":[],"error":null,"meta":null})");
}

TEST_F(GoalsTest, CrudAndValidation) {
  const std::string path = std::string("/api/v1/creators/") + kAlice + "/goals";
  auto created = Call("POST", path, key_a_,
                      R"({"metric":"engagement","period":"monthly","target_value":4.25,)"
                      R"("start_date":"2026-03-01","end_date":"2026-06-30"})");
  ASSERT_EQ(created.status, 201) << created.body;
  json::value g = DataOf(created);
  std::string id = Str(g, "id");
  EXPECT_TRUE(IsLowercaseUuid(id));
  EXPECT_EQ(Str(g, "project_id"), kP1);
  EXPECT_EQ(g.as_object().at("target_value"), json::value(4.25));
  EXPECT_EQ(g.as_object().at("is_active"), json::value(true));

  auto got = Get("/api/v1/goals/" + id, key_a_);
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(DataOf(got), g);
  auto listed = Get(path, key_a_);
  ASSERT_EQ(listed.status, 200);
  EXPECT_EQ(DataOf(listed), json::array({g}));
  EXPECT_EQ(listed.json.as_object().at("meta"),
            json::parse(R"({"nextCursor":null,"hasMore":false})"));

  auto patched = Call("PATCH", "/api/v1/goals/" + id, key_a_,
                      R"({"target_value":5,"end_date":null,"is_active":false})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(DataOf(patched).as_object().at("target_value"), json::value(5));
  EXPECT_TRUE(DataOf(patched).as_object().at("end_date").is_null());
  EXPECT_EQ(Str(DataOf(patched), "start_date"), "2026-03-01");
  EXPECT_EQ(DataOf(patched).as_object().at("is_active"), json::value(false));

  // Another organization sees nothing of it, and cannot reach alice.
  EXPECT_TRUE(IsError(Get("/api/v1/goals/" + id, key_b_), 404, "not_found"));
  EXPECT_TRUE(IsError(Call("PATCH", "/api/v1/goals/" + id, key_b_, R"({"target_value":1})"), 404,
                      "not_found"));
  EXPECT_TRUE(IsError(Call("DELETE", "/api/v1/goals/" + id, key_b_), 404, "not_found"));
  EXPECT_TRUE(IsError(Get(path, key_b_), 404, "not_found"));
  EXPECT_TRUE(
      IsError(Call("POST", path, key_b_, R"({"metric":"posts","period":"daily","target_value":1})"),
              404, "not_found"));

  auto deleted = Call("DELETE", "/api/v1/goals/" + id, key_a_);
  EXPECT_EQ(deleted.body,
            R"({"data":{"id":")" + id + R"(","deleted":true},"error":null,"meta":null})");
  EXPECT_TRUE(IsError(Get("/api/v1/goals/" + id, key_a_), 404, "not_found"));

  struct Bad {
    const char* body;
    const char* message;
  };
  const std::vector<Bad> bad = {
      {R"({"period":"daily","target_value":1})", "Field 'metric' is required"},
      {R"({"metric":"posts","target_value":1})", "Field 'period' is required"},
      {R"({"metric":"posts","period":"daily"})", "Field 'target_value' is required"},
      {R"({"metric":"likes","period":"daily","target_value":1})",
       "Field 'metric' must be one of posts, views, engagement, followers, got 'likes'"},
      {R"({"metric":"posts","period":"yearly","target_value":1})",
       "Field 'period' must be one of daily, weekly, monthly, got 'yearly'"},
      {R"({"metric":"posts","period":"daily","target_value":0})",
       "Field 'target_value' must be a number above 0 with at most 2 decimals, at most "
       "1000000000000"},
      {R"({"metric":"posts","period":"daily","target_value":-3})",
       "Field 'target_value' must be a number above 0 with at most 2 decimals, at most "
       "1000000000000"},
      {R"({"metric":"posts","period":"daily","target_value":"5"})",
       "Field 'target_value' must be a number above 0 with at most 2 decimals, at most "
       "1000000000000"},
      {R"({"metric":"engagement","period":"daily","target_value":4.255})",
       "Field 'target_value' must be a number above 0 with at most 2 decimals, at most "
       "1000000000000"},
      {R"({"metric":"posts","period":"daily","target_value":2.5})",
       "Field 'target_value' must be a whole number for metric 'posts'"},
      {R"({"metric":"posts","period":"daily","target_value":1,"start_date":"2026-13-01"})",
       "Field 'start_date' must be a date YYYY-MM-DD or null, got '2026-13-01'"},
      {R"({"metric":"posts","period":"daily","target_value":1,"end_date":5})",
       "Field 'end_date' must be a date YYYY-MM-DD or null"},
      {R"({"metric":"posts","period":"daily","target_value":1,"start_date":"2026-03-05",)"
       R"("end_date":"2026-03-04"})",
       "Field 'end_date' (2026-03-04) must not be before 'start_date' (2026-03-05)"},
      {R"({"metric":"posts","period":"daily","target_value":1,"is_active":"yes"})",
       "Field 'is_active' must be true or false"},
      {R"({"metric":"posts","period":"daily","target_value":1,"creator_id":"x"})",
       "Unknown field 'creator_id'"},
  };
  for (const auto& b : bad) {
    auto r = Call("POST", path, key_a_, std::string(b.body));
    EXPECT_TRUE(IsError(r, 400, "invalid_body")) << b.body << " -> " << r.body;
    EXPECT_EQ(ErrorOf(r), b.message) << b.body;
  }
  // PATCH: an empty body, and a metric change that would leave a fractional count target.
  std::string eng =
      AddGoal(kAlice, R"({"metric":"engagement","period":"daily","target_value":2.5})");
  auto empty = Call("PATCH", "/api/v1/goals/" + eng, key_a_, "{}");
  EXPECT_TRUE(IsError(empty, 400, "invalid_body"));
  auto to_posts = Call("PATCH", "/api/v1/goals/" + eng, key_a_, R"({"metric":"posts"})");
  EXPECT_TRUE(IsError(to_posts, 400, "invalid_body"));
  EXPECT_EQ(ErrorOf(to_posts), "Field 'target_value' must be a whole number for metric 'posts'");
  auto end_before = Call("PATCH", "/api/v1/goals/" + eng, key_a_,
                         R"({"start_date":"2026-03-05","end_date":"2026-03-01"})");
  EXPECT_TRUE(IsError(end_before, 400, "invalid_body"));
  // Unknown creator and goal, malformed ids.
  EXPECT_TRUE(IsError(Get("/api/v1/creators/a2000000-0000-4000-8000-0000000000ff/goals", key_a_),
                      404, "not_found"));
  EXPECT_TRUE(IsError(Get("/api/v1/goals/not-a-uuid", key_a_), 400, "invalid_params"));
}

TEST_F(GoalsTest, IdempotencyKeyReplaysTheCreation) {
  const std::string path = std::string("/api/v1/creators/") + kAlice + "/goals";
  const std::string body = R"({"metric":"views","period":"weekly","target_value":1000})";
  auto first = Call("POST", path, key_a_, body, {{"Idempotency-Key", "goal-1"}});
  ASSERT_EQ(first.status, 201) << first.body;
  auto again = Call("POST", path, key_a_, body, {{"Idempotency-Key", "goal-1"}});
  EXPECT_EQ(again.status, 201);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(again.Header("Idempotency-Replayed"), std::optional<std::string>("true"));
  auto listed = Get(path, key_a_);
  EXPECT_EQ(DataOf(listed).as_array().size(), 1u);
  auto other =
      Call("POST", path, key_a_, R"({"metric":"views","period":"weekly","target_value":2})",
           {{"Idempotency-Key", "goal-1"}});
  EXPECT_TRUE(IsError(other, 409, "idempotency_conflict"));
}

// Periods are calendar periods of the organization's zone. In New York (UTC-5 in March before
// the 8th) a post at 03-04 03:00Z was made on the local 03-03 (22:00), one at 06:00Z on the
// local 03-04 (01:00); counted by UTC days both would fall on 03-04.
TEST_F(GoalsTest, PeriodsFollowTheOrganizationsZone) {
  const std::string org = "c0000000-0000-4000-8000-0000000000cc";
  const std::string project = "c1000000-0000-4000-8000-0000000000cc";
  const std::string creator = "c2000000-0000-4000-8000-0000000000cc";
  ASSERT_TRUE(Import({
      OrgLine(org, "America/New_York"),
      ProjectLine(project, org),
      CreatorLine(creator, project, "nyc"),
      VideoLine("c3000000-0000-4000-8000-0000000000c1", project, creator, "7390000000000000001",
                "auto_tracked", "2026-03-04T03:00:00Z"),
      VideoLine("c3000000-0000-4000-8000-0000000000c2", project, creator, "7390000000000000002",
                "auto_tracked", "2026-03-04T06:00:00Z"),
  }));
  std::string key = CreateKey(org).secret;
  auto r = Call("POST", "/api/v1/creators/" + creator + "/goals", key,
                std::string(R"({"metric":"posts","period":"daily","target_value":2})"));
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string path = "/api/v1/projects/" + project + "/goal-compliance";
  // Today in New York is 03-04 (now is 07:00 EST): one post, the day runs 05:00Z to 05:00Z.
  auto today = Get(path, key);
  ASSERT_EQ(today.status, 200) << today.body;
  const json::value today_data = DataOf(today);
  const auto& t = today_data.as_array()[0].as_object().at("compliance").as_array()[0];
  EXPECT_EQ(t.as_object().at("actual"), json::value(1));
  EXPECT_EQ(Str(t.as_object().at("advisory"), "period_start"), "2026-03-04T05:00:00Z");
  EXPECT_EQ(Str(t.as_object().at("advisory"), "period_end"), "2026-03-05T05:00:00Z");
  // 7 of 24 hours gone: expected 2 x 7/24 = 0.58 <= 1 -> on_track; 50 %.
  EXPECT_EQ(Str(t, "status"), "on_track");
  EXPECT_EQ(t.as_object().at("percentage"), json::value(50));
  // Yesterday (local 03-03) holds the other post; it closed 2 hours ago (05:00Z).
  auto yesterday = Get(path + "?reference_date=2026-03-03", key);
  ASSERT_EQ(yesterday.status, 200) << yesterday.body;
  const json::value yesterday_data = DataOf(yesterday);
  const auto& y = yesterday_data.as_array()[0].as_object().at("compliance").as_array()[0];
  EXPECT_EQ(y.as_object().at("actual"), json::value(1));
  EXPECT_EQ(Str(y, "status"), "missed");
  EXPECT_EQ(y.as_object().at("advisory").as_object().at("period_recently_ended"),
            json::value(true));
}

TEST_F(GoalsTest, ListPagesNewestFirst) {
  const std::string path = std::string("/api/v1/creators/") + kAlice + "/goals";
  // Newest first by (created_at, id), worked out from the creation answers.
  std::vector<std::pair<std::string, std::string>> made;  // (created_at, id)
  for (int i = 1; i <= 3; ++i) {
    auto r =
        Call("POST", path, key_a_,
             R"({"metric":"posts","period":"daily","target_value":)" + std::to_string(i) + "}");
    ASSERT_EQ(r.status, 201);
    made.emplace_back(Str(DataOf(r), "created_at"), Str(DataOf(r), "id"));
  }
  std::sort(made.begin(), made.end(), std::greater<>());
  std::vector<std::string> expected;
  for (const auto& m : made) expected.push_back(m.second);
  auto p1 = Get(path + "?limit=2", key_a_);
  ASSERT_EQ(p1.status, 200);
  ASSERT_EQ(DataOf(p1).as_array().size(), 2u);
  EXPECT_EQ(Str(DataOf(p1).as_array()[0], "id"), expected[0]);
  EXPECT_EQ(Str(DataOf(p1).as_array()[1], "id"), expected[1]);
  std::string cursor = Str(p1.json.as_object().at("meta"), "nextCursor");
  ASSERT_FALSE(cursor.empty());
  auto p2 = Get(path + "?limit=2&cursor=" + cursor, key_a_);
  ASSERT_EQ(p2.status, 200) << p2.body;
  ASSERT_EQ(DataOf(p2).as_array().size(), 1u);
  EXPECT_EQ(Str(DataOf(p2).as_array()[0], "id"), expected[2]);
}

}  // namespace
}  // namespace goatherd::blackbox
