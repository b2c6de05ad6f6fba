// Black-box tests of the Videos API (spec/videos.md) against the real binary: the list, its
// filters and pages, one video, PATCH, and GET /videos/{id}/stats in its legacy and derived
// shapes, with cohorts, the result cache and plan retention. Data is loaded with `goatherd import`
// under fixed ids, times and counts, so that every expected value is worked out by hand; the
// arithmetic sits in the comments next to it. "Today" is fixed with --fake-now.
#include <atomic>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "harness.h"

namespace goatherd::blackbox {
namespace {

namespace json = boost::json;

// A Sunday: 07:00 in New York (UTC-5 in winter), 17:30 in Kolkata (UTC+5:30); the same date,
// 2026-03-01, in both. The server's clock starts here and then runs with real time.
constexpr char kNow[] = "2026-03-01T12:00:00Z";

const std::string kReadOnlyBody =
    R"({"data":null,"error":"This action requires the 'write' scope. Granted: [read]",)"
    R"("meta":{"code":"insufficient_scope","required":"write","granted":["read"]}})";
const std::string kEmptyPage =
    R"({"data":[],"error":null,"meta":{"nextCursor":null,"hasMore":false}})";

// ---------------------------------------------------------------------------------------------
// Import lines (spec/cli-and-import.md)

std::string OrgLine(const std::string& id, const std::string& tz, const std::string& plan) {
  return R"({"type":"org","id":")" + id + R"(","name":"Org )" + id.substr(0, 2) +
         R"(","timezone":")" + tz + R"(","plan":")" + plan + R"("})";
}

std::string ProjectLine(const std::string& id, const std::string& org) {
  return R"({"type":"project","id":")" + id + R"(","org_id":")" + org +
         R"(","name":"Program","readme":null})";
}

std::string CreatorLine(const std::string& id, const std::string& project,
                        const std::string& handle) {
  return R"({"type":"creator","id":")" + id + R"(","project_id":")" + project +
         R"(","tiktok_handle":")" + handle +
         R"(","display_name":null,"tracking_mode":"auto","tracking_start_date":"2025-01-01"})";
}

struct VideoSpec {
  std::string id;
  std::string project;
  std::optional<std::string> creator;
  std::string tiktok_id;
  std::string status;
  std::optional<std::string> title;
  std::optional<std::string> posted_at;
  std::string created_at;
};

std::string OrNull(const std::optional<std::string>& s) { return s ? JsonString(*s) : "null"; }

std::string VideoLine(const VideoSpec& v) {
  return R"({"type":"video","id":")" + v.id + R"(","project_id":")" + v.project +
         R"(","creator_id":)" + OrNull(v.creator) + R"(,"tiktok_video_id":")" + v.tiktok_id +
         R"(","title":)" + OrNull(v.title) + R"(,"tracking_status":")" + v.status +
         R"(","posted_at":)" + OrNull(v.posted_at) + R"(,"created_at":")" + v.created_at + "\"}";
}

struct Counts {
  std::int64_t views, likes, comments, shares, saves;
};

std::string CountsJson(const Counts& c) {
  return R"("view_count":)" + std::to_string(c.views) + R"(,"like_count":)" +
         std::to_string(c.likes) + R"(,"comment_count":)" + std::to_string(c.comments) +
         R"(,"share_count":)" + std::to_string(c.shares) + R"(,"save_count":)" +
         std::to_string(c.saves);
}

std::string SnapLine(const std::string& video, const std::string& at, const Counts& c,
                     const std::string& reason = "") {
  return R"({"type":"video_snapshot","video_id":")" + video + R"(","snapshot_at":")" + at + "\"," +
         CountsJson(c) + (reason.empty() ? "" : R"(,"reason":")" + reason + "\"") + "}";
}

// A snapshot as the legacy stats shape lists it.
std::string SnapJson(const std::string& at, const Counts& c) {
  return R"({"snapshot_at":")" + at + "\"," + CountsJson(c) + "}";
}

// ---------------------------------------------------------------------------------------------
// Reading answers

std::string ErrorOf(const HttpResult& r) {
  if (!r.json_ok || !r.json.is_object()) return "";
  const auto* e = r.json.as_object().if_contains("error");
  return e && e->is_string() ? std::string(e->as_string()) : "";
}

std::vector<std::string> IdsOf(const HttpResult& r) {
  std::vector<std::string> ids;
  json::value data = DataOf(r);
  if (!data.is_array()) return ids;
  for (const auto& v : data.as_array()) ids.emplace_back(v.as_object().at("id").as_string());
  return ids;
}

std::string StrOf(const json::value& v, std::string_view key) {
  const auto* o = v.if_object();
  if (!o || !o->contains(key) || !o->at(key).is_string()) return "";
  return std::string(o->at(key).as_string());
}

// The 21 fields of the video object, always all present.
const std::set<std::string> kVideoFields = {"id",
                                            "project_id",
                                            "creator_id",
                                            "tiktok_video_id",
                                            "url",
                                            "title",
                                            "description",
                                            "metadata",
                                            "thumbnail_url",
                                            "view_count",
                                            "like_count",
                                            "comment_count",
                                            "share_count",
                                            "save_count",
                                            "tracking_status",
                                            "tracking_disabled",
                                            "tracking_stopped_reason",
                                            "posted_at",
                                            "last_scraped_at",
                                            "created_at",
                                            "updated_at"};

std::set<std::string> KeysOf(const json::value& v) {
  std::set<std::string> keys;
  if (const auto* o = v.if_object()) {
    for (const auto& m : *o) keys.emplace(m.key());
  }
  return keys;
}

// `v` without `updated_at`, which is the time of the import or of the last PATCH and is checked
// on its own.
json::value WithoutUpdatedAt(json::value v) {
  if (auto* o = v.if_object()) o->erase("updated_at");
  return v;
}

class VideosTest : public BlackBoxTest {
 protected:
  void Configure(ServerProcess::Options& options) override { options.fake_now = kNow; }

  // Loads `lines` with `goatherd import`, a process of its own as an operator would run it.
  // Safe to call from another thread than the test's (each call writes its own file).
  ::testing::AssertionResult Import(const std::vector<std::string>& lines) {
    std::string path = dir_->File("import-" + std::to_string(import_files_++) + ".jsonl");
    {
      std::ofstream out(path);
      for (const auto& line : lines) out << line << "\n";
    }
    auto r = Cli({"import", path, "--fake-now", kNow});
    if (r.exit_code != 0) {
      return ::testing::AssertionFailure() << "import failed (" << r.exit_code << "): " << r.err;
    }
    return ::testing::AssertionSuccess();
  }

  HttpResult Patch(const std::string& id, const std::string& key, const std::string& body) {
    return Call("PATCH", "/api/v1/videos/" + id, key, body);
  }

  std::atomic<int> import_files_{0};
};

// ---------------------------------------------------------------------------------------------
// Listing, one video, PATCH

constexpr char kOrgA[] = "a0000000-0000-4000-8000-000000000000";
constexpr char kP1[] = "a1000000-0000-4000-8000-000000000001";
constexpr char kP2[] = "a1000000-0000-4000-8000-000000000002";
constexpr char kC1[] = "a2000000-0000-4000-8000-000000000001";
constexpr char kC2[] = "a2000000-0000-4000-8000-000000000002";
constexpr char kA1[] = "a3000000-0000-4000-8000-000000000001";
constexpr char kA2[] = "a3000000-0000-4000-8000-000000000002";
constexpr char kA3[] = "a3000000-0000-4000-8000-000000000003";
constexpr char kA4[] = "a3000000-0000-4000-8000-000000000004";
constexpr char kA5[] = "a3000000-0000-4000-8000-000000000005";
constexpr char kA6[] = "a3000000-0000-4000-8000-000000000006";
constexpr char kOrgB[] = "b0000000-0000-4000-8000-000000000000";
constexpr char kPB[] = "b1000000-0000-4000-8000-000000000001";
constexpr char kCB[] = "b2000000-0000-4000-8000-000000000001";
constexpr char kB1[] = "b3000000-0000-4000-8000-000000000001";

// Organization A (New York): projects P1 and P2, creators C1 "alice" and C2 "bob.films" in P1.
//   video  project creator status          created_at            posted_at
//   A1     P1      C1      auto_tracked    2026-02-20T16:00:00Z  2026-02-20T15:00:00Z
//   A5     P1      C2      included        2026-02-21T09:00:00Z  2026-02-19T10:00:00Z
//   A2     P1      C1      pending_review  2026-02-21T09:00:00Z  null
//   A3     P1      C2      excluded        2026-02-22T12:00:00Z  2026-02-22T00:00:00Z
//   A4     P2      null    direct_add      2026-02-23T08:00:00Z  2026-02-10T00:00:00Z
//   A6     P1      C2      auto_tracked    2025-11-01T01:00:00Z  2025-11-01T00:00:00Z
// Listed newest first by created_at, then id descending, never A3:
//   A4 (02-23), A5 and A2 (same second: id ...05 > ...02), A1 (02-20), A6 (2025).
// A5 is imported before A2, so an order by insertion would put A2 first.
// Organization B (UTC): project PB, creator CB, video B1.
class VideosListTest : public VideosTest {
 protected:
  void SetUp() override {
    VideosTest::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_TRUE(Import({
        OrgLine(kOrgA, "America/New_York", "ultra"),
        ProjectLine(kP1, kOrgA),
        ProjectLine(kP2, kOrgA),
        CreatorLine(kC1, kP1, "alice"),
        CreatorLine(kC2, kP1, "bob.films"),
        VideoLine({kA1, kP1, kC1, "7301000000000000001", "auto_tracked", "Morning routine",
                   "2026-02-20T15:00:00Z", "2026-02-20T16:00:00Z"}),
        VideoLine({kA5, kP1, kC2, "7301000000000000005", "included", std::nullopt,
                   "2026-02-19T10:00:00Z", "2026-02-21T09:00:00Z"}),
        VideoLine({kA2, kP1, kC1, "7301000000000000002", "pending_review", std::nullopt,
                   std::nullopt, "2026-02-21T09:00:00Z"}),
        VideoLine({kA3, kP1, kC2, "7301000000000000003", "excluded", "Off topic",
                   "2026-02-22T00:00:00Z", "2026-02-22T12:00:00Z"}),
        VideoLine({kA4, kP2, std::nullopt, "7301000000000000004", "direct_add", "Found by URL",
                   "2026-02-10T00:00:00Z", "2026-02-23T08:00:00Z"}),
        VideoLine({kA6, kP1, kC2, "7301000000000000006", "auto_tracked", "Old one",
                   "2025-11-01T00:00:00Z", "2025-11-01T01:00:00Z"}),
        // A1's snapshots out of time order: the latest (02-22T10:00) comes first in the file.
        SnapLine(kA1, "2026-02-22T10:00:00Z", {900, 90, 9, 3, 1}),
        SnapLine(kA1, "2026-02-20T17:00:00Z", {100, 10, 1, 0, 0}),
        SnapLine(kA1, "2026-02-21T12:00:00Z", {500, 50, 5, 2, 1}),
        SnapLine(kA4, "2026-02-23T09:00:00Z", {50, 5, 0, 0, 0}),
        OrgLine(kOrgB, "UTC", "ultra"),
        ProjectLine(kPB, kOrgB),
        CreatorLine(kCB, kPB, "zed"),
        VideoLine({kB1, kPB, kCB, "7302000000000000001", "auto_tracked", std::nullopt,
                   "2026-02-25T00:00:00Z", "2026-02-25T00:00:00Z"}),
    }));
    key_a_ = CreateKey(kOrgA).secret;
    key_b_ = CreateKey(kOrgB).secret;
  }

  // The video object of A1 as worked out by hand, `updated_at` aside.
  static json::value ExpectedA1(const std::string& handle) {
    return json::parse(
        R"({"id":"a3000000-0000-4000-8000-000000000001",
            "project_id":"a1000000-0000-4000-8000-000000000001",
            "creator_id":"a2000000-0000-4000-8000-000000000001",
            "tiktok_video_id":"7301000000000000001",
            "url":"https://www.tiktok.com/@)" +
        handle + R"(/video/7301000000000000001",
            "title":"Morning routine","description":null,"metadata":{},"thumbnail_url":null,
            "view_count":900,"like_count":90,"comment_count":9,"share_count":3,"save_count":1,
            "tracking_status":"auto_tracked","tracking_disabled":false,
            "tracking_stopped_reason":null,"posted_at":"2026-02-20T15:00:00Z",
            "last_scraped_at":"2026-02-22T10:00:00Z","created_at":"2026-02-20T16:00:00Z"})");
  }

  // updated_at is a row time written by the import (or a PATCH): on or after kNow and within the
  // few minutes a test runs.
  static void ExpectRecentUpdatedAt(const json::value& video) {
    std::string at = StrOf(video, "updated_at");
    ASSERT_TRUE(IsRfc3339Seconds(at)) << at;
    EXPECT_GE(ParseUtcSeconds(at), ParseUtcSeconds(kNow));
    EXPECT_LE(ParseUtcSeconds(at), ParseUtcSeconds(kNow) + 300);
  }

  std::string key_a_;
  std::string key_b_;
};

TEST_F(VideosListTest, ListsEveryStatusButExcludedNewestFirst) {
  auto r = Get("/api/v1/videos", key_a_);
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_TRUE(IsEnvelope(r));
  EXPECT_TRUE(r.json.as_object().at("error").is_null());
  EXPECT_EQ(MetaOf(r), json::parse(R"({"nextCursor":null,"hasMore":false})"));
  EXPECT_EQ(IdsOf(r), (std::vector<std::string>{kA4, kA5, kA2, kA1, kA6}));
  const json::value data = DataOf(r);
  for (const auto& v : data.as_array()) {
    SCOPED_TRACE(StrOf(v, "id"));
    EXPECT_EQ(KeysOf(v), kVideoFields);
  }
  // Organization B sees only its own video.
  EXPECT_EQ(IdsOf(Get("/api/v1/videos", key_b_)), (std::vector<std::string>{kB1}));
}

TEST_F(VideosListTest, EveryFieldOfTheVideoObjectByHand) {
  auto r = Get("/api/v1/videos", key_a_);
  ASSERT_EQ(r.status, 200) << r.body;
  std::map<std::string, json::value> by_id;
  const json::value data = DataOf(r);
  for (const auto& v : data.as_array()) by_id[StrOf(v, "id")] = v;
  ASSERT_EQ(by_id.size(), 5u) << r.body;

  // A1: counts from the snapshot with the latest snapshot_at (02-22T10:00, 900 views), although
  // the file gave it first; last_scraped_at is that snapshot's time.
  EXPECT_EQ(WithoutUpdatedAt(by_id[kA1]), ExpectedA1("alice"));
  ExpectRecentUpdatedAt(by_id[kA1]);

  // A2: pending_review, no snapshot yet (counts 0, last_scraped_at null), no title or posted_at;
  // tracking runs 90 days from created_at (02-21), so it still refreshes on 03-01.
  EXPECT_EQ(WithoutUpdatedAt(by_id[kA2]),
            json::parse(R"({"id":"a3000000-0000-4000-8000-000000000002",
            "project_id":"a1000000-0000-4000-8000-000000000001",
            "creator_id":"a2000000-0000-4000-8000-000000000001",
            "tiktok_video_id":"7301000000000000002",
            "url":"https://www.tiktok.com/@alice/video/7301000000000000002",
            "title":null,"description":null,"metadata":{},"thumbnail_url":null,
            "view_count":0,"like_count":0,"comment_count":0,"share_count":0,"save_count":0,
            "tracking_status":"pending_review","tracking_disabled":false,
            "tracking_stopped_reason":null,"posted_at":null,"last_scraped_at":null,
            "created_at":"2026-02-21T09:00:00Z"})"));
  ExpectRecentUpdatedAt(by_id[kA2]);

  // A6: posted 2025-11-01, 90 days later is 2026-01-30, before 03-01: expired.
  EXPECT_EQ(StrOf(by_id[kA6], "tracking_stopped_reason"), "expired");
  EXPECT_EQ(StrOf(by_id[kA6], "url"),
            "https://www.tiktok.com/@bob.films/video/7301000000000000006");
  EXPECT_EQ(StrOf(by_id[kA5], "tracking_status"), "included");

  // A4: added directly by URL, so no creator; the import brings no author handle, so only the
  // parts of the URL that do not depend on one are certain.
  const json::value& a4 = by_id[kA4];
  EXPECT_TRUE(a4.as_object().at("creator_id").is_null());
  EXPECT_EQ(StrOf(a4, "tracking_status"), "direct_add");
  EXPECT_EQ(StrOf(a4, "project_id"), kP2);
  std::string url = StrOf(a4, "url");
  EXPECT_EQ(url.rfind("https://www.tiktok.com/", 0), 0u) << url;
  EXPECT_TRUE(url.ends_with("/video/7301000000000000004")) << url;
  EXPECT_EQ(a4.as_object().at("view_count"), json::value(50));
  EXPECT_EQ(a4.as_object().at("like_count"), json::value(5));
  EXPECT_EQ(StrOf(a4, "last_scraped_at"), "2026-02-23T09:00:00Z");
  EXPECT_EQ(StrOf(a4, "posted_at"), "2026-02-10T00:00:00Z");
  EXPECT_TRUE(a4.as_object().at("tracking_stopped_reason").is_null());

  // GET of one video answers the same object as the list.
  auto one = Get(std::string("/api/v1/videos/") + kA1, key_a_);
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_TRUE(MetaOf(one).is_null()) << one.body;
  EXPECT_EQ(DataOf(one), by_id[kA1]);

  // The URL follows the creator's current handle: a new handle arrives by re-importing C1.
  ASSERT_TRUE(Import({CreatorLine(kC1, kP1, "alice.new")}));
  auto renamed = Get(std::string("/api/v1/videos/") + kA1, key_a_);
  EXPECT_EQ(StrOf(DataOf(renamed), "url"),
            "https://www.tiktok.com/@alice.new/video/7301000000000000001");
}

TEST_F(VideosListTest, FiltersByProjectAndCreator) {
  struct Case {
    std::string query;
    std::vector<std::string> ids;
  };
  const std::vector<Case> cases = {
      {std::string("project_id=") + kP1, {kA5, kA2, kA1, kA6}},
      {std::string("project_id=") + kP2, {kA4}},
      {std::string("creator_id=") + kC1, {kA2, kA1}},
      {std::string("creator_id=") + kC2, {kA5, kA6}},  // A3 is C2's too, but excluded
      {std::string("project_id=") + kP1 + "&creator_id=" + kC2, {kA5, kA6}},
      {std::string("project_id=") + kP2 + "&creator_id=" + kC1, {}},
      // Ids are accepted in either case.
      {"project_id=A1000000-0000-4000-8000-000000000002", {kA4}},
      {"creator_id=A2000000-0000-4000-8000-000000000001", {kA2, kA1}},
      // Unknown parameters are ignored.
      {std::string("color=red&creator_id=") + kC1, {kA2, kA1}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.query);
    auto r = Get("/api/v1/videos?" + c.query, key_a_);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(IdsOf(r), c.ids);
  }
  // Another organization's project or creator matches nothing: an empty page, not an error.
  for (const std::string& query :
       {std::string("project_id=") + kPB, std::string("creator_id=") + kCB,
        std::string("project_id=") + kPB + "&creator_id=" + kCB,
        std::string("project_id=a1000000-0000-4000-8000-0000000000ff")}) {
    SCOPED_TRACE(query);
    auto r = Get("/api/v1/videos?" + query, key_a_);
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, kEmptyPage);
  }
  for (const char* query : {"project_id=nope", "creator_id=123", "project_id=", "creator_id=",
                            "project_id=a1000000-0000-4000-8000-00000000000",
                            "creator_id=a2000000000040008000000000000001",
                            "project_id=a1000000-0000-4000-8000-000000000001&project_id=a1000000-"
                            "0000-4000-8000-000000000001"}) {
    SCOPED_TRACE(query);
    EXPECT_TRUE(IsError(Get(std::string("/api/v1/videos?") + query, key_a_), 400, "invalid_query"));
  }
}

TEST_F(VideosListTest, LimitsAndCursors) {
  // Pages of two over A4, A5, A2, A1, A6.
  std::vector<std::vector<std::string>> pages;
  std::vector<std::string> cursors;
  std::string target = "/api/v1/videos?limit=2";
  for (int page = 0; page < 5; ++page) {
    auto r = Get(target, key_a_);
    ASSERT_EQ(r.status, 200) << r.body;
    pages.push_back(IdsOf(r));
    json::value meta = MetaOf(r);
    ASSERT_TRUE(meta.is_object()) << r.body;
    EXPECT_EQ(KeysOf(meta), (std::set<std::string>{"nextCursor", "hasMore"}));
    const bool last = meta.as_object().at("nextCursor").is_null();
    EXPECT_EQ(meta.as_object().at("hasMore").as_bool(), !last) << r.body;
    if (last) break;
    cursors.emplace_back(meta.as_object().at("nextCursor").as_string());
    target = "/api/v1/videos?limit=2&cursor=" + cursors.back();
  }
  EXPECT_EQ(pages, (std::vector<std::vector<std::string>>{{kA4, kA5}, {kA2, kA1}, {kA6}}));
  ASSERT_EQ(cursors.size(), 2u);

  // limit=5 holds everything: no cursor. Above 100 is served as 100, not refused.
  auto five = Get("/api/v1/videos?limit=5", key_a_);
  EXPECT_EQ(IdsOf(five).size(), 5u);
  EXPECT_EQ(MetaOf(five), json::parse(R"({"nextCursor":null,"hasMore":false})"));
  auto big = Get("/api/v1/videos?limit=1000", key_a_);
  ASSERT_EQ(big.status, 200) << big.body;
  EXPECT_EQ(IdsOf(big).size(), 5u);

  for (const char* query : {"limit=0", "limit=-1", "limit=abc", "limit=", "limit=1.5", "limit=2x",
                            "limit=2&limit=2", "cursor=", "cursor=garbage"}) {
    SCOPED_TRACE(query);
    EXPECT_TRUE(IsError(Get(std::string("/api/v1/videos?") + query, key_a_), 400, "invalid_query"));
  }

  // A cursor belongs to its filters: reused with other ones it is a 400.
  auto filtered = Get(std::string("/api/v1/videos?limit=1&project_id=") + kP1, key_a_);
  ASSERT_EQ(IdsOf(filtered), (std::vector<std::string>{kA5}));
  const std::string c = std::string(MetaOf(filtered).as_object().at("nextCursor").as_string());
  auto same = Get(std::string("/api/v1/videos?limit=1&project_id=") + kP1 + "&cursor=" + c, key_a_);
  EXPECT_EQ(IdsOf(same), (std::vector<std::string>{kA2}));
  for (const std::string& query :
       {"limit=1&cursor=" + c, std::string("limit=1&project_id=") + kP2 + "&cursor=" + c,
        std::string("limit=1&project_id=") + kP1 + "&creator_id=" + kC1 + "&cursor=" + c,
        std::string("limit=1&creator_id=") + kC1 + "&cursor=" + c}) {
    SCOPED_TRACE(query);
    EXPECT_TRUE(IsError(Get("/api/v1/videos?" + query, key_a_), 400, "invalid_query"));
  }
  // A changed character makes it a forgery; another organization cannot use it either.
  std::string forged = cursors[0];
  forged[forged.size() / 2] = forged[forged.size() / 2] == 'A' ? 'B' : 'A';
  EXPECT_TRUE(
      IsError(Get("/api/v1/videos?limit=2&cursor=" + forged, key_a_), 400, "invalid_query"));
  EXPECT_TRUE(
      IsError(Get("/api/v1/videos?limit=2&cursor=" + cursors[0], key_b_), 400, "invalid_query"));
  // Nor is a cursor with a character added.
  EXPECT_TRUE(IsError(Get("/api/v1/videos?limit=2&cursor=" + cursors[0] + "x", key_a_), 400,
                      "invalid_query"));
}

TEST_F(VideosListTest, GetOneVideoOfAnyStatus) {
  // Excluded videos are never listed but are still served one by one.
  auto excluded = Get(std::string("/api/v1/videos/") + kA3, key_a_);
  ASSERT_EQ(excluded.status, 200) << excluded.body;
  EXPECT_EQ(StrOf(DataOf(excluded), "tracking_status"), "excluded");
  EXPECT_EQ(StrOf(DataOf(excluded), "title"), "Off topic");
  EXPECT_EQ(KeysOf(DataOf(excluded)), kVideoFields);

  auto upper = Get("/api/v1/videos/A3000000-0000-4000-8000-000000000001", key_a_);
  ASSERT_EQ(upper.status, 200) << upper.body;
  EXPECT_EQ(StrOf(DataOf(upper), "id"), kA1);

  // Another organization's video, and an unknown one: 404 in both directions.
  EXPECT_TRUE(IsError(Get(std::string("/api/v1/videos/") + kB1, key_a_), 404, "not_found"));
  EXPECT_TRUE(IsError(Get(std::string("/api/v1/videos/") + kA1, key_b_), 404, "not_found"));
  EXPECT_TRUE(IsError(Get("/api/v1/videos/a3000000-0000-4000-8000-0000000000ff", key_a_), 404,
                      "not_found"));
  for (const char* bad :
       {"not-a-uuid", "a3000000-0000-4000-8000-00000000000", "1",
        "a3000000000040008000000000000001", "g3000000-0000-4000-8000-000000000001"}) {
    SCOPED_TRACE(bad);
    EXPECT_TRUE(IsError(Get(std::string("/api/v1/videos/") + bad, key_a_), 400, "invalid_params"));
    EXPECT_TRUE(IsError(Get(std::string("/api/v1/videos/") + bad + "/stats", key_a_), 400,
                        "invalid_params"));
    EXPECT_TRUE(IsError(Patch(bad, key_a_, R"({"readme":"x"})"), 400, "invalid_params"));
  }
}

TEST_F(VideosListTest, PatchReadmeAndMetadata) {
  const std::string id = kA1;
  auto set = Patch(id, key_a_,
                   R"({"readme":"Strong performance driven by trending audio. Boosted by )"
                   R"(creator\u2019s pinned post.","metadata":{"b":[1,2],"a":{"x":6.5}}})");
  ASSERT_EQ(set.status, 200) << set.body;
  ASSERT_TRUE(IsEnvelope(set));
  json::value v = DataOf(set);
  EXPECT_EQ(KeysOf(v), kVideoFields);
  EXPECT_EQ(StrOf(v, "description"),
            "Strong performance driven by trending audio. Boosted by creator\u2019s pinned post.");
  EXPECT_EQ(v.as_object().at("metadata"), json::parse(R"({"a":{"x":6.5},"b":[1,2]})"));
  // Nothing else changed.
  json::value expected = ExpectedA1("alice");
  expected.as_object()["description"] = v.as_object().at("description");
  expected.as_object()["metadata"] = v.as_object().at("metadata");
  EXPECT_EQ(WithoutUpdatedAt(v), expected);
  ExpectRecentUpdatedAt(v);
  EXPECT_EQ(DataOf(Get("/api/v1/videos/" + id, key_a_)), v);

  // metadata is replaced, not merged; readme untouched when absent.
  auto replaced = Patch(id, key_a_, R"({"metadata":{"c":true}})");
  ASSERT_EQ(replaced.status, 200) << replaced.body;
  EXPECT_EQ(DataOf(replaced).as_object().at("metadata"), json::parse(R"({"c":true})"));
  EXPECT_EQ(StrOf(DataOf(replaced), "description"), StrOf(v, "description"));
  auto emptied = Patch(id, key_a_, R"({"metadata":{}})");
  EXPECT_EQ(DataOf(emptied).as_object().at("metadata"), json::value(json::object()));

  // null clears the readme.
  auto cleared = Patch(id, key_a_, R"({"readme":null})");
  ASSERT_EQ(cleared.status, 200) << cleared.body;
  EXPECT_TRUE(DataOf(cleared).as_object().at("description").is_null());
  EXPECT_TRUE(DataOf(Get("/api/v1/videos/" + id, key_a_)).as_object().at("description").is_null());

  // Sizes: 100,000 code points of readme (200,000 bytes of "é") pass, one more does not;
  // metadata of 65,536 bytes as received passes, 65,537 do not.
  std::string e_acute = "\xc3\xa9";
  std::string readme;
  for (int i = 0; i < 100000; ++i) readme += e_acute;
  EXPECT_EQ(Patch(id, key_a_, R"({"readme":")" + readme + "\"}").status, 200);
  auto long_readme = Patch(id, key_a_, R"({"readme":")" + readme + e_acute + "\"}");
  EXPECT_TRUE(IsError(long_readme, 400, "invalid_body"));
  EXPECT_NE(ErrorOf(long_readme).find("readme"), std::string::npos) << long_readme.body;
  // {"k":"xxx..."}: 6 bytes before the x's and 2 after.
  const std::string meta_max = R"({"k":")" + std::string(65536 - 8, 'x') + "\"}";
  ASSERT_EQ(meta_max.size(), 65536u);
  EXPECT_EQ(Patch(id, key_a_, R"({"metadata":)" + meta_max + "}").status, 200);
  const std::string meta_over = R"({"k":")" + std::string(65537 - 8, 'x') + "\"}";
  auto big_meta = Patch(id, key_a_, R"({"metadata":)" + meta_over + "}");
  EXPECT_TRUE(IsError(big_meta, 400, "invalid_body"));
  EXPECT_NE(ErrorOf(big_meta).find("metadata"), std::string::npos) << big_meta.body;
}

TEST_F(VideosListTest, PatchTrackingStatusDecisions) {
  // pending_review → excluded: no longer listed, still served alone.
  auto excluded = Patch(kA2, key_a_, R"({"tracking_status":"excluded"})");
  ASSERT_EQ(excluded.status, 200) << excluded.body;
  EXPECT_EQ(StrOf(DataOf(excluded), "tracking_status"), "excluded");
  EXPECT_EQ(IdsOf(Get("/api/v1/videos", key_a_)), (std::vector<std::string>{kA4, kA5, kA1, kA6}));
  EXPECT_EQ(StrOf(DataOf(Get(std::string("/api/v1/videos/") + kA2, key_a_)), "tracking_status"),
            "excluded");
  // excluded → included: listed again, in its place.
  auto included = Patch(kA2, key_a_, R"({"tracking_status":"included"})");
  ASSERT_EQ(included.status, 200) << included.body;
  EXPECT_EQ(StrOf(DataOf(included), "tracking_status"), "included");
  EXPECT_EQ(IdsOf(Get("/api/v1/videos", key_a_)),
            (std::vector<std::string>{kA4, kA5, kA2, kA1, kA6}));
  // An auto_tracked video may take either decision too.
  EXPECT_EQ(
      StrOf(DataOf(Patch(kA1, key_a_, R"({"tracking_status":"excluded"})")), "tracking_status"),
      "excluded");

  for (const char* value :
       {"auto_tracked", "pending_review", "direct_add", "bogus", "Included", ""}) {
    SCOPED_TRACE(value);
    auto r = Patch(kA5, key_a_, std::string(R"({"tracking_status":")") + value + "\"}");
    EXPECT_TRUE(IsError(r, 400, "invalid_body"));
    EXPECT_NE(ErrorOf(r).find("tracking_status"), std::string::npos) << r.body;
  }

  // A direct add has no Tracking Inbox decision: 409, and nothing of the body is applied.
  for (const char* body : {R"({"tracking_status":"included"})", R"({"tracking_status":"excluded"})",
                           R"({"readme":"never stored","tracking_status":"excluded"})"}) {
    SCOPED_TRACE(body);
    EXPECT_TRUE(IsError(Patch(kA4, key_a_, body), 409, "invalid_transition"));
  }
  auto a4 = DataOf(Get(std::string("/api/v1/videos/") + kA4, key_a_));
  EXPECT_EQ(StrOf(a4, "tracking_status"), "direct_add");
  EXPECT_TRUE(a4.as_object().at("description").is_null());
  // 400 comes before 409.
  EXPECT_TRUE(IsError(Patch(kA4, key_a_, R"({"tracking_status":"bogus"})"), 400, "invalid_body"));
  // Its readme may still be written.
  auto noted = Patch(kA4, key_a_, R"({"readme":"found by URL"})");
  EXPECT_EQ(noted.status, 200) << noted.body;
  EXPECT_EQ(StrOf(DataOf(noted), "description"), "found by URL");
}

TEST_F(VideosListTest, PatchWithTheStoredValuesChangesNothing) {
  auto first = Patch(kA5, key_a_, R"({"readme":"Notes","metadata":{"k":1}})");
  ASSERT_EQ(first.status, 200) << first.body;
  const json::value before = DataOf(first);
  // Past the second of that write, so a needless write would show in updated_at.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  for (const char* body :
       {R"({"readme":"Notes","metadata":{"k":1}})", R"({"readme":"Notes"})",
        R"({"metadata":{"k":1}})", R"({"tracking_status":"included"})",
        R"({"readme":"Notes","metadata":{"k":1},"tracking_status":"included"})"}) {
    SCOPED_TRACE(body);
    auto same = Patch(kA5, key_a_, body);
    ASSERT_EQ(same.status, 200) << same.body;
    EXPECT_EQ(DataOf(same), before);
  }
  // A real change moves updated_at on.
  auto changed = Patch(kA5, key_a_, R"({"readme":"Notes, revised"})");
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_GT(ParseUtcSeconds(StrOf(DataOf(changed), "updated_at")),
            ParseUtcSeconds(StrOf(before, "updated_at")));
  EXPECT_EQ(StrOf(DataOf(changed), "created_at"), "2026-02-21T09:00:00Z");
}

TEST_F(VideosListTest, PatchRejectsBadBodiesNamingTheField) {
  struct Case {
    std::string what, body, field;
  };
  const std::vector<Case> cases = {
      {"empty object", "{}", ""},
      {"unknown field", R"({"name":"x"})", "name"},
      {"unknown with known", R"({"readme":"x","title":"y"})", "title"},
      {"readme a number", R"({"readme":5})", "readme"},
      {"readme an object", R"({"readme":{"a":1}})", "readme"},
      {"metadata a string", R"({"metadata":"{}"})", "metadata"},
      {"metadata an array", R"({"metadata":[1]})", "metadata"},
      {"metadata null", R"({"metadata":null})", "metadata"},
      {"tracking_status a number", R"({"tracking_status":1})", "tracking_status"},
      {"tracking_status null", R"({"tracking_status":null})", "tracking_status"},
      {"duplicate readme", R"({"readme":"a","readme":"b"})", "readme"},
      {"duplicate metadata", R"({"metadata":{},"metadata":{}})", "metadata"},
      {"1e400", R"({"metadata":{"x":1e400}})", ""},
      {"not JSON", "{", ""},
      {"array", "[]", ""},
      {"null", "null", ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    auto r = Patch(kA1, key_a_, c.body);
    EXPECT_TRUE(IsError(r, 400, "invalid_body"));
    if (!c.field.empty()) {
      EXPECT_NE(ErrorOf(r).find(c.field), std::string::npos) << r.body;
    }
  }
  // Nothing was written by any of them.
  EXPECT_EQ(WithoutUpdatedAt(DataOf(Get(std::string("/api/v1/videos/") + kA1, key_a_))),
            ExpectedA1("alice"));

  // No JSON media type → 415, before the body and the path are looked at.
  auto send = [&](const std::string& target, std::optional<std::string> content_type) {
    HttpRequest req;
    req.method = "PATCH";
    req.target = target;
    req.body = R"({"readme":"x"})";
    req.headers.emplace_back("Authorization", "Bearer " + key_a_);
    if (content_type) req.headers.emplace_back("Content-Type", *content_type);
    return client_->Send(req);
  };
  const std::string target = std::string("/api/v1/videos/") + kA1;
  EXPECT_TRUE(IsError(send(target, std::nullopt), 415, "unsupported_media_type"));
  EXPECT_TRUE(IsError(send(target, "text/plain"), 415, "unsupported_media_type"));
  EXPECT_TRUE(
      IsError(send("/api/v1/videos/not-a-uuid", "text/plain"), 415, "unsupported_media_type"));
  EXPECT_EQ(send(target, "application/json; charset=utf-8").status, 200);

  // A read-only key gets the exact 403, before anything else about the request.
  const std::string reader = CreateKey(kOrgA, "read").secret;
  EXPECT_EQ(Patch(kA1, reader, R"({"readme":"x"})").body, kReadOnlyBody);
  EXPECT_EQ(Patch(kA1, reader, "{").body, kReadOnlyBody);
  EXPECT_EQ(Patch("not-a-uuid", reader, R"({"readme":"x"})").body, kReadOnlyBody);
  EXPECT_EQ(Patch(kA1, reader, R"({"readme":"x"})").status, 403);
  EXPECT_EQ(Get(std::string("/api/v1/videos/") + kA1, reader).status, 200);

  // Another organization's video is a 404, not a write (the readme stays the "x" written with
  // the charset-qualified media type above).
  EXPECT_TRUE(IsError(Patch(kA1, key_b_, R"({"readme":"other"})"), 404, "not_found"));
  EXPECT_EQ(StrOf(DataOf(Get(std::string("/api/v1/videos/") + kA1, key_a_)), "description"), "x");
}

// The same JSON object with its keys in another order, or 1e2 for a stored 100, is the stored
// value: "setting a value equal to the stored one is a 200 that changes nothing (updated_at
// included)" (spec/videos.md).
TEST_F(VideosListTest, PatchWithAnEqualMetadataObjectChangesNothing) {
  auto first = Patch(kA5, key_a_, R"({"metadata":{"x":100,"y":"z"}})");
  ASSERT_EQ(first.status, 200) << first.body;
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  for (const char* body :
       {R"({"metadata":{"y":"z","x":100}})", R"({"metadata":{"x":1e2,"y":"z"}})"}) {
    SCOPED_TRACE(body);
    auto same = Patch(kA5, key_a_, body);
    ASSERT_EQ(same.status, 200) << same.body;
    EXPECT_EQ(StrOf(DataOf(same), "updated_at"), StrOf(DataOf(first), "updated_at"));
  }
}

// ---------------------------------------------------------------------------------------------
// Walking every page while videos are added

TEST_F(VideosTest, WalkingAllPagesWhileVideosAreAddedReturnsEachOnce) {
  constexpr char kOrgW[] = "c0000000-0000-4000-8000-000000000000";
  constexpr char kPW[] = "c1000000-0000-4000-8000-000000000001";
  auto video_id = [](int group, int n) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "c%d000000-0000-4000-8000-%012d", group, n);
    return std::string(buf);
  };
  // 2026-01-01 plus `minute` minutes and `second` seconds, minute < 24 * 60.
  auto jan1 = [](int minute, int second) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "2026-01-01T%02d:%02d:%02dZ", minute / 60, minute % 60, second);
    return std::string(buf);
  };
  auto video = [&](const std::string& id, const std::string& created_at, int n) {
    return VideoLine({id, kPW, std::nullopt, std::to_string(7400000000000000000LL + n),
                      "direct_add", std::nullopt, std::nullopt, created_at});
  };
  // 120 videos a minute apart: 00:00:00, 00:01:00, ... 01:59:00.
  constexpr int kExisting = 120;
  std::vector<std::string> lines = {OrgLine(kOrgW, "UTC", "ultra"), ProjectLine(kPW, kOrgW)};
  std::set<std::string> existing;
  for (int i = 0; i < kExisting; ++i) {
    existing.insert(video_id(3, i));
    lines.push_back(video(video_id(3, i), jan1(i, 0), i));
  }
  ASSERT_TRUE(Import(lines));
  const std::string key = CreateKey(kOrgW).secret;

  // The page size cap and the default.
  auto capped = Get("/api/v1/videos?limit=101", key);
  ASSERT_EQ(capped.status, 200) << capped.body;
  EXPECT_EQ(IdsOf(capped).size(), 100u);
  EXPECT_TRUE(MetaOf(capped).as_object().at("hasMore").as_bool());
  EXPECT_EQ(IdsOf(Get("/api/v1/videos?limit=99999999999999999999", key)).size(), 100u);
  EXPECT_EQ(IdsOf(Get("/api/v1/videos", key)).size(), 50u);

  // Another process adds 4 videos per import while the pages are walked: 2 newer than all
  // (they sort before any cursor) and 2 between existing ones (at hh:mm:30, some ahead of the
  // walk, some behind it). The walk waits for imports at fixed points so that they interleave.
  std::atomic<bool> walk_done{false};
  std::atomic<int> imports_done{0};
  std::thread importer([&] {
    for (int k = 0; k < 10 && !walk_done.load(); ++k) {
      std::vector<std::string> batch;
      for (int j = 0; j < 2; ++j) {
        int n = 1000 + 4 * k + j;
        batch.push_back(video(video_id(4, n), "2026-02-01T00:00:0" + std::to_string(k) + "Z", n));
      }
      for (int j = 0; j < 2; ++j) {
        int n = 1002 + 4 * k + j;
        batch.push_back(video(video_id(4, n), jan1((k * 37 + j * 61) % kExisting, 30), n));
      }
      EXPECT_TRUE(Import(batch));
      imports_done.fetch_add(1);
    }
  });
  auto wait_for_imports = [&](int n) {
    for (int i = 0; i < 4000 && imports_done.load() < n; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  };

  std::vector<std::pair<std::string, std::string>> seen;  // (created_at, id) in walk order
  std::string target = "/api/v1/videos?limit=7";
  int pages = 0;
  bool finished = false;
  for (; pages < 100 && !finished; ++pages) {
    if (pages == 1) wait_for_imports(1);
    if (pages == 8) wait_for_imports(3);
    auto r = Get(target, key);
    ASSERT_EQ(r.status, 200) << r.body;
    const json::value data = DataOf(r);
    for (const auto& v : data.as_array()) {
      seen.emplace_back(StrOf(v, "created_at"), StrOf(v, "id"));
    }
    const json::value meta_value = MetaOf(r);
    const auto& meta = meta_value.as_object();
    finished = meta.at("nextCursor").is_null();
    if (!finished)
      target = "/api/v1/videos?limit=7&cursor=" + std::string(meta.at("nextCursor").as_string());
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  walk_done = true;
  importer.join();
  EXPECT_TRUE(finished);
  EXPECT_GE(imports_done.load(), 3);

  std::map<std::string, int> times_seen;
  for (const auto& [created_at, id] : seen) ++times_seen[id];
  for (const auto& id : existing) EXPECT_EQ(times_seen[id], 1) << id;
  for (const auto& [id, n] : times_seen) EXPECT_EQ(n, 1) << id;
  for (std::size_t i = 1; i < seen.size(); ++i) {
    EXPECT_GT(seen[i - 1], seen[i]) << "newest first by created_at, then id, at " << i;
  }
  // Every import landed: a fresh walk finds them all.
  std::size_t total = 0;
  target = "/api/v1/videos?limit=100";
  for (int page = 0; page < 10; ++page) {
    auto r = Get(target, key);
    total += IdsOf(r).size();
    const json::value meta_value = MetaOf(r);
    const auto& meta = meta_value.as_object();
    if (meta.at("nextCursor").is_null()) break;
    target = "/api/v1/videos?limit=100&cursor=" + std::string(meta.at("nextCursor").as_string());
  }
  EXPECT_EQ(total, static_cast<std::size_t>(kExisting + 4 * imports_done.load()));
}

// ---------------------------------------------------------------------------------------------
// Stats

constexpr char kOrgS[] = "d0000000-0000-4000-8000-000000000000";
constexpr char kPS[] = "d1000000-0000-4000-8000-000000000001";
constexpr char kCA[] = "d2000000-0000-4000-8000-00000000000a";
constexpr char kCBen[] = "d2000000-0000-4000-8000-00000000000b";
constexpr char kVa[] = "d3000000-0000-4000-8000-0000000000a0";
constexpr char kVb[] = "d3000000-0000-4000-8000-0000000000b0";
constexpr char kVc[] = "d3000000-0000-4000-8000-0000000000c0";
constexpr char kVd[] = "d3000000-0000-4000-8000-0000000000d0";
constexpr char kVe[] = "d3000000-0000-4000-8000-0000000000e0";
constexpr char kVf[] = "d3000000-0000-4000-8000-0000000000f0";
constexpr char kVm[] = "d3000000-0000-4000-8000-000000000001";
constexpr char kVr[] = "d3000000-0000-4000-8000-000000000002";
constexpr char kVs[] = "d3000000-0000-4000-8000-000000000003";
constexpr char kVt[] = "d3000000-0000-4000-8000-000000000004";
constexpr char kVx[] = "d3000000-0000-4000-8000-000000000005";
constexpr char kVempty[] = "d3000000-0000-4000-8000-000000000006";
constexpr char kOrgF[] = "f0000000-0000-4000-8000-000000000000";
constexpr char kPF[] = "f1000000-0000-4000-8000-000000000001";
constexpr char kVF[] = "f3000000-0000-4000-8000-000000000001";

// Snapshots of the midnight video Vm. New York is UTC-5 in February, Kolkata UTC+5:30.
//        UTC                   New York             Kolkata
//   s0   2026-02-09T12:00:00Z  02-09 07:00          02-09 17:30
//   s1   2026-02-10T04:59:59Z  02-09 23:59:59       02-10 10:29:59
//   s2   2026-02-10T05:00:00Z  02-10 00:00:00       02-10 10:30:00
//   s3   2026-02-10T18:29:59Z  02-10 13:29:59       02-10 23:59:59
//   s4   2026-02-10T18:30:00Z  02-10 13:30:00       02-11 00:00:00
//   s5   2026-02-11T12:00:00Z  02-11 07:00          02-11 17:30
const std::vector<std::pair<std::string, Counts>> kMidnight = {
    {"2026-02-09T12:00:00Z", {10, 1, 0, 0, 0}}, {"2026-02-10T04:59:59Z", {11, 2, 1, 0, 0}},
    {"2026-02-10T05:00:00Z", {12, 3, 1, 1, 0}}, {"2026-02-10T18:29:59Z", {13, 4, 1, 1, 1}},
    {"2026-02-10T18:30:00Z", {14, 5, 2, 1, 1}}, {"2026-02-11T12:00:00Z", {15, 6, 2, 2, 1}},
};

// Vx, for the derived metrics, one snapshot at noon UTC a day (the spec's example for views:
// 1000 baseline, 5000, 4000, 6000), nothing on 02-14.
const std::vector<std::pair<std::string, Counts>> kDerived = {
    {"2026-02-10T12:00:00Z", {1000, 100, 10, 5, 5}},
    {"2026-02-11T12:00:00Z", {5000, 300, 30, 10, 7}},
    {"2026-02-12T12:00:00Z", {4000, 320, 30, 10, 7}},
    {"2026-02-13T12:00:00Z", {6000, 330, 31, 12, 7}},
    {"2026-02-15T12:00:00Z", {2006000, 20331, 31, 12, 7}},
    {"2026-02-16T12:00:00Z", {2009200, 20332, 31, 12, 7}},
    {"2026-02-17T12:00:00Z", {2009200, 20332, 31, 12, 3200}},
    {"2026-02-18T12:00:00Z", {2009200, 20332, 31, 12, 3199}},
};

// Organization S (New York, ultra), project PS, creators CA "ann" and CB "ben". Snapshots at
// 17:00Z are noon in New York and 22:30 in Kolkata, on the same date. Velocities in New York:
//   Va  CA  auto_tracked    posted 02-01T15:00Z  1000, 3000, 2500, 4000 on 02-01..02-04
//       → day 0 holds only the video_added baseline: L(0) = 1000; then 2000, max(0,2500-3000)=0,
//         4000-3000 = 1000                                     velocity [0:1000 1:2000 2:0 3:1000]
//   Vb  CA  included        posted 02-05T14:00Z  200 at 15:00Z and 600 at 20:00Z on 02-05,
//       1100 on 02-06 → New York: day 0 = L(0) = 600, day 1 = 500          [0:600 1:500]
//       Kolkata: 20:00Z is 01:30 on 02-06, so day 0 = 200, day 1 = 1100-200 [0:200 1:900]
//   Vc  CA  pending_review  posted 02-01T15:00Z  5000, 9000 on 02-01..02-02  [0:5000 1:4000]
//   Vd  --  direct_add      posted 02-10T15:00Z  300, 700, 1000 on 02-10..12 [0:300 1:400 2:300]
//   Ve  CB  auto_tracked    posted 02-01T15:00Z  100, 101, 103 on 02-01..03  [0:100 1:1 2:2]
//   Vf  CA  excluded        posted 02-01T15:00Z  99999 on 02-01              (never counted)
// The other videos below are excluded too (stats work for any status), so that they never
// enter a cohort.
class VideoStatsTest : public VideosTest {
 protected:
  void SetUp() override {
    VideosTest::SetUp();
    if (HasFatalFailure()) return;
    auto at17 = [](const std::string& date) { return date + "T17:00:00Z"; };
    std::vector<std::string> lines = {
        OrgLine(kOrgS, "America/New_York", "ultra"),
        ProjectLine(kPS, kOrgS),
        CreatorLine(kCA, kPS, "ann"),
        CreatorLine(kCBen, kPS, "ben"),
        VideoLine({kVa, kPS, kCA, "7303000000000000001", "auto_tracked", std::nullopt,
                   "2026-02-01T15:00:00Z", "2026-02-01T15:30:00Z"}),
        SnapLine(kVa, at17("2026-02-01"), {1000, 100, 10, 1, 2}),
        SnapLine(kVa, at17("2026-02-02"), {3000, 250, 20, 2, 3}),
        SnapLine(kVa, at17("2026-02-03"), {2500, 260, 20, 2, 3}),
        SnapLine(kVa, at17("2026-02-04"), {4000, 300, 30, 3, 4}),
        VideoLine({kVb, kPS, kCA, "7303000000000000002", "included", std::nullopt,
                   "2026-02-05T14:00:00Z", "2026-02-05T14:30:00Z"}),
        SnapLine(kVb, "2026-02-05T15:00:00Z", {200, 0, 0, 0, 0}),
        SnapLine(kVb, "2026-02-05T20:00:00Z", {600, 0, 0, 0, 0}),
        SnapLine(kVb, at17("2026-02-06"), {1100, 0, 0, 0, 0}),
        VideoLine({kVc, kPS, kCA, "7303000000000000003", "pending_review", std::nullopt,
                   "2026-02-01T15:00:00Z", "2026-02-01T15:30:00Z"}),
        SnapLine(kVc, at17("2026-02-01"), {5000, 0, 0, 0, 0}),
        SnapLine(kVc, at17("2026-02-02"), {9000, 0, 0, 0, 0}),
        VideoLine({kVd, kPS, std::nullopt, "7303000000000000004", "direct_add", std::nullopt,
                   "2026-02-10T15:00:00Z", "2026-02-10T15:30:00Z"}),
        SnapLine(kVd, at17("2026-02-10"), {300, 0, 0, 0, 0}),
        SnapLine(kVd, at17("2026-02-11"), {700, 0, 0, 0, 0}),
        SnapLine(kVd, at17("2026-02-12"), {1000, 0, 0, 0, 0}),
        VideoLine({kVe, kPS, kCBen, "7303000000000000005", "auto_tracked", std::nullopt,
                   "2026-02-01T15:00:00Z", "2026-02-01T15:30:00Z"}),
        SnapLine(kVe, at17("2026-02-01"), {100, 0, 0, 0, 0}),
        SnapLine(kVe, at17("2026-02-02"), {101, 0, 0, 0, 0}),
        SnapLine(kVe, at17("2026-02-03"), {103, 0, 0, 0, 0}),
        VideoLine({kVf, kPS, kCA, "7303000000000000006", "excluded", std::nullopt,
                   "2026-02-01T15:00:00Z", "2026-02-01T15:30:00Z"}),
        SnapLine(kVf, at17("2026-02-01"), {99999, 0, 0, 0, 0}),
        // Vm: the midnight snapshots; no posted_at, so no velocity.
        VideoLine({kVm, kPS, kCA, "7303000000000000011", "excluded", std::nullopt, std::nullopt,
                   "2026-02-09T00:00:00Z"}),
        // Vr, posted 02-01T15:00Z (10:00 in New York):
        //   02-01 100 at 12:00 (video_added) and 80 at 17:00 → day 0 holds only video_added:
        //         L(0) = 80, and the high-water mark after day 0 is L(0) = 80
        //   02-02 180 → 180-80 = 100    02-03 nothing    02-04 400 → 400-180 = 220
        //   02-05 350 tracking_resumed → a baseline day: left out; H becomes 350
        //   02-06 500 → 500-350 = 150              velocity [0:80 1:100 3:220 5:150]
        VideoLine({kVr, kPS, kCA, "7303000000000000012", "excluded", std::nullopt,
                   "2026-02-01T15:00:00Z", "2026-02-01T15:30:00Z"}),
        SnapLine(kVr, at17("2026-02-01"), {100, 0, 0, 0, 0}),
        SnapLine(kVr, "2026-02-01T22:00:00Z", {80, 0, 0, 0, 0}),
        SnapLine(kVr, at17("2026-02-02"), {180, 0, 0, 0, 0}),
        SnapLine(kVr, at17("2026-02-04"), {400, 0, 0, 0, 0}),
        SnapLine(kVr, at17("2026-02-05"), {350, 0, 0, 0, 0}, "tracking_resumed"),
        SnapLine(kVr, at17("2026-02-06"), {500, 0, 0, 0, 0}),
        // Vs, posted 02-01, first seen on day 2 (a baseline day, left out): [3:600].
        VideoLine({kVs, kPS, kCA, "7303000000000000013", "excluded", std::nullopt,
                   "2026-02-01T15:00:00Z", "2026-02-03T15:30:00Z"}),
        SnapLine(kVs, at17("2026-02-03"), {5000, 0, 0, 0, 0}),
        SnapLine(kVs, at17("2026-02-04"), {5600, 0, 0, 0, 0}),
        // Vt, posted 02-01: day 0 holds two baselines (video_added 100, tracking_resumed 300), so
        // it is left out; H = 300; day 1 700 → 400: [1:400].
        VideoLine({kVt, kPS, kCA, "7303000000000000014", "excluded", std::nullopt,
                   "2026-02-01T15:00:00Z", "2026-02-01T15:30:00Z"}),
        SnapLine(kVt, "2026-02-01T16:00:00Z", {100, 0, 0, 0, 0}),
        SnapLine(kVt, "2026-02-01T20:00:00Z", {300, 0, 0, 0, 0}, "tracking_resumed"),
        SnapLine(kVt, at17("2026-02-02"), {700, 0, 0, 0, 0}),
        VideoLine({kVx, kPS, kCBen, "7303000000000000015", "excluded", std::nullopt,
                   "2026-02-10T11:00:00Z", "2026-02-10T11:30:00Z"}),
        VideoLine({kVempty, kPS, kCBen, "7303000000000000016", "pending_review", std::nullopt,
                   "2026-02-10T11:00:00Z", "2026-02-10T11:30:00Z"}),
        // Organization F: plan free (30 days of history), UTC.
        OrgLine(kOrgF, "UTC", "free"),
        ProjectLine(kPF, kOrgF),
        VideoLine({kVF, kPF, std::nullopt, "7304000000000000001", "direct_add", std::nullopt,
                   "2026-02-20T00:00:00Z", "2026-02-20T00:00:00Z"}),
        SnapLine(kVF, "2026-02-20T12:00:00Z", {10, 1, 0, 0, 0}),
    };
    for (const auto& [at, c] : kMidnight) lines.push_back(SnapLine(kVm, at, c));
    for (const auto& [at, c] : kDerived) lines.push_back(SnapLine(kVx, at, c));
    ASSERT_TRUE(Import(lines));
    key_ = CreateKey(kOrgS).secret;
    key_f_ = CreateKey(kOrgF).secret;
  }

  HttpResult Stats(const std::string& video, const std::string& query) {
    return Get("/api/v1/videos/" + video + "/stats" + (query.empty() ? "" : "?" + query), key_);
  }

  std::string key_;
  std::string key_f_;
};

std::string MidnightSnaps(const std::vector<int>& which) {
  std::string out = "[";
  for (int i : which) {
    if (out.size() > 1) out += ",";
    out += SnapJson(kMidnight[static_cast<std::size_t>(i)].first,
                    kMidnight[static_cast<std::size_t>(i)].second);
  }
  return out + "]";
}

TEST_F(VideoStatsTest, SnapshotsAreFilteredByLocalDateInTheZone) {
  struct Case {
    std::string tz_query, tz_echo;
    std::vector<int> snapshots;
  };
  const std::vector<Case> cases = {
      {"", "America/New_York", {2, 3, 4}},  // the organization's zone by default
      {"&tz=America/New_York", "America/New_York", {2, 3, 4}},
      {"&tz=Asia/Kolkata", "Asia/Kolkata", {1, 2, 3}},
      {"&tz=UTC", "UTC", {1, 2, 3, 4}},
      {"&tz=Asia%2FKolkata", "Asia/Kolkata", {1, 2, 3}},
      // Etc/GMT+5 is UTC-5, like New York in February; echoed as given.
      {"&tz=Etc/GMT%2B5", "Etc/GMT+5", {2, 3, 4}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.tz_query);
    auto r = Stats(kVm, "from=2026-02-10&to=2026-02-10" + c.tz_query);
    ASSERT_EQ(r.status, 200) << r.body;
    ASSERT_TRUE(IsEnvelope(r));
    EXPECT_TRUE(r.json.as_object().at("error").is_null());
    EXPECT_EQ(DataOf(r),
              json::parse(R"({"video_id":")" + std::string(kVm) + R"(","timezone":")" + c.tz_echo +
                          R"(","from":"2026-02-10","to":"2026-02-10","snapshots":)" +
                          MidnightSnaps(c.snapshots) + R"(,"velocity":[]})"));
  }
  // Two days in Kolkata: s1..s5 (s0 is 02-09 17:30 there).
  auto two = Stats(kVm, "from=2026-02-10&to=2026-02-11&tz=Asia/Kolkata");
  EXPECT_EQ(DataOf(two).as_object().at("snapshots"), json::parse(MidnightSnaps({1, 2, 3, 4, 5})));
  // The default range: today (03-01 in New York) and the 29 days before: 01-31 .. 03-01.
  auto dflt = Stats(kVm, "");
  ASSERT_EQ(dflt.status, 200) << dflt.body;
  EXPECT_EQ(StrOf(DataOf(dflt), "from"), "2026-01-31");
  EXPECT_EQ(StrOf(DataOf(dflt), "to"), "2026-03-01");
  EXPECT_EQ(DataOf(dflt).as_object().at("snapshots"),
            json::parse(MidnightSnaps({0, 1, 2, 3, 4, 5})));
  // Only `to`: from = to - 29 days (02-10 - 29 = 01-12). Only `from`: to = today.
  auto to_only = Stats(kVm, "to=2026-02-10");
  EXPECT_EQ(StrOf(DataOf(to_only), "from"), "2026-01-12");
  EXPECT_EQ(StrOf(DataOf(to_only), "to"), "2026-02-10");
  EXPECT_EQ(DataOf(to_only).as_object().at("snapshots"),
            json::parse(MidnightSnaps({0, 1, 2, 3, 4})));
  auto from_only = Stats(kVm, "from=2026-02-11");
  EXPECT_EQ(StrOf(DataOf(from_only), "from"), "2026-02-11");
  EXPECT_EQ(StrOf(DataOf(from_only), "to"), "2026-03-01");
  EXPECT_EQ(DataOf(from_only).as_object().at("snapshots"), json::parse(MidnightSnaps({5})));
  // In Kiritimati (UTC+14) 12:00Z is 02:00 on 03-02: the default range is 02-01 .. 03-02.
  auto east = Stats(kVm, "tz=Pacific/Kiritimati");
  EXPECT_EQ(StrOf(DataOf(east), "from"), "2026-02-01");
  EXPECT_EQ(StrOf(DataOf(east), "to"), "2026-03-02");
}

TEST_F(VideoStatsTest, VelocityCoversTheWholeHistoryWithTheDayZeroRule) {
  struct Case {
    const char* video;
    const char* velocity;
  };
  const std::vector<Case> cases = {
      {kVa, R"([{"day_number":0,"views_gained":1000},{"day_number":1,"views_gained":2000},)"
            R"({"day_number":2,"views_gained":0},{"day_number":3,"views_gained":1000}])"},
      {kVb, R"([{"day_number":0,"views_gained":600},{"day_number":1,"views_gained":500}])"},
      {kVr, R"([{"day_number":0,"views_gained":80},{"day_number":1,"views_gained":100},)"
            R"({"day_number":3,"views_gained":220},{"day_number":5,"views_gained":150}])"},
      {kVs, R"([{"day_number":3,"views_gained":600}])"},
      {kVt, R"([{"day_number":1,"views_gained":400}])"},
      {kVm, "[]"},      // posted_at null
      {kVempty, "[]"},  // no snapshot
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.video);
    // A range that holds none of the snapshots: the velocity does not depend on it.
    auto r = Stats(c.video, "from=2026-02-20&to=2026-02-21");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(DataOf(r), json::parse(R"({"video_id":")" + std::string(c.video) +
                                     R"(","timezone":"America/New_York","from":"2026-02-20",)"
                                     R"("to":"2026-02-21","snapshots":[],"velocity":)" +
                                     c.velocity + "}"));
  }
  // Vb in Kolkata: 200 on day 0, 1100 on day 1 (see the table above the fixture).
  auto vb = Stats(kVb, "from=2026-02-05&to=2026-02-05&tz=Asia/Kolkata");
  EXPECT_EQ(
      DataOf(vb).as_object().at("velocity"),
      json::parse(R"([{"day_number":0,"views_gained":200},{"day_number":1,"views_gained":900}])"));
  // Its snapshots on 02-05 in Kolkata: only 15:00Z (20:30); 20:00Z is already 02-06 there.
  EXPECT_EQ(DataOf(vb).as_object().at("snapshots"),
            json::parse("[" + SnapJson("2026-02-05T15:00:00Z", {200, 0, 0, 0, 0}) + "]"));
}

// Cohort averages by hand (the velocities are in the table above the fixture). Counted: Va, Vb
// (creator CA), Vd (direct add, organization only), Ve (creator CB, organization only); never
// the pending Vc or the excluded ones.
//   New York  creator CA: day 0 (1000+600)/2 = 800, day 1 (2000+500)/2 = 1250, day 2 0/1,
//                         day 3 1000/1
//             organization: day 0 (1000+600+300+100)/4 = 500, day 1 (2000+500+400+1)/4 = 725.25,
//                         day 2 (0+300+2)/3 = 100.666… → 100.67, day 3 1000/1
//   Kolkata   creator CA: day 0 (1000+200)/2 = 600, day 1 (2000+900)/2 = 1450, day 2 0, day 3 1000
//             organization: day 0 (1000+200+300+100)/4 = 400, day 1 (2000+900+400+1)/4 = 825.25,
//                         day 2 100.67 (3), day 3 1000 (1)
constexpr char kCohortNewYork[] =
    R"({"creator_avg":[{"day_number":0,"avg_views_gained":800,"sample_size":2},
                       {"day_number":1,"avg_views_gained":1250,"sample_size":2},
                       {"day_number":2,"avg_views_gained":0,"sample_size":1},
                       {"day_number":3,"avg_views_gained":1000,"sample_size":1}],
        "org_avg":[{"day_number":0,"avg_views_gained":500,"sample_size":4},
                   {"day_number":1,"avg_views_gained":725.25,"sample_size":4},
                   {"day_number":2,"avg_views_gained":100.67,"sample_size":3},
                   {"day_number":3,"avg_views_gained":1000,"sample_size":1}]})";
constexpr char kCohortKolkata[] =
    R"({"creator_avg":[{"day_number":0,"avg_views_gained":600,"sample_size":2},
                       {"day_number":1,"avg_views_gained":1450,"sample_size":2},
                       {"day_number":2,"avg_views_gained":0,"sample_size":1},
                       {"day_number":3,"avg_views_gained":1000,"sample_size":1}],
        "org_avg":[{"day_number":0,"avg_views_gained":400,"sample_size":4},
                   {"day_number":1,"avg_views_gained":825.25,"sample_size":4},
                   {"day_number":2,"avg_views_gained":100.67,"sample_size":3},
                   {"day_number":3,"avg_views_gained":1000,"sample_size":1}]})";

TEST_F(VideoStatsTest, CohortOnlyWhenAskedAndTheVideoHasACreator) {
  const std::string range = "from=2026-02-01&to=2026-02-02";
  for (const char* cohort : {"", "&cohort=0", "&cohort=false"}) {
    SCOPED_TRACE(cohort);
    auto r = Stats(kVa, range + cohort);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_FALSE(DataOf(r).as_object().contains("cohort")) << r.body;
  }
  for (const char* cohort : {"&cohort=1", "&cohort=true"}) {
    SCOPED_TRACE(cohort);
    auto r = Stats(kVa, range + cohort);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(DataOf(r).as_object().if_contains("cohort") ? DataOf(r).as_object().at("cohort")
                                                          : json::value(),
              json::parse(kCohortNewYork));
  }
  // The whole legacy answer of Va, with its two snapshots in range.
  auto full = Stats(kVa, range + "&cohort=1");
  EXPECT_EQ(
      DataOf(full),
      json::parse(R"({"video_id":")" + std::string(kVa) +
                  R"(","timezone":"America/New_York","from":"2026-02-01","to":"2026-02-02",)"
                  R"("snapshots":[)" +
                  SnapJson("2026-02-01T17:00:00Z", {1000, 100, 10, 1, 2}) + "," +
                  SnapJson("2026-02-02T17:00:00Z", {3000, 250, 20, 2, 3}) +
                  R"(],"velocity":[{"day_number":0,"views_gained":1000},)"
                  R"({"day_number":1,"views_gained":2000},)"
                  R"({"day_number":2,"views_gained":0},{"day_number":3,"views_gained":1000}],)"
                  R"("cohort":)" +
                  kCohortNewYork + "}"));
  // Numbers in their shortest form.
  EXPECT_NE(full.body.find(R"("avg_views_gained":800,)"), std::string::npos) << full.body;
  EXPECT_NE(full.body.find(R"("avg_views_gained":725.25,)"), std::string::npos) << full.body;

  // A direct add has no creator: no cohort even when asked.
  auto direct = Stats(kVd, "cohort=1");
  ASSERT_EQ(direct.status, 200) << direct.body;
  EXPECT_FALSE(DataOf(direct).as_object().contains("cohort")) << direct.body;
  // The pending and the excluded videos of CA get the same averages: they count in neither.
  EXPECT_EQ(DataOf(Stats(kVc, "cohort=1")).as_object().at("cohort"), json::parse(kCohortNewYork));
  EXPECT_EQ(DataOf(Stats(kVf, "cohort=1")).as_object().at("cohort"), json::parse(kCohortNewYork));
  // With metric= the cohort is validated and ignored.
  auto derived = Stats(kVa, "metric=engagement_rate_by_views&cohort=1");
  ASSERT_EQ(derived.status, 200) << derived.body;
  EXPECT_FALSE(DataOf(derived).as_object().contains("cohort"));
  for (const char* bad : {"cohort=2", "cohort=yes", "cohort=", "cohort=TRUE",
                          "metric=engagement_rate_by_views&cohort=2", "cohort=1&cohort=1"}) {
    SCOPED_TRACE(bad);
    EXPECT_TRUE(IsError(Stats(kVa, bad), 400, "invalid_query"));
  }
}

TEST_F(VideoStatsTest, CohortAveragesInTheOrganizationsZoneAndInAnother) {
  // New York is the organization's zone (running sums); Kolkata is computed on the fly. Both
  // must agree with the hand computation, from a video of each creator status that has one.
  auto ny = Stats(kVa, "cohort=1");
  ASSERT_EQ(ny.status, 200) << ny.body;
  EXPECT_EQ(DataOf(ny).as_object().at("cohort"), json::parse(kCohortNewYork));
  auto explicit_ny = Stats(kVa, "cohort=1&tz=America/New_York");
  EXPECT_EQ(DataOf(explicit_ny).as_object().at("cohort"), json::parse(kCohortNewYork));
  auto kolkata = Stats(kVa, "cohort=1&tz=Asia/Kolkata");
  ASSERT_EQ(kolkata.status, 200) << kolkata.body;
  EXPECT_EQ(DataOf(kolkata).as_object().at("cohort"), json::parse(kCohortKolkata));
  EXPECT_EQ(StrOf(DataOf(kolkata), "timezone"), "Asia/Kolkata");
  // Vb's own view of the same cohort.
  EXPECT_EQ(DataOf(Stats(kVb, "cohort=1&tz=Asia/Kolkata")).as_object().at("cohort"),
            json::parse(kCohortKolkata));

  // The organization moves to Kolkata: its running sums are rebuilt in the new zone (and the
  // cached New York answer is not served again), while New York is now computed on the fly.
  const std::string admin = CreateKey(kOrgS, "read,write,admin").secret;
  auto moved = Call("PATCH", "/api/v1/org", admin, R"({"timezone":"Asia/Kolkata"})");
  ASSERT_EQ(moved.status, 200) << moved.body;
  auto now_kolkata = Stats(kVa, "cohort=1");
  ASSERT_EQ(now_kolkata.status, 200) << now_kolkata.body;
  EXPECT_EQ(MetaOf(now_kolkata), json::parse(R"({"cached":false})"));
  EXPECT_EQ(StrOf(DataOf(now_kolkata), "timezone"), "Asia/Kolkata");
  EXPECT_EQ(DataOf(now_kolkata).as_object().at("cohort"), json::parse(kCohortKolkata));
  EXPECT_EQ(DataOf(Stats(kVa, "cohort=1&tz=America/New_York")).as_object().at("cohort"),
            json::parse(kCohortNewYork));
}

// The Tracking Inbox decision changes the averages at once: Vc (CA, [0:5000 1:4000]) included.
//   New York  creator CA: day 0 (1000+600+5000)/3 = 2200, day 1 (2000+500+4000)/3 = 2166.666…
//             → 2166.67; organization: day 0 (2000+5000)/5 = 1400, day 1 (2901+4000)/5 = 1380.2
//   Kolkata   creator CA: day 0 (1200+5000)/3 = 2066.666… → 2066.67, day 1 (2900+4000)/3 = 2300;
//             organization: day 0 (1600+5000)/5 = 1320, day 1 (3301+4000)/5 = 1460.2
TEST_F(VideoStatsTest, CohortFollowsTheCurrentStatus) {
  ASSERT_EQ(DataOf(Stats(kVa, "cohort=1")).as_object().at("cohort"), json::parse(kCohortNewYork));
  ASSERT_EQ(Patch(kVc, key_, R"({"tracking_status":"included"})").status, 200);
  auto ny = Stats(kVa, "cohort=1");
  ASSERT_EQ(ny.status, 200) << ny.body;
  EXPECT_EQ(MetaOf(ny), json::parse(R"({"cached":false})"));
  EXPECT_EQ(DataOf(ny).as_object().at("cohort"),
            json::parse(R"({"creator_avg":[{"day_number":0,"avg_views_gained":2200,"sample_size":3},
                       {"day_number":1,"avg_views_gained":2166.67,"sample_size":3},
                       {"day_number":2,"avg_views_gained":0,"sample_size":1},
                       {"day_number":3,"avg_views_gained":1000,"sample_size":1}],
        "org_avg":[{"day_number":0,"avg_views_gained":1400,"sample_size":5},
                   {"day_number":1,"avg_views_gained":1380.2,"sample_size":5},
                   {"day_number":2,"avg_views_gained":100.67,"sample_size":3},
                   {"day_number":3,"avg_views_gained":1000,"sample_size":1}]})"));
  auto kolkata = Stats(kVa, "cohort=1&tz=Asia/Kolkata");
  EXPECT_EQ(
      DataOf(kolkata).as_object().at("cohort"),
      json::parse(R"({"creator_avg":[{"day_number":0,"avg_views_gained":2066.67,"sample_size":3},
                       {"day_number":1,"avg_views_gained":2300,"sample_size":3},
                       {"day_number":2,"avg_views_gained":0,"sample_size":1},
                       {"day_number":3,"avg_views_gained":1000,"sample_size":1}],
        "org_avg":[{"day_number":0,"avg_views_gained":1320,"sample_size":5},
                   {"day_number":1,"avg_views_gained":1460.2,"sample_size":5},
                   {"day_number":2,"avg_views_gained":100.67,"sample_size":3},
                   {"day_number":3,"avg_views_gained":1000,"sample_size":1}]})"));
  // Excluded again: back to the first averages, in both zones.
  ASSERT_EQ(Patch(kVc, key_, R"({"tracking_status":"excluded"})").status, 200);
  EXPECT_EQ(DataOf(Stats(kVa, "cohort=1")).as_object().at("cohort"), json::parse(kCohortNewYork));
  EXPECT_EQ(DataOf(Stats(kVa, "cohort=1&tz=Asia/Kolkata")).as_object().at("cohort"),
            json::parse(kCohortKolkata));
}

// Vx by hand, per metric, with H the high-water mark over the days before (baseline 02-10):
//   date   views    G_views   likes  G   comments G  shares G  saves G   E = ΣG
//   02-10  1000     0 (b)     100    0   10       0  5      0  5     0   0
//   02-11  5000     4000      300    200 30       20 10     5  7     2   227
//   02-12  4000     0         320    20  30       0  10     0  7     0   20
//   02-13  6000     1000      330    10  31       1  12     2  7     0   13
//   02-14  —        undefined
//   02-15  2006000  2000000   20331  20001 31     0  12     0  7     0   20001
//   02-16  2009200  3200      20332  1   31       0  12     0  7     0   1
//   02-17  2009200  0         20332  0   31       0  12     0  3200  3193 3193
//   02-18  2009200  0         20332  0   31       0  12     0  3199  0   0
// engagement_rate_by_views = E / G_views × 100, 4 decimals half away from zero:
//   02-11 227/4000 = 5.675; 02-13 13/1000 = 1.3; 02-15 20001/2000000 = 1.00005 → 1.0001;
//   02-16 1/3200 = 0.03125 → 0.0313 (half to even would give 0.0312); null when G_views is 0
//   (02-10, 02-12 although its likes grew, 02-17, 02-18) or undefined (02-09, 02-14).
// growth_rate_pop of views, (L(d) - L(d-1)) / L(d-1) × 100: 02-11 4000/1000 = 400,
//   02-12 -1000/5000 = -20, 02-13 2000/4000 = 50, 02-16 3200/2006000 = 0.15952… → 0.1595,
//   02-17 and 02-18 0; null on the first point, and where a level is missing (02-10, 02-14,
//   02-15).
// growth_rate_pop of saves: 02-11 2/5 = 40, 02-12 0, 02-13 0, 02-16 0,
//   02-17 3193/7 = 45614.285714… → 45614.2857, 02-18 -1/3200 = -0.03125 → -0.0313.
std::string Points(const std::vector<std::pair<std::string, std::string>>& points) {
  std::string out = "[";
  for (const auto& [day, value] : points) {
    if (out.size() > 1) out += ",";
    out += R"({"bucket_start":")" + day + R"(","value":)" + value + "}";
  }
  return out + "]";
}

const std::string kEngagementPoints = Points({{"2026-02-09", "null"},
                                              {"2026-02-10", "null"},
                                              {"2026-02-11", "5.675"},
                                              {"2026-02-12", "null"},
                                              {"2026-02-13", "1.3"},
                                              {"2026-02-14", "null"},
                                              {"2026-02-15", "1.0001"},
                                              {"2026-02-16", "0.0313"},
                                              {"2026-02-17", "null"},
                                              {"2026-02-18", "null"}});
const std::string kGrowthViewsPoints = Points({{"2026-02-09", "null"},
                                               {"2026-02-10", "null"},
                                               {"2026-02-11", "400"},
                                               {"2026-02-12", "-20"},
                                               {"2026-02-13", "50"},
                                               {"2026-02-14", "null"},
                                               {"2026-02-15", "null"},
                                               {"2026-02-16", "0.1595"},
                                               {"2026-02-17", "0"},
                                               {"2026-02-18", "0"}});
const std::string kGrowthSavesPoints = Points({{"2026-02-09", "null"},
                                               {"2026-02-10", "null"},
                                               {"2026-02-11", "40"},
                                               {"2026-02-12", "0"},
                                               {"2026-02-13", "0"},
                                               {"2026-02-14", "null"},
                                               {"2026-02-15", "null"},
                                               {"2026-02-16", "0"},
                                               {"2026-02-17", "45614.2857"},
                                               {"2026-02-18", "-0.0313"}});

std::string Series(const std::string& metric, const std::string& tz, const std::string& points,
                   const std::string& base_metric = "") {
  return R"({"metric":")" + metric +
         R"(","unit":"percent","mode":"rate","granularity":"day","timezone":")" + tz + "\"" +
         (base_metric.empty() ? "" : R"(,"base_metric":")" + base_metric + "\"") + R"(,"points":)" +
         points + "}";
}

constexpr char kVxBaseline[] =
    R"([{"entity_id":"d3000000-0000-4000-8000-000000000005","snapshot_at":"2026-02-10T12:00:00Z",)"
    R"("reason":"video_added"}])";

TEST_F(VideoStatsTest, DerivedMetricsByHand) {
  const std::string range = "tz=UTC&from=2026-02-09&to=2026-02-18";
  auto engagement = Stats(kVx, range + "&metric=engagement_rate_by_views");
  ASSERT_EQ(engagement.status, 200) << engagement.body;
  ASSERT_TRUE(IsEnvelope(engagement));
  EXPECT_EQ(
      DataOf(engagement),
      json::parse(R"({"series":[)" + Series("engagement_rate_by_views", "UTC", kEngagementPoints) +
                  R"(],"baselines":)" + kVxBaseline + R"(,"first_data_date":"2026-02-10"})"));

  auto views = Stats(kVx, range + "&metric=growth_rate_pop&base_metric=views");
  ASSERT_EQ(views.status, 200) << views.body;
  EXPECT_EQ(
      DataOf(views),
      json::parse(R"({"series":[)" + Series("growth_rate_pop", "UTC", kGrowthViewsPoints, "views") +
                  R"(],"baselines":)" + kVxBaseline + R"(,"first_data_date":"2026-02-10"})"));
  // Shortest forms: integers without ".0", never "-0".
  EXPECT_NE(views.body.find(R"("value":400})"), std::string::npos) << views.body;
  EXPECT_NE(views.body.find(R"("value":-20})"), std::string::npos) << views.body;
  EXPECT_EQ(views.body.find("-0}"), std::string::npos) << views.body;
  EXPECT_EQ(views.body.find(".0}"), std::string::npos) << views.body;

  // A comma list: one series per id, in the order given; base_metric only on growth.
  auto both =
      Stats(kVx, range + "&metric=growth_rate_pop,engagement_rate_by_views&base_metric=saves");
  ASSERT_EQ(both.status, 200) << both.body;
  EXPECT_EQ(
      DataOf(both),
      json::parse(R"({"series":[)" + Series("growth_rate_pop", "UTC", kGrowthSavesPoints, "saves") +
                  "," + Series("engagement_rate_by_views", "UTC", kEngagementPoints) +
                  R"(],"baselines":)" + kVxBaseline + R"(,"first_data_date":"2026-02-10"})"));

  // The first growth point is always null, even with both levels present (02-11: 400 above).
  // The baseline (02-10) lies outside the range; first_data_date does not depend on it.
  auto later =
      Stats(kVx, "tz=UTC&from=2026-02-11&to=2026-02-13&metric=growth_rate_pop&base_metric=views");
  ASSERT_EQ(later.status, 200) << later.body;
  EXPECT_EQ(
      DataOf(later),
      json::parse(
          R"({"series":[)" +
          Series("growth_rate_pop", "UTC",
                 Points({{"2026-02-11", "null"}, {"2026-02-12", "-20"}, {"2026-02-13", "50"}}),
                 "views") +
          R"(],"baselines":[],"first_data_date":"2026-02-10"})"));
}

TEST_F(VideoStatsTest, DerivedBaselinesFutureDaysAndNoData) {
  // Vr's baselines in New York: video_added 02-01T17:00Z and tracking_resumed 02-05T17:00Z.
  auto r = Stats(kVr, "from=2026-02-01&to=2026-02-06&metric=engagement_rate_by_views");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(DataOf(r).as_object().at("baselines"),
            json::parse(R"([{"entity_id":")" + std::string(kVr) +
                        R"(","snapshot_at":"2026-02-01T17:00:00Z","reason":"video_added"},)"
                        R"({"entity_id":")" +
                        std::string(kVr) +
                        R"(","snapshot_at":"2026-02-05T17:00:00Z","reason":"tracking_resumed"}])"));
  EXPECT_EQ(StrOf(DataOf(r), "first_data_date"), "2026-02-01");
  auto tail = Stats(kVr, "from=2026-02-02&to=2026-02-06&metric=engagement_rate_by_views");
  EXPECT_EQ(DataOf(tail).as_object().at("baselines"),
            json::parse(R"([{"entity_id":")" + std::string(kVr) +
                        R"(","snapshot_at":"2026-02-05T17:00:00Z","reason":"tracking_resumed"}])"));

  // A `to` in the future is allowed; its days have no data. Today is 03-01 in New York.
  auto future = Stats(kVx, "from=2026-02-28&to=2026-03-03&metric=engagement_rate_by_views");
  ASSERT_EQ(future.status, 200) << future.body;
  EXPECT_EQ(DataOf(future), json::parse(R"({"series":[)" +
                                        Series("engagement_rate_by_views", "America/New_York",
                                               Points({{"2026-02-28", "null"},
                                                       {"2026-03-01", "null"},
                                                       {"2026-03-02", "null"},
                                                       {"2026-03-03", "null"}})) +
                                        R"(],"baselines":[],"first_data_date":"2026-02-10"})"));
  auto future_legacy = Stats(kVx, "from=2026-02-28&to=2026-03-03");
  ASSERT_EQ(future_legacy.status, 200) << future_legacy.body;
  EXPECT_EQ(StrOf(DataOf(future_legacy), "to"), "2026-03-03");

  // A video without snapshots: every point null, no baseline, no first_data_date.
  auto empty =
      Stats(kVempty, "from=2026-02-10&to=2026-02-11&metric=growth_rate_pop&base_metric=likes");
  ASSERT_EQ(empty.status, 200) << empty.body;
  EXPECT_EQ(DataOf(empty),
            json::parse(R"({"series":[)" +
                        Series("growth_rate_pop", "America/New_York",
                               Points({{"2026-02-10", "null"}, {"2026-02-11", "null"}}), "likes") +
                        R"(],"baselines":[],"first_data_date":null})"));
}

TEST_F(VideoStatsTest, InvalidParametersAre400WithTheSpecsMessages) {
  const std::string unsupported =
      "engagement_rate_by_followers is not supported for video entities \xe2\x80\x94 use a "
      "creator or campaign endpoint instead";
  auto unknown = [](const std::string& id) {
    return "unknown metric '" + id +
           "' \xe2\x80\x94 supported for videos: engagement_rate_by_views, growth_rate_pop";
  };
  struct Case {
    std::string query;
    std::string message;  // empty: any message
  };
  const std::vector<Case> cases = {
      {"metric=engagement_rate_by_followers", unsupported},
      {"metric=engagement_rate_by_views,engagement_rate_by_followers", unsupported},
      {"metric=foo", unknown("foo")},
      // The first bad id decides.
      {"metric=engagement_rate_by_views,foo,engagement_rate_by_followers", unknown("foo")},
      {"metric=engagement_rate_by_followers,foo", unsupported},
      // Split exactly on commas: " growth_rate_pop" is not an id.
      {"metric=engagement_rate_by_views,%20growth_rate_pop&base_metric=views",
       unknown(" growth_rate_pop")},
      {"metric=Engagement_rate_by_views", unknown("Engagement_rate_by_views")},
      {"metric=engagement_rate_by_views,engagement_rate_by_views", ""},
      {"metric=engagement_rate_by_views,", ""},
      {"metric=,engagement_rate_by_views", ""},
      {"metric=engagement_rate_by_views,,growth_rate_pop&base_metric=views", ""},
      {"metric=", ""},
      {"metric=engagement_rate_by_views&granularity=week", ""},
      {"granularity=week", ""},
      {"granularity=", ""},
      {"metric=engagement_rate_by_views&granularity=Day", ""},
      {"metric=growth_rate_pop", ""},
      {"metric=growth_rate_pop&base_metric=followers", ""},
      {"metric=growth_rate_pop&base_metric=", ""},
      {"metric=engagement_rate_by_views&base_metric=bogus", ""},
      {"base_metric=bogus", ""},
      {"tz=Mars/Olympus", ""},
      {"tz=america/new_york", ""},
      {"tz=Etc/GMT+5", ""},  // '+' is a space in a query string: "Etc/GMT 5"
      {"tz=", ""},
      {"from=2026-02-11&to=2026-02-10", ""},
      {"from=2026-02-30&to=2026-03-01", ""},
      {"from=2026-2-1&to=2026-03-01", ""},
      {"to=tomorrow", ""},
      // 2025-02-28 .. 2026-03-01 is 367 days.
      {"from=2025-02-28&to=2026-03-01", ""},
      {"from=2026-02-01&from=2026-02-01", ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.query);
    auto r = Stats(kVx, c.query);
    EXPECT_TRUE(IsError(r, 400, "invalid_query"));
    if (!c.message.empty()) {
      EXPECT_EQ(ErrorOf(r), c.message) << r.body;
    }
  }
  // What is valid: 366 days (2025-03-01 .. 2026-03-01), granularity=day, base_metric without
  // growth (ignored), the same in both shapes.
  for (const char* ok :
       {"from=2025-03-01&to=2026-03-01", "metric=engagement_rate_by_views&granularity=day",
        "granularity=day", "base_metric=views",
        "metric=engagement_rate_by_views&base_metric=shares", "from=2026-02-10&to=2026-02-10"}) {
    SCOPED_TRACE(ok);
    EXPECT_EQ(Stats(kVx, ok).status, 200);
  }
  auto ignored = Stats(
      kVx,
      "tz=UTC&from=2026-02-09&to=2026-02-18&metric=engagement_rate_by_views&base_metric=likes");
  EXPECT_EQ(DataOf(ignored).as_object().at("series").as_array().at(0),
            json::parse(Series("engagement_rate_by_views", "UTC", kEngagementPoints)));

  // Path and ownership.
  EXPECT_TRUE(IsError(Stats("not-a-uuid", ""), 400, "invalid_params"));
  EXPECT_TRUE(IsError(Stats("d3000000-0000-4000-8000-0000000000ff", ""), 404, "not_found"));
  EXPECT_TRUE(
      IsError(Get(std::string("/api/v1/videos/") + kVa + "/stats", key_f_), 404, "not_found"));
  // 400 invalid_query comes before 404.
  EXPECT_TRUE(
      IsError(Stats("d3000000-0000-4000-8000-0000000000ff", "metric=foo"), 400, "invalid_query"));
}

// "localtime" names a file of the host's zone directory (its own /etc/localtime), not an IANA
// zone: the answer must not depend on how the host is configured (spec/videos.md: unknown → 400).
TEST_F(VideoStatsTest, HostLocaltimeIsNotAnIanaZone) {
  EXPECT_TRUE(IsError(Stats(kVm, "tz=localtime"), 400, "invalid_query"));
}

TEST_F(VideoStatsTest, ResultCacheAndItsInvalidationByAnotherProcess) {
  const std::string q = "tz=UTC&from=2026-02-09&to=2026-02-18&metric=engagement_rate_by_views";
  auto first = Stats(kVx, q);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(MetaOf(first), json::parse(R"({"cached":false})"));
  auto second = Stats(kVx, q);
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(MetaOf(second), json::parse(R"({"cached":true})"));
  EXPECT_EQ(DataOf(second), DataOf(first));
  // Another zone is another answer.
  EXPECT_EQ(
      MetaOf(Stats(
          kVx, "tz=Asia/Kolkata&from=2026-02-09&to=2026-02-18&metric=engagement_rate_by_views")),
      json::parse(R"({"cached":false})"));

  auto cohort_first = Stats(kVa, "cohort=1");
  EXPECT_EQ(MetaOf(cohort_first), json::parse(R"({"cached":false})"));
  auto cohort_second = Stats(kVa, "cohort=1");
  EXPECT_EQ(MetaOf(cohort_second), json::parse(R"({"cached":true})"));
  EXPECT_EQ(DataOf(cohort_second), DataOf(cohort_first));

  // A new snapshot of another video of the organization, imported by another process:
  // Ve (CB, posted 02-01) gets 203 views on 02-20 (day 19): 203 - 103 = 100 gained.
  ASSERT_TRUE(Import({SnapLine(kVe, "2026-02-20T17:00:00Z", {203, 0, 0, 0, 0})}));
  auto after = Stats(kVx, q);
  ASSERT_EQ(after.status, 200) << after.body;
  EXPECT_EQ(MetaOf(after), json::parse(R"({"cached":false})"));
  EXPECT_EQ(DataOf(after), DataOf(first));
  EXPECT_EQ(MetaOf(Stats(kVx, q)), json::parse(R"({"cached":true})"));
  // The organization's averages gain day 19 (Ve alone, 100); CA's do not change.
  auto cohort_after = Stats(kVa, "cohort=1");
  EXPECT_EQ(MetaOf(cohort_after), json::parse(R"({"cached":false})"));
  json::value expected = json::parse(kCohortNewYork);
  expected.as_object()["org_avg"].as_array().push_back(
      json::parse(R"({"day_number":19,"avg_views_gained":100,"sample_size":1})"));
  EXPECT_EQ(DataOf(cohort_after).as_object().at("cohort"), expected);
  // Ve's own stats show the new snapshot (no stale copy).
  auto ve = Stats(kVe, "from=2026-02-20&to=2026-02-20");
  EXPECT_EQ(DataOf(ve).as_object().at("snapshots"),
            json::parse("[" + SnapJson("2026-02-20T17:00:00Z", {203, 0, 0, 0, 0}) + "]"));
}

TEST_F(VideoStatsTest, FreePlanRetentionIs402BeforeItsThirtyDays) {
  // Organization F (UTC, free: 30 days): today is 03-01, so the earliest allowed day is
  // 03-01 - 29 = 01-31; from = today - 30 = 01-30 is refused.
  const std::string base = std::string("/api/v1/videos/") + kVF + "/stats";
  const std::string refused =
      R"({"data":null,"error":"Requested range starts before your plan's 30-day history",)"
      R"("meta":{"code":"retention_exceeded","tier_retention_days":30,"earliest_allowed":"2026-01-31"}})";
  auto r = Get(base + "?from=2026-01-30", key_f_);
  EXPECT_EQ(r.status, 402);
  EXPECT_EQ(r.body, refused);
  EXPECT_EQ(
      Get(base + "?from=2026-01-30&to=2026-02-01&metric=engagement_rate_by_views", key_f_).body,
      refused);
  auto dflt = Get(base, key_f_);
  ASSERT_EQ(dflt.status, 200) << dflt.body;
  EXPECT_EQ(StrOf(DataOf(dflt), "from"), "2026-01-31");
  EXPECT_EQ(StrOf(DataOf(dflt), "to"), "2026-03-01");
  EXPECT_EQ(DataOf(dflt).as_object().at("snapshots"),
            json::parse("[" + SnapJson("2026-02-20T12:00:00Z", {10, 1, 0, 0, 0}) + "]"));
  EXPECT_EQ(Get(base + "?from=2026-01-31", key_f_).status, 200);
  // In the request's zone: in Kiritimati (UTC+14) today is 03-02, the earliest day 02-01.
  auto east = Get(base + "?from=2026-01-31&tz=Pacific/Kiritimati", key_f_);
  EXPECT_EQ(east.status, 402);
  EXPECT_EQ(
      east.body,
      R"({"data":null,"error":"Requested range starts before your plan's 30-day history",)"
      R"("meta":{"code":"retention_exceeded","tier_retention_days":30,"earliest_allowed":"2026-02-01"}})");
  // 400 and 404 come before 402.
  EXPECT_TRUE(IsError(Get(base + "?from=2026-01-30&metric=foo", key_f_), 400, "invalid_query"));
  EXPECT_TRUE(IsError(
      Get("/api/v1/videos/f3000000-0000-4000-8000-0000000000ff/stats?from=2026-01-30", key_f_), 404,
      "not_found"));
}

}  // namespace
}  // namespace goatherd::blackbox
