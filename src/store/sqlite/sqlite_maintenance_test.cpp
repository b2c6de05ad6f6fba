// The daily retention run and maintenance claims, on data loaded through an import session and
// checked with plain SQL.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "core/test_temp_dir.h"
#include "store/sqlite/sqlite_store.h"

namespace goatherd::sqlite {
namespace {

using goatherd::testing::TempDir;

constexpr Timestamp kDay = 86'400;
constexpr Timestamp kNow = 100 * kDay;  // 30 days of history on `free`: the cut-off is day 70

struct OrgIds {
  std::string org, project, creator, video;
};

OrgIds Ids(char n) {
  std::string tail(1, n);
  return {
      "0190a000-0000-7000-8000-00000000000" + tail, "0190b000-0000-7000-8000-00000000000" + tail,
      "0190d000-0000-7000-8000-00000000000" + tail, "0190e000-0000-7000-8000-00000000000" + tail};
}

class SqliteMaintenanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::make_unique<SqliteStore>(dir_.File("m.db"), 2);
    ASSERT_TRUE(store_->Migrate().ok());
  }

  // An organization on `plan` whose one video and creator have one snapshot a day at noon of
  // days 40..99.
  void Load(const OrgIds& ids, const std::string& plan) {
    auto session = store_->BeginImport(kNow);
    ASSERT_TRUE(session->BeginBatch().ok());
    Organization o;
    o.id = ids.org;
    o.name = "Org";
    o.plan = plan;
    ASSERT_TRUE(session->PutOrganization(o, false).ok());
    Project p;
    p.id = ids.project;
    p.org_id = ids.org;
    p.name = "Program";
    ASSERT_TRUE(session->PutProject(p, false).ok());
    Creator c;
    c.id = ids.creator;
    c.project_id = ids.project;
    c.tiktok_handle = "someone";
    ASSERT_TRUE(session->PutCreator(c, false).ok());
    Video v;
    v.id = ids.video;
    v.project_id = ids.project;
    v.creator_id = ids.creator;
    v.tiktok_video_id = "7301234567890123456";
    v.posted_at = 40 * kDay;
    ASSERT_TRUE(session->PutVideo(v, false).ok());
    for (Timestamp day = 40; day < 100; ++day) {
      VideoSnapshot s;
      s.snapshot_at = day * kDay + kDay / 2;
      s.counts = {day * 100, day, 1, 0, 0};
      ASSERT_TRUE(session->PutVideoSnapshot(ids.video, s).ok());
      CreatorSnapshot cs;
      cs.creator_id = ids.creator;
      cs.snapshot_at = s.snapshot_at;
      cs.follower_count = day;
      ASSERT_TRUE(session->PutCreatorSnapshot(cs).ok());
    }
    ASSERT_TRUE(session->CommitBatch().ok());
    ASSERT_TRUE(session->Finish().ok());
  }

  // One integer computed by plain SQL (not through the code under test). The statement is
  // built at run time, so it bypasses the connection's cache of literal statements.
  std::int64_t Count(const std::string& sql) {
    auto db = store_->pool().Acquire();
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db->raw(), sql.c_str(), -1, &stmt, nullptr), SQLITE_OK) << sql;
    std::int64_t value = -1;
    if (stmt && sqlite3_step(stmt) == SQLITE_ROW) value = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return value;
  }

  TempDir dir_;
  std::unique_ptr<SqliteStore> store_;
};

TEST_F(SqliteMaintenanceTest, RetentionKeepsTheWindowAndOneAnchorBeforeIt) {
  OrgIds free = Ids('1'), ultra = Ids('2');
  Load(free, "free");
  Load(ultra, "ultra");

  EXPECT_EQ(Count("SELECT COUNT(*) FROM video_snapshots"), 120);
  auto report = store_->ApplyRetention(kNow);
  ASSERT_TRUE(report.ok()) << report.error().message;
  // Cut-off day 70 00:00: days 70..99 stay (30), plus day 69 as the anchor; days 40..68 go (29).
  EXPECT_EQ(report->video_snapshots_deleted, 29);
  EXPECT_EQ(report->creator_snapshots_deleted, 29);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM video_snapshots s JOIN videos v ON v.seq = s.video_seq "
                  "WHERE v.id = '" +
                  free.video + "'"),
            31);
  EXPECT_EQ(Count("SELECT MIN(snapshot_at) FROM video_snapshots s JOIN videos v "
                  "ON v.seq = s.video_seq WHERE v.id = '" +
                  free.video + "'"),
            69 * kDay + kDay / 2);
  EXPECT_EQ(
      Count("SELECT COUNT(*) FROM creator_snapshots WHERE creator_id = '" + free.creator + "'"),
      31);
  // Unlimited history on `ultra`.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM video_snapshots s JOIN videos v ON v.seq = s.video_seq "
                  "WHERE v.id = '" +
                  ultra.video + "'"),
            60);

  auto again = store_->ApplyRetention(kNow);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->video_snapshots_deleted, 0);
}

TEST_F(SqliteMaintenanceTest, ProjectsDeletedOverThirtyDaysAgoArePurgedWithTheirData) {
  OrgIds old_one = Ids('3'), recent = Ids('4');
  Load(old_one, "ultra");
  Load(recent, "ultra");
  // One video each, posted day 40 and seen at noon of days 40..99: velocity on day numbers 0..59.
  ASSERT_EQ(Count("SELECT COUNT(*) FROM video_velocity"), 120);
  ASSERT_TRUE(store_->DeleteProject(old_one.org, old_one.project, kNow - 31 * kDay).ok());
  ASSERT_TRUE(store_->DeleteProject(recent.org, recent.project, kNow - 29 * kDay).ok());
  // Deleted is hidden: both videos left their organization's running cohort sums at once.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM cohort_sums WHERE sample_size <> 0"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM video_velocity"), 0);

  auto report = store_->ApplyRetention(kNow);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->projects_purged, 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM projects WHERE id = '" + old_one.project + "'"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM videos WHERE org_id = '" + old_one.org + "'"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM creators WHERE org_id = '" + old_one.org + "'"), 0);
  // The purge takes nothing from the sums a second time.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM cohort_sums WHERE sample_size <> 0 OR views_gained_sum "
                  "<> 0"),
            0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM projects WHERE id = '" + recent.project + "'"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM video_snapshots"), 60);
}

TEST_F(SqliteMaintenanceTest, IdempotencyRecordsExpireAfterADay) {
  OrgIds ids = Ids('5');
  Load(ids, "ultra");
  ASSERT_TRUE(store_->BeginIdempotent(ids.org, "old", "f", kNow - kDay - 1).ok());
  ASSERT_TRUE(store_->BeginIdempotent(ids.org, "new", "f", kNow - kDay + 1).ok());
  auto report = store_->ApplyRetention(kNow);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->idempotency_records_deleted, 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM idempotency_keys WHERE key = 'new'"), 1);
}

TEST_F(SqliteMaintenanceTest, OneClaimPerDuePeriod) {
  auto first = store_->ClaimMaintenance("retention", 1000, 1000 + kDay);
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(*first);
  EXPECT_FALSE(*store_->ClaimMaintenance("retention", 1001, 1001 + kDay));
  EXPECT_FALSE(*store_->ClaimMaintenance("retention", 1000 + kDay - 1, 1000 + 2 * kDay));
  EXPECT_TRUE(*store_->ClaimMaintenance("retention", 1000 + kDay, 1000 + 2 * kDay));
}

}  // namespace
}  // namespace goatherd::sqlite
