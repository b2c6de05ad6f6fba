// The tracking switches as ingest sees them: the first snapshot after tracking is switched back
// on is a tracking_resumed baseline, and only that one.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/test_temp_dir.h"
#include "store/sqlite/sqlite_store.h"

namespace goatherd::sqlite {
namespace {

using goatherd::testing::TempDir;

constexpr const char* kOrg = "0190a000-0000-7000-8000-0000000000a1";
constexpr const char* kProject = "0190b000-0000-7000-8000-0000000000a1";

class VideoWritesStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::make_unique<SqliteStore>(dir_.File("test.db"), 2);
    ASSERT_TRUE(store_->Migrate().ok());
    Organization org;
    org.id = kOrg;
    org.name = "Org";
    org.created_at = org.updated_at = 10;
    ASSERT_TRUE(store_->CreateOrganization(org).ok());
    Project p;
    p.id = kProject;
    p.org_id = kOrg;
    p.name = "Program";
    p.created_at = p.updated_at = 10;
    ASSERT_TRUE(store_->CreateProject(p).ok());
  }

  std::string AddVideo(const std::string& id, const std::string& tiktok_id) {
    Video v;
    v.id = id;
    v.org_id = kOrg;
    v.project_id = kProject;
    v.tiktok_video_id = tiktok_id;
    v.created_at = v.updated_at = kStart;
    auto created = store_->CreateDirectVideo(v, kStart);
    EXPECT_TRUE(created.ok()) << created.error().message;
    return id;
  }

  std::vector<SnapshotReason> Reasons(const std::string& id) {
    std::vector<SnapshotReason> out;
    auto v = store_->GetVideoWithSnapshots(kOrg, id);
    EXPECT_TRUE(v.ok());
    if (v.ok()) {
      for (const auto& s : v->snapshots) out.push_back(s.reason);
    }
    return out;
  }

  void Ingest(const std::string& id, std::int64_t views, Timestamp at) {
    ASSERT_TRUE(store_->IngestVideoSnapshot(id, {views, 0, 0, 0, 0}, at).ok());
  }

  static constexpr Timestamp kStart = 1'770'000'000;  // 2026-02-02T02:40:00Z
  TempDir dir_;
  std::unique_ptr<SqliteStore> store_;
};

using R = SnapshotReason;

TEST_F(VideoWritesStoreTest, FirstSnapshotAfterEnableIsTheResumedBaseline) {
  const std::string id = AddVideo("0190c000-0000-7000-8000-000000000001", "101");
  Ingest(id, 10, kStart + 100);
  Ingest(id, 20, kStart + 200);
  ASSERT_TRUE(store_->SetVideoTracking(kOrg, id, false, kStart + 300).ok());
  ASSERT_TRUE(store_->SetVideoTracking(kOrg, id, true, kStart + 400).ok());
  Ingest(id, 50, kStart + 500);
  Ingest(id, 60, kStart + 600);
  EXPECT_EQ(Reasons(id), (std::vector<R>{R::kVideoAdded, R::kNone, R::kTrackingResumed, R::kNone}));
}

TEST_F(VideoWritesStoreTest, EnablingAnEnabledVideoOwesNoBaseline) {
  const std::string id = AddVideo("0190c000-0000-7000-8000-000000000002", "102");
  Ingest(id, 10, kStart + 100);
  auto same = store_->SetVideoTracking(kOrg, id, true, kStart + 200);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->video.updated_at, kStart);  // nothing changed
  Ingest(id, 20, kStart + 300);
  EXPECT_EQ(Reasons(id), (std::vector<R>{R::kVideoAdded, R::kNone}));
}

TEST_F(VideoWritesStoreTest, ASwitchBeforeAnySnapshotLeavesTheAddedBaselineAlone) {
  const std::string id = AddVideo("0190c000-0000-7000-8000-000000000003", "103");
  ASSERT_TRUE(store_->SetVideoTracking(kOrg, id, false, kStart + 10).ok());
  ASSERT_TRUE(store_->SetVideoTracking(kOrg, id, true, kStart + 20).ok());
  Ingest(id, 10, kStart + 100);
  Ingest(id, 20, kStart + 200);
  EXPECT_EQ(Reasons(id), (std::vector<R>{R::kVideoAdded, R::kNone}));
}

}  // namespace
}  // namespace goatherd::sqlite
