// Black-box tests of the manual scrape triggers (spec/scraping.md "Scheduler"): POST
// /api/v1/creators/{id}/scrape and /api/v1/videos/{id}/scrape queue jobs now, answer 202, count
// against max_manual_scrape_triggers_per_day (UTC day) and refuse targets that are not refreshed.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "harness.h"

namespace goatherd::blackbox {
namespace {

namespace json = boost::json;

// 22:00:00Z: two hours, 7200 s, to the next UTC midnight (the fake clock then advances a little).
constexpr char kNow[] = "2026-03-01T22:00:00Z";
constexpr char kProject[] = "b1000000-0000-4000-8000-000000000001";
constexpr char kCreator[] = "b2000000-0000-4000-8000-000000000001";
constexpr char kVideo[] = "b3000000-0000-4000-8000-000000000001";
constexpr char kDisabledVideo[] = "b3000000-0000-4000-8000-000000000002";

class ScrapeTriggerTest : public BlackBoxTest {
 protected:
  void Configure(ServerProcess::Options& options) override { options.fake_now = kNow; }

  // An organization on `plan` with one project, creator and two videos, loaded by import.
  std::string Seed(const std::string& plan) {
    std::string org = CreateOrg(plan);
    std::string path = dir_->File("seed.jsonl");
    std::ofstream out(path);
    out << R"({"type":"project","id":")" << kProject << R"(","org_id":")" << org
        << R"(","name":"P"})"
        << "\n";
    out << R"({"type":"creator","id":")" << kCreator << R"(","project_id":")" << kProject
        << R"(","tiktok_handle":"someone"})"
        << "\n";
    for (const char* id : {kVideo, kDisabledVideo}) {
      out << R"({"type":"video","id":")" << id << R"(","project_id":")" << kProject
          << R"(","creator_id":")" << kCreator << R"(","tiktok_video_id":")"
          << (id == kVideo ? "7300000000000000001" : "7300000000000000002")
          << R"(","tracking_status":"auto_tracked","posted_at":"2026-02-27T10:00:00Z"})"
          << "\n";
    }
    out.close();
    auto r = Cli({"import", path, "--fake-now", kNow});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    Sql(std::string("UPDATE videos SET tracking_disabled = 1 WHERE id = '") + kDisabledVideo + "'");
    return org;
  }
};

TEST_F(ScrapeTriggerTest, CreatorTriggerQueuesProfileAndDiscoveryNow) {
  std::string org = Seed("ultra");
  ApiKey key = CreateKey(org);
  auto r = Call("POST", std::string("/api/v1/creators/") + kCreator + "/scrape", key.secret);
  ASSERT_EQ(r.status, 202) << r.body;
  const auto& queued = r.json.as_object().at("data").as_object().at("queued").as_array();
  ASSERT_EQ(queued.size(), 2u);
  EXPECT_EQ(queued[0].as_object().at("kind").as_string(), "creator_profiles");
  EXPECT_EQ(queued[1].as_object().at("kind").as_string(), "discover_videos");
  for (const auto& job : queued) {
    EXPECT_EQ(job.as_object().at("target_id").as_string(), kCreator);
    // Due at once: the server's clock started at 22:00:00Z and has moved seconds at most.
    std::string due(job.as_object().at("due_at").as_string());
    EXPECT_EQ(due.substr(0, 16), "2026-03-01T22:00") << due;
  }
}

TEST_F(ScrapeTriggerTest, VideoTriggerAnd409ForAVideoThatIsNotRefreshed) {
  std::string org = Seed("ultra");
  ApiKey key = CreateKey(org);
  auto ok = Call("POST", std::string("/api/v1/videos/") + kVideo + "/scrape", key.secret);
  ASSERT_EQ(ok.status, 202) << ok.body;
  const auto& queued = ok.json.as_object().at("data").as_object().at("queued").as_array();
  ASSERT_EQ(queued.size(), 1u);
  EXPECT_EQ(queued[0].as_object().at("kind").as_string(), "video_stats");

  auto off = Call("POST", std::string("/api/v1/videos/") + kDisabledVideo + "/scrape", key.secret);
  EXPECT_EQ(off.status, 409) << off.body;
  EXPECT_EQ(off.json.as_object().at("meta").as_object().at("code").as_string(), "not_tracked");

  auto missing =
      Call("POST", "/api/v1/videos/b3000000-0000-4000-8000-0000000000ff/scrape", key.secret);
  EXPECT_EQ(missing.status, 404) << missing.body;
  auto read_only = CreateKey(org, "read");
  auto forbidden =
      Call("POST", std::string("/api/v1/videos/") + kVideo + "/scrape", read_only.secret);
  EXPECT_EQ(forbidden.status, 403) << forbidden.body;
}

TEST_F(ScrapeTriggerTest, FreePlanAllowsOneTriggerADay) {
  // free: max_manual_scrape_triggers_per_day = 1 (api-conventions.md, plans table).
  std::string org = Seed("free");
  // The free plan's daily API quota is 0 requests; lift it for this organization's plan only
  // by moving the org to an operator plan that copies free but allows API requests.
  Sql("INSERT INTO plan_limits (plan, limit_key, value) SELECT 'free_api', limit_key, value "
      "FROM plan_limits WHERE plan = 'free'");
  Sql("UPDATE plan_limits SET value = 1000 WHERE plan = 'free_api' AND "
      "limit_key = 'max_api_requests_per_day'");
  Sql("UPDATE organizations SET plan = 'free_api' WHERE id = '" + org + "'");
  ApiKey key = CreateKey(org);
  auto first = Call("POST", std::string("/api/v1/videos/") + kVideo + "/scrape", key.secret);
  ASSERT_EQ(first.status, 202) << first.body;
  auto second = Call("POST", std::string("/api/v1/creators/") + kCreator + "/scrape", key.secret);
  ASSERT_EQ(second.status, 429) << second.body;
  const auto& meta = second.json.as_object().at("meta").as_object();
  EXPECT_EQ(meta.at("code").as_string(), "rate_limit_exceeded");
  EXPECT_EQ(meta.at("limitKey").as_string(), "max_manual_scrape_triggers_per_day");
  EXPECT_EQ(meta.at("current").as_int64(), 1);
  EXPECT_EQ(meta.at("max").as_int64(), 1);
  std::int64_t retry = meta.at("retryAfter").as_int64();
  EXPECT_LE(retry, 7200);
  EXPECT_GE(retry, 7200 - 30);
  EXPECT_EQ(second.Header("retry-after"), std::to_string(retry));
}

// Discovery at max_tracked_videos_per_org (spec/scraping.md "Scheduler"): the posts past the cap
// are skipped and the creator's change log says so, once per stretch at the cap.
class DiscoveryCapTest : public BlackBoxTest {
 protected:
  void Configure(ServerProcess::Options& options) override {
    options.fake_now = kNow;
    options.extra_args = {"--source", "simulated", "--seed", "7"};
  }

  std::string CapEvents(const std::string& creator) {
    return SqlValue(
        "SELECT count(*) || ' ' || COALESCE(max(json_extract(details, "
        "'$.skipped_posts')), 0) FROM creator_events WHERE kind = "
        "'video_cap_reached' AND creator_id = '" +
        creator + "'");
  }
};

TEST_F(DiscoveryCapTest, PostsPastTheCapAreSkippedWithOneEvent) {
  std::string org = CreateOrg("ultra");
  Sql("UPDATE plan_limits SET value = 3 WHERE plan = 'ultra' AND "
      "limit_key = 'max_tracked_videos_per_org'");
  ApiKey key = CreateKey(org);
  std::string project = CreateProject(key.secret, "Capped");
  // Posts of the last four weeks: the simulated creator posts every 10 to 40 hours, so well
  // over three of them.
  auto created = Call("POST", "/api/v1/projects/" + project + "/creators", key.secret,
                      R"({"tiktok_handle":"capped.creator","tracking_start_date":"2026-02-01"})");
  ASSERT_EQ(created.status, 201) << created.body;
  std::string creator(created.json.as_object().at("data").as_object().at("id").as_string());

  std::string events;
  for (int i = 0; i < 150 && (events = CapEvents(creator)).rfind("0 ", 0) == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(events.substr(0, 2), "1 ") << "no video_cap_reached event; log: " << DbPath();
  EXPECT_GT(std::stoi(events.substr(2)), 0);
  EXPECT_EQ(SqlValue("SELECT count(*) FROM videos WHERE creator_id = '" + creator + "'"), "3");

  // Another discovery while still at the cap adds nothing and writes no second event.
  Sql("UPDATE scrape_jobs SET due_at = 0 WHERE kind = 'discover_videos' AND target_id = '" +
      creator + "'");
  for (int i = 0; i < 150 && SqlValue("SELECT due_at FROM scrape_jobs WHERE kind = "
                                      "'discover_videos' AND target_id = '" +
                                      creator + "'") == "0";
       ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(CapEvents(creator).substr(0, 2), "1 ");
  EXPECT_EQ(SqlValue("SELECT count(*) FROM videos WHERE creator_id = '" + creator + "'"), "3");
}

}  // namespace
}  // namespace goatherd::blackbox
