// Black-box tests of the Tracking Inbox (spec/resources.md) against the real binary: the list of
// a project's pending_review videos (order, pages, the creator's handle) and the all-or-nothing
// decision on many videos, with the cohort averages before and after worked out by hand. Data is
// loaded with `goatherd import` under fixed ids and times; "now" is fixed with --fake-now.
#include <algorithm>
#include <boost/json/parse.hpp>
#include <cstdio>
#include <fstream>

#include "harness.h"

namespace goatherd::blackbox {
namespace {

namespace json = boost::json;

constexpr char kNow[] = "2026-03-01T12:00:00Z";

constexpr char kOrgA[] = "c0000000-0000-4000-8000-000000000000";
constexpr char kOrgB[] = "c0000000-0000-4000-8000-00000000000b";
constexpr char kP1[] = "c1000000-0000-4000-8000-000000000001";
constexpr char kP2[] = "c1000000-0000-4000-8000-000000000002";
constexpr char kPB[] = "c1000000-0000-4000-8000-00000000000b";
constexpr char kCS[] = "c2000000-0000-4000-8000-000000000005";  // selective
constexpr char kCA[] = "c2000000-0000-4000-8000-00000000000a";  // auto
constexpr char kCB[] = "c2000000-0000-4000-8000-0000000000bb";
// Pending in P1, oldest first; I3 and I4 share a created_at and are ordered by id.
constexpr char kI1[] = "c3000000-0000-4000-8000-0000000000c1";
constexpr char kI2[] = "c3000000-0000-4000-8000-0000000000c2";
constexpr char kI3[] = "c3000000-0000-4000-8000-0000000000c3";
constexpr char kI4[] = "c3000000-0000-4000-8000-0000000000c4";
constexpr char kI5[] = "c3000000-0000-4000-8000-0000000000c5";
constexpr char kA1[] = "c3000000-0000-4000-8000-0000000000a1";  // auto_tracked
constexpr char kX1[] = "c3000000-0000-4000-8000-0000000000e1";  // excluded
constexpr char kD1[] = "c3000000-0000-4000-8000-0000000000d1";  // direct_add
constexpr char kQ1[] = "c3000000-0000-4000-8000-0000000000f1";  // pending, project P2
constexpr char kVB[] = "c3000000-0000-4000-8000-0000000000bb";  // pending, organization B

std::string StrOf(const json::value& v, std::string_view key) {
  const auto* o = v.if_object();
  if (!o || !o->contains(key) || !o->at(key).is_string()) return "";
  return std::string(o->at(key).as_string());
}

std::vector<std::string> IdsOf(const json::value& data) {
  std::vector<std::string> ids;
  if (!data.is_array()) return ids;
  for (const auto& v : data.as_array()) ids.emplace_back(v.as_object().at("id").as_string());
  return ids;
}

std::string OrgLine(const std::string& id) {
  return R"({"type":"org","id":")" + id + R"(","name":"Org","timezone":"UTC","plan":"ultra"})";
}
std::string ProjectLine(const std::string& id, const std::string& org) {
  return R"({"type":"project","id":")" + id + R"(","org_id":")" + org + R"(","name":"Program"})";
}
std::string CreatorLine(const std::string& id, const std::string& project,
                        const std::string& handle, const std::string& mode) {
  return R"({"type":"creator","id":")" + id + R"(","project_id":")" + project +
         R"(","tiktok_handle":")" + handle + R"(","tracking_mode":")" + mode + R"("})";
}
std::string VideoLine(const std::string& id, const std::string& project,
                      const std::optional<std::string>& creator, const std::string& tiktok_id,
                      const std::string& status, const std::string& created_at) {
  return R"({"type":"video","id":")" + id + R"(","project_id":")" + project + R"(","creator_id":)" +
         (creator ? JsonString(*creator) : "null") + R"(,"tiktok_video_id":")" + tiktok_id +
         R"(","tracking_status":")" + status +
         R"(","posted_at":"2026-02-01T09:00:00Z","created_at":")" + created_at + "\"}";
}
std::string SnapLine(const std::string& video, const std::string& at, std::int64_t views) {
  return R"({"type":"video_snapshot","video_id":")" + video + R"(","snapshot_at":")" + at +
         R"(","view_count":)" + std::to_string(views) +
         R"(,"like_count":0,"comment_count":0,"share_count":0,"save_count":0})";
}

std::string IdsBody(const std::vector<std::string>& ids, const std::string& decision) {
  std::string out = R"({"video_ids":[)";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i) out += ',';  // appended: GCC 12 warns falsely on "," + std::string
    out += JsonString(ids[i]);
  }
  return out + R"(],"decision":)" + JsonString(decision) + "}";
}

class InboxTest : public BlackBoxTest {
 protected:
  void Configure(ServerProcess::Options& options) override { options.fake_now = kNow; }

  void SetUp() override {
    BlackBoxTest::SetUp();
    if (HasFatalFailure()) return;
    // All videos were posted 02-01 at 09:00 UTC. With snapshots at noon:
    //   I1 40, 100 → velocity day 0: 40 (day 0 rule), day 1: 60
    //   A1 200     → day 0: 200
    std::vector<std::string> lines = {
        OrgLine(kOrgA),
        ProjectLine(kP1, kOrgA),
        ProjectLine(kP2, kOrgA),
        CreatorLine(kCS, kP1, "sel.creator", "selective"),
        CreatorLine(kCA, kP1, "auto.creator", "auto"),
        VideoLine(kI5, kP1, kCS, "7305", "pending_review", "2026-02-04T10:00:00Z"),
        VideoLine(kI4, kP1, kCS, "7304", "pending_review", "2026-02-03T10:00:00Z"),
        VideoLine(kI3, kP1, kCS, "7303", "pending_review", "2026-02-03T10:00:00Z"),
        VideoLine(kI2, kP1, kCS, "7302", "pending_review", "2026-02-02T10:00:00Z"),
        VideoLine(kI1, kP1, kCS, "7301", "pending_review", "2026-02-01T10:00:00Z"),
        SnapLine(kI1, "2026-02-01T12:00:00Z", 40),
        SnapLine(kI1, "2026-02-02T12:00:00Z", 100),
        VideoLine(kA1, kP1, kCA, "7310", "auto_tracked", "2026-02-01T10:00:00Z"),
        SnapLine(kA1, "2026-02-01T12:00:00Z", 200),
        VideoLine(kX1, kP1, kCS, "7311", "excluded", "2026-01-31T10:00:00Z"),
        VideoLine(kD1, kP1, std::nullopt, "7312", "direct_add", "2026-01-31T10:00:00Z"),
        VideoLine(kQ1, kP2, std::nullopt, "7320", "pending_review", "2026-01-30T10:00:00Z"),
        OrgLine(kOrgB),
        ProjectLine(kPB, kOrgB),
        CreatorLine(kCB, kPB, "b.creator", "selective"),
        VideoLine(kVB, kPB, kCB, "7330", "pending_review", "2026-01-30T10:00:00Z"),
    };
    std::string path = dir_->File("seed.jsonl");
    {
      std::ofstream out(path);
      for (const auto& line : lines) out << line << "\n";
    }
    auto r = Cli({"import", path, "--fake-now", kNow});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    key_ = CreateKey(kOrgA).secret;
    key_b_ = CreateKey(kOrgB).secret;
  }

  HttpResult Inbox(const std::string& project, const std::string& query = "") {
    return Get("/api/v1/projects/" + project + "/inbox" + (query.empty() ? "" : "?" + query), key_);
  }
  std::vector<std::string> InboxIds(const std::string& project) {
    return IdsOf(DataOf(Inbox(project, "limit=100")));
  }
  HttpResult Decide(const std::string& project, const std::string& body,
                    const std::string& key = "") {
    return Call("POST", "/api/v1/projects/" + project + "/inbox/decide", key.empty() ? key_ : key,
                body);
  }
  std::string Status(const std::string& video) {
    return StrOf(DataOf(Get("/api/v1/videos/" + video, key_)), "tracking_status");
  }
  json::value Cohort(const std::string& video) {
    auto r = Get("/api/v1/videos/" + video + "/stats?cohort=1", key_);
    EXPECT_EQ(r.status, 200) << r.body;
    json::value data = DataOf(r);
    const auto* c = data.is_object() ? data.as_object().if_contains("cohort") : nullptr;
    return c ? *c : json::value();
  }

  std::string key_;
  std::string key_b_;
};

TEST_F(InboxTest, ListsPendingVideosOldestFirstWithTheirHandle) {
  auto r = Inbox(kP1);
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_TRUE(IsEnvelope(r));
  EXPECT_EQ(IdsOf(DataOf(r)), (std::vector<std::string>{kI1, kI2, kI3, kI4, kI5}));
  EXPECT_EQ(MetaOf(r), json::parse(R"({"nextCursor":null,"hasMore":false})"));
  // Each entry: the 21 fields of the video object and the creator's handle.
  const json::value data = DataOf(r);
  const auto& first = data.as_array().at(0).as_object();
  EXPECT_EQ(first.size(), 22u);
  EXPECT_EQ(StrOf(first, "creator_handle"), "sel.creator");
  EXPECT_EQ(StrOf(first, "creator_id"), kCS);
  EXPECT_EQ(StrOf(first, "tracking_status"), "pending_review");
  EXPECT_EQ(StrOf(first, "url"), "https://www.tiktok.com/@sel.creator/video/7301");
  EXPECT_EQ(first.at("view_count"), json::value(100));
  // The video object of an entry is the one GET /videos/{id} answers.
  json::object plain = first;
  plain.erase("creator_handle");
  EXPECT_EQ(json::value(plain), DataOf(Get(std::string("/api/v1/videos/") + kI1, key_)));
  // Other projects have their own inbox; another organization's project is a 404.
  EXPECT_EQ(InboxIds(kP2), (std::vector<std::string>{kQ1}));
  EXPECT_TRUE(IsError(Inbox(kPB), 404, "not_found"));
  EXPECT_TRUE(IsError(Inbox("c1000000-0000-4000-8000-0000000000ff"), 404, "not_found"));
  EXPECT_TRUE(IsError(Inbox("nope"), 400, "invalid_params"));
  // A read-only key may look.
  EXPECT_EQ(Get(std::string("/api/v1/projects/") + kP1 + "/inbox", CreateKey(kOrgA, "read").secret)
                .status,
            200);
}

TEST_F(InboxTest, PagesWalkEveryPendingVideoOnce) {
  std::vector<std::string> seen;
  std::string cursor;
  std::vector<std::size_t> sizes;
  for (int page = 0; page < 10; ++page) {
    auto r = Inbox(kP1, "limit=2" + (cursor.empty() ? "" : "&cursor=" + cursor));
    ASSERT_EQ(r.status, 200) << r.body;
    auto ids = IdsOf(DataOf(r));
    sizes.push_back(ids.size());
    seen.insert(seen.end(), ids.begin(), ids.end());
    json::value meta = MetaOf(r);
    if (!meta.as_object().at("hasMore").as_bool()) {
      EXPECT_TRUE(meta.as_object().at("nextCursor").is_null());
      break;
    }
    cursor = StrOf(meta, "nextCursor");
    ASSERT_FALSE(cursor.empty());
  }
  EXPECT_EQ(sizes, (std::vector<std::size_t>{2, 2, 1}));
  EXPECT_EQ(seen, (std::vector<std::string>{kI1, kI2, kI3, kI4, kI5}));
  // A cursor of P1's inbox is refused on P2's, and a tampered one anywhere.
  auto first = Inbox(kP1, "limit=2");
  const std::string c = StrOf(MetaOf(first), "nextCursor");
  EXPECT_TRUE(IsError(Inbox(kP2, "cursor=" + c), 400, "invalid_query"));
  std::string tampered = c;
  tampered[tampered.size() / 2] = tampered[tampered.size() / 2] == 'A' ? 'B' : 'A';
  EXPECT_TRUE(IsError(Inbox(kP1, "cursor=" + tampered), 400, "invalid_query"));
  EXPECT_TRUE(IsError(Inbox(kP1, "limit=0"), 400, "invalid_query"));
  // A video decided between two pages does not shift the rest.
  ASSERT_EQ(Decide(kP1, IdsBody({kI2}, "included")).status, 200);
  auto second = Inbox(kP1, "limit=2&cursor=" + c);
  EXPECT_EQ(IdsOf(DataOf(second)), (std::vector<std::string>{kI3, kI4}));
}

TEST_F(InboxTest, DecideIsAllOrNothing) {
  const std::vector<std::string> before = InboxIds(kP1);
  // A video of another project, another organization, or no video at all: 404, nothing changes.
  const std::string missing = "c3000000-0000-4000-8000-0000000000ff";
  for (const std::string& stranger : {std::string(kQ1), std::string(kVB), missing}) {
    SCOPED_TRACE(stranger);
    auto r = Decide(kP1, IdsBody({kI1, kI2, stranger}, "included"));
    ASSERT_TRUE(IsError(r, 404, "not_found")) << r.body;
    EXPECT_EQ(MetaOf(r).as_object().at("video_ids"), json::parse("[" + JsonString(stranger) + "]"));
    EXPECT_EQ(InboxIds(kP1), before);
  }
  // A direct add cannot be decided (as PATCH says): 409, nothing changes.
  auto direct = Decide(kP1, IdsBody({kI1, kD1}, "excluded"));
  ASSERT_TRUE(IsError(direct, 409, "invalid_transition")) << direct.body;
  EXPECT_EQ(MetaOf(direct).as_object().at("video_ids"), json::parse("[" + JsonString(kD1) + "]"));
  EXPECT_EQ(InboxIds(kP1), before);
  EXPECT_EQ(Status(kI1), "pending_review");
  // A missing video outranks a direct add (404 before 409).
  EXPECT_TRUE(IsError(Decide(kP1, IdsBody({kD1, missing}, "included")), 404, "not_found"));
  // Another organization's project: 404 even with its own ids.
  EXPECT_TRUE(IsError(Decide(kPB, IdsBody({kVB}, "included")), 404, "not_found"));
  EXPECT_EQ(StrOf(DataOf(Get(std::string("/api/v1/videos/") + kVB, key_b_)), "tracking_status"),
            "pending_review");
}

TEST_F(InboxTest, DecisionsMoveVideosAndKeepTheCohortsRight) {
  // Before, by hand: creator CS counts nothing; the organization counts A1 alone (D1 has no
  // snapshot, so no velocity).
  EXPECT_EQ(Cohort(kI1), json::parse(R"({"creator_avg":[],
      "org_avg":[{"day_number":0,"avg_views_gained":200,"sample_size":1}]})"));
  auto r = Decide(kP1, IdsBody({kI2, kI1}, "included"));
  ASSERT_EQ(r.status, 200) << r.body;
  json::value data = DataOf(r);
  EXPECT_EQ(StrOf(data, "decision"), "included");
  const auto& videos = data.as_object().at("videos");
  EXPECT_EQ(IdsOf(videos), (std::vector<std::string>{kI2, kI1}));  // in the order asked
  for (const auto& v : videos.as_array()) EXPECT_EQ(StrOf(v, "tracking_status"), "included");
  EXPECT_EQ(json::value(videos.as_array().at(1)),
            DataOf(Get(std::string("/api/v1/videos/") + kI1, key_)));
  EXPECT_EQ(InboxIds(kP1), (std::vector<std::string>{kI3, kI4, kI5}));
  // After, by hand: CS counts I1 (40, 60); the organization A1 and I1: day 0 (200+40)/2 = 120,
  // day 1 60/1. The earlier (cached) answer is not served again.
  EXPECT_EQ(Cohort(kI1), json::parse(R"({
      "creator_avg":[{"day_number":0,"avg_views_gained":40,"sample_size":1},
                     {"day_number":1,"avg_views_gained":60,"sample_size":1}],
      "org_avg":[{"day_number":0,"avg_views_gained":120,"sample_size":2},
                 {"day_number":1,"avg_views_gained":60,"sample_size":1}]})"));

  // Excluded: gone from the inbox and from GET /videos, still readable one by one.
  ASSERT_EQ(Decide(kP1, IdsBody({kI1, kI3}, "excluded")).status, 200);
  EXPECT_EQ(InboxIds(kP1), (std::vector<std::string>{kI4, kI5}));
  auto list = IdsOf(DataOf(Get(std::string("/api/v1/videos?limit=100&project_id=") + kP1, key_)));
  EXPECT_EQ(std::count(list.begin(), list.end(), kI1), 0);
  EXPECT_EQ(std::count(list.begin(), list.end(), kI3), 0);
  EXPECT_EQ(Status(kI3), "excluded");
  EXPECT_EQ(Cohort(kI1), json::parse(R"({"creator_avg":[],
      "org_avg":[{"day_number":0,"avg_views_gained":200,"sample_size":1}]})"));
  // ... and can be included again.
  ASSERT_EQ(Decide(kP1, IdsBody({kI1}, "included")).status, 200);
  list = IdsOf(DataOf(Get(std::string("/api/v1/videos?limit=100&project_id=") + kP1, key_)));
  EXPECT_EQ(std::count(list.begin(), list.end(), kI1), 1);
  EXPECT_EQ(json::value(Cohort(kI1).as_object().at("creator_avg")),
            json::parse(R"([{"day_number":0,"avg_views_gained":40,"sample_size":1},
                            {"day_number":1,"avg_views_gained":60,"sample_size":1}])"));
  // Deciding a video the way it already is changes nothing, updated_at included.
  auto before = DataOf(Get(std::string("/api/v1/videos/") + kI1, key_));
  auto same = Decide(kP1, IdsBody({kI1}, "included"));
  ASSERT_EQ(same.status, 200);
  EXPECT_EQ(json::value(DataOf(same).as_object().at("videos").as_array().at(0)), before);
}

TEST_F(InboxTest, RefusedBodies) {
  std::string many = R"({"decision":"included","video_ids":[)";
  for (int i = 0; i < 501; ++i) {
    char id[40];
    std::snprintf(id, sizeof id, "c3000000-0000-4000-8000-%012d", i);
    many += (i ? ",\"" : "\"") + std::string(id) + "\"";
  }
  many += "]}";
  const std::string one = JsonString(kI1);
  for (const std::string& bad : {
           std::string(R"({"video_ids":[)") + one + "]}",
           std::string(R"({"video_ids":[)") + one + R"(],"decision":"maybe"})",
           std::string(R"({"video_ids":[)") + one + R"(],"decision":"pending_review"})",
           std::string(R"({"video_ids":[)") + one + R"(],"decision":1})",
           std::string(R"({"video_ids":[],"decision":"included"})"),
           many,
           std::string(R"({"video_ids":[)") + one + "," + one + R"(],"decision":"included"})",
           std::string(R"({"video_ids":[)") + one + R"(],"decision":"included","note":1})",
           std::string("{}"),
           std::string("[]"),
       }) {
    SCOPED_TRACE(bad.substr(0, 100));
    EXPECT_TRUE(IsError(Decide(kP1, bad), 400, "invalid_body"));
  }
  EXPECT_EQ(Status(kI1), "pending_review");
  // 500 ids is the most: with one unknown among them the answer is the 404, not a 400.
  std::string five_hundred = R"({"decision":"included","video_ids":[)" + one;
  for (int i = 1; i < 500; ++i) {
    char id[40];
    std::snprintf(id, sizeof id, "c3000000-0000-4000-8000-%012d", i);
    five_hundred += ",\"" + std::string(id) + "\"";
  }
  five_hundred += "]}";
  EXPECT_TRUE(IsError(Decide(kP1, five_hundred), 404, "not_found"));
  // Deciding needs the write scope.
  EXPECT_TRUE(IsError(Decide(kP1, IdsBody({kI1}, "included"), CreateKey(kOrgA, "read").secret), 403,
                      "insufficient_scope"));
}

}  // namespace
}  // namespace goatherd::blackbox
