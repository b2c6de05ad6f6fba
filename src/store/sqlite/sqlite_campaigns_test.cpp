// Unit tests of the Campaigns part of SqliteStore: CRUD rules, items (same project, duplicate,
// cycles, caps) and the resolver on hand-built trees whose expected video sets are listed by hand
// next to each case.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <string>
#include <thread>
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

// Ids that read as what they are: creator "c..", video "v..", campaign "a..".
std::string Id(char kind, int n) {
  std::string id = "00000000-0000-4000-8000-000000000000";
  id[0] = kind;
  std::string tail = std::to_string(n);
  id.replace(id.size() - tail.size(), tail.size(), tail);
  return id;
}
std::string C(int n) { return Id('c', n); }
std::string V(int n) { return Id('b', n); }  // 'b': videos (hex digit, stays a valid UUID)
std::string K(int n) { return Id('a', n); }  // campaigns

class SqliteCampaignsTest : public ::testing::Test {
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
  void Sql(const std::string& sql) {
    auto db = store_->pool().Acquire();
    db->Exec(sql);
  }
  void AddCreator(const std::string& id, const std::string& project = kP1,
                  const std::string& status = "active", const std::string& org = kOrgA) {
    Sql("INSERT INTO creators (id, org_id, project_id, tiktok_handle, status, created_at, "
        "updated_at) VALUES ('" +
        id + "', '" + org + "', '" + project + "', 'h" + id.substr(33) + "', '" + status +
        "', 1, 1)");
  }
  void AddVideo(const std::string& id, const std::optional<std::string>& creator,
                const std::string& status, const std::string& project = kP1,
                const std::string& org = kOrgA) {
    Sql("INSERT INTO videos (id, org_id, project_id, creator_id, tiktok_video_id, title, "
        "tracking_status, created_at, updated_at) VALUES ('" +
        id + "', '" + org + "', '" + project + "', " + (creator ? "'" + *creator + "'" : "NULL") +
        ", '" + id.substr(24) + "', 'title " + id.substr(33) + "', '" + status + "', 1, 1)");
  }
  Result<Campaign> AddCampaign(const std::string& id, const std::string& project = kP1,
                               const std::string& org = kOrgA) {
    Campaign c;
    c.id = id;
    c.org_id = org;
    c.project_id = project;
    c.name = "Campaign " + id.substr(33);
    c.created_at = c.updated_at = 100;
    return store_->CreateCampaign(c);
  }
  Result<CampaignItem> Add(const std::string& campaign, const std::string& type,
                           const std::string& item) {
    return store_->AddCampaignItem(kOrgA, campaign, type, item, 200);
  }
  void MustAdd(const std::string& campaign, const std::string& type, const std::string& item) {
    auto r = Add(campaign, type, item);
    ASSERT_TRUE(r.ok()) << campaign << " <- " << type << " " << item << ": " << r.error().message;
  }
  std::vector<std::string> Resolve(const std::string& campaign,
                                   CreatorVideoRule rule = CreatorVideoRule::kCounted) {
    auto ids = store_->ResolveCampaignVideoIds(kOrgA, campaign, rule);
    EXPECT_TRUE(ids.ok()) << ids.error().message;
    if (!ids.ok()) return {};
    std::vector<std::string> out = *ids;
    std::sort(out.begin(), out.end());
    return out;
  }

  TempDir dir_;
  std::unique_ptr<SqliteStore> store_;
};

std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

TEST_F(SqliteCampaignsTest, CreateNeedsAVisibleProjectOfTheOrganization) {
  EXPECT_TRUE(AddCampaign(K(1)).ok());
  EXPECT_EQ(AddCampaign(K(2), kPB).error().status, 404);  // org B's project
  EXPECT_EQ(AddCampaign(K(3), "0190b000-0000-7000-8000-000000000099").error().status, 404);
  ASSERT_TRUE(store_->DeleteProject(kOrgA, kP2, 50).ok());
  EXPECT_EQ(AddCampaign(K(4), kP2).error().status, 404);
}

TEST_F(SqliteCampaignsTest, CampaignCapIsPerProject) {
  Sql("UPDATE plan_limits SET value = 2 WHERE plan = 'ultra' AND "
      "limit_key = 'max_campaigns_per_project'");
  ASSERT_TRUE(AddCampaign(K(1)).ok());
  ASSERT_TRUE(AddCampaign(K(2)).ok());
  auto third = AddCampaign(K(3));
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.error().status, 402);
  EXPECT_EQ(third.error().code, "limit_reached");
  EXPECT_TRUE(AddCampaign(K(4), kP2).ok());  // another project has its own count
}

TEST_F(SqliteCampaignsTest, ItemsMustExistInTheSameProject) {
  ASSERT_TRUE(AddCampaign(K(1)).ok());
  ASSERT_TRUE(AddCampaign(K(2), kP2).ok());
  AddCreator(C(1));
  AddCreator(C(2), kP2);
  AddCreator(C(3), kPB, "active", kOrgB);
  AddVideo(V(1), std::nullopt, "direct_add", kP2);
  EXPECT_TRUE(Add(K(1), "creator", C(1)).ok());
  EXPECT_EQ(Add(K(1), "creator", C(2)).error().status, 404);  // other project
  EXPECT_EQ(Add(K(1), "creator", C(3)).error().status, 404);  // other organization
  EXPECT_EQ(Add(K(1), "creator", C(9)).error().status, 404);  // none
  EXPECT_EQ(Add(K(1), "video", V(1)).error().status, 404);
  EXPECT_EQ(Add(K(1), "campaign", K(2)).error().status, 404);
  EXPECT_EQ(Add(K(1), "video", C(1)).error().status, 404);  // a creator's id as a video
  EXPECT_EQ(store_->AddCampaignItem(kOrgB, K(1), "creator", C(1), 1).error().status, 404);
}

TEST_F(SqliteCampaignsTest, DuplicateAndCycles) {
  for (int i = 1; i <= 4; ++i) ASSERT_TRUE(AddCampaign(K(i)).ok());
  AddCreator(C(1));
  MustAdd(K(1), "creator", C(1));
  auto dup = Add(K(1), "creator", C(1));
  EXPECT_EQ(dup.error().status, 409);
  EXPECT_EQ(dup.error().code, "duplicate");

  EXPECT_EQ(Add(K(1), "campaign", K(1)).error().code, "circular_reference");
  MustAdd(K(1), "campaign", K(2));  // 1 > 2
  EXPECT_EQ(Add(K(2), "campaign", K(1)).error().code, "circular_reference");
  MustAdd(K(2), "campaign", K(3));  // 1 > 2 > 3
  EXPECT_EQ(Add(K(3), "campaign", K(1)).error().code, "circular_reference");
  EXPECT_EQ(Add(K(3), "campaign", K(2)).error().code, "circular_reference");
  MustAdd(K(1), "campaign", K(3));  // a diamond edge is no cycle
  MustAdd(K(4), "campaign", K(3));  // nor is a second parent
  EXPECT_EQ(Add(K(3), "campaign", K(4)).error().code, "circular_reference");
}

TEST_F(SqliteCampaignsTest, ItemCapCountsDirectItemsAndDuplicateIsNotCapped) {
  Sql("UPDATE plan_limits SET value = 2 WHERE plan = 'ultra' AND "
      "limit_key = 'max_campaign_items_per_campaign'");
  ASSERT_TRUE(AddCampaign(K(1)).ok());
  AddCreator(C(1));
  AddCreator(C(2));
  AddCreator(C(3));
  MustAdd(K(1), "creator", C(1));
  MustAdd(K(1), "creator", C(2));
  auto over = Add(K(1), "creator", C(3));
  EXPECT_EQ(over.error().status, 402);
  EXPECT_EQ(Add(K(1), "creator", C(1)).error().code, "duplicate");
  ASSERT_TRUE(store_->RemoveCampaignItem(kOrgA, K(1), "creator", C(2)).ok());
  MustAdd(K(1), "creator", C(3));
}

TEST_F(SqliteCampaignsTest, ConcurrentAddsNeverPassTheCap) {
  Sql("UPDATE plan_limits SET value = 5 WHERE plan = 'ultra' AND "
      "limit_key = 'max_campaign_items_per_campaign'");
  ASSERT_TRUE(AddCampaign(K(1)).ok());
  for (int i = 1; i <= 24; ++i) AddCreator(C(i));
  std::atomic<int> created{0}, capped{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t * 6 + 1; i <= t * 6 + 6; ++i) {
        auto r = store_->AddCampaignItem(kOrgA, K(1), "creator", C(i), 1);
        if (r.ok()) ++created;
        if (!r.ok() && r.error().status == 402) ++capped;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), 5);
  EXPECT_EQ(capped.load(), 19);
  EXPECT_EQ(store_->GetCampaign(kOrgA, K(1))->item_count, 5);
}

TEST_F(SqliteCampaignsTest, DeleteRemovesMembershipsBothWays) {
  for (int i = 1; i <= 3; ++i) ASSERT_TRUE(AddCampaign(K(i)).ok());
  AddCreator(C(1));
  MustAdd(K(1), "campaign", K(2));
  MustAdd(K(3), "campaign", K(2));
  MustAdd(K(2), "creator", C(1));
  EXPECT_EQ(store_->GetCampaign(kOrgA, K(1))->item_count, 1);
  ASSERT_TRUE(store_->DeleteCampaign(kOrgA, K(2)).ok());
  EXPECT_EQ(store_->GetCampaign(kOrgA, K(1))->item_count, 0);
  EXPECT_EQ(store_->GetCampaign(kOrgA, K(3))->item_count, 0);
  auto db = store_->pool().Acquire();
  auto left = db->Prepare("SELECT count(*) FROM campaign_items");
  ASSERT_TRUE(left.Step());
  EXPECT_EQ(left.Int(0), 0);
  EXPECT_EQ(store_->DeleteCampaign(kOrgA, K(2)).error().status, 404);
}

TEST_F(SqliteCampaignsTest, DeletingAVideoDropsItsMemberships) {
  ASSERT_TRUE(AddCampaign(K(1)).ok());
  AddVideo(V(1), std::nullopt, "direct_add");
  MustAdd(K(1), "video", V(1));
  Sql("DELETE FROM videos WHERE id = '" + V(1) + "'");
  EXPECT_EQ(store_->GetCampaign(kOrgA, K(1))->item_count, 0);
}

TEST_F(SqliteCampaignsTest, ListsArePagedAndConfined) {
  for (int i = 1; i <= 3; ++i) {
    Campaign c;
    c.id = K(i);
    c.org_id = kOrgA;
    c.project_id = i == 3 ? kP2 : kP1;
    c.name = "x";
    c.created_at = c.updated_at = 100 + i;
    ASSERT_TRUE(store_->CreateCampaign(c).ok());
  }
  ASSERT_TRUE(AddCampaign(K(9), kPB, kOrgB).ok());
  PageRequest first;
  first.limit = 2;
  auto page = store_->ListCampaigns(kOrgA, {}, first);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0].id, K(3));  // newest first
  EXPECT_EQ(page->items[1].id, K(2));
  EXPECT_TRUE(page->has_more);
  PageRequest second = first;
  second.after = KeysetPosition{page->items[1].created_at, page->items[1].id};
  auto rest = store_->ListCampaigns(kOrgA, {}, second);
  ASSERT_EQ(rest->items.size(), 1u);
  EXPECT_EQ(rest->items[0].id, K(1));
  EXPECT_FALSE(rest->has_more);
  CampaignFilter only_p2{std::string(kP2)};
  auto p2 = store_->ListCampaigns(kOrgA, only_p2, PageRequest{});
  ASSERT_EQ(p2->items.size(), 1u);
  EXPECT_EQ(p2->items[0].id, K(3));
  EXPECT_EQ(store_->GetCampaign(kOrgA, K(9)).error().status, 404);
  ASSERT_TRUE(store_->DeleteProject(kOrgA, kP2, 50).ok());
  EXPECT_EQ(store_->ListCampaigns(kOrgA, {}, PageRequest{})->items.size(), 2u);
  EXPECT_EQ(store_->GetCampaign(kOrgA, K(3)).error().status, 404);
}

TEST_F(SqliteCampaignsTest, PatchNoOpKeepsUpdatedAt) {
  ASSERT_TRUE(AddCampaign(K(1)).ok());
  CampaignPatch same;
  same.name = "Campaign " + K(1).substr(33);
  auto r = store_->UpdateCampaign(kOrgA, K(1), same, 999);
  EXPECT_EQ(r->updated_at, 100);
  CampaignPatch change;
  change.target_views = std::optional<std::int64_t>(1000000);
  change.target_at = std::optional<Timestamp>(1782777600);
  change.readme = std::optional<std::string>("notes");
  r = store_->UpdateCampaign(kOrgA, K(1), change, 999);
  EXPECT_EQ(r->updated_at, 999);
  auto back = store_->GetCampaign(kOrgA, K(1));
  EXPECT_EQ(back->target_views, 1000000);
  EXPECT_EQ(back->target_at, 1782777600);
  EXPECT_EQ(back->description, "notes");
  CampaignPatch clear;
  clear.target_views = std::optional<std::int64_t>();
  clear.readme = std::optional<std::string>();
  r = store_->UpdateCampaign(kOrgA, K(1), clear, 1000);
  EXPECT_FALSE(r->target_views.has_value());
  EXPECT_FALSE(r->description.has_value());
  EXPECT_EQ(r->target_at, 1782777600);
}

// ----------------------------------------------------------------------------------------------
// The resolver. Fixture of creator C1 (active) with videos:
//   V1 auto_tracked, V2 included, V3 excluded, V4 pending_review, V5 direct_add (attached to C1);
// C2 (active): V6, V7 auto_tracked; C3 (removed): V8 auto_tracked; C4 (disabled): V9 included;
// V10 direct_add without creator.
class ResolverTest : public SqliteCampaignsTest {
 protected:
  void SetUp() override {
    SqliteCampaignsTest::SetUp();
    AddCreator(C(1));
    AddCreator(C(2));
    AddCreator(C(3), kP1, "removed");
    AddCreator(C(4), kP1, "disabled");
    AddVideo(V(1), C(1), "auto_tracked");
    AddVideo(V(2), C(1), "included");
    AddVideo(V(3), C(1), "excluded");
    AddVideo(V(4), C(1), "pending_review");
    AddVideo(V(5), C(1), "direct_add");
    AddVideo(V(6), C(2), "auto_tracked");
    AddVideo(V(7), C(2), "auto_tracked");
    AddVideo(V(8), C(3), "auto_tracked");
    AddVideo(V(9), C(4), "included");
    AddVideo(V(10), std::nullopt, "direct_add");
    for (int i = 1; i <= 8; ++i) ASSERT_TRUE(AddCampaign(K(i)).ok());
  }
};

TEST_F(ResolverTest, EmptyCampaignAndMissingCampaign) {
  EXPECT_TRUE(Resolve(K(1)).empty());
  EXPECT_EQ(
      store_->ResolveCampaignVideoIds(kOrgA, K(99), CreatorVideoRule::kCounted).error().status,
      404);
  EXPECT_EQ(store_->ResolveCampaignVideoIds(kOrgB, K(1), CreatorVideoRule::kCounted).error().status,
            404);
}

TEST_F(ResolverTest, CreatorItemCountsItsCountedVideosOnly) {
  MustAdd(K(1), "creator", C(1));
  // V3 excluded and V4 pending_review never count; V5 direct_add only under kCounted.
  EXPECT_EQ(Resolve(K(1)), Sorted({V(1), V(2), V(5)}));
  EXPECT_EQ(Resolve(K(1), CreatorVideoRule::kAutoTrackedOrIncluded), Sorted({V(1), V(2)}));
}

TEST_F(ResolverTest, RemovedAndDisabledCreatorsContributeNothing) {
  MustAdd(K(1), "creator", C(3));
  MustAdd(K(1), "creator", C(4));
  EXPECT_TRUE(Resolve(K(1)).empty());
  // An explicit video item still counts, whatever its creator's state.
  MustAdd(K(1), "video", V(8));
  EXPECT_EQ(Resolve(K(1)), std::vector<std::string>{V(8)});
}

TEST_F(ResolverTest, VideoItemsCountWhateverTheirStatus) {
  MustAdd(K(1), "video", V(3));   // excluded
  MustAdd(K(1), "video", V(10));  // direct add, no creator
  EXPECT_EQ(Resolve(K(1)), Sorted({V(3), V(10)}));
  EXPECT_EQ(Resolve(K(1), CreatorVideoRule::kAutoTrackedOrIncluded), Sorted({V(3), V(10)}));
}

TEST_F(ResolverTest, NestedUnionAtDepth) {
  // K1 > K2 > K3 > K4; C2 at the bottom, V10 in the middle, C1 at the top.
  MustAdd(K(1), "campaign", K(2));
  MustAdd(K(2), "campaign", K(3));
  MustAdd(K(3), "campaign", K(4));
  MustAdd(K(4), "creator", C(2));
  MustAdd(K(2), "video", V(10));
  MustAdd(K(1), "creator", C(1));
  EXPECT_EQ(Resolve(K(1)), Sorted({V(1), V(2), V(5), V(6), V(7), V(10)}));
  EXPECT_EQ(Resolve(K(2)), Sorted({V(6), V(7), V(10)}));
  EXPECT_EQ(Resolve(K(4)), Sorted({V(6), V(7)}));
}

TEST_F(ResolverTest, DiamondCountsEachVideoOnce) {
  // K1 > {K2, K3} > K4 > C2; and C2 directly in K3 too.
  MustAdd(K(1), "campaign", K(2));
  MustAdd(K(1), "campaign", K(3));
  MustAdd(K(2), "campaign", K(4));
  MustAdd(K(3), "campaign", K(4));
  MustAdd(K(4), "creator", C(2));
  MustAdd(K(3), "creator", C(2));
  EXPECT_EQ(Resolve(K(1)), Sorted({V(6), V(7)}));
}

TEST_F(ResolverTest, VideoReachedThroughTwoPathsCountsOnce) {
  // V1 via creator C1 in K2 and as a video item in K3 and in K1; V6 as an item twice.
  MustAdd(K(1), "campaign", K(2));
  MustAdd(K(1), "campaign", K(3));
  MustAdd(K(2), "creator", C(1));
  MustAdd(K(3), "video", V(1));
  MustAdd(K(1), "video", V(1));
  MustAdd(K(2), "video", V(6));
  MustAdd(K(3), "video", V(6));
  // V3 (excluded) as an item while its creator is also an item: counted once, via the item.
  MustAdd(K(3), "video", V(3));
  EXPECT_EQ(Resolve(K(1)), Sorted({V(1), V(2), V(3), V(5), V(6)}));
  // Under the narrower rule V5 is not C1's contribution; it is not an item either.
  EXPECT_EQ(Resolve(K(1), CreatorVideoRule::kAutoTrackedOrIncluded),
            Sorted({V(1), V(2), V(3), V(6)}));
}

TEST_F(ResolverTest, StatusChangesApplyAtOnce) {
  MustAdd(K(1), "creator", C(1));
  Sql("UPDATE videos SET tracking_status = 'included' WHERE id = '" + V(3) + "'");
  Sql("UPDATE creators SET status = 'removed' WHERE id = '" + C(2) + "'");
  EXPECT_EQ(Resolve(K(1)), Sorted({V(1), V(2), V(3), V(5)}));
  Sql("UPDATE creators SET status = 'removed' WHERE id = '" + C(1) + "'");
  EXPECT_TRUE(Resolve(K(1)).empty());
}

TEST_F(ResolverTest, SeqsMatchIdsAndAscend) {
  MustAdd(K(1), "creator", C(2));
  MustAdd(K(1), "video", V(10));
  MustAdd(K(1), "creator", C(1));
  auto seqs = store_->ResolveCampaignVideoSeqs(kOrgA, K(1), CreatorVideoRule::kCounted);
  ASSERT_TRUE(seqs.ok());
  // Videos were inserted in the order V1..V10, so their seqs are 1..10.
  EXPECT_EQ(*seqs, (std::vector<std::int64_t>{1, 2, 5, 6, 7, 10}));
}

TEST_F(ResolverTest, LongChainResolvesAndRejectsTheClosingEdge) {
  // 200 campaigns in a chain, C2 at the far end.
  std::vector<std::string> chain;
  for (int i = 0; i < 200; ++i) {
    chain.push_back(Id('d', i + 1));
    ASSERT_TRUE(AddCampaign(chain.back()).ok());
    if (i > 0) MustAdd(chain[i - 1], "campaign", chain[i]);
  }
  MustAdd(chain.back(), "creator", C(2));
  EXPECT_EQ(Resolve(chain.front()), Sorted({V(6), V(7)}));
  auto closing = Add(chain.back(), "campaign", chain.front());
  ASSERT_FALSE(closing.ok());
  EXPECT_EQ(closing.error().code, "circular_reference");
}

}  // namespace
}  // namespace goatherd::sqlite
