// Unit tests of the Aggregates part of SqliteStore: the video ranking (counted videos of one
// project only, every order, ties by id, pages, posted ranges with one or both bounds, videos
// without posted_at) and the heatmap's posts, on a hand-built project whose expected answers are
// listed by hand next to each case. They pin what the statements written for migration 13's
// indexes must keep answering.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/test_temp_dir.h"
#include "store/sqlite/sqlite_store.h"

namespace goatherd::sqlite {
namespace {

using goatherd::testing::TempDir;

constexpr const char* kOrgA = "0190a000-0000-7000-8000-00000000000a";
constexpr const char* kOrgB = "0190a000-0000-7000-8000-00000000000b";
constexpr const char* kP1 = "0190b000-0000-7000-8000-000000000001";
constexpr const char* kP2 = "0190b000-0000-7000-8000-000000000002";
constexpr const char* kPB = "0190b000-0000-7000-8000-0000000000b1";

// Video n's id; ids sort as their numbers (same length).
std::string V(int n) {
  std::string id = "b0000000-0000-4000-8000-000000000000";
  std::string tail = std::to_string(n);
  id.replace(id.size() - tail.size(), tail.size(), tail);
  return id;
}

class SqliteAggregatesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::make_unique<SqliteStore>(dir_.File("test.db"), 4);
    auto version = store_->Migrate();
    ASSERT_TRUE(version.ok()) << version.error().message;
    AddOrg(kOrgA);
    AddOrg(kOrgB);
    AddProject(kOrgA, kP1);
    AddProject(kOrgA, kP2);
    AddProject(kOrgB, kPB);
    // Project P1 of organization A. Counted: 1, 2, 3, 6.
    AddVideo(1, "auto_tracked", 100, 5, 1000);
    AddVideo(2, "included", 300, 5, 2000);
    AddVideo(3, "direct_add", 300, 1, std::nullopt);
    AddVideo(4, "excluded", 999, 99, 1500);
    AddVideo(5, "pending_review", 800, 80, 2500);
    AddVideo(6, "auto_tracked", 50, 9, 3000);
    // Counted, but in another project and in another organization.
    AddVideo(7, "auto_tracked", 5000, 500, 1200, kP2);
    AddVideo(8, "auto_tracked", 7000, 700, 1300, kPB, kOrgB);
  }

  void AddOrg(const std::string& id) {
    Organization org;
    org.id = id;
    org.name = "Org";
    org.plan = "ultra";
    org.created_at = org.updated_at = 10;
    ASSERT_TRUE(store_->CreateOrganization(org).ok());
  }
  void AddProject(const std::string& org, const std::string& id) {
    Project p;
    p.id = id;
    p.org_id = org;
    p.name = "P";
    p.created_at = p.updated_at = 20;
    ASSERT_TRUE(store_->CreateProject(p).ok());
  }
  void AddVideo(int n, const std::string& status, int views, int likes,
                std::optional<Timestamp> posted_at, const std::string& project = kP1,
                const std::string& org = kOrgA) {
    auto db = store_->pool().Acquire();
    db->Exec(
        "INSERT INTO videos (id, org_id, project_id, tiktok_video_id, tracking_status, "
        "view_count, like_count, posted_at, created_at, updated_at) VALUES ('" +
        V(n) + "', '" + org + "', '" + project + "', '" + std::to_string(n) + "', '" + status +
        "', " + std::to_string(views) + ", " + std::to_string(likes) + ", " +
        (posted_at ? std::to_string(*posted_at) : "NULL") + ", 1, 1)");
  }

  struct Ranked {
    std::vector<std::string> ids;
    std::int64_t total = -1;
  };
  Ranked Rank(const std::string& order, std::optional<Timestamp> from = std::nullopt,
              std::optional<Timestamp> before = std::nullopt, int limit = 50,
              std::int64_t offset = 0) {
    Store::VideoRankQuery q;
    q.project_id = kP1;
    q.order = order;
    q.posted_from = from;
    q.posted_before = before;
    q.limit = limit;
    q.offset = offset;
    auto r = store_->RankVideos(kOrgA, q);
    EXPECT_TRUE(r.ok()) << r.error().message;
    Ranked out;
    if (!r.ok()) return out;
    out.total = r->total_count;
    for (const auto& v : r->items) out.ids.push_back(v.id);
    return out;
  }

  TempDir dir_;
  std::unique_ptr<SqliteStore> store_;
};

using Ids = std::vector<std::string>;

TEST_F(SqliteAggregatesTest, AllTimeByViewsCountsOnlyTheProjectsCountedVideos) {
  // 2 and 3 tie at 300 views: by id. 4 (excluded), 5 (pending), 7 and 8 never appear.
  auto r = Rank("view_count");
  EXPECT_EQ(r.ids, (Ids{V(2), V(3), V(1), V(6)}));
  EXPECT_EQ(r.total, 4);
}

TEST_F(SqliteAggregatesTest, OtherOrdersAndTies) {
  // Likes 9, 5, 5, 1: the tie of 1 and 2 by id.
  EXPECT_EQ(Rank("like_count").ids, (Ids{V(6), V(1), V(2), V(3)}));
  // Newest first; 3 has no posted_at and comes last, yet counts in an all-time ranking.
  auto posted = Rank("posted_at");
  EXPECT_EQ(posted.ids, (Ids{V(6), V(2), V(1), V(3)}));
  EXPECT_EQ(posted.total, 4);
  // Every video has 0 comments: all tie, by id.
  EXPECT_EQ(Rank("comment_count").ids, (Ids{V(1), V(2), V(3), V(6)}));
}

TEST_F(SqliteAggregatesTest, PostedRangesWithOneOrBothBounds) {
  // [1000, 3000): 1 (1000) and 2 (2000); 6 is at the excluded end, 3 has no posted_at, 4 (1500)
  // is not counted.
  auto both = Rank("view_count", 1000, 3000);
  EXPECT_EQ(both.ids, (Ids{V(2), V(1)}));
  EXPECT_EQ(both.total, 2);
  auto from = Rank("view_count", 2000, std::nullopt);  // 2 (2000), 6 (3000)
  EXPECT_EQ(from.ids, (Ids{V(2), V(6)}));
  EXPECT_EQ(from.total, 2);
  auto before = Rank("posted_at", std::nullopt, 2000);  // 1 (1000) only
  EXPECT_EQ(before.ids, (Ids{V(1)}));
  EXPECT_EQ(before.total, 1);
  auto none = Rank("like_count", 5000, 6000);
  EXPECT_TRUE(none.ids.empty());
  EXPECT_EQ(none.total, 0);
}

TEST_F(SqliteAggregatesTest, Pages) {
  auto page = Rank("view_count", std::nullopt, std::nullopt, 2, 1);
  EXPECT_EQ(page.ids, (Ids{V(3), V(1)}));
  EXPECT_EQ(page.total, 4);
  auto last = Rank("posted_at", std::nullopt, std::nullopt, 2, 3);
  EXPECT_EQ(last.ids, (Ids{V(3)}));
  auto past = Rank("view_count", std::nullopt, std::nullopt, 50, 4);
  EXPECT_TRUE(past.ids.empty());
  EXPECT_EQ(past.total, 4);
}

TEST_F(SqliteAggregatesTest, RankedRowsCarryTheirCounts) {
  Store::VideoRankQuery q;
  q.project_id = kP1;
  q.limit = 1;
  auto r = store_->RankVideos(kOrgA, q);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->items.size(), 1u);
  EXPECT_EQ(r->items[0].id, V(2));
  EXPECT_EQ(r->items[0].counts[0], 300);  // views
  EXPECT_EQ(r->items[0].counts[1], 5);    // likes
  EXPECT_EQ(r->items[0].posted_at, std::optional<Timestamp>(2000));
}

TEST_F(SqliteAggregatesTest, HeatmapPostsAreTheCountedOnesInRange) {
  auto r = store_->CountedPostViews(kOrgA, kP1, 1000, 3000);
  ASSERT_TRUE(r.ok());
  std::vector<std::pair<Timestamp, std::int64_t>> got;
  for (const auto& p : *r) got.emplace_back(p.posted_at, p.views);
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (std::vector<std::pair<Timestamp, std::int64_t>>{{1000, 100}, {2000, 300}}));
}

}  // namespace
}  // namespace goatherd::sqlite
