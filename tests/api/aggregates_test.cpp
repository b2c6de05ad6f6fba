// Black-box tests of the aggregates, GET /api/v1/analytics/aggregate/<name> (spec/analytics.md
// "Aggregates"), against the real binary. The data is imported with fixed ids, times and counts
// so that every expected value below is worked out by hand in the comments next to it. "Now" is
// fixed with --fake-now, which makes the default range (the last 30 days) 2026-01-31..03-01.
#include <boost/json/serialize.hpp>
#include <charconv>
#include <fstream>

#include "harness.h"

namespace goatherd::blackbox {
namespace {

namespace json = boost::json;

constexpr char kNow[] = "2026-03-01T12:00:00Z";  // a Sunday

constexpr char kOrgA[] = "a0000000-0000-4000-8000-000000000000";
constexpr char kP1[] = "a1000000-0000-4000-8000-000000000001";
constexpr char kP2[] = "a1000000-0000-4000-8000-000000000002";
constexpr char kC1[] = "a2000000-0000-4000-8000-000000000001";  // alpha
constexpr char kC2[] = "a2000000-0000-4000-8000-000000000002";  // bravo
constexpr char kC3[] = "a2000000-0000-4000-8000-000000000003";  // charlie, nothing posted
constexpr char kC4[] = "a2000000-0000-4000-8000-000000000004";  // in P2
constexpr char kV1[] = "a3000000-0000-4000-8000-000000000001";
constexpr char kV2[] = "a3000000-0000-4000-8000-000000000002";
constexpr char kV3[] = "a3000000-0000-4000-8000-000000000003";
constexpr char kV4[] = "a3000000-0000-4000-8000-000000000004";
constexpr char kV5[] = "a3000000-0000-4000-8000-000000000005";
constexpr char kV6[] = "a3000000-0000-4000-8000-000000000006";
constexpr char kV7[] = "a3000000-0000-4000-8000-000000000007";
constexpr char kV8[] = "a3000000-0000-4000-8000-000000000008";
constexpr char kV9[] = "a3000000-0000-4000-8000-000000000009";
constexpr char kV10[] = "a3000000-0000-4000-8000-000000000010";
constexpr char kOrgB[] = "b0000000-0000-4000-8000-000000000000";
constexpr char kPB[] = "b1000000-0000-4000-8000-000000000001";

std::string OrNull(const std::optional<std::string>& s) { return s ? JsonString(*s) : "null"; }

std::string VideoLine(const char* id, const char* project, std::optional<std::string> creator,
                      const char* tiktok_id, const char* status, const char* posted_at) {
  return R"({"type":"video","id":")" + std::string(id) + R"(","project_id":")" + project +
         R"(","creator_id":)" + OrNull(creator) + R"(,"tiktok_video_id":")" + tiktok_id +
         R"(","title":"Clip )" + tiktok_id + R"(","tracking_status":")" + status +
         R"(","posted_at":")" + posted_at + R"(","created_at":"2026-01-01T00:00:00Z"})";
}

// Counts in the order views, likes, comments, shares, saves.
std::string Snap(const char* video, const char* at, std::int64_t views, std::int64_t likes,
                 std::int64_t comments, std::int64_t shares, std::int64_t saves) {
  return R"({"type":"video_snapshot","video_id":")" + std::string(video) + R"(","snapshot_at":")" +
         at + R"(","view_count":)" + std::to_string(views) + R"(,"like_count":)" +
         std::to_string(likes) + R"(,"comment_count":)" + std::to_string(comments) +
         R"(,"share_count":)" + std::to_string(shares) + R"(,"save_count":)" +
         std::to_string(saves) + "}";
}

std::string Followers(const char* creator, const char* at, std::int64_t followers) {
  return R"({"type":"creator_snapshot","creator_id":")" + std::string(creator) +
         R"(","snapshot_at":")" + at + R"(","follower_count":)" + std::to_string(followers) +
         R"(,"following_count":1,"like_count":1,"video_count":1})";
}

std::string CreatorLine(const char* id, const char* project, const char* handle) {
  return R"({"type":"creator","id":")" + std::string(id) + R"(","project_id":")" + project +
         R"(","tiktok_handle":")" + handle +
         R"(","display_name":null,"tracking_mode":"auto","tracking_start_date":"2025-01-01"})";
}

// The dataset (organization A in UTC, project P1), counted videos:
//   video creator status        posted_at (UTC)              snapshots
//   (views,likes,comments,shares,saves) V1    alpha   auto_tracked  Fri 2026-02-20 10:00 02-20T12
//   (1000,100,10,5,5) 02-27T12 (5000,300,20,10,10) V2    alpha   included      Mon 2026-02-23 15:30
//   02-23T16 (200,10,1,0,1)    02-28T16 (800,40,4,2,2) V3    alpha   auto_tracked  Tue 2026-02-24
//   15:10         02-24T16 (100,5,0,0,0)     02-28T16 (601,30,3,0,0) V9    alpha   auto_tracked Tue
//   2026-02-24 15:50         02-26T16 (100,5,0,0,0)     02-28T16 (700,35,0,0,0) V10   alpha
//   auto_tracked  Fri 2026-02-27 15:05         02-27T16 (1000,50,5,0,0)   03-01T11
//   (9000,450,45,0,5) V4    bravo   auto_tracked  Wed 2026-02-25 15:45         02-25T16
//   (50,5,0,0,0)      03-01T10 (2500,100,10,5,5) V7    —       direct_add    Sat 2026-01-10 08:00
//   01-10T09 (300,6,0,0,0)     02-15T09 (3000,60,6,3,3)
// Not counted, so never seen: V5 (bravo, excluded, 99999 views), V6 (bravo, pending_review,
// 88888 views); V8 is in project P2. Followers: alpha 1000 (01-15), 1200 (02-22), 1500 (02-28);
// bravo 5000 (02-25), 4500 (02-27); charlie none.
class AggregatesTest : public BlackBoxTest {
 protected:
  void Configure(ServerProcess::Options& options) override { options.fake_now = kNow; }

  void SetUp() override {
    BlackBoxTest::SetUp();
    if (HasFatalFailure()) return;
    std::vector<std::string> lines = {
        R"({"type":"org","id":")" + std::string(kOrgA) +
            R"(","name":"A","timezone":"UTC","plan":"ultra"})",
        R"({"type":"project","id":")" + std::string(kP1) + R"(","org_id":")" + kOrgA +
            R"(","name":"P1","readme":null})",
        R"({"type":"project","id":")" + std::string(kP2) + R"(","org_id":")" + kOrgA +
            R"(","name":"P2","readme":null})",
        CreatorLine(kC1, kP1, "alpha"),
        CreatorLine(kC2, kP1, "bravo"),
        CreatorLine(kC3, kP1, "charlie"),
        CreatorLine(kC4, kP2, "delta"),
        VideoLine(kV1, kP1, kC1, "7300000000000000001", "auto_tracked", "2026-02-20T10:00:00Z"),
        VideoLine(kV2, kP1, kC1, "7300000000000000002", "included", "2026-02-23T15:30:00Z"),
        VideoLine(kV3, kP1, kC1, "7300000000000000003", "auto_tracked", "2026-02-24T15:10:00Z"),
        VideoLine(kV4, kP1, kC2, "7300000000000000004", "auto_tracked", "2026-02-25T15:45:00Z"),
        VideoLine(kV5, kP1, kC2, "7300000000000000005", "excluded", "2026-02-26T09:00:00Z"),
        VideoLine(kV6, kP1, kC2, "7300000000000000006", "pending_review", "2026-02-26T09:00:00Z"),
        VideoLine(kV7, kP1, std::nullopt, "7300000000000000007", "direct_add",
                  "2026-01-10T08:00:00Z"),
        VideoLine(kV8, kP2, kC4, "7300000000000000008", "auto_tracked", "2026-02-26T09:00:00Z"),
        VideoLine(kV9, kP1, kC1, "7300000000000000009", "auto_tracked", "2026-02-24T15:50:00Z"),
        VideoLine(kV10, kP1, kC1, "7300000000000000010", "auto_tracked", "2026-02-27T15:05:00Z"),
        Snap(kV1, "2026-02-20T12:00:00Z", 1000, 100, 10, 5, 5),
        Snap(kV1, "2026-02-27T12:00:00Z", 5000, 300, 20, 10, 10),
        Snap(kV2, "2026-02-23T16:00:00Z", 200, 10, 1, 0, 1),
        Snap(kV2, "2026-02-28T16:00:00Z", 800, 40, 4, 2, 2),
        Snap(kV3, "2026-02-24T16:00:00Z", 100, 5, 0, 0, 0),
        Snap(kV3, "2026-02-28T16:00:00Z", 601, 30, 3, 0, 0),
        Snap(kV9, "2026-02-26T16:00:00Z", 100, 5, 0, 0, 0),
        Snap(kV9, "2026-02-28T16:00:00Z", 700, 35, 0, 0, 0),
        Snap(kV10, "2026-02-27T16:00:00Z", 1000, 50, 5, 0, 0),
        Snap(kV10, "2026-03-01T11:00:00Z", 9000, 450, 45, 0, 5),
        Snap(kV4, "2026-02-25T16:00:00Z", 50, 5, 0, 0, 0),
        Snap(kV4, "2026-03-01T10:00:00Z", 2500, 100, 10, 5, 5),
        Snap(kV5, "2026-02-26T10:00:00Z", 99999, 9, 9, 9, 9),
        Snap(kV6, "2026-02-26T10:00:00Z", 88888, 8, 8, 8, 8),
        Snap(kV7, "2026-01-10T09:00:00Z", 300, 6, 0, 0, 0),
        Snap(kV7, "2026-02-15T09:00:00Z", 3000, 60, 6, 3, 3),
        Snap(kV8, "2026-02-26T10:00:00Z", 7777, 7, 7, 7, 7),
        Followers(kC1, "2026-01-15T00:00:00Z", 1000),
        Followers(kC1, "2026-02-22T00:00:00Z", 1200),
        Followers(kC1, "2026-02-28T00:00:00Z", 1500),
        Followers(kC2, "2026-02-25T00:00:00Z", 5000),
        Followers(kC2, "2026-02-27T00:00:00Z", 4500),
        R"({"type":"org","id":")" + std::string(kOrgB) +
            R"(","name":"B","timezone":"UTC","plan":"ultra"})",
        R"({"type":"project","id":")" + std::string(kPB) + R"(","org_id":")" + kOrgB +
            R"(","name":"PB","readme":null})",
    };
    std::string path = dir_->File("aggregates.jsonl");
    {
      std::ofstream out(path);
      for (const auto& line : lines) out << line << "\n";
    }
    auto r = Cli({"import", path, "--fake-now", kNow});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    key_ = CreateKey(kOrgA).secret;
  }

  HttpResult Agg(const std::string& name, const std::string& query) {
    return Get("/api/v1/analytics/aggregate/" + name + "?project_id=" + kP1 + query, key_);
  }

  // `data` of a 200 answer, failing the test otherwise.
  json::value Data(const HttpResult& r) {
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(IsEnvelope(r));
    if (!r.json_ok || !r.json.is_object()) return nullptr;
    return r.json.as_object().at("data");
  }

  // The text of `data` exactly as the server wrote it (Boost.JSON would print 650.5 as 6.505E2):
  // the envelope is written in the order data, error, meta.
  std::string DataText(const HttpResult& r) {
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(IsEnvelope(r));
    const std::string prefix = R"({"data":)";
    std::size_t end = r.body.rfind(R"(,"error":null,"meta":)");
    if (r.body.rfind(prefix, 0) != 0 || end == std::string::npos) return r.body;
    return r.body.substr(prefix.size(), end - prefix.size());
  }

  // The values of `field` in each row of an array (numbers in their shortest form).
  static std::vector<std::string> Column(const json::value& rows, const char* field) {
    std::vector<std::string> out;
    if (!rows.is_array()) return out;
    for (const auto& row : rows.as_array()) {
      const json::value& v = row.at(field);
      if (v.is_double()) {
        char buf[32];
        auto end = std::to_chars(buf, buf + sizeof buf, v.as_double()).ptr;
        out.emplace_back(buf, end);
      } else {
        out.push_back(json::serialize(v));
      }
    }
    return out;
  }

  std::string key_;
};

std::string Q(const char* id) { return std::string("\"") + id + "\""; }

TEST_F(AggregatesTest, VideoLeaderboardAllTimeByViews) {
  auto r = Agg("video-leaderboard", "");
  json::value data = Data(r);
  // All time, counted only: 9000 V10, 5000 V1, 3000 V7, 2500 V4, 800 V2, 700 V9, 601 V3.
  EXPECT_EQ(Column(data, "video_id"),
            (std::vector<std::string>{Q(kV10), Q(kV1), Q(kV7), Q(kV4), Q(kV2), Q(kV9), Q(kV3)}));
  EXPECT_EQ(json::serialize(r.json.at("meta")), R"({"total_count":7,"limit":50,"offset":0})");
  EXPECT_EQ(json::serialize(data.as_array().at(0)),
            std::string(R"({"video_id":")") + kV10 + R"(","creator_id":")" + kC1 +
                R"(","title":"Clip 7300000000000000010","thumbnail_url":null,)"
                R"("url":"https://www.tiktok.com/@alpha/video/7300000000000000010",)"
                R"("view_count":9000,"like_count":450,"comment_count":45,"share_count":0,)"
                R"("save_count":5,"posted_at":"2026-02-27T15:05:00Z"})");
}

TEST_F(AggregatesTest, VideoLeaderboardOrdersPagesAndRanges) {
  auto page = Agg("video-leaderboard", "&limit=2&offset=1");
  EXPECT_EQ(Column(Data(page), "video_id"), (std::vector<std::string>{Q(kV1), Q(kV7)}));
  EXPECT_EQ(page.json.at("meta").at("total_count").as_int64(), 7);
  // Newest post first.
  EXPECT_EQ(Column(Data(Agg("video-leaderboard", "&order=posted_at")), "video_id"),
            (std::vector<std::string>{Q(kV10), Q(kV4), Q(kV9), Q(kV3), Q(kV2), Q(kV1), Q(kV7)}));
  // Likes: 450 V10, 300 V1, 100 V4, 60 V7, 40 V2, 35 V9, 30 V3.
  EXPECT_EQ(Column(Data(Agg("video-leaderboard", "&order=like_count&limit=3")), "video_id"),
            (std::vector<std::string>{Q(kV10), Q(kV1), Q(kV4)}));
  // Posted 02-24..02-26: V3 601, V4 2500, V9 700.
  auto ranged = Agg("video-leaderboard", "&from=2026-02-24&to=2026-02-26");
  EXPECT_EQ(Column(Data(ranged), "video_id"), (std::vector<std::string>{Q(kV4), Q(kV9), Q(kV3)}));
  EXPECT_EQ(ranged.json.at("meta").at("total_count").as_int64(), 3);
  // Past the end: an empty page that still counts.
  auto past = Agg("video-leaderboard", "&offset=50");
  EXPECT_EQ(DataText(past), "[]");
  EXPECT_EQ(past.json.at("meta").at("total_count").as_int64(), 7);
}

TEST_F(AggregatesTest, PostingHeatmapInUtcAndInNewYork) {
  // UTC: V2 Mon 15h 800; V3 + V9 Tue 15h (601 + 700) / 2 = 650.5; V4 Wed 15h 2500;
  // V1 Fri 10h 5000; V10 Fri 15h 9000.
  auto utc = Agg("posting-heatmap", "&from=2026-02-20&to=2026-03-01");
  EXPECT_EQ(DataText(utc), R"([{"dow":1,"hour":15,"post_count":1,"avg_views":800},)"
                           R"({"dow":2,"hour":15,"post_count":2,"avg_views":650.5},)"
                           R"({"dow":3,"hour":15,"post_count":1,"avg_views":2500},)"
                           R"({"dow":5,"hour":10,"post_count":1,"avg_views":5000},)"
                           R"({"dow":5,"hour":15,"post_count":1,"avg_views":9000}])");
  // New York is UTC-5 in February: 15:xx becomes 10:xx and V1 (10:00Z) 05:00 the same Friday.
  // The range 02-21..03-01 local starts at 02-21T05:00Z, so V1 (02-20) is out.
  auto ny = Agg("posting-heatmap", "&from=2026-02-21&to=2026-03-01&tz=America/New_York");
  EXPECT_EQ(DataText(ny), R"([{"dow":1,"hour":10,"post_count":1,"avg_views":800},)"
                          R"({"dow":2,"hour":10,"post_count":2,"avg_views":650.5},)"
                          R"({"dow":3,"hour":10,"post_count":1,"avg_views":2500},)"
                          R"({"dow":5,"hour":10,"post_count":1,"avg_views":9000}])");
}

TEST_F(AggregatesTest, ViewDistribution) {
  // Last 30 days (01-31..03-01): V1 5000, V2 800, V3 601, V4 2500, V9 700, V10 9000; V7 is
  // older. Sorted 601 700 800 2500 5000 9000, n = 6; nearest rank ceil(p/100 x 6):
  // p10 -> 1, p25 -> 2, p50 -> 3, p75 -> 5, p90 -> 6, p99 -> 6.
  // 2 log bins between 601 and 9000: the edge sqrt(601 x 9000) = 2325.7 (2325^2 = 5405625 <
  // 5409000 < 2326^2 = 5410276), so [601, 2325] and [2326, 9000], 3 values each.
  auto r = Agg("view-distribution", "&bins=2");
  EXPECT_EQ(DataText(r), R"({"video_count":6,"bins":[{"min":601,"max":2325,"count":3},)"
                         R"({"min":2326,"max":9000,"count":3}],"percentiles":{"p10":601,"p25":700,)"
                         R"("p50":800,"p75":5000,"p90":9000,"p99":9000}})");
  // 20 bins (default) still partition 601..9000 without gaps and hold the 6 values.
  json::value d = Data(Agg("view-distribution", ""));
  const auto& bins = d.at("bins").as_array();
  ASSERT_FALSE(bins.empty());
  EXPECT_EQ(bins.front().at("min").as_int64(), 601);
  EXPECT_EQ(bins.back().at("max").as_int64(), 9000);
  std::int64_t total = 0;
  for (std::size_t i = 0; i < bins.size(); ++i) {
    total += bins[i].at("count").as_int64();
    if (i > 0) {
      EXPECT_EQ(bins[i].at("min").as_int64(), bins[i - 1].at("max").as_int64() + 1);
    }
  }
  EXPECT_EQ(total, 6);
  EXPECT_LE(bins.size(), 20u);
  // Nothing posted: no bins, null percentiles.
  EXPECT_EQ(DataText(Agg("view-distribution", "&from=2025-06-01&to=2025-06-30")),
            R"({"video_count":0,"bins":[],"percentiles":{"p10":null,"p25":null,"p50":null,)"
            R"("p75":null,"p90":null,"p99":null}})");
}

TEST_F(AggregatesTest, Outliers) {
  // alpha's videos aged 0-6 days at now: V2 800, V3 601, V9 700, V10 9000 (V1 is 9 days old,
  // alone in its bucket). V10's peers 601 700 800 -> median 700; 9000 / 700 = 12.857 -> 12.86.
  // V2's peers 601 700 9000 -> median 700; 800 / 700 = 1.142857 -> 1.14 (below 3, above 1.1).
  // V9's peers 601 800 9000 -> 800; V3's 700 800 9000 -> 800: both below 1.
  // bravo has one counted video (V4): no peers.
  auto r = Agg("outliers", "");
  EXPECT_EQ(DataText(r), std::string(R"([{"video_id":")") + kV10 + R"(","creator_id":")" + kC1 +
                             R"(","view_count":9000,"creator_median":700,"ratio":12.86,)"
                             R"("posted_at":"2026-02-27T15:05:00Z"}])");
  EXPECT_EQ(r.json.at("meta").at("total_count").as_int64(), 1);
  auto low = Agg("outliers", "&min_ratio=1.1");
  EXPECT_EQ(Column(Data(low), "video_id"), (std::vector<std::string>{Q(kV10), Q(kV2)}));
  EXPECT_EQ(Column(Data(low), "ratio"), (std::vector<std::string>{"12.86", "1.14"}));
  // 800 > 1.1428 x 700 = 799.96 but not > 1.1429 x 700 = 800.03.
  EXPECT_EQ(Column(Data(Agg("outliers", "&min_ratio=1.1428")), "video_id").size(), 2u);
  EXPECT_EQ(Column(Data(Agg("outliers", "&min_ratio=1.1429")), "video_id").size(), 1u);
}

TEST_F(AggregatesTest, CreatorLeaderboard) {
  // Range 02-24..03-01 (UTC). Gains in it (day levels of spec/videos.md, baselines count 0):
  //   V1  02-27: (4000,200,10,5,5)      V2 02-28: (600,30,3,2,1)     V3 02-28: (501,25,3,0,0)
  //   V9  02-28: (600,30,0,0,0)         V10 03-01: (8000,400,40,0,5)
  //   alpha: views 13701, likes 685, comments 56, shares 7, saves 11; engagement 759;
  //          759 / 13701 x 100 = 5.53974 -> 5.5397; posts V3 V9 V10 = 3.
  //   V4  03-01: (2450,95,10,5,5) -> bravo: 115 / 2450 x 100 = 4.69388 -> 4.6939; posts 1.
  // Followers: alpha 1500 - 1200 (last before 02-24) = 300; bravo 4500 - 5000 (first in range)
  // = -500; charlie: no snapshot -> null.
  auto r = Agg("creator-leaderboard", "&from=2026-02-24&to=2026-03-01");
  EXPECT_EQ(DataText(r),
            std::string(R"([{"creator_id":")") + kC1 +
                R"(","handle":"alpha","views":13701,"likes":685,"comments":56,"shares":7,)"
                R"("saves":11,"posts":3,"engagement_rate":5.5397,"follower_count":1500,)"
                R"("follower_gain":300},{"creator_id":")" +
                kC2 +
                R"(","handle":"bravo","views":2450,"likes":95,"comments":10,"shares":5,)"
                R"("saves":5,"posts":1,"engagement_rate":4.6939,"follower_count":4500,)"
                R"("follower_gain":-500},{"creator_id":")" +
                kC3 +
                R"(","handle":"charlie","views":0,"likes":0,"comments":0,"shares":0,)"
                R"("saves":0,"posts":0,"engagement_rate":null,"follower_count":0,)"
                R"("follower_gain":null}])");
  EXPECT_EQ(json::serialize(r.json.at("meta")), R"({"total_count":3,"limit":50,"offset":0})");
  auto by_followers = Agg("creator-leaderboard", "&from=2026-02-24&order=follower_count");
  EXPECT_EQ(Column(Data(by_followers), "handle"),
            (std::vector<std::string>{"\"bravo\"", "\"alpha\"", "\"charlie\""}));
  auto by_gain =
      Agg("creator-leaderboard", "&from=2026-02-24&order=follower_gain&limit=1&offset=1");
  EXPECT_EQ(Column(Data(by_gain), "handle"), (std::vector<std::string>{"\"bravo\""}));
}

TEST_F(AggregatesTest, CreatorScatter) {
  // Same range: avg_views_per_post = views gained / counted posts published up to 03-01:
  // alpha 13701 / 5 (V1 V2 V3 V9 V10) = 2740.2; bravo 2450 / 1; charlie null.
  auto r = Agg("creator-scatter", "&from=2026-02-24&to=2026-03-01");
  EXPECT_EQ(DataText(r),
            std::string(R"([{"creator_id":")") + kC1 +
                R"(","handle":"alpha","follower_count":1500,"avg_views_per_post":2740.2,)"
                R"("engagement_rate":5.5397,"posts":3},{"creator_id":")" +
                kC2 +
                R"(","handle":"bravo","follower_count":4500,"avg_views_per_post":2450,)"
                R"("engagement_rate":4.6939,"posts":1},{"creator_id":")" +
                kC3 +
                R"(","handle":"charlie","follower_count":0,"avg_views_per_post":null,)"
                R"("engagement_rate":null,"posts":0}])");
}

TEST_F(AggregatesTest, PostingConsistency) {
  // Range Mon 02-16 .. Sun 03-01: ISO weeks of 02-16 and 02-23.
  // alpha: V1 (02-20) | V2 V3 V9 V10 -> 1, 4; mean 2.5; stddev 1.5; gaps 02-16..19 = 4 days;
  //   score = 100 x (2/2) / (1 + 1.5/2.5) = 62.5 -> 63.
  // bravo: V4 (02-25) -> 0, 1; mean 0.5; stddev 0.5; gap 02-16..02-24 = 9; 100 x 0.5 / 2 = 25.
  // charlie: nothing: 14-day gap, score 0.
  auto r = Agg("posting-consistency", "&from=2026-02-16&to=2026-03-01");
  auto row = [](const char* id, const char* handle, int w1, int w2, int total, const char* mean,
                const char* sd, int gap, int score) {
    return std::string(R"({"creator_id":")") + id + R"(","handle":")" + handle +
           R"(","posts_per_week":[{"week_start":"2026-02-16","posts":)" + std::to_string(w1) +
           R"(},{"week_start":"2026-02-23","posts":)" + std::to_string(w2) +
           R"(}],"total_posts":)" + std::to_string(total) + R"(,"mean":)" + mean + R"(,"stddev":)" +
           sd + R"(,"longest_gap_days":)" + std::to_string(gap) + R"(,"consistency_score":)" +
           std::to_string(score) + "}";
  };
  EXPECT_EQ(DataText(r), "[" + row(kC1, "alpha", 1, 4, 5, "2.5", "1.5", 4, 63) + "," +
                             row(kC2, "bravo", 0, 1, 1, "0.5", "0.5", 9, 25) + "," +
                             row(kC3, "charlie", 0, 0, 0, "0", "0", 14, 0) + "]");
}

// Campaigns made through the API. Resolved counted videos:
//   Launch (creator alpha + video V4): V1 V2 V3 V9 V10 V4 = 6;
//   Bravo only (creator bravo): V4 (V5 excluded and V6 pending are not counted) = 1;
//   Misc (videos V7 and V5): V7 (V5, excluded, is not counted here) = 1.
class AggregateCampaignsTest : public AggregatesTest {
 protected:
  std::string MakeCampaign(const std::string& name,
                           const std::vector<std::pair<std::string, std::string>>& items) {
    auto r = Call("POST", std::string("/api/v1/projects/") + kP1 + "/campaigns", key_,
                  R"({"name":")" + name + "\"}");
    EXPECT_EQ(r.status, 201) << r.body;
    if (!r.json_ok) return "";
    std::string id(r.json.at("data").at("id").as_string());
    for (const auto& [type, item] : items) {
      auto added = Call("POST", "/api/v1/campaigns/" + id + "/items", key_,
                        R"({"item_type":")" + type + R"(","item_id":")" + item + "\"}");
      EXPECT_EQ(added.status, 201) << added.body;
    }
    return id;
  }
};

TEST_F(AggregateCampaignsTest, CampaignLeaderboardAndMemberOverlap) {
  std::string launch = MakeCampaign("Launch", {{"creator", kC1}, {"video", kV4}});
  std::string bravo = MakeCampaign("Bravo only", {{"creator", kC2}});
  std::string misc = MakeCampaign("Misc", {{"video", kV7}, {"video", kV5}});
  // 02-24..03-01: Launch = alpha's gains (13701,685,56,7,11) + V4's (2450,95,10,5,5)
  //   = (16151,780,66,12,16); engagement 874 / 16151 x 100 = 5.41143 -> 5.4114; posts V3 V9 V10 V4.
  // Bravo only = V4: 4.6939, 1 post. Misc = V7, whose snapshots are all before the range: 0.
  auto r = Agg("campaign-leaderboard", "&from=2026-02-24&to=2026-03-01");
  EXPECT_EQ(DataText(r),
            R"([{"campaign_id":")" + launch +
                R"(","name":"Launch","video_count":6,"views":16151,"likes":780,"comments":66,)"
                R"("shares":12,"saves":16,"posts":4,"engagement_rate":5.4114},)"
                R"({"campaign_id":")" +
                bravo +
                R"(","name":"Bravo only","video_count":1,"views":2450,"likes":95,)"
                R"("comments":10,"shares":5,"saves":5,"posts":1,"engagement_rate":4.6939},)"
                R"({"campaign_id":")" +
                misc +
                R"(","name":"Misc","video_count":1,"views":0,"likes":0,"comments":0,)"
                R"("shares":0,"saves":0,"posts":0,"engagement_rate":null}])");
  EXPECT_EQ(r.json.at("meta").at("total_count").as_int64(), 3);
  // Only Launch and Bravo only share anything: video V4 and creator bravo (Launch's creators
  // are alpha and bravo, through V4). Jaccard of the video sets: 1 / (6 + 1 - 1) = 0.1667.
  auto overlap = Agg("member-overlap", "");
  EXPECT_EQ(DataText(overlap),
            R"([{"campaign_a_id":")" + bravo +
                R"(","campaign_a_name":"Bravo only",)"
                R"("campaign_b_id":")" +
                launch +
                R"(","campaign_b_name":"Launch","shared_creators":1,"shared_videos":1,)"
                R"("jaccard_index":0.1667}])");
}

TEST_F(AggregatesTest, GoalCompliance) {
  // Weekly post goals, looked at in the week of 2026-02-22 (Mon 02-16 .. Sun 02-22, past):
  // alpha posted once (V1, 02-20): target 1 completed, target 3 missed; bravo posted nothing:
  // target 1 missed.
  for (auto [creator, target] : {std::pair{kC1, 1}, std::pair{kC1, 3}, std::pair{kC2, 1}}) {
    auto g = Call("POST", std::string("/api/v1/creators/") + creator + "/goals", key_,
                  R"({"metric":"posts","period":"weekly","target_value":)" +
                      std::to_string(target) + R"(,"start_date":"2026-01-01"})");
    ASSERT_EQ(g.status, 201) << g.body;
  }
  auto r = Agg("goal-compliance", "&reference_date=2026-02-22");
  EXPECT_EQ(DataText(r),
            R"({"reference_date":"2026-02-22","on_track":0,"behind_pace":0,"at_risk":0,)"
            R"("completed":1,"missed":2,"total":3})");
  auto bad = Agg("goal-compliance", "&reference_date=yesterday");
  EXPECT_TRUE(IsError(bad, 400, "invalid_query")) << bad.body;
  auto other =
      Get(std::string("/api/v1/analytics/aggregate/goal-compliance?project_id=") + kPB, key_);
  EXPECT_TRUE(IsError(other, 404, "not_found")) << other.body;
}

TEST_F(AggregatesTest, BadQueriesAre400) {
  struct Case {
    std::string target;
    std::string says;  // a part of the message
  };
  const std::string base = "/api/v1/analytics/aggregate/";
  const std::string p = std::string("?project_id=") + kP1;
  const std::vector<Case> cases = {
      {base + "video-leaderboard", "project_id"},
      {base + "video-leaderboard?project_id=nope", "project_id"},
      {base + "video-leaderboard" + p + "&order=views", "order"},
      {base + "video-leaderboard" + p + "&limit=101", "limit"},
      {base + "video-leaderboard" + p + "&limit=0", "limit"},
      {base + "video-leaderboard" + p + "&offset=-1", "offset"},
      {base + "video-leaderboard" + p + "&from=2026-13-01", "from"},
      {base + "posting-heatmap" + p, "'from' and 'to'"},
      {base + "posting-heatmap" + p + "&from=2026-02-01", "'from' and 'to'"},
      {base + "view-distribution" + p + "&bins=0", "bins"},
      {base + "outliers" + p + "&min_ratio=abc", "min_ratio"},
      {base + "outliers" + p + "&min_ratio=0", "min_ratio"},
      {base + "creator-leaderboard" + p + "&order=view_count", "order"},
      {base + "creator-leaderboard" + p + "&limit=1000", "limit"},
      {base + "creator-scatter" + p + "&tz=Mars/Base", "time zone"},
      {base + "posting-consistency" + p + "&from=2026-03-02&to=2026-03-01", "after"},
      {base + "campaign-leaderboard" + p + "&order=bogus", "order"},
      {base + "member-overlap", "project_id"},
      {base + "goal-compliance", "project_id"},
  };
  for (const auto& c : cases) {
    auto r = Get(c.target, key_);
    EXPECT_TRUE(IsError(r, 400, "invalid_query")) << c.target << " -> " << r.body;
    std::string message = r.json_ok ? std::string(r.json.at("error").as_string()) : "";
    EXPECT_NE(message.find(c.says), std::string::npos) << c.target << " -> " << message;
  }
}

TEST_F(AggregatesTest, OtherOrganizationsProjectIs404) {
  for (const char* name : {"video-leaderboard", "posting-heatmap", "view-distribution", "outliers",
                           "creator-leaderboard", "posting-consistency", "creator-scatter",
                           "campaign-leaderboard", "member-overlap"}) {
    auto r = Get(std::string("/api/v1/analytics/aggregate/") + name + "?project_id=" + kPB +
                     "&from=2026-02-01&to=2026-02-28",
                 key_);
    EXPECT_TRUE(IsError(r, 404, "not_found")) << name << " -> " << r.body;
    auto unknown = Get(std::string("/api/v1/analytics/aggregate/") + name +
                           "?project_id=c1000000-0000-4000-8000-000000000009"
                           "&from=2026-02-01&to=2026-02-28",
                       key_);
    EXPECT_TRUE(IsError(unknown, 404, "not_found")) << name << " -> " << unknown.body;
  }
}

}  // namespace
}  // namespace goatherd::blackbox
