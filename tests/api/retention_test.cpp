// The daily retention job of `serve` (spec/scraping.md "Retention"): history older than the
// plan's stats_history_retention_days goes, except each video's last snapshot before the
// cut-off; an organization with unlimited history keeps everything; deleted projects go after
// 30 days. The job runs at start when due, once however many processes serve the database.
#include <chrono>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "harness.h"

namespace goatherd::blackbox {
namespace {

// "Now" of the server and the import: 2026-03-31 00:00 UTC. On `free` (30 days of history)
// the cut-off is 2026-03-01 00:00 UTC.
const std::string kNow = "2026-03-31T00:00:00Z";

const std::string kFreeOrg = "0190a000-0000-7000-8000-0000000000f1";
const std::string kUltraOrg = "0190a000-0000-7000-8000-0000000000f2";

std::string Id(const std::string& prefix, const std::string& org) {
  return prefix + org.substr(8);  // same tail as its organization: one of each per org
}

// One video per organization with a snapshot at noon UTC of every day of February and March
// 2026 up to the 30th (58 snapshots), and a creator snapshot at the same times.
std::vector<std::string> OrgHistory(const std::string& org, const std::string& plan) {
  std::string project = Id("0190b000", org), creator = Id("0190d000", org),
              video = Id("0190e000", org);
  std::vector<std::string> lines = {
      R"({"type":"org","id":")" + org + R"(","name":"Org","timezone":"UTC","plan":")" + plan +
          R"("})",
      R"({"type":"project","id":")" + project + R"(","org_id":")" + org + R"(","name":"P"})",
      R"({"type":"creator","id":")" + creator + R"(","project_id":")" + project +
          R"(","tiktok_handle":"someone","tracking_start_date":"2026-01-01"})",
      R"({"type":"video","id":")" + video + R"(","project_id":")" + project +
          R"(","creator_id":")" + creator +
          R"(","tiktok_video_id":"7301234567890123456","tracking_status":"auto_tracked",)"
          R"("posted_at":"2026-02-01T08:00:00Z","created_at":"2026-02-01T09:00:00Z"})"};
  int n = 0;
  for (int month : {2, 3}) {
    int days = month == 2 ? 28 : 30;
    for (int day = 1; day <= days; ++day, ++n) {
      char at[32];
      std::snprintf(at, sizeof at, "2026-%02d-%02dT12:00:00Z", month, day);
      lines.push_back(R"({"type":"video_snapshot","video_id":")" + video + R"(","snapshot_at":")" +
                      at + R"(","view_count":)" + std::to_string(1000 * (n + 1)) +
                      R"(,"like_count":1,"comment_count":0,"share_count":0,"save_count":0})");
      lines.push_back(R"({"type":"creator_snapshot","creator_id":")" + creator +
                      R"(","snapshot_at":")" + at + R"(","follower_count":)" +
                      std::to_string(100 + n) +
                      R"(,"following_count":0,"like_count":0,"video_count":1})");
    }
  }
  return lines;
}

class RetentionTest : public BlackBoxTest {
 protected:
  void Configure(ServerProcess::Options& options) override { options.fake_now = kNow; }

  void Import(const std::vector<std::string>& lines) {
    std::string path = dir_->File("history.jsonl");
    {
      std::ofstream out(path);
      for (const auto& line : lines) out << line << "\n";
    }
    auto r = Cli({"import", path, "--fake-now", kNow});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  std::string VideoSnapshots(const std::string& org) {
    return SqlValue(
        "SELECT COUNT(*) || ' ' || COALESCE(datetime(MIN(snapshot_at), 'unixepoch'), '') FROM "
        "video_snapshots "
        "s JOIN videos v ON v.seq = s.video_seq WHERE v.org_id = '" +
        org + "'");
  }

  // Starts a second server on the database, as a restart would, and waits (bounded) until the
  // retention job it runs at start has removed what it must.
  void RestartAndWaitFor(const std::string& org, const std::string& expected) {
    ServerProcess::Options options;
    options.db_path = DbPath();
    options.log_path = dir_->File("second.log");
    options.fake_now = kNow;
    ServerProcess second(options);
    ASSERT_TRUE(second.ok()) << second.failure();
    for (int i = 0; i < 100 && VideoSnapshots(org) != expected; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_EQ(VideoSnapshots(org), expected);
  }
};

TEST_F(RetentionTest, KeepsThePlansHistoryAndOneAnchorBeforeIt) {
  Import(OrgHistory(kFreeOrg, "free"));
  Import(OrgHistory(kUltraOrg, "ultra"));
  // The fixture's server ran the job at its start, on an empty database; make it due again.
  Sql("UPDATE maintenance_runs SET due_at = 0");

  // Kept: March 1..30 (30 snapshots) and Feb 28, the last one before the cut-off.
  RestartAndWaitFor(kFreeOrg, "31 2026-02-28 12:00:00");
  EXPECT_EQ(SqlValue("SELECT COUNT(*) FROM creator_snapshots WHERE creator_id = '" +
                     Id("0190d000", kFreeOrg) + "'"),
            "31");
  EXPECT_EQ(VideoSnapshots(kUltraOrg), "58 2026-02-01 12:00:00");
  // Next due a day later.
  EXPECT_EQ(SqlValue("SELECT datetime(due_at, 'unixepoch') FROM maintenance_runs "
                     "WHERE name = 'retention'"),
            "2026-04-01 00:00:00");
}

TEST_F(RetentionTest, PurgesProjectsDeletedMoreThanThirtyDaysAgo) {
  Import(OrgHistory(kUltraOrg, "ultra"));
  // Deleted on 2026-02-28 00:00 UTC, 31 days before now.
  Sql("UPDATE projects SET deleted_at = 1772236800 WHERE org_id = '" + kUltraOrg + "'");
  Sql("UPDATE maintenance_runs SET due_at = 0");
  RestartAndWaitFor(kUltraOrg, "0 ");
  EXPECT_EQ(SqlValue("SELECT COUNT(*) FROM projects WHERE org_id = '" + kUltraOrg + "'"), "0");
  EXPECT_EQ(SqlValue("SELECT COUNT(*) FROM creators WHERE org_id = '" + kUltraOrg + "'"), "0");
}

}  // namespace
}  // namespace goatherd::blackbox
