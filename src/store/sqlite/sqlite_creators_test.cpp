// Creator status changes seen by ingest: a creator that comes back (re-enabled after an
// auto-disable, or reactivated after removal) owes each of its videos a `tracking_resumed`
// baseline at their next snapshot (spec/videos.md), so the gap is not one day's gain.
#include <gtest/gtest.h>

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

class SqliteCreatorsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::make_unique<SqliteStore>(dir_.File("c.db"), 2);
    ASSERT_TRUE(store_->Migrate().ok());
    auto session = store_->BeginImport(50);
    ASSERT_TRUE(session->BeginBatch().ok());
    Organization o;
    o.id = kOrg;
    o.name = "Org";
    ASSERT_TRUE(session->PutOrganization(o, false).ok());
    Project p;
    p.id = kProject;
    p.org_id = kOrg;
    p.name = "P";
    ASSERT_TRUE(session->PutProject(p, false).ok());
    Creator c;
    c.id = kCreator;
    c.project_id = kProject;
    c.tiktok_handle = "someone";
    ASSERT_TRUE(session->PutCreator(c, false).ok());
    Video v;
    v.id = kVideo;
    v.project_id = kProject;
    v.creator_id = kCreator;
    v.tiktok_video_id = "7301234567890123456";
    v.posted_at = 60;
    ASSERT_TRUE(session->PutVideo(v, false).ok());
    VideoSnapshot s;
    s.snapshot_at = 100;
    s.counts = {10, 1, 0, 0, 0};
    ASSERT_TRUE(session->PutVideoSnapshot(kVideo, s).ok());
    ASSERT_TRUE(session->CommitBatch().ok());
    ASSERT_TRUE(session->Finish().ok());
  }

  // The stored reason of the video's snapshot at `at` (0 none, 1 video_added, 2 resumed).
  std::int64_t ReasonAt(Timestamp at) {
    auto db = store_->pool().Acquire();
    auto s = db->Prepare(
        "SELECT reason FROM video_snapshots s JOIN videos v ON v.seq = s.video_seq "
        "WHERE v.id = ? AND s.snapshot_at = ?");
    s.Bind(1, kVideo).Bind(2, at);
    EXPECT_TRUE(s.Step()) << "no snapshot at " << at;
    return s.Int(0);
  }

  TempDir dir_;
  std::unique_ptr<SqliteStore> store_;
};

TEST_F(SqliteCreatorsTest, ReEnabledCreatorsVideosResumeWithABaseline) {
  ASSERT_TRUE(store_->IngestVideoSnapshot(kVideo, {20, 2, 0, 0, 0}, 200).ok());
  EXPECT_EQ(ReasonAt(200), 0);
  ASSERT_TRUE(store_->DisableCreator(kCreator, "account @someone is private", 300).ok());
  auto back = store_->BulkReenableCreators(kOrg, kProject, {kCreator}, 400);
  ASSERT_TRUE(back.ok()) << back.error().message;
  ASSERT_TRUE(store_->IngestVideoSnapshot(kVideo, {90, 9, 0, 0, 0}, 500).ok());
  EXPECT_EQ(ReasonAt(500), 2);
  // Only the first snapshot after coming back.
  ASSERT_TRUE(store_->IngestVideoSnapshot(kVideo, {95, 9, 0, 0, 0}, 600).ok());
  EXPECT_EQ(ReasonAt(600), 0);
}

TEST_F(SqliteCreatorsTest, ReactivatedCreatorsVideosResumeWithABaseline) {
  ASSERT_TRUE(store_->RemoveCreator(kOrg, kCreator, 300).ok());
  CreatorRequest again;
  again.tiktok_handle = "someone";
  auto added = store_->AddCreators(kOrg, kProject, {again}, "2026-01-01", 400'000);
  ASSERT_TRUE(added.ok()) << added.error().message;
  ASSERT_EQ(added->size(), 1u);
  EXPECT_EQ((*added)[0].status, 200);  // reactivated, not created
  ASSERT_TRUE(store_->IngestVideoSnapshot(kVideo, {90, 9, 0, 0, 0}, 500).ok());
  EXPECT_EQ(ReasonAt(500), 2);
}

}  // namespace
}  // namespace goatherd::sqlite
