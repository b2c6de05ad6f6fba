// Black-box tests of the network scrape sources (spec/scraping.md "Sources", "Scheduler",
// "Ingest"): `goatherd serve --source apify | tiktok-web` against the suite's imitation of Apify
// and TikTok (tests/fake_tiktok/fake_tiktok.py) with injected faults, and a SIGKILL in the middle
// of a scrape run with the simulated source. What the scheduler did is read from the database
// with the sqlite3 shell and from the imitation server's request log.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "fake_tiktok/fake_tiktok.h"
#include "harness.h"

namespace goatherd::blackbox {
namespace {

using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

constexpr char kNow[] = "2026-03-01T12:00:00Z";
constexpr std::int64_t kNowUnix = 1772366400;  // 2026-03-01T12:00:00Z (20513 days * 86400 + 12 h)
constexpr char kProject[] = "c1000000-0000-4000-8000-000000000001";
constexpr char kAlice[] = "c2000000-0000-4000-8000-000000000001";
constexpr char kSelena[] = "c2000000-0000-4000-8000-000000000002";

std::string Post(const std::string& id, std::int64_t created, std::int64_t views,
                 std::int64_t likes, std::int64_t comments, std::int64_t shares, std::int64_t saves,
                 bool photo = false, bool deleted = false) {
  std::ostringstream o;
  o << R"({"id": ")" << id << R"(", "desc": "post )" << id << R"(", "createTime": )" << created
    << R"(, "views": )" << views << R"(, "likes": )" << likes << R"(, "comments": )" << comments
    << R"(, "shares": )" << shares << R"(, "saves": )" << saves << R"(, "photo": )"
    << (photo ? "true" : "false") << R"(, "deleted": )" << (deleted ? "true" : "false") << "}";
  return o.str();
}

class SourcesTest : public BlackBoxTest {
 protected:
  void SetUp() override {
    signal(SIGPIPE, SIG_IGN);
    dir_ = std::make_unique<TempDir>();
    fake_ = std::make_unique<goatherd::testing::FakeTikTok>(dir_->path());
    ASSERT_TRUE(fake_->ok()) << "the fake TikTok server did not start";
  }
  void TearDown() override {
    if (serve_) {
      EXPECT_TRUE(serve_->Alive()) << "the server exited during the test";
      serve_.reset();
    }
    fake_.reset();
    BlackBoxTest::TearDown();
  }

  void StartServe(std::vector<std::string> source_args) {
    ServerProcess::Options options;
    options.db_path = DbPath();
    options.log_path = dir_->File("server.log");
    options.fake_now = kNow;
    options.extra_args = std::move(source_args);
    serve_ = std::make_unique<ServerProcess>(options);
    ASSERT_TRUE(serve_->ok()) << serve_->failure() << "; see " << options.log_path;
    client_ = std::make_unique<HttpClient>(serve_->port());
  }
  void StartApify() {
    StartServe({"--source", "apify", "--apify-token", "test-token", "--apify-base-url",
                fake_->base_url(), "--http-timeout-seconds", "2", "--scrape-threads", "2"});
  }

  // An organization with one project and the given creators ({id, handle, mode}), imported.
  std::string Seed(const std::vector<std::array<std::string, 3>>& creators) {
    std::string org = CreateOrg("ultra");
    std::string path = dir_->File("seed.jsonl");
    std::ofstream out(path);
    out << R"({"type":"project","id":")" << kProject << R"(","org_id":")" << org
        << R"(","name":"P"})"
        << "\n";
    for (const auto& [id, handle, mode] : creators) {
      out << R"({"type":"creator","id":")" << id << R"(","project_id":")" << kProject
          << R"(","tiktok_handle":")" << handle << R"(","tracking_mode":")" << mode
          << R"(","tracking_start_date":"2026-03-01"})"
          << "\n";
    }
    out.close();
    auto r = Cli({"import", path, "--fake-now", kNow});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return org;
  }

  // Polls `query` until it prints `want` (bounded); true when it did.
  bool WaitFor(const std::string& query, const std::string& want,
               milliseconds timeout = milliseconds(30000)) {
    auto deadline = SteadyClock::now() + timeout;
    std::string got;
    while (SteadyClock::now() < deadline) {
      got = SqlValue(query);
      if (got == want) return true;
      std::this_thread::sleep_for(milliseconds(200));
    }
    ADD_FAILURE() << query << "\n  printed '" << got << "', waited for '" << want << "'";
    return false;
  }

  void ExpectHealthy() {
    auto r = Get("/healthz", "");
    EXPECT_EQ(r.status, 200) << r.body;
  }

  std::unique_ptr<goatherd::testing::FakeTikTok> fake_;
  std::unique_ptr<ServerProcess> serve_;
};

std::string World(const std::string& users, const std::string& faults = "[]") {
  return R"({"token": "test-token", "users": {)" + users + R"(}, "faults": )" + faults + "}";
}

std::string AliceAndSelena(bool a1_deleted = false) {
  const std::int64_t f = kNowUnix;
  return R"("alice": {"nickname": "Alice A", "avatar": "https://img.example/a.jpg",
      "followers": 1200, "following": 34, "hearts": 56000, "videos": 3, "posts": [)" +
         Post("7600000000000000000", f - 5 * 86400, 9, 9, 9, 9, 9) + "," +
         Post("7600000000000000001", f - 7200, 100, 10, 1, 2, 3, false, a1_deleted) + "," +
         Post("7600000000000000002", f - 3600, 200, 20, 2, 4, 6, true) + R"(]},
    "selena": {"nickname": "Selena", "followers": 50, "posts": [)" +
         Post("7610000000000000001", f - 1800, 50, 5, 0, 1, 1) + "]}";
}

TEST_F(SourcesTest, ApifyDiscoversPostsAndRecordsSnapshotsOnce) {
  fake_->SetWorld(World(AliceAndSelena()));
  Seed({{{kAlice, "alice", "auto"}}, {{kSelena, "selena", "selective"}}});
  StartApify();
  // Two creators x (profile, discovery) + three discovered posts' video_stats, all completed:
  // a completed job is next due an interval (at least a minute) later, with no failures.
  const std::string settled = "SELECT count(*) FROM scrape_jobs WHERE attempts = 0 AND due_at > " +
                              std::to_string(kNowUnix + 30);
  ASSERT_TRUE(WaitFor(settled, "7"));
  ExpectHealthy();

  // The post from before tracking_start_date is not discovered; statuses follow the mode.
  EXPECT_EQ(SqlValue("SELECT tiktok_video_id, tracking_status, is_photo, posted_at FROM videos "
                     "ORDER BY tiktok_video_id"),
            "7600000000000000001|auto_tracked|0|" + std::to_string(kNowUnix - 7200) + "\n" +
                "7600000000000000002|auto_tracked|1|" + std::to_string(kNowUnix - 3600) + "\n" +
                "7610000000000000001|pending_review|0|" + std::to_string(kNowUnix - 1800));
  EXPECT_EQ(SqlValue("SELECT view_count, like_count, comment_count, share_count, save_count FROM "
                     "videos WHERE tiktok_video_id = '7600000000000000002'"),
            "200|20|2|4|6");
  EXPECT_EQ(SqlValue("SELECT display_name, follower_count, following_count, like_count, "
                     "video_count FROM creators WHERE id = '" +
                     std::string(kAlice) + "'"),
            "Alice A|1200|34|56000|3");
  EXPECT_EQ(SqlValue("SELECT count(*) FROM creator_snapshots"), "2");
  // Each video: its discovery snapshot plus at most one from its video_stats run (the two share
  // a row when they fall in the same second), the latest holding the vendor's counts.
  EXPECT_EQ(SqlValue("SELECT count(*) FROM videos v WHERE (SELECT count(*) FROM video_snapshots s "
                     "WHERE s.video_seq = v.seq) NOT BETWEEN 1 AND 2"),
            "0");
  EXPECT_EQ(SqlValue("SELECT s.view_count, s.like_count, s.comment_count, s.share_count, "
                     "s.save_count FROM video_snapshots s JOIN videos v ON v.seq = s.video_seq "
                     "WHERE v.tiktok_video_id = '7600000000000000001' ORDER BY s.snapshot_at DESC "
                     "LIMIT 1"),
            "100|10|1|2|3");

  // Settled means settled: nothing is fetched or written again before the jobs are due.
  std::string snapshots = SqlValue("SELECT count(*) FROM video_snapshots");
  std::size_t requests = fake_->LogLines().size();
  std::this_thread::sleep_for(milliseconds(3000));
  EXPECT_EQ(SqlValue("SELECT count(*) FROM video_snapshots"), snapshots);
  EXPECT_EQ(fake_->LogLines().size(), requests);
  ExpectHealthy();
}

TEST_F(SourcesTest, TransientFaultsAreRetriedWithBackoffAndRetryAfter) {
  // The first profile request for alice answers 500, the first for selena 429 with
  // Retry-After: 600, and the first refresh of one post gets malformed JSON.
  fake_->SetWorld(World(AliceAndSelena(), R"([
      {"match": "apify alice per_page=1", "fault": "500", "times": 1},
      {"match": "apify selena per_page=1", "fault": "429", "times": 1, "retry_after": "600"},
      {"match": "video/7600000000000000002", "fault": "malformed", "times": 1}])"));
  Seed({{{kAlice, "alice", "auto"}}, {{kSelena, "selena", "auto"}}});
  StartApify();
  ASSERT_TRUE(WaitFor("SELECT count(*) FROM scrape_jobs WHERE attempts = 1", "3"));
  ExpectHealthy();
  EXPECT_EQ(SqlValue("SELECT count(*) FROM scrape_jobs WHERE target_id = '" + std::string(kAlice) +
                     "' AND attempts = 1 AND definitive_failures = 0 AND last_error LIKE "
                     "'%HTTP 500%' AND due_at >= " +
                     std::to_string(kNowUnix + 60)),
            "1");
  // Retry-After beats the one-minute backoff.
  EXPECT_EQ(SqlValue("SELECT count(*) FROM scrape_jobs WHERE target_id = '" + std::string(kSelena) +
                     "' AND attempts = 1 AND last_error LIKE '%HTTP 429%' AND due_at >= " +
                     std::to_string(kNowUnix + 600)),
            "1");
  EXPECT_EQ(SqlValue("SELECT count(*) FROM scrape_jobs j JOIN videos v ON v.id = j.target_id "
                     "WHERE v.tiktok_video_id = '7600000000000000002' AND j.attempts = 1 AND "
                     "j.last_error LIKE '%unreadable JSON%'"),
            "1");
  EXPECT_EQ(SqlValue("SELECT count(*) FROM creators WHERE status = 'active'"), "2");

  // Retry now (instead of waiting out the backoff): every job succeeds and clears its error.
  Sql("UPDATE scrape_jobs SET due_at = 0 WHERE attempts > 0");
  ASSERT_TRUE(
      WaitFor("SELECT count(*) FROM scrape_jobs WHERE attempts = 0 AND last_error IS NULL "
              "AND due_at > " +
                  std::to_string(kNowUnix + 30),
              "7"));
  EXPECT_EQ(SqlValue("SELECT count(*) FROM videos"), "3");
  EXPECT_EQ(SqlValue("SELECT count(*) FROM creator_snapshots"), "2");
  ExpectHealthy();
}

TEST_F(SourcesTest, DefinitiveFailuresAutoDisableAfterThreeRuns) {
  constexpr char kGhost[] = "c2000000-0000-4000-8000-000000000003";
  constexpr char kHidden[] = "c2000000-0000-4000-8000-000000000004";
  fake_->SetWorld(World(R"("hidden": {"private": true, "posts": []})"));
  Seed({{{kGhost, "ghost", "auto"}}, {{kHidden, "hidden", "auto"}}});
  StartApify();
  // Runs 1 and 2 of both jobs of both creators fail definitively; the third disables.
  for (int run = 1; run <= 2; ++run) {
    ASSERT_TRUE(WaitFor("SELECT count(*) FROM scrape_jobs WHERE definitive_failures >= " +
                            std::to_string(run) + " AND last_error IS NOT NULL",
                        "4"))
        << "run " << run;
    EXPECT_EQ(SqlValue("SELECT count(*) FROM creators WHERE status = 'active'"), "2");
    Sql("UPDATE scrape_jobs SET due_at = 0");
  }
  ASSERT_TRUE(WaitFor("SELECT count(*) FROM creators WHERE status = 'disabled'", "2"));
  EXPECT_EQ(
      SqlValue("SELECT disabled_reason FROM creators WHERE id = '" + std::string(kGhost) + "'"),
      "account @ghost does not exist (the vendor found no profile)");
  EXPECT_EQ(
      SqlValue("SELECT disabled_reason FROM creators WHERE id = '" + std::string(kHidden) + "'"),
      "account @hidden is private");
  // Disabled creators are not scraped any more, even when their jobs come due.
  std::size_t requests = fake_->LogLines().size();
  Sql("UPDATE scrape_jobs SET due_at = 0");
  std::this_thread::sleep_for(milliseconds(2500));
  EXPECT_EQ(fake_->LogLines().size(), requests);
  ExpectHealthy();
}

TEST_F(SourcesTest, DeletedPostStopsRefreshingAndKeepsItsHistory) {
  fake_->SetWorld(World(AliceAndSelena()));
  Seed({{{kAlice, "alice", "auto"}}});
  StartApify();
  ASSERT_TRUE(WaitFor("SELECT count(*) FROM scrape_jobs WHERE attempts = 0 AND due_at > " +
                          std::to_string(kNowUnix + 30),
                      "4"));
  std::string history = SqlValue(
      "SELECT count(*) FROM video_snapshots s JOIN videos v ON v.seq = s.video_seq WHERE "
      "v.tiktok_video_id = '7600000000000000001'");
  ASSERT_NE(history, "0");
  fake_->SetWorld(World(AliceAndSelena(/*a1_deleted=*/true)));
  Sql("UPDATE scrape_jobs SET due_at = 0 WHERE kind = 'video_stats'");
  ASSERT_TRUE(
      WaitFor("SELECT tracking_stopped_reason FROM videos WHERE tiktok_video_id = "
              "'7600000000000000001'",
              "deleted_on_tiktok"));
  // The other post refreshed normally; the deleted one kept its snapshots and is not asked for
  // again.
  EXPECT_EQ(SqlValue("SELECT tracking_stopped_reason IS NULL FROM videos WHERE tiktok_video_id = "
                     "'7600000000000000002'"),
            "1");
  EXPECT_EQ(SqlValue("SELECT count(*) FROM video_snapshots s JOIN videos v ON v.seq = "
                     "s.video_seq WHERE v.tiktok_video_id = '7600000000000000001'"),
            history);
  int asked = fake_->CountRequests("video/7600000000000000001");
  Sql("UPDATE scrape_jobs SET due_at = 0 WHERE kind = 'video_stats'");
  std::this_thread::sleep_for(milliseconds(2500));
  EXPECT_EQ(fake_->CountRequests("video/7600000000000000001"), asked);
  ExpectHealthy();
}

TEST_F(SourcesTest, TikTokWebSourceDiscoversAndRefreshes) {
  fake_->SetWorld(World(AliceAndSelena()));
  Seed({{{kAlice, "alice", "auto"}}});
  StartServe({"--source", "tiktok-web", "--tiktok-base-url", fake_->base_url(),
              "--http-timeout-seconds", "2"});
  ASSERT_TRUE(WaitFor("SELECT count(*) FROM scrape_jobs WHERE attempts = 0 AND due_at > " +
                          std::to_string(kNowUnix + 30),
                      "4"));
  EXPECT_EQ(SqlValue("SELECT tiktok_video_id, is_photo, view_count, save_count FROM videos ORDER "
                     "BY tiktok_video_id"),
            "7600000000000000001|0|100|3\n7600000000000000002|1|200|6");
  EXPECT_EQ(SqlValue("SELECT follower_count FROM creators"), "1200");
  EXPECT_GE(fake_->CountRequests("web /@alice/video/"), 2);
  ExpectHealthy();
}

TEST_F(SourcesTest, ShutdownDoesNotWaitForASlowVendor) {
  fake_->SetWorld(World(AliceAndSelena(), R"([{"match": "apify", "fault": "slow",
                                               "delay_ms": 30000}])"));
  Seed({{{kAlice, "alice", "auto"}}});
  StartServe({"--source", "apify", "--apify-token", "test-token", "--apify-base-url",
              fake_->base_url(), "--http-timeout-seconds", "120"});
  // Both creator jobs are due at once; give the scheduler time to be waiting on the vendor's
  // 30-second answers (the imitation logs a request only once it answers).
  std::this_thread::sleep_for(milliseconds(1500));
  ExpectHealthy();
  auto start = SteadyClock::now();
  serve_->Stop();
  auto took = SteadyClock::now() - start;
  serve_.reset();
  EXPECT_LT(took, std::chrono::seconds(10));
  RecordProperty("shutdown_ms",
                 static_cast<int>(std::chrono::duration_cast<milliseconds>(took).count()));
  // The aborted run is a transient failure, retried later (a job claimed in the same batch but
  // not started keeps its lease and runs after it expires).
  EXPECT_EQ(SqlValue("SELECT count(*) >= 1 FROM scrape_jobs WHERE attempts = 1 AND "
                     "definitive_failures = 0 AND last_error LIKE '%cancelled%'"),
            "1");
}

TEST_F(SourcesTest, ApifyWithoutATokenOrAnUnknownSourceIsAUsageError) {
  auto no_token = RunGoatherd({"serve", "--db", DbPath(), "--listen", "127.0.0.1:0", "--source",
                               "apify", "--apify-base-url", fake_->base_url()});
  EXPECT_EQ(no_token.exit_code, 2);
  EXPECT_NE(no_token.err.find("--apify-token"), std::string::npos) << no_token.err;
  auto unknown =
      RunGoatherd({"serve", "--db", DbPath(), "--listen", "127.0.0.1:0", "--source", "myspace"});
  EXPECT_EQ(unknown.exit_code, 2) << unknown.err;
  auto help = RunGoatherd({"serve", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  for (const char* flag :
       {"--apify-token", "--apify-actor", "--apify-base-url", "--tiktok-base-url", "--http-proxy",
        "--http-timeout-seconds", "--http-max-per-host", "GOATHERD_APIFY_TOKEN"}) {
    EXPECT_NE(help.out.find(flag), std::string::npos) << flag;
  }
}

// SIGKILL in the middle of a busy scrape run (simulated source, 150 creators with two months of
// posts to discover and refresh, about 9,000 videos), then a restart on the same database.
TEST_F(SourcesTest, SigkillMidRunLosesNoJobAndScrapingContinues) {
  std::vector<std::array<std::string, 3>> creators;
  for (int i = 0; i < 150; ++i) {
    char id[40];
    std::snprintf(id, sizeof id, "c3000000-0000-4000-8000-%012d", i);
    creators.push_back({id, "sim" + std::to_string(i), "auto"});
  }
  Seed(creators);
  Sql("UPDATE creators SET tracking_start_date = '2026-01-01'");
  StartServe({"--source", "simulated", "--seed", "7", "--scrape-threads", "2"});
  // Refreshes done (next due an interval later) and still to do (due, not leased by the run
  // that was killed: its leases run for five minutes).
  const std::string done =
      "SELECT count(*) FROM scrape_jobs WHERE kind = 'video_stats' AND "
      "attempts = 0 AND due_at > " +
      std::to_string(kNowUnix + 50);
  const std::string to_do =
      "SELECT count(*) FROM scrape_jobs WHERE kind = 'video_stats' AND "
      "due_at <= " +
      std::to_string(kNowUnix + 50) +
      " AND (locked_until IS NULL OR locked_until <= " + std::to_string(kNowUnix + 50) + ")";
  // Kill once discovery has added videos and their refreshes are under way.
  ASSERT_TRUE(WaitFor("SELECT (" + done + ") > 50", "1"));
  kill(serve_->pid(), SIGKILL);
  serve_->Stop();  // reaps it
  serve_.reset();
  std::string done_before = SqlValue(done);
  ASSERT_GT(std::stoll(SqlValue(to_do)), 0) << "the run finished before the kill";
  RecordProperty("videos_at_kill", SqlValue("SELECT count(*) FROM videos"));
  RecordProperty("refreshes_done_at_kill", done_before);

  EXPECT_EQ(SqlValue("PRAGMA integrity_check"), "ok");
  // Every active creator and every refreshing video still has its jobs.
  const std::string lost_creator_jobs =
      "SELECT count(*) FROM creators c CROSS JOIN (SELECT 'creator_profiles' AS kind UNION ALL "
      "SELECT 'discover_videos') k WHERE c.status = 'active' AND NOT EXISTS (SELECT 1 FROM "
      "scrape_jobs j WHERE j.kind = k.kind AND j.target_id = c.id)";
  const std::string lost_video_jobs =
      "SELECT count(*) FROM videos v WHERE v.tracking_disabled = 0 AND v.tracking_stopped_reason "
      "IS NULL AND NOT EXISTS (SELECT 1 FROM scrape_jobs j WHERE j.kind = 'video_stats' AND "
      "j.target_id = v.id)";
  EXPECT_EQ(SqlValue(lost_creator_jobs), "0");
  EXPECT_EQ(SqlValue(lost_video_jobs), "0");
  EXPECT_EQ(SqlValue("SELECT count(*) FROM (SELECT video_seq, snapshot_at FROM video_snapshots "
                     "GROUP BY 1, 2 HAVING count(*) > 1)"),
            "0");
  // A video's current counts are its latest snapshot's: the snapshot and the update were one
  // transaction.
  EXPECT_EQ(SqlValue("SELECT count(*) FROM videos v JOIN video_snapshots s ON s.video_seq = v.seq "
                     "AND s.snapshot_at = (SELECT max(snapshot_at) FROM video_snapshots WHERE "
                     "video_seq = v.seq) WHERE s.view_count <> v.view_count"),
            "0");
  std::string videos_before = SqlValue("SELECT count(*) FROM videos");

  // The restart picks up where the killed run stopped (jobs it had leased wait out their lease).
  StartServe({"--source", "simulated", "--seed", "7", "--scrape-threads", "2"});
  ExpectHealthy();
  ASSERT_TRUE(WaitFor("SELECT (" + done + ") > " + done_before, "1", milliseconds(60000)));
  EXPECT_EQ(SqlValue("PRAGMA integrity_check"), "ok");
  EXPECT_EQ(SqlValue(lost_creator_jobs), "0");
  EXPECT_EQ(SqlValue(lost_video_jobs), "0");
  EXPECT_GE(std::stoll(SqlValue("SELECT count(*) FROM videos")), std::stoll(videos_before));
  ExpectHealthy();
}

}  // namespace
}  // namespace goatherd::blackbox
