// Black-box test of the analytics rollups (spec/analytics.md: "Campaign and project series for
// past days come from rollups kept current by ingest; today is always computed live. The answer
// is identical either way"). A generated dataset (fixed seed) is imported into an organization in
// America/New_York; each project and campaign answer in the organization's zone (served from the
// rollups) must equal the answer with tz=US/Eastern, a name of the same zone that the server
// answers from the snapshots, and its daily `views` must equal the sum of its member videos'
// own series. Membership changes made through the API after the import must show at once.
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <fstream>
#include <random>

#include "harness.h"

namespace goatherd::blackbox {
namespace {

namespace json = boost::json;

constexpr char kNow[] = "2026-02-10T15:00:00Z";
constexpr char kOrg[] = "d0000000-0000-4000-8000-000000000000";
constexpr char kP[] = "d1000000-0000-4000-8000-000000000001";
constexpr int kCreators = 4;
constexpr int kVideos = 24;

std::string Numbered(char kind, int n) {
  char id[40];
  std::snprintf(id, sizeof id, "d%c000000-0000-4000-8000-%012d", kind, n);
  return id;
}

// The data of an answer with the echoed zone taken out, as text: two answers are equal when
// these are.
std::string Comparable(const HttpResult& r) {
  if (!r.json_ok || !r.json.is_object()) return "not json: " + r.body;
  json::value data = r.json.as_object().at("data");
  if (!data.is_object()) return "no data: " + r.body;
  for (const char* key : {"series", "compare_series", "breakdown_series"}) {
    if (auto* s = data.as_object().if_contains(key)) {
      for (auto& series : s->as_array()) series.as_object().erase("timezone");
    }
  }
  return json::serialize(data);
}

class AnalyticsRollupTest : public BlackBoxTest {
 protected:
  void Configure(ServerProcess::Options& options) override { options.fake_now = kNow; }

  void SetUp() override {
    BlackBoxTest::SetUp();
    if (HasFatalFailure()) return;
    std::mt19937 rng(7);
    std::vector<std::string> lines = {
        R"({"type":"org","id":")" + std::string(kOrg) +
            R"(","name":"Org","timezone":"America/New_York","plan":"ultra"})",
        R"({"type":"project","id":")" + std::string(kP) + R"(","org_id":")" + kOrg +
            R"(","name":"Generated","readme":null})"};
    for (int c = 0; c < kCreators; ++c) {
      lines.push_back(
          R"({"type":"creator","id":")" + Numbered('2', c) + R"(","project_id":")" + kP +
          R"(","tiktok_handle":"gen)" + std::to_string(c) +
          R"(","display_name":null,"tracking_mode":"auto","tracking_start_date":"2025-01-01"})");
    }
    const char* statuses[] = {"auto_tracked", "auto_tracked", "included", "pending_review",
                              "excluded"};
    for (int v = 0; v < kVideos; ++v) {
      const std::string id = Numbered('3', v);
      videos_.push_back(id);
      const int day = 1 + static_cast<int>(rng() % 20);  // posted 2026-01-01 .. 01-20
      char posted[32];
      std::snprintf(posted, sizeof posted, "2026-01-%02dT%02d:30:00Z", day,
                    static_cast<int>(rng() % 24));
      lines.push_back(R"({"type":"video","id":")" + id + R"(","project_id":")" + kP +
                      R"(","creator_id":")" + Numbered('2', v % kCreators) +
                      R"(","tiktok_video_id":")" + std::to_string(7500000000000000000LL + v) +
                      R"(","title":"Gen )" + std::to_string(v) + R"(","tracking_status":")" +
                      statuses[rng() % 5] + R"(","posted_at":")" + posted + R"("})");
      // Snapshots every few hours (times around local midnight included), with downward
      // corrections now and then, from the posted day to 02-10.
      std::int64_t views = 0;
      for (int d = day; d <= 41; d += 1 + static_cast<int>(rng() % 2)) {
        for (int k = 0; k < 2; ++k) {
          const int hour = static_cast<int>(rng() % 24);
          views = rng() % 9 == 0 ? views * 9 / 10 : views + static_cast<int>(rng() % 3000);
          char at[32];
          std::snprintf(at, sizeof at, "2026-%02d-%02dT%02d:%02d:00Z", d <= 31 ? 1 : 2,
                        d <= 31 ? d : d - 31, hour, k * 30);
          lines.push_back(R"({"type":"video_snapshot","video_id":")" + id + R"(","snapshot_at":")" +
                          at + R"(","view_count":)" + std::to_string(views) + R"(,"like_count":)" +
                          std::to_string(views / 11) + R"(,"comment_count":)" +
                          std::to_string(views / 97) + R"(,"share_count":)" +
                          std::to_string(views / 201) + R"(,"save_count":)" +
                          std::to_string(views / 150) + "}");
        }
      }
    }
    std::string path = dir_->File("data.jsonl");
    {
      std::ofstream out(path);
      for (const auto& line : lines) out << line << "\n";
    }
    auto r = Cli({"import", path, "--fake-now", kNow});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    key_ = CreateKey(kOrg).secret;
  }

  HttpResult A(const std::string& query) { return Get("/api/v1/analytics?" + query, key_); }

  std::string AddCampaign(const std::string& name) {
    auto r = Call("POST", std::string("/api/v1/projects/") + kP + "/campaigns", key_,
                  R"({"name":")" + name + R"("})");
    EXPECT_EQ(r.status, 201) << r.body;
    if (!r.json_ok) return "";
    return std::string(r.json.as_object().at("data").as_object().at("id").as_string());
  }
  void AddItem(const std::string& campaign, const std::string& type, const std::string& id) {
    auto r = Call("POST", "/api/v1/campaigns/" + campaign + "/items", key_,
                  R"({"item_type":")" + type + R"(","item_id":")" + id + R"("})");
    EXPECT_EQ(r.status, 201) << r.body;
  }

  // Every query of `entity` answered the same from the rollups and from the snapshots.
  void ExpectBothPathsEqual(const std::string& entity, const std::string& id) {
    const std::string base = "entity=" + entity + "&entity_id=" + id;
    for (const std::string q :
         {"&metric=views", "&metric=views&mode=cumulative", "&metric=likes&granularity=week",
          "&metric=engagement&mode=cumulative&granularity=month", "&metric=posts&bucket_days=7",
          "&metric=posts&mode=cumulative", "&metric=engagement_rate_by_views",
          "&metric=avg_views_per_post&granularity=week", "&metric=posts_per_week&granularity=week",
          "&metric=growth_rate_pop&base_metric=views",
          "&metric=growth_rate_pop&base_metric=saves&mode=new",
          "&metric=views&compare=prior_period&from=2026-01-20&to=2026-02-12",
          "&metric=views&breakdown=video&from=2026-01-01&to=2026-02-10",
          "&metric=comments&mode=cumulative&breakdown=video&from=2026-01-05&to=2026-01-25",
          "&metric=posts&breakdown=video&from=2026-01-01&to=2026-01-10",
          "&metric=engagement_rate_by_views&breakdown=video&from=2026-01-01&to=2026-02-10",
          "&metric=views&from=2025-12-20&to=2026-01-03"}) {
      auto org_zone = A(base + q);
      auto live = A(base + q + "&tz=US/Eastern");
      ASSERT_EQ(org_zone.status, 200) << q << ": " << org_zone.body;
      ASSERT_EQ(live.status, 200) << q << ": " << live.body;
      EXPECT_EQ(Comparable(org_zone), Comparable(live)) << entity << " " << q;
    }
  }

  // The sum, day by day, of the videos' own `views` series (null when all are null).
  std::vector<std::string> SumOfVideos(const std::vector<std::string>& ids,
                                       const std::string& range) {
    std::vector<std::optional<std::int64_t>> sum;
    for (const auto& id : ids) {
      auto r = A("entity=video&entity_id=" + id + "&metric=views" + range);
      EXPECT_EQ(r.status, 200) << r.body;
      const auto& points =
          r.json.as_object().at("data").as_object().at("series").as_array()[0].as_object().at(
              "points");
      sum.resize(points.as_array().size());
      for (std::size_t i = 0; i < sum.size(); ++i) {
        const auto& v = points.as_array()[i].as_object().at("value");
        if (!v.is_null()) sum[i] = sum[i].value_or(0) + v.to_number<std::int64_t>();
      }
    }
    std::vector<std::string> out;
    for (const auto& s : sum) out.push_back(s ? std::to_string(*s) : "null");
    return out;
  }
  std::vector<std::string> ValuesOf(const HttpResult& r) {
    std::vector<std::string> out;
    for (const auto& p : r.json.as_object()
                             .at("data")
                             .as_object()
                             .at("series")
                             .as_array()[0]
                             .as_object()
                             .at("points")
                             .as_array()) {
      out.push_back(json::serialize(p.as_object().at("value")));
    }
    return out;
  }
  // Counted videos of the project, by status, as the import lines set them.
  std::vector<std::string> CountedVideos() {
    std::vector<std::string> out;
    for (const auto& id : videos_) {
      std::string status = SqlValue("SELECT tracking_status FROM videos WHERE id = '" + id + "'");
      if (status == "auto_tracked" || status == "included") out.push_back(id);
    }
    return out;
  }

  std::string key_;
  std::vector<std::string> videos_;
};

const std::string kRange = "&from=2026-01-01&to=2026-02-10";

TEST_F(AnalyticsRollupTest, ProjectFromRollupsEqualsLiveAndTheSumOfItsVideos) {
  // The import completed its deferred work, so the organization's zone reads the rollups.
  EXPECT_EQ(SqlValue("SELECT count(*) FROM videos WHERE cohort_dirty = 1"), "0");
  EXPECT_NE(SqlValue(std::string("SELECT count(*) FROM rollup_days WHERE scope_id = '") + kP + "'"),
            "0");
  ExpectBothPathsEqual("project", kP);
  auto r = A(std::string("entity=project&entity_id=") + kP + "&metric=views" + kRange);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto counted = CountedVideos();
  ASSERT_GE(counted.size(), 5u);
  EXPECT_EQ(ValuesOf(r), SumOfVideos(counted, kRange));
}

// A database last written by an older goatherd: its videos await the deferred sync and have no
// packed day series. `goatherd migrate` completes that work, as `serve` would before listening.
TEST_F(AnalyticsRollupTest, MigrateCompletesTheDeferredWorkOfAnUpgrade) {
  const std::string videos = SqlValue("SELECT count(*) FROM videos");
  ASSERT_NE(videos, "0");
  SqlValue("DELETE FROM video_day_series; UPDATE videos SET cohort_dirty = 1");
  ASSERT_EQ(SqlValue("SELECT count(*) FROM videos WHERE cohort_dirty = 1"), videos);
  auto r = Cli({"migrate"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out.starts_with("schema at version ")) << r.out;
  EXPECT_NE(r.err.find("brought the running aggregates of " + videos + " videos up to date"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(SqlValue("SELECT count(*) FROM videos WHERE cohort_dirty = 1"), "0");
  EXPECT_EQ(SqlValue("SELECT count(*) FROM video_day_series"), videos);
  // Nothing left to do: a second run says so by saying nothing.
  auto again = Cli({"migrate"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.err.find("brought the running aggregates"), std::string::npos) << again.err;
  ExpectBothPathsEqual("project", kP);
}

TEST_F(AnalyticsRollupTest, NestedCampaignsFollowMembershipChangesAtOnce) {
  const std::string outer = AddCampaign("Outer");
  const std::string inner = AddCampaign("Inner");
  AddItem(inner, "creator", Numbered('2', 1));
  AddItem(inner, "video", videos_[0]);
  AddItem(outer, "campaign", inner);
  AddItem(outer, "video", videos_[2]);
  ExpectBothPathsEqual("campaign", outer);
  ExpectBothPathsEqual("campaign", inner);

  // The inner campaign's videos: video 0 (any status) and creator 1's counted videos.
  std::vector<std::string> members = {videos_[0]};
  for (const auto& id : CountedVideos()) {
    if (id != videos_[0] && std::stoi(id.substr(24)) % kCreators == 1) members.push_back(id);
  }
  auto r = A("entity=campaign&entity_id=" + inner + "&metric=views" + kRange);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(ValuesOf(r), SumOfVideos(members, kRange));

  // Removing the creator takes its videos out of both campaigns at once.
  auto del = Call("DELETE", "/api/v1/creators/" + Numbered('2', 1), key_);
  EXPECT_EQ(del.status, 200) << del.body;
  r = A("entity=campaign&entity_id=" + inner + "&metric=views" + kRange);
  EXPECT_EQ(ValuesOf(r), SumOfVideos({videos_[0]}, kRange));
  ExpectBothPathsEqual("campaign", outer);
}

}  // namespace
}  // namespace goatherd::blackbox
