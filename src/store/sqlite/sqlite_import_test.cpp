// The SQLite ImportSession (cli-and-import.md "Import format"): upserts by id that change nothing
// when the same data arrives again, dangling references refused, snapshots in any order.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include "core/test_temp_dir.h"
#include "store/sqlite/sqlite_store.h"

namespace goatherd::sqlite {
namespace {

using goatherd::testing::TempDir;

constexpr const char* kOrg = "0190a000-0000-7000-8000-00000000000a";
constexpr const char* kProject = "0190b000-0000-7000-8000-000000000001";
constexpr const char* kCreator = "0190d000-0000-7000-8000-000000000001";
constexpr const char* kVideo = "0190e000-0000-7000-8000-000000000001";
constexpr const char* kMissing = "0190f000-0000-7000-8000-0000000000ff";

constexpr Timestamp kFirstImport = 1000;
constexpr Timestamp kSecondImport = 2000;

Organization TheOrg() {
  Organization o;
  o.id = kOrg;
  o.name = "Acme";
  o.timezone = "America/New_York";
  o.plan = "free";
  o.created_at = 50;
  return o;
}
Project TheProject() {
  Project p;
  p.id = kProject;
  p.org_id = kOrg;
  p.name = "Q1 Program";
  p.created_at = 60;
  return p;
}
Creator TheCreator() {
  Creator c;
  c.id = kCreator;
  c.project_id = kProject;
  c.tiktok_handle = "someone";
  c.display_name = "Some One";
  c.tracking_start_date = "2026-01-01";
  c.created_at = 70;
  return c;
}
Video TheVideo() {
  Video v;
  v.id = kVideo;
  v.project_id = kProject;
  v.creator_id = kCreator;
  v.tiktok_video_id = "7301234567890123456";
  v.title = "first";
  v.posted_at = 80;
  v.created_at = 90;
  return v;
}
VideoSnapshot Snap(Timestamp at, std::int64_t views) {
  VideoSnapshot s;
  s.snapshot_at = at;
  s.counts = {views, views / 10, 1, 0, 2};
  return s;
}

class SqliteImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::make_unique<SqliteStore>(dir_.File("import.db"), 2);
    ASSERT_TRUE(store_->Migrate().ok());
  }

  // Imports the whole example file of cli-and-import.md (one org, project, creator, video, two
  // video snapshots, one creator snapshot) in one batch.
  void ImportExample(Timestamp now) {
    auto session = store_->BeginImport(now);
    ASSERT_TRUE(session->BeginBatch().ok());
    ASSERT_TRUE(session->PutOrganization(TheOrg(), true).ok());
    ASSERT_TRUE(session->PutProject(TheProject(), true).ok());
    ASSERT_TRUE(session->PutCreator(TheCreator(), true).ok());
    ASSERT_TRUE(session->PutVideo(TheVideo(), true).ok());
    ASSERT_TRUE(session->PutVideoSnapshot(kVideo, Snap(100, 120)).ok());
    ASSERT_TRUE(session->PutVideoSnapshot(kVideo, Snap(200, 300)).ok());
    CreatorSnapshot cs;
    cs.creator_id = kCreator;
    cs.snapshot_at = 100;
    cs.follower_count = 15000;
    cs.following_count = 80;
    cs.like_count = 90000;
    cs.video_count = 41;
    ASSERT_TRUE(session->PutCreatorSnapshot(cs).ok());
    ASSERT_TRUE(session->CommitBatch().ok());
    ASSERT_TRUE(session->Finish().ok());  // the videos' current counts are written here
  }

  // One integer column of one row, read with plain SQL so that the check does not go through
  // the code under test.
  std::int64_t Scalar(const char* sql, const std::string& id) {
    auto db = store_->pool().Acquire();
    auto s = db->Prepare(sql);
    s.Bind(1, id);
    EXPECT_TRUE(s.Step()) << sql;
    return s.Int(0);
  }
  std::int64_t Count(const char* sql) {
    auto db = store_->pool().Acquire();
    auto s = db->Prepare(sql);
    EXPECT_TRUE(s.Step()) << sql;
    return s.Int(0);
  }

  TempDir dir_;
  std::unique_ptr<SqliteStore> store_;
};

TEST_F(SqliteImportTest, ImportsTheExample) {
  ImportExample(kFirstImport);
  auto org = store_->GetOrganization(kOrg);
  ASSERT_TRUE(org.ok());
  EXPECT_EQ(org->name, "Acme");
  EXPECT_EQ(org->timezone, "America/New_York");
  EXPECT_EQ(org->plan, "free");
  EXPECT_EQ(org->created_at, 50);
  EXPECT_EQ(org->updated_at, kFirstImport);
  auto project = store_->GetProject(kOrg, kProject);
  ASSERT_TRUE(project.ok());
  EXPECT_EQ(project->name, "Q1 Program");
  EXPECT_EQ(project->created_at, 60);
  EXPECT_EQ(project->updated_at, kFirstImport);
  EXPECT_EQ(Count("SELECT count(*) FROM video_snapshots"), 2);
  EXPECT_EQ(Scalar("SELECT view_count FROM videos WHERE id = ?", kVideo), 300);
  EXPECT_EQ(Scalar("SELECT like_count FROM videos WHERE id = ?", kVideo), 30);
  EXPECT_EQ(Scalar("SELECT last_scraped_at FROM videos WHERE id = ?", kVideo), 200);
  EXPECT_EQ(Scalar("SELECT follower_count FROM creators WHERE id = ?", kCreator), 15000);
  // The creator and video inherit the organization of their project.
  auto db = store_->pool().Acquire();
  auto owner = db->Prepare("SELECT org_id FROM videos WHERE id = ?");
  owner.Bind(1, std::string(kVideo));
  ASSERT_TRUE(owner.Step());
  EXPECT_EQ(owner.Text(0), kOrg);
}

TEST_F(SqliteImportTest, ImportingTheSameDataTwiceChangesNothing) {
  ImportExample(kFirstImport);
  ImportExample(kSecondImport);
  // updated_at included: it keeps the time of the first import.
  EXPECT_EQ(store_->GetOrganization(kOrg)->updated_at, kFirstImport);
  EXPECT_EQ(store_->GetProject(kOrg, kProject)->updated_at, kFirstImport);
  EXPECT_EQ(Scalar("SELECT updated_at FROM creators WHERE id = ?", kCreator), kFirstImport);
  EXPECT_EQ(Scalar("SELECT updated_at FROM videos WHERE id = ?", kVideo), kFirstImport);
  EXPECT_EQ(Count("SELECT count(*) FROM organizations"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM projects"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM creators"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM videos"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM video_snapshots"), 2);
  EXPECT_EQ(Count("SELECT count(*) FROM creator_snapshots"), 1);
  EXPECT_EQ(Scalar("SELECT view_count FROM videos WHERE id = ?", kVideo), 300);
}

TEST_F(SqliteImportTest, ChangedLineUpdatesAndStampsTheImportTime) {
  ImportExample(kFirstImport);
  auto session = store_->BeginImport(kSecondImport);
  ASSERT_TRUE(session->BeginBatch().ok());
  Project renamed = TheProject();
  renamed.name = "Q1 Program (renamed)";
  renamed.created_at = 999;  // ignored: the line carries no created_at
  ASSERT_TRUE(session->PutProject(renamed, /*explicit_created_at=*/false).ok());
  ASSERT_TRUE(session->CommitBatch().ok());
  auto project = store_->GetProject(kOrg, kProject);
  ASSERT_TRUE(project.ok());
  EXPECT_EQ(project->name, "Q1 Program (renamed)");
  EXPECT_EQ(project->created_at, 60);
  EXPECT_EQ(project->updated_at, kSecondImport);
}

TEST_F(SqliteImportTest, DanglingReferencesAreRefused) {
  auto session = store_->BeginImport(kFirstImport);
  ASSERT_TRUE(session->BeginBatch().ok());
  Project orphan = TheProject();
  orphan.org_id = kMissing;
  Status st = session->PutProject(orphan, true);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().status, 400);
  EXPECT_EQ(st.error().code, "invalid_body");
  EXPECT_NE(st.error().message.find(kMissing), std::string::npos) << st.error().message;

  ASSERT_TRUE(session->PutOrganization(TheOrg(), true).ok());
  ASSERT_TRUE(session->PutProject(TheProject(), true).ok());
  Creator lost_creator = TheCreator();
  lost_creator.project_id = kMissing;
  EXPECT_EQ(session->PutCreator(lost_creator, true).error().status, 400);
  Video lost_video = TheVideo();
  lost_video.project_id = kMissing;
  EXPECT_EQ(session->PutVideo(lost_video, true).error().status, 400);
  Video unknown_creator = TheVideo();
  unknown_creator.creator_id = kMissing;
  EXPECT_EQ(session->PutVideo(unknown_creator, true).error().status, 400);
  EXPECT_EQ(session->PutVideoSnapshot(kMissing, Snap(100, 1)).error().status, 400);
  CreatorSnapshot cs;
  cs.creator_id = kMissing;
  cs.snapshot_at = 100;
  EXPECT_EQ(session->PutCreatorSnapshot(cs).error().status, 400);
  session->RollbackBatch();
  EXPECT_EQ(Count("SELECT count(*) FROM organizations"), 0);
}

TEST_F(SqliteImportTest, RolledBackBatchLeavesNothingAndForgetsItsIds) {
  auto session = store_->BeginImport(kFirstImport);
  ASSERT_TRUE(session->BeginBatch().ok());
  ASSERT_TRUE(session->PutOrganization(TheOrg(), true).ok());
  session->RollbackBatch();
  EXPECT_EQ(store_->GetOrganization(kOrg).error().status, 404);
  // The rolled-back org must not be remembered as existing.
  ASSERT_TRUE(session->BeginBatch().ok());
  EXPECT_EQ(session->PutProject(TheProject(), true).error().status, 400);
  session->RollbackBatch();
  EXPECT_EQ(Count("SELECT count(*) FROM projects"), 0);
}

TEST_F(SqliteImportTest, OutOfOrderSnapshotsKeepTheLatestCounts) {
  ImportExample(kFirstImport);  // snapshots at 100 (120 views) and 200 (300 views)
  auto session = store_->BeginImport(kSecondImport);
  ASSERT_TRUE(session->BeginBatch().ok());
  ASSERT_TRUE(session->PutVideoSnapshot(kVideo, Snap(400, 900)).ok());
  ASSERT_TRUE(session->PutVideoSnapshot(kVideo, Snap(50, 10)).ok());    // earlier than all
  ASSERT_TRUE(session->PutVideoSnapshot(kVideo, Snap(300, 500)).ok());  // between
  CreatorSnapshot later;
  later.creator_id = kCreator;
  later.snapshot_at = 300;
  later.follower_count = 16000;
  ASSERT_TRUE(session->PutCreatorSnapshot(later).ok());
  CreatorSnapshot earlier = later;
  earlier.snapshot_at = 20;
  earlier.follower_count = 1;
  ASSERT_TRUE(session->PutCreatorSnapshot(earlier).ok());
  ASSERT_TRUE(session->CommitBatch().ok());
  ASSERT_TRUE(session->Finish().ok());

  EXPECT_EQ(Count("SELECT count(*) FROM video_snapshots"), 5);
  EXPECT_EQ(Scalar("SELECT view_count FROM videos WHERE id = ?", kVideo), 900);
  EXPECT_EQ(Scalar("SELECT like_count FROM videos WHERE id = ?", kVideo), 90);
  EXPECT_EQ(Scalar("SELECT last_scraped_at FROM videos WHERE id = ?", kVideo), 400);
  EXPECT_EQ(Scalar("SELECT follower_count FROM creators WHERE id = ?", kCreator), 16000);
  EXPECT_EQ(Scalar("SELECT last_scraped_at FROM creators WHERE id = ?", kCreator), 300);
}

TEST_F(SqliteImportTest, ResentSnapshotWithNewCountsReplacesIt) {
  ImportExample(kFirstImport);
  auto session = store_->BeginImport(kSecondImport);
  ASSERT_TRUE(session->BeginBatch().ok());
  ASSERT_TRUE(session->PutVideoSnapshot(kVideo, Snap(200, 310)).ok());  // same instant, new counts
  ASSERT_TRUE(session->CommitBatch().ok());
  ASSERT_TRUE(session->Finish().ok());
  EXPECT_EQ(Count("SELECT count(*) FROM video_snapshots"), 2);
  EXPECT_EQ(Scalar("SELECT view_count FROM videos WHERE id = ?", kVideo), 310);
}

TEST_F(SqliteImportTest, AnIdCannotMoveToAnotherOwner) {
  ImportExample(kFirstImport);
  auto session = store_->BeginImport(kSecondImport);
  ASSERT_TRUE(session->BeginBatch().ok());
  Organization other;
  other.id = "0190a000-0000-7000-8000-00000000000b";
  other.name = "Other";
  other.plan = "ultra";
  ASSERT_TRUE(session->PutOrganization(other, true).ok());
  Project moved = TheProject();
  moved.org_id = other.id;
  Status st = session->PutProject(moved, true);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().status, 400);
  session->RollbackBatch();
  auto project = store_->GetProject(kOrg, kProject);
  ASSERT_TRUE(project.ok());
  EXPECT_EQ(project->org_id, kOrg);
}

}  // namespace
}  // namespace goatherd::sqlite
