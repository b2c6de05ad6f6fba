#include "store/sqlite/sqlite_store.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/crypto.h"
#include "core/test_temp_dir.h"
#include "store/sqlite/migrations.h"

namespace goatherd::sqlite {
namespace {

using goatherd::testing::TempDir;

constexpr const char* kOrgA = "0190a000-0000-7000-8000-00000000000a";
constexpr const char* kOrgB = "0190a000-0000-7000-8000-00000000000b";

// Project ids chosen so that their text order is obvious: ...01 < ...02 < ...03.
std::string ProjectId(int n) {
  std::string id = "0190b000-0000-7000-8000-0000000000";
  id += static_cast<char>('0' + n / 10);
  id += static_cast<char>('0' + n % 10);
  return id;
}

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::make_unique<SqliteStore>(dir_.File("test.db"), 4);
    auto version = store_->Migrate();
    ASSERT_TRUE(version.ok()) << version.error().message;
  }

  void AddOrg(const std::string& id, const std::string& plan) {
    Organization org;
    org.id = id;
    org.name = "Org " + id.substr(id.size() - 1);
    org.plan = plan;
    org.created_at = org.updated_at = 10;
    auto created = store_->CreateOrganization(org);
    ASSERT_TRUE(created.ok()) << created.error().message;
  }

  Result<Project> AddProject(const std::string& org_id, const std::string& id, Timestamp created_at,
                             const std::string& name = "P") {
    Project p;
    p.id = id;
    p.org_id = org_id;
    p.name = name;
    p.created_at = p.updated_at = created_at;
    return store_->CreateProject(p);
  }

  std::vector<std::string> Ids(const Page<Project>& page) {
    std::vector<std::string> ids;
    for (const auto& p : page.items) ids.push_back(p.id);
    return ids;
  }

  TempDir dir_;
  std::unique_ptr<SqliteStore> store_;
};

// The value of one MetaField of an error, as int64.
std::int64_t IntMeta(const Error& e, const std::string& key) {
  for (const auto& f : e.extra) {
    if (f.key == key) return std::get<std::int64_t>(f.value);
  }
  ADD_FAILURE() << "no meta field " << key;
  return -1;
}
std::string StringMeta(const Error& e, const std::string& key) {
  for (const auto& f : e.extra) {
    if (f.key == key) return std::get<std::string>(f.value);
  }
  ADD_FAILURE() << "no meta field " << key;
  return "";
}

TEST_F(SqliteStoreTest, MigrateIsIdempotent) {
  // Counts the rows the migrations write, to compare after running them again.
  auto rows = [&](const char* sql) {
    auto db = store_->pool().Acquire();
    auto s = db->Prepare(sql);
    EXPECT_TRUE(s.Step());
    return s.Int(0);
  };
  const std::int64_t seeded = rows("SELECT count(*) FROM plan_limits");
  // The 15 keys x 3 plans of api-conventions.md at least; later migrations may add keys.
  EXPECT_GE(seeded, 45);

  // The schema grows by appending migrations; Migrate reaches the last one's version, whatever
  // it is today (1 when the schema was first written).
  const int latest = Migrations().back().version;
  ASSERT_GE(latest, 1);
  auto again = store_->Migrate();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, latest);
  // A second store on the same file sees the schema as current.
  SqliteStore other(dir_.File("test.db"), 1);
  auto third = other.Migrate();
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(*third, latest);

  // Each migration was recorded once and nothing was seeded twice.
  EXPECT_EQ(rows("SELECT count(*) FROM schema_migrations"),
            static_cast<std::int64_t>(Migrations().size()));
  EXPECT_EQ(rows("SELECT min(version) FROM schema_migrations"), 1);
  EXPECT_EQ(rows("SELECT count(*) FROM plan_limits"), seeded);
}

TEST_F(SqliteStoreTest, PlanLimitsAreSeeded) {
  // Values from the table in api-conventions.md "Plans and limits".
  auto free_projects = store_->PlanLimit("free", "max_projects_per_org");
  ASSERT_TRUE(free_projects.ok());
  EXPECT_EQ(*free_projects, std::optional<std::int64_t>(1));
  EXPECT_EQ(*store_->PlanLimit("starter", "max_projects_per_org"), std::optional<std::int64_t>(3));
  EXPECT_EQ(*store_->PlanLimit("ultra", "max_projects_per_org"), std::optional<std::int64_t>(10));
  EXPECT_EQ(*store_->PlanLimit("starter", "max_tracked_videos_per_org"),
            std::optional<std::int64_t>(10000));
  EXPECT_EQ(*store_->PlanLimit("free", "max_api_requests_per_day"), std::optional<std::int64_t>(0));
  EXPECT_EQ(*store_->PlanLimit("starter", "stats_history_retention_days"),
            std::optional<std::int64_t>(365));
  // NULL = unlimited.
  auto ultra_campaigns = store_->PlanLimit("ultra", "max_campaigns_per_project");
  ASSERT_TRUE(ultra_campaigns.ok());
  EXPECT_EQ(*ultra_campaigns, std::nullopt);
  EXPECT_EQ(*store_->PlanLimit("ultra", "stats_history_retention_days"), std::nullopt);
  // A key the plan does not list is unlimited too.
  EXPECT_EQ(*store_->PlanLimit("free", "max_unicorns"), std::nullopt);
  EXPECT_TRUE(*store_->PlanExists("free"));
  EXPECT_TRUE(*store_->PlanExists("starter"));
  EXPECT_TRUE(*store_->PlanExists("ultra"));
  EXPECT_FALSE(*store_->PlanExists("enterprise"));
}

TEST_F(SqliteStoreTest, CreateProjectRespectsThePlanCap) {
  AddOrg(kOrgA, "free");
  ASSERT_TRUE(AddProject(kOrgA, ProjectId(1), 100).ok());
  auto second = AddProject(kOrgA, ProjectId(2), 101);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().status, 402);
  EXPECT_EQ(second.error().code, "limit_reached");
  EXPECT_EQ(second.error().message, "Limit reached: max_projects_per_org");
  EXPECT_EQ(StringMeta(second.error(), "limitKey"), "max_projects_per_org");
  EXPECT_EQ(IntMeta(second.error(), "current"), 1);
  EXPECT_EQ(IntMeta(second.error(), "max"), 1);
  // Nothing was written by the refused create.
  EXPECT_EQ(store_->GetProject(kOrgA, ProjectId(2)).error().status, 404);
  // A soft-deleted project no longer counts.
  ASSERT_TRUE(store_->DeleteProject(kOrgA, ProjectId(1), 200).ok());
  EXPECT_TRUE(AddProject(kOrgA, ProjectId(2), 201).ok());
}

TEST_F(SqliteStoreTest, StarterCapCountsOnlyItsOwnOrganization) {
  AddOrg(kOrgA, "starter");
  AddOrg(kOrgB, "ultra");
  for (int i = 1; i <= 5; ++i) ASSERT_TRUE(AddProject(kOrgB, ProjectId(10 + i), 100 + i).ok());
  for (int i = 1; i <= 3; ++i) ASSERT_TRUE(AddProject(kOrgA, ProjectId(i), 100 + i).ok());
  auto fourth = AddProject(kOrgA, ProjectId(4), 104);
  ASSERT_FALSE(fourth.ok());
  EXPECT_EQ(IntMeta(fourth.error(), "current"), 3);
  EXPECT_EQ(IntMeta(fourth.error(), "max"), 3);
}

TEST_F(SqliteStoreTest, ListProjectsKeysetNewestFirstTiesByIdDescending) {
  AddOrg(kOrgA, "ultra");
  AddOrg(kOrgB, "ultra");
  // created_at: p1 100, p2/p3/p4 200 (a tie), p5 300. Newest first, ties by id descending:
  // p5, p4, p3, p2, p1.
  ASSERT_TRUE(AddProject(kOrgA, ProjectId(3), 200).ok());
  ASSERT_TRUE(AddProject(kOrgA, ProjectId(1), 100).ok());
  ASSERT_TRUE(AddProject(kOrgA, ProjectId(5), 300).ok());
  ASSERT_TRUE(AddProject(kOrgA, ProjectId(2), 200).ok());
  ASSERT_TRUE(AddProject(kOrgA, ProjectId(4), 200).ok());
  ASSERT_TRUE(AddProject(kOrgB, ProjectId(9), 250).ok());  // another org: never listed

  PageRequest page;
  page.limit = 2;
  auto first = store_->ListProjects(kOrgA, page);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(Ids(*first), (std::vector<std::string>{ProjectId(5), ProjectId(4)}));
  EXPECT_TRUE(first->has_more);

  page.after = KeysetPosition{200, ProjectId(4)};
  auto second = store_->ListProjects(kOrgA, page);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(Ids(*second), (std::vector<std::string>{ProjectId(3), ProjectId(2)}));
  EXPECT_TRUE(second->has_more);

  page.after = KeysetPosition{200, ProjectId(2)};
  auto third = store_->ListProjects(kOrgA, page);
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(Ids(*third), (std::vector<std::string>{ProjectId(1)}));
  EXPECT_FALSE(third->has_more);

  // Exactly `limit` rows left: no further page.
  page.limit = 5;
  page.after.reset();
  auto all = store_->ListProjects(kOrgA, page);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->items.size(), 5u);
  EXPECT_FALSE(all->has_more);
}

TEST_F(SqliteStoreTest, ProjectsAreConfinedToTheirOrganization) {
  AddOrg(kOrgA, "ultra");
  AddOrg(kOrgB, "ultra");
  ASSERT_TRUE(AddProject(kOrgA, ProjectId(1), 100, "Mine").ok());

  auto foreign = store_->GetProject(kOrgB, ProjectId(1));
  ASSERT_FALSE(foreign.ok());
  EXPECT_EQ(foreign.error().status, 404);
  EXPECT_EQ(foreign.error().code, "not_found");

  ProjectPatch rename;
  rename.name = "Stolen";
  EXPECT_EQ(store_->UpdateProject(kOrgB, ProjectId(1), rename, 500).error().status, 404);
  EXPECT_EQ(store_->DeleteProject(kOrgB, ProjectId(1), 500).error().status, 404);
  EXPECT_TRUE(store_->ListProjects(kOrgB, PageRequest{})->items.empty());

  auto mine = store_->GetProject(kOrgA, ProjectId(1));
  ASSERT_TRUE(mine.ok());
  EXPECT_EQ(mine->name, "Mine");
  EXPECT_EQ(mine->updated_at, 100);
}

TEST_F(SqliteStoreTest, UpdateProjectNoOpKeepsUpdatedAt) {
  AddOrg(kOrgA, "ultra");
  Project p;
  p.id = ProjectId(1);
  p.org_id = kOrgA;
  p.name = "Q1";
  p.description = "notes";
  p.metadata = R"({"k":1})";
  p.created_at = p.updated_at = 100;
  ASSERT_TRUE(store_->CreateProject(p).ok());

  ProjectPatch same;
  same.name = "Q1";
  same.readme = std::optional<std::string>("notes");
  same.metadata = R"({"k":1})";
  auto unchanged = store_->UpdateProject(kOrgA, p.id, same, 500);
  ASSERT_TRUE(unchanged.ok());
  EXPECT_EQ(unchanged->updated_at, 100);
  EXPECT_EQ(store_->GetProject(kOrgA, p.id)->updated_at, 100);

  ProjectPatch rename;
  rename.name = "Q2";
  auto renamed = store_->UpdateProject(kOrgA, p.id, rename, 600);
  ASSERT_TRUE(renamed.ok());
  EXPECT_EQ(renamed->name, "Q2");
  EXPECT_EQ(renamed->updated_at, 600);
  EXPECT_EQ(renamed->created_at, 100);
  EXPECT_EQ(renamed->description, "notes");  // fields the patch does not name stay

  ProjectPatch clear;
  clear.readme = std::optional<std::string>();  // present and null: clears
  auto cleared = store_->UpdateProject(kOrgA, p.id, clear, 700);
  ASSERT_TRUE(cleared.ok());
  EXPECT_EQ(cleared->description, std::nullopt);
  auto stored = store_->GetProject(kOrgA, p.id);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->name, "Q2");
  EXPECT_EQ(stored->description, std::nullopt);
  EXPECT_EQ(stored->metadata, R"({"k":1})");
  EXPECT_EQ(stored->updated_at, 700);
}

TEST_F(SqliteStoreTest, DeleteProjectIsSoft) {
  AddOrg(kOrgA, "ultra");
  ASSERT_TRUE(AddProject(kOrgA, ProjectId(1), 100).ok());
  ASSERT_TRUE(AddProject(kOrgA, ProjectId(2), 200).ok());
  ASSERT_TRUE(store_->DeleteProject(kOrgA, ProjectId(1), 700).ok());

  EXPECT_EQ(store_->GetProject(kOrgA, ProjectId(1)).error().status, 404);
  auto listed = store_->ListProjects(kOrgA, PageRequest{});
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(Ids(*listed), (std::vector<std::string>{ProjectId(2)}));
  // Deleting again, or updating the deleted project, finds nothing.
  EXPECT_EQ(store_->DeleteProject(kOrgA, ProjectId(1), 800).error().status, 404);
  ProjectPatch rename;
  rename.name = "Back";
  EXPECT_EQ(store_->UpdateProject(kOrgA, ProjectId(1), rename, 800).error().status, 404);

  // The row is still there, marked with the time of deletion.
  auto db = store_->pool().Acquire();
  auto row = db->Prepare("SELECT deleted_at FROM projects WHERE id = ?");
  row.Bind(1, ProjectId(1));
  ASSERT_TRUE(row.Step());
  EXPECT_EQ(row.Int(0), 700);
}

ApiKey MakeKey(const std::string& id, const std::string& org_id, const std::string& secret,
               Timestamp created_at) {
  ApiKey k;
  k.id = id;
  k.org_id = org_id;
  k.name = "key " + id.substr(id.size() - 1);
  k.prefix = secret.substr(0, 12);
  k.hash = Sha256(secret);
  k.scopes = kScopeRead;
  k.expires_at = 5000;
  k.created_at = created_at;
  return k;
}

TEST_F(SqliteStoreTest, ApiKeysCreateFindRevoke) {
  AddOrg(kOrgA, "free");
  const std::string secret = "tga_" + std::string(64, 'a');
  const ApiKey key = MakeKey("0190c000-0000-7000-8000-000000000001", kOrgA, secret, 100);
  ASSERT_TRUE(store_->CreateApiKey(key, /*enforce_limit=*/true).ok());

  auto found = store_->FindApiKeyByHash(Sha256(secret));
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  const ApiKey& k = **found;
  EXPECT_EQ(k.id, key.id);
  EXPECT_EQ(k.org_id, kOrgA);
  EXPECT_EQ(k.name, "key 1");
  EXPECT_EQ(k.prefix, "tga_aaaaaaaa");
  EXPECT_EQ(k.hash, Sha256(secret));
  EXPECT_EQ(k.scopes, static_cast<unsigned>(kScopeRead));
  EXPECT_EQ(k.expires_at, std::optional<Timestamp>(5000));
  EXPECT_EQ(k.revoked_at, std::nullopt);
  EXPECT_EQ(k.created_at, 100);

  auto unknown = store_->FindApiKeyByHash(Sha256("tga_" + std::string(64, 'b')));
  ASSERT_TRUE(unknown.ok());
  EXPECT_FALSE(unknown->has_value());

  auto revoked = store_->RevokeApiKey(key.id, 900);
  ASSERT_TRUE(revoked.ok());
  EXPECT_EQ(revoked->revoked_at, std::optional<Timestamp>(900));
  EXPECT_EQ((*store_->FindApiKeyByHash(Sha256(secret)))->revoked_at, std::optional<Timestamp>(900));
  // Revoking again keeps the first revocation time.
  EXPECT_EQ(store_->RevokeApiKey(key.id, 950)->revoked_at, std::optional<Timestamp>(900));
  EXPECT_EQ(store_->RevokeApiKey("0190c000-0000-7000-8000-0000000000ff", 950).error().status, 404);
}

TEST_F(SqliteStoreTest, ApiKeyCapCountsLiveKeysOnly) {
  AddOrg(kOrgA, "free");  // max_api_keys_per_org = 2
  const std::string ids[] = {
      "0190c000-0000-7000-8000-000000000001", "0190c000-0000-7000-8000-000000000002",
      "0190c000-0000-7000-8000-000000000003", "0190c000-0000-7000-8000-000000000004"};
  ASSERT_TRUE(store_->CreateApiKey(MakeKey(ids[0], kOrgA, "tga_1", 100), true).ok());
  ASSERT_TRUE(store_->CreateApiKey(MakeKey(ids[1], kOrgA, "tga_2", 101), true).ok());
  auto third = store_->CreateApiKey(MakeKey(ids[2], kOrgA, "tga_3", 102), true);
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.error().status, 402);
  EXPECT_EQ(StringMeta(third.error(), "limitKey"), "max_api_keys_per_org");
  EXPECT_EQ(IntMeta(third.error(), "current"), 2);
  EXPECT_EQ(IntMeta(third.error(), "max"), 2);
  // The operator's CLI does not enforce the cap.
  EXPECT_TRUE(store_->CreateApiKey(MakeKey(ids[2], kOrgA, "tga_3", 102), false).ok());
  // Revoked keys do not count: 3 live - 2 revoked = 1 live, so one more fits.
  ASSERT_TRUE(store_->RevokeApiKey(ids[0], 200).ok());
  ASSERT_TRUE(store_->RevokeApiKey(ids[1], 200).ok());
  EXPECT_TRUE(store_->CreateApiKey(MakeKey(ids[3], kOrgA, "tga_4", 103), true).ok());

  auto listed = store_->ListApiKeys(kOrgA);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 4u);
  EXPECT_EQ((*listed)[0].id, ids[0]);
  EXPECT_EQ((*listed)[3].id, ids[3]);
  EXPECT_TRUE(store_->ListApiKeys(kOrgB)->empty());

  auto orphan = store_->CreateApiKey(MakeKey(ids[3], kOrgB, "tga_5", 104), false);
  ASSERT_FALSE(orphan.ok());
  EXPECT_EQ(orphan.error().status, 404);
}

TEST_F(SqliteStoreTest, ServerSecretIsStableAcrossCallsAndInstances) {
  auto first = store_->ServerSecret("cursor");
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->size(), 32u);
  EXPECT_EQ(*store_->ServerSecret("cursor"), *first);
  auto other_name = store_->ServerSecret("signed-urls");
  ASSERT_TRUE(other_name.ok());
  EXPECT_NE(*other_name, *first);

  SqliteStore reopened(dir_.File("test.db"), 1);
  auto again = reopened.ServerSecret("cursor");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *first);
}

TEST_F(SqliteStoreTest, OrganizationsAndBans) {
  AddOrg(kOrgA, "starter");
  auto org = store_->GetOrganization(kOrgA);
  ASSERT_TRUE(org.ok());
  EXPECT_EQ(org->plan, "starter");
  EXPECT_EQ(org->timezone, "UTC");
  EXPECT_FALSE(org->banned);
  ASSERT_TRUE(store_->SetOrganizationBanned(kOrgA, true).ok());
  EXPECT_TRUE(store_->GetOrganization(kOrgA)->banned);
  EXPECT_EQ(store_->GetOrganization(kOrgB).error().status, 404);
  EXPECT_EQ(store_->SetOrganizationBanned(kOrgB, true).error().status, 404);
  // A duplicate id is an internal error that leaks no SQL.
  Organization dup;
  dup.id = kOrgA;
  dup.name = "Again";
  dup.plan = "free";
  auto again = store_->CreateOrganization(dup);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().status, 500);
  EXPECT_EQ(again.error().message.find("UNIQUE"), std::string::npos);
}

}  // namespace
}  // namespace goatherd::sqlite
