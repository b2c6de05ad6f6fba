// Black-box tests of the Campaigns API (spec/resources.md "Campaigns", reference/03-campaigns.md)
// against the real binary: CRUD and its errors, items (same project, duplicates, cycles at any
// depth, the item cap under concurrency), deletion of memberships both ways, Idempotency-Key on
// create, organization confinement and scopes. Creators and videos are loaded with
// `goatherd import` under fixed ids; plan limits are edited with SQL as an operator would.
#include <atomic>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <fstream>
#include <latch>
#include <set>
#include <thread>

#include "harness.h"

namespace goatherd::blackbox {
namespace {

namespace json = boost::json;

constexpr char kNow[] = "2026-03-01T12:00:00Z";

const std::string kReadOnlyBody =
    R"({"data":null,"error":"This action requires the 'write' scope. Granted: [read]",)"
    R"("meta":{"code":"insufficient_scope","required":"write","granted":["read"]}})";

std::string StrOf(const json::value& v, std::string_view key) {
  const auto* o = v.if_object();
  if (!o || !o->contains(key) || !o->at(key).is_string()) return "";
  return std::string(o->at(key).as_string());
}

std::int64_t IntOf(const json::value& v, std::string_view key) {
  const auto* o = v.if_object();
  if (!o || !o->contains(key) || !o->at(key).is_int64()) return -1;
  return o->at(key).as_int64();
}

std::set<std::string> KeysOf(const json::value& v) {
  std::set<std::string> keys;
  if (const auto* o = v.if_object()) {
    for (const auto& m : *o) keys.emplace(m.key());
  }
  return keys;
}

std::vector<std::string> IdsOf(const HttpResult& r, std::string_view field = "id") {
  std::vector<std::string> ids;
  json::value data = DataOf(r);
  if (!data.is_array()) return ids;
  for (const auto& v : data.as_array()) ids.push_back(StrOf(v, field));
  return ids;
}

const std::set<std::string> kCampaignFields = {
    "id",           "project_id", "name",       "description", "readme",    "metadata",
    "target_views", "target_at",  "item_count", "created_at",  "updated_at"};

// Fixed ids: creators c..., videos b..., in the text of their number.
std::string Id(char kind, int n) {
  std::string id = "00000000-0000-4000-8000-000000000000";
  id[0] = kind;
  std::string tail = std::to_string(n);
  id.replace(id.size() - tail.size(), tail.size(), tail);
  return id;
}
std::string CreatorId(int n) { return Id('c', n); }
std::string VideoId(int n) { return Id('b', n); }

std::string ItemBody(const std::string& type, const std::string& id) {
  return R"({"item_type":")" + type + R"(","item_id":")" + id + "\"}";
}

class CampaignsTest : public BlackBoxTest {
 protected:
  void Configure(ServerProcess::Options& options) override { options.fake_now = kNow; }

  void SetUp() override {
    BlackBoxTest::SetUp();
    org_ = CreateOrg();
    key_ = CreateKey(org_).secret;
    project_ = CreateProject(key_, "Program");
  }

  ::testing::AssertionResult Import(const std::vector<std::string>& lines) {
    std::string path = dir_->File("import-" + std::to_string(imports_++) + ".jsonl");
    {
      std::ofstream out(path);
      for (const auto& line : lines) out << line << "\n";
    }
    auto r = Cli({"import", path});
    if (r.exit_code != 0) {
      return ::testing::AssertionFailure() << "import failed (" << r.exit_code << "): " << r.err;
    }
    return ::testing::AssertionSuccess();
  }

  std::string CreatorLine(const std::string& id, const std::string& project,
                          const std::string& handle) {
    return R"({"type":"creator","id":")" + id + R"(","project_id":")" + project +
           R"(","tiktok_handle":")" + handle + R"(","tracking_mode":"auto"})";
  }
  std::string VideoLine(const std::string& id, const std::string& project,
                        const std::string& creator, const std::string& status,
                        const std::string& title) {
    return R"({"type":"video","id":")" + id + R"(","project_id":")" + project +
           R"(","creator_id":)" + (creator.empty() ? "null" : "\"" + creator + "\"") +
           R"(,"tiktok_video_id":"73)" + id.substr(24) + R"(","title":")" + title +
           R"(","tracking_status":")" + status + R"("})";
  }

  HttpResult NewCampaign(const std::string& body, const std::string& project = "",
                         const std::string& key = "",
                         std::vector<std::pair<std::string, std::string>> headers = {}) {
    return Call("POST", "/api/v1/projects/" + (project.empty() ? project_ : project) + "/campaigns",
                key.empty() ? key_ : key, body, std::move(headers));
  }
  // Creates a campaign named `name`; its id, "" on failure.
  std::string Campaign(const std::string& name, const std::string& project = "") {
    auto r = NewCampaign(R"({"name":)" + JsonString(name) + "}", project);
    EXPECT_EQ(r.status, 201) << r.body;
    return StrOf(DataOf(r), "id");
  }
  HttpResult AddItem(const std::string& campaign, const std::string& type, const std::string& id,
                     const std::string& key = "") {
    return Call("POST", "/api/v1/campaigns/" + campaign + "/items", key.empty() ? key_ : key,
                ItemBody(type, id));
  }
  HttpResult RemoveItem(const std::string& campaign, const std::string& type,
                        const std::string& id) {
    return Call("DELETE", "/api/v1/campaigns/" + campaign + "/items", key_, ItemBody(type, id));
  }
  std::int64_t ItemCount(const std::string& campaign) {
    return IntOf(DataOf(Get("/api/v1/campaigns/" + campaign, key_)), "item_count");
  }

  std::string org_, key_, project_;
  int imports_ = 0;
};

// ---------------------------------------------------------------------------------------------
// CRUD

TEST_F(CampaignsTest, CreateAnswersTheWholeObject) {
  auto r = NewCampaign(R"({"name":"Summer Drop Campaign","readme":"Brand deal with 5 creators",)"
                       R"("metadata":{"brand":"Acme","tier":2},"target_views":1000000,)"
                       R"("target_at":"2026-06-30T18:00:00+02:00"})");
  ASSERT_EQ(r.status, 201) << r.body;
  ASSERT_TRUE(IsEnvelope(r));
  json::value d = DataOf(r);
  EXPECT_EQ(KeysOf(d), kCampaignFields);
  EXPECT_TRUE(IsLowercaseUuid(StrOf(d, "id")));
  EXPECT_EQ(StrOf(d, "project_id"), project_);
  EXPECT_EQ(StrOf(d, "name"), "Summer Drop Campaign");
  EXPECT_EQ(StrOf(d, "readme"), "Brand deal with 5 creators");
  EXPECT_EQ(StrOf(d, "description"), "Brand deal with 5 creators");
  EXPECT_EQ(json::serialize(d.at("metadata")), R"({"brand":"Acme","tier":2})");
  EXPECT_EQ(IntOf(d, "target_views"), 1000000);
  EXPECT_EQ(StrOf(d, "target_at"), "2026-06-30T16:00:00Z");  // 18:00 at +02:00
  EXPECT_EQ(IntOf(d, "item_count"), 0);
  // The clock starts at kNow and then runs: created within the test's first minute.
  std::int64_t created = ParseUtcSeconds(StrOf(d, "created_at"));
  EXPECT_GE(created, ParseUtcSeconds(kNow));
  EXPECT_LT(created, ParseUtcSeconds(kNow) + 60);
  EXPECT_EQ(StrOf(d, "updated_at"), StrOf(d, "created_at"));
  EXPECT_EQ(MetaOf(r), json::value(nullptr));

  auto got = Get("/api/v1/campaigns/" + StrOf(d, "id"), key_);
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(DataOf(got), d);
}

TEST_F(CampaignsTest, MinimalCreateHasNullsAndEmptyMetadata) {
  auto r = NewCampaign(R"({"name":"Q1"})");
  ASSERT_EQ(r.status, 201) << r.body;
  json::value d = DataOf(r);
  EXPECT_TRUE(d.at("readme").is_null());
  EXPECT_TRUE(d.at("description").is_null());
  EXPECT_TRUE(d.at("target_views").is_null());
  EXPECT_TRUE(d.at("target_at").is_null());
  EXPECT_EQ(json::serialize(d.at("metadata")), "{}");
  // A bare date means its midnight UTC.
  auto dated = NewCampaign(R"({"name":"Q2","target_at":"2026-06-30","description":"x"})");
  ASSERT_EQ(dated.status, 201) << dated.body;
  EXPECT_EQ(StrOf(DataOf(dated), "target_at"), "2026-06-30T00:00:00Z");
  EXPECT_EQ(StrOf(DataOf(dated), "readme"), "x");
}

TEST_F(CampaignsTest, CreateErrors) {
  struct Case {
    std::string body;
    std::string says;  // part of the message
  };
  std::vector<Case> cases = {
      {"{}", "'name' is required"},
      {R"({"name":""})", "1 to 200"},
      {R"({"name":")" + std::string(201, 'x') + "\"}", "1 to 200"},
      {R"({"name":5})", "'name' must be a string"},
      {R"({"name":"a","colour":"red"})", "Unknown field 'colour'"},
      {R"({"name":"a","target_views":-1})", "'target_views'"},
      {R"({"name":"a","target_views":1.5})", "'target_views'"},
      {R"({"name":"a","target_views":"10"})", "'target_views'"},
      {R"({"name":"a","target_at":"next week"})", "'target_at'"},
      {R"({"name":"a","target_at":7})", "'target_at'"},
      {R"({"name":"a","metadata":[1]})", "'metadata' must be an object"},
      {R"({"name":"a","readme":"x","description":"y"})", "same notes"},
      {R"([1])", "JSON object"},
      {R"({"name":"a")", "Invalid JSON"},
  };
  for (const Case& c : cases) {
    auto r = NewCampaign(c.body);
    EXPECT_TRUE(IsError(r, 400, "invalid_body")) << c.body;
    EXPECT_NE(StrOf(r.json, "error").find(c.says), std::string::npos) << c.body << " -> " << r.body;
  }
  // 200 code points of multi-byte text is fine.
  std::string name;
  for (int i = 0; i < 200; ++i) name += "é";
  EXPECT_EQ(NewCampaign(R"({"name":")" + name + "\"}").status, 201);

  EXPECT_TRUE(
      IsError(Call("POST", "/api/v1/projects/not-a-uuid/campaigns", key_, R"({"name":"a"})"), 400,
              "invalid_params"));
  EXPECT_TRUE(IsError(NewCampaign(R"({"name":"a"})", "0190b000-0000-7000-8000-000000000099"), 404,
                      "not_found"));
  // A body error is reported before a missing project (api-conventions.md order).
  EXPECT_TRUE(
      IsError(NewCampaign("{}", "0190b000-0000-7000-8000-000000000099"), 400, "invalid_body"));
  // Not JSON at all: 415.
  EXPECT_TRUE(IsError(Call("POST", "/api/v1/projects/" + project_ + "/campaigns", key_,
                           std::nullopt, {{"Content-Type", "text/plain"}}),
                      415, "unsupported_media_type"));
  // POST /api/v1/campaigns is not the create path: 405 with Allow.
  auto wrong = Call("POST", "/api/v1/campaigns", key_, R"({"name":"a"})");
  EXPECT_TRUE(IsError(wrong, 405, "method_not_allowed"));
}

TEST_F(CampaignsTest, PatchChangesAndClears) {
  auto created = NewCampaign(R"({"name":"Launch","readme":"old","target_views":5})");
  std::string id = StrOf(DataOf(created), "id");
  auto r = Call("PATCH", "/api/v1/campaigns/" + id, key_,
                R"({"name":"Launch v2","readme":null,"target_views":null,)"
                R"("target_at":"2026-04-01T00:00:00Z","metadata":{"k":1}})");
  ASSERT_EQ(r.status, 200) << r.body;
  json::value d = DataOf(r);
  EXPECT_EQ(StrOf(d, "name"), "Launch v2");
  EXPECT_TRUE(d.at("readme").is_null());
  EXPECT_TRUE(d.at("description").is_null());
  EXPECT_TRUE(d.at("target_views").is_null());
  EXPECT_EQ(StrOf(d, "target_at"), "2026-04-01T00:00:00Z");
  EXPECT_EQ(json::serialize(d.at("metadata")), R"({"k":1})");
  EXPECT_EQ(DataOf(Get("/api/v1/campaigns/" + id, key_)), d);
  // `description` is accepted as the notes' other name.
  auto notes = Call("PATCH", "/api/v1/campaigns/" + id, key_, R"({"description":"new notes"})");
  EXPECT_EQ(StrOf(DataOf(notes), "readme"), "new notes");

  EXPECT_TRUE(IsError(Call("PATCH", "/api/v1/campaigns/" + id, key_, "{}"), 400, "invalid_body"));
  EXPECT_TRUE(IsError(Call("PATCH", "/api/v1/campaigns/" + id, key_, R"({"name":null})"), 400,
                      "invalid_body"));
  EXPECT_TRUE(IsError(Call("PATCH", "/api/v1/campaigns/0190b000-0000-7000-8000-000000000099", key_,
                           R"({"name":"x"})"),
                      404, "not_found"));
}

TEST_F(CampaignsTest, DeleteThenGone) {
  std::string id = Campaign("Temp");
  auto r = Call("DELETE", "/api/v1/campaigns/" + id, key_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, R"({"data":{"id":")" + id + R"(","deleted":true},"error":null,"meta":null})");
  EXPECT_TRUE(IsError(Get("/api/v1/campaigns/" + id, key_), 404, "not_found"));
  EXPECT_TRUE(IsError(Call("DELETE", "/api/v1/campaigns/" + id, key_), 404, "not_found"));
  EXPECT_TRUE(IsError(Get("/api/v1/campaigns/" + id + "/items", key_), 404, "not_found"));
}

TEST_F(CampaignsTest, ListFiltersAndPages) {
  // The free plan allows one project; this organization is ultra.
  std::string other = CreateProject(key_, "Other");
  std::vector<std::string> mine;
  for (int i = 0; i < 3; ++i) mine.push_back(Campaign("C" + std::to_string(i)));
  std::string elsewhere = Campaign("Elsewhere", other);
  // Creation times one hour apart, so that the order is known whatever the clock did.
  int hour = 0;
  for (const std::string& id : {mine[0], mine[1], mine[2], elsewhere}) {
    Sql("UPDATE campaigns SET created_at = " + std::to_string(1767225600 + 3600 * hour++) +
        " WHERE id = '" + id + "'");
  }

  auto all = Get("/api/v1/campaigns", key_);
  ASSERT_EQ(all.status, 200);
  // Newest first.
  EXPECT_EQ(IdsOf(all), (std::vector<std::string>{elsewhere, mine[2], mine[1], mine[0]}));

  auto p1 = Get("/api/v1/campaigns?project_id=" + project_ + "&limit=2", key_);
  ASSERT_EQ(p1.status, 200);
  EXPECT_EQ(IdsOf(p1), (std::vector<std::string>{mine[2], mine[1]}));
  EXPECT_EQ(MetaOf(p1).at("hasMore"), json::value(true));
  std::string cursor = StrOf(MetaOf(p1), "nextCursor");
  ASSERT_FALSE(cursor.empty());
  auto p2 = Get("/api/v1/campaigns?project_id=" + project_ + "&limit=2&cursor=" + cursor, key_);
  EXPECT_EQ(IdsOf(p2), (std::vector<std::string>{mine[0]}));
  EXPECT_EQ(MetaOf(p2).at("hasMore"), json::value(false));
  EXPECT_TRUE(MetaOf(p2).at("nextCursor").is_null());

  // The cursor belongs to its filter; a forged one is refused.
  EXPECT_TRUE(
      IsError(Get("/api/v1/campaigns?limit=2&cursor=" + cursor, key_), 400, "invalid_query"));
  EXPECT_TRUE(IsError(Get("/api/v1/campaigns?cursor=abc.def", key_), 400, "invalid_query"));
  EXPECT_TRUE(IsError(Get("/api/v1/campaigns?project_id=nope", key_), 400, "invalid_query"));
  EXPECT_TRUE(IsError(Get("/api/v1/campaigns?limit=0", key_), 400, "invalid_query"));

  // Deleting a project hides its campaigns.
  ASSERT_EQ(Call("DELETE", "/api/v1/projects/" + other, key_).status, 200);
  EXPECT_EQ(IdsOf(Get("/api/v1/campaigns", key_)).size(), 3u);
  EXPECT_TRUE(IsError(Get("/api/v1/campaigns/" + elsewhere, key_), 404, "not_found"));
}

TEST_F(CampaignsTest, CampaignCapPerProjectIs402) {
  Sql("UPDATE plan_limits SET value = 2 WHERE plan = 'ultra' AND "
      "limit_key = 'max_campaigns_per_project'");
  Campaign("A");
  Campaign("B");
  auto r = NewCampaign(R"({"name":"C"})");
  ASSERT_EQ(r.status, 402) << r.body;
  EXPECT_EQ(r.body, R"({"data":null,"error":"Limit reached: max_campaigns_per_project","meta":)"
                    R"({"code":"limit_reached","limitKey":"max_campaigns_per_project","current":2,)"
                    R"("max":2}})");
}

// ---------------------------------------------------------------------------------------------
// Items

TEST_F(CampaignsTest, ItemsAddListRemove) {
  std::string other = CreateProject(key_, "Other");
  ASSERT_TRUE(Import({CreatorLine(CreatorId(1), project_, "alpha"),
                      CreatorLine(CreatorId(2), other, "beta"),
                      VideoLine(VideoId(1), project_, CreatorId(1), "auto_tracked", "Clip one"),
                      VideoLine(VideoId(2), other, "", "direct_add", "Elsewhere")}));
  std::string parent = Campaign("Parent");
  std::string child = Campaign("Child");
  std::string foreign = Campaign("Foreign", other);

  auto added = AddItem(parent, "creator", CreatorId(1));
  ASSERT_EQ(added.status, 201) << added.body;
  json::value item = DataOf(added);
  EXPECT_EQ(KeysOf(item),
            (std::set<std::string>{"campaign_id", "item_type", "item_id", "label", "added_at"}));
  EXPECT_EQ(StrOf(item, "campaign_id"), parent);
  EXPECT_EQ(StrOf(item, "item_type"), "creator");
  EXPECT_EQ(StrOf(item, "item_id"), CreatorId(1));
  EXPECT_EQ(StrOf(item, "label"), "alpha");
  EXPECT_TRUE(IsRfc3339Seconds(StrOf(item, "added_at")));
  ASSERT_EQ(AddItem(parent, "video", VideoId(1)).status, 201);
  // Ids in upper case are the same ids.
  std::string upper_child = child;
  for (char& ch : upper_child) ch = static_cast<char>(std::toupper(ch));
  ASSERT_EQ(AddItem(parent, "campaign", upper_child).status, 201);
  EXPECT_EQ(ItemCount(parent), 3);

  auto list = Get("/api/v1/campaigns/" + parent + "/items", key_);
  ASSERT_EQ(list.status, 200);
  // Newest first.
  EXPECT_EQ(IdsOf(list, "item_id"), (std::vector<std::string>{child, VideoId(1), CreatorId(1)}));
  EXPECT_EQ(IdsOf(list, "label"), (std::vector<std::string>{"Child", "Clip one", "alpha"}));
  auto page = Get("/api/v1/campaigns/" + parent + "/items?limit=2", key_);
  EXPECT_EQ(IdsOf(page, "item_id"), (std::vector<std::string>{child, VideoId(1)}));
  auto next = Get(
      "/api/v1/campaigns/" + parent + "/items?limit=2&cursor=" + StrOf(MetaOf(page), "nextCursor"),
      key_);
  EXPECT_EQ(IdsOf(next, "item_id"), (std::vector<std::string>{CreatorId(1)}));
  // Another campaign's cursor does not fit this list.
  EXPECT_TRUE(IsError(
      Get("/api/v1/campaigns/" + child + "/items?cursor=" + StrOf(MetaOf(page), "nextCursor"),
          key_),
      400, "invalid_query"));

  // Same project only: another project's creator, video or campaign is a 404, as is nothing.
  EXPECT_TRUE(IsError(AddItem(parent, "creator", CreatorId(2)), 404, "not_found"));
  EXPECT_TRUE(IsError(AddItem(parent, "video", VideoId(2)), 404, "not_found"));
  EXPECT_TRUE(IsError(AddItem(parent, "campaign", foreign), 404, "not_found"));
  EXPECT_TRUE(IsError(AddItem(parent, "creator", CreatorId(9)), 404, "not_found"));
  EXPECT_TRUE(IsError(AddItem(parent, "video", CreatorId(1)), 404, "not_found"));
  EXPECT_TRUE(IsError(AddItem("0190b000-0000-7000-8000-000000000099", "creator", CreatorId(1)), 404,
                      "not_found"));

  // Duplicate.
  auto dup = AddItem(parent, "creator", CreatorId(1));
  EXPECT_TRUE(IsError(dup, 409, "duplicate"));

  // Malformed bodies.
  for (const std::string body :
       {R"({"item_type":"creator"})", R"({"item_id":"00000000-0000-4000-8000-000000000001"})",
        R"({"item_type":"project","item_id":"00000000-0000-4000-8000-000000000001"})",
        R"({"item_type":"creator","item_id":"abc"})", R"({"item_type":"creator","item_id":7})",
        R"({"item_type":"creator","item_id":"00000000-0000-4000-8000-000000000001","x":1})"}) {
    EXPECT_TRUE(IsError(Call("POST", "/api/v1/campaigns/" + parent + "/items", key_, body), 400,
                        "invalid_body"))
        << body;
  }

  // Removal.
  auto removed = RemoveItem(parent, "video", VideoId(1));
  ASSERT_EQ(removed.status, 200) << removed.body;
  EXPECT_EQ(removed.body,
            R"({"data":{"id":")" + VideoId(1) + R"(","deleted":true},"error":null,"meta":null})");
  EXPECT_EQ(ItemCount(parent), 2);
  EXPECT_TRUE(IsError(RemoveItem(parent, "video", VideoId(1)), 404, "not_found"));
  EXPECT_TRUE(IsError(RemoveItem(parent, "campaign", CreatorId(1)), 404, "not_found"));
  EXPECT_TRUE(IsError(Call("DELETE", "/api/v1/campaigns/" + parent + "/items", key_, "{}"), 400,
                      "invalid_body"));
}

TEST_F(CampaignsTest, CircularReferences) {
  std::string a = Campaign("A"), b = Campaign("B"), c = Campaign("C");
  auto self = AddItem(a, "campaign", a);
  EXPECT_TRUE(IsError(self, 409, "circular_reference"));
  ASSERT_EQ(AddItem(a, "campaign", b).status, 201);  // A > B
  EXPECT_TRUE(IsError(AddItem(b, "campaign", a), 409, "circular_reference"));
  ASSERT_EQ(AddItem(b, "campaign", c).status, 201);  // A > B > C
  auto two_levels = AddItem(c, "campaign", a);
  EXPECT_TRUE(IsError(two_levels, 409, "circular_reference"));
  EXPECT_NE(StrOf(two_levels.json, "error").find("cycle"), std::string::npos) << two_levels.body;
  // A diamond is not a cycle.
  EXPECT_EQ(AddItem(a, "campaign", c).status, 201);
  EXPECT_EQ(ItemCount(a), 2);
  EXPECT_EQ(ItemCount(c), 0);
}

TEST_F(CampaignsTest, ChainOf200RejectsTheClosingEdge) {
  std::vector<std::string> chain;
  for (int i = 0; i < 200; ++i) {
    chain.push_back(Campaign("Level " + std::to_string(i)));
    ASSERT_FALSE(chain.back().empty());
    if (i > 0) {
      ASSERT_EQ(AddItem(chain[i - 1], "campaign", chain[i]).status, 201) << i;
    }
  }
  EXPECT_TRUE(IsError(AddItem(chain.back(), "campaign", chain.front()), 409, "circular_reference"));
  EXPECT_TRUE(IsError(AddItem(chain[150], "campaign", chain[3]), 409, "circular_reference"));
  // Forward edges that skip levels are fine.
  EXPECT_EQ(AddItem(chain.front(), "campaign", chain.back()).status, 201);
}

TEST_F(CampaignsTest, ItemCapIs402) {
  Sql("UPDATE plan_limits SET value = 2 WHERE plan = 'ultra' AND "
      "limit_key = 'max_campaign_items_per_campaign'");
  ASSERT_TRUE(Import({CreatorLine(CreatorId(1), project_, "one"),
                      CreatorLine(CreatorId(2), project_, "two"),
                      CreatorLine(CreatorId(3), project_, "three")}));
  std::string id = Campaign("Capped");
  ASSERT_EQ(AddItem(id, "creator", CreatorId(1)).status, 201);
  ASSERT_EQ(AddItem(id, "creator", CreatorId(2)).status, 201);
  auto r = AddItem(id, "creator", CreatorId(3));
  EXPECT_EQ(r.body,
            R"({"data":null,"error":"Limit reached: max_campaign_items_per_campaign","meta":)"
            R"({"code":"limit_reached","limitKey":"max_campaign_items_per_campaign",)"
            R"("current":2,"max":2}})");
  EXPECT_EQ(r.status, 402);
  // A duplicate adds nothing, so the cap does not apply to it: 409.
  EXPECT_TRUE(IsError(AddItem(id, "creator", CreatorId(1)), 409, "duplicate"));
  // A missing item is a 404 before the cap (api-conventions.md order).
  EXPECT_TRUE(IsError(AddItem(id, "creator", CreatorId(9)), 404, "not_found"));
}

TEST_F(CampaignsTest, FiftyConcurrentAddsAgainstACapOfFive) {
  Sql("UPDATE plan_limits SET value = 5 WHERE plan = 'ultra' AND "
      "limit_key = 'max_campaign_items_per_campaign'");
  std::vector<std::string> lines;
  for (int i = 1; i <= 50; ++i) {
    lines.push_back(CreatorLine(CreatorId(i), project_, "creator" + std::to_string(i)));
  }
  ASSERT_TRUE(Import(lines));
  std::string id = Campaign("Contested");
  std::vector<int> statuses(50);
  std::latch start(50);
  std::vector<std::thread> threads;
  std::uint16_t port = server_->port();
  for (int i = 0; i < 50; ++i) {
    threads.emplace_back([&, i] {
      HttpClient client(port, std::chrono::milliseconds(20000));
      HttpRequest req;
      req.method = "POST";
      req.target = "/api/v1/campaigns/" + id + "/items";
      req.body = ItemBody("creator", CreatorId(i + 1));
      req.headers = {{"Authorization", "Bearer " + key_}, {"Content-Type", "application/json"}};
      start.arrive_and_wait();
      statuses[i] = client.Send(req).status;
    });
  }
  for (auto& t : threads) t.join();
  int created = 0, capped = 0;
  for (int s : statuses) {
    created += s == 201;
    capped += s == 402;
  }
  EXPECT_EQ(created, 5);
  EXPECT_EQ(capped, 45);
  EXPECT_EQ(ItemCount(id), 5);
  EXPECT_EQ(IdsOf(Get("/api/v1/campaigns/" + id + "/items", key_), "item_id").size(), 5u);
}

TEST_F(CampaignsTest, DeletingACampaignRemovesMembershipsBothWays) {
  ASSERT_TRUE(Import({CreatorLine(CreatorId(1), project_, "one")}));
  std::string top = Campaign("Top"), side = Campaign("Side"), mid = Campaign("Mid"),
              leaf = Campaign("Leaf");
  ASSERT_EQ(AddItem(top, "campaign", mid).status, 201);
  ASSERT_EQ(AddItem(side, "campaign", mid).status, 201);
  ASSERT_EQ(AddItem(mid, "campaign", leaf).status, 201);
  ASSERT_EQ(AddItem(mid, "creator", CreatorId(1)).status, 201);
  ASSERT_EQ(AddItem(top, "creator", CreatorId(1)).status, 201);
  EXPECT_EQ(ItemCount(top), 2);
  EXPECT_EQ(ItemCount(side), 1);
  EXPECT_EQ(ItemCount(mid), 2);

  ASSERT_EQ(Call("DELETE", "/api/v1/campaigns/" + mid, key_).status, 200);
  EXPECT_EQ(ItemCount(top), 1);  // the creator stays
  EXPECT_EQ(ItemCount(side), 0);
  EXPECT_EQ(IdsOf(Get("/api/v1/campaigns/" + top + "/items", key_), "item_id"),
            std::vector<std::string>{CreatorId(1)});
  // Leaf and the creator themselves are untouched; the leaf is free to join again.
  EXPECT_EQ(Get("/api/v1/campaigns/" + leaf, key_).status, 200);
  EXPECT_EQ(AddItem(top, "campaign", leaf).status, 201);
}

TEST_F(CampaignsTest, IdempotentCreateReplays) {
  std::vector<std::pair<std::string, std::string>> h = {{"Idempotency-Key", "campaign-create-1"}};
  auto first = NewCampaign(R"({"name":"Once"})", "", "", h);
  ASSERT_EQ(first.status, 201);
  auto again = NewCampaign(R"({"name":"Once"})", "", "", h);
  EXPECT_EQ(again.status, 201);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(again.Header("idempotency-replayed"), "true");
  EXPECT_EQ(IdsOf(Get("/api/v1/campaigns", key_)).size(), 1u);
  auto other_body = NewCampaign(R"({"name":"Twice"})", "", "", h);
  EXPECT_TRUE(IsError(other_body, 409, "idempotency_conflict"));
  // Item adds are creating POSTs too.
  std::string target = StrOf(DataOf(first), "id");
  std::string sub = Campaign("Sub");
  std::vector<std::pair<std::string, std::string>> hi = {{"Idempotency-Key", "item-add-1"}};
  auto add1 =
      Call("POST", "/api/v1/campaigns/" + target + "/items", key_, ItemBody("campaign", sub), hi);
  auto add2 =
      Call("POST", "/api/v1/campaigns/" + target + "/items", key_, ItemBody("campaign", sub), hi);
  EXPECT_EQ(add1.status, 201);
  EXPECT_EQ(add2.status, 201);
  EXPECT_EQ(add2.body, add1.body);
  EXPECT_EQ(ItemCount(target), 1);
}

TEST_F(CampaignsTest, AnotherOrganizationsCampaignIs404) {
  std::string mine = Campaign("Mine");
  std::string other_org = CreateOrg("ultra", "Other");
  std::string other_key = CreateKey(other_org).secret;
  std::string other_project = CreateProject(other_key, "Theirs");
  auto theirs = NewCampaign(R"({"name":"Theirs"})", other_project, other_key);
  ASSERT_EQ(theirs.status, 201);
  std::string their_id = StrOf(DataOf(theirs), "id");

  EXPECT_TRUE(IsError(Get("/api/v1/campaigns/" + their_id, key_), 404, "not_found"));
  EXPECT_TRUE(IsError(Call("PATCH", "/api/v1/campaigns/" + their_id, key_, R"({"name":"x"})"), 404,
                      "not_found"));
  EXPECT_TRUE(IsError(Call("DELETE", "/api/v1/campaigns/" + their_id, key_), 404, "not_found"));
  EXPECT_TRUE(IsError(Get("/api/v1/campaigns/" + their_id + "/items", key_), 404, "not_found"));
  EXPECT_TRUE(IsError(AddItem(their_id, "campaign", mine), 404, "not_found"));
  EXPECT_TRUE(IsError(AddItem(mine, "campaign", their_id), 404, "not_found"));
  EXPECT_TRUE(IsError(NewCampaign(R"({"name":"x"})", other_project), 404, "not_found"));
  EXPECT_EQ(IdsOf(Get("/api/v1/campaigns", key_)), std::vector<std::string>{mine});
  EXPECT_EQ(IdsOf(Get("/api/v1/campaigns?project_id=" + other_project, key_)).size(), 0u);
  EXPECT_EQ(Get("/api/v1/campaigns/" + their_id, other_key).status, 200);
}

TEST_F(CampaignsTest, ReadOnlyKeyCannotWrite) {
  std::string id = Campaign("Read me");
  std::string reader = CreateKey(org_, "read").secret;
  EXPECT_EQ(Get("/api/v1/campaigns/" + id, reader).status, 200);
  EXPECT_EQ(Get("/api/v1/campaigns", reader).status, 200);
  EXPECT_EQ(Get("/api/v1/campaigns/" + id + "/items", reader).status, 200);
  std::vector<HttpResult> writes = {
      NewCampaign(R"({"name":"x"})", "", reader),
      Call("PATCH", "/api/v1/campaigns/" + id, reader, R"({"name":"x"})"),
      Call("DELETE", "/api/v1/campaigns/" + id, reader),
      AddItem(id, "campaign", id, reader),
      Call("DELETE", "/api/v1/campaigns/" + id + "/items", reader, ItemBody("campaign", id)),
  };
  for (const auto& r : writes) {
    EXPECT_EQ(r.status, 403);
    EXPECT_EQ(r.body, kReadOnlyBody);
  }
  EXPECT_TRUE(IsError(Get("/api/v1/campaigns", ""), 401, "invalid_api_key"));
}

TEST_F(CampaignsTest, StatsEndpointStaysGone) {
  std::string id = Campaign("Old");
  EXPECT_TRUE(IsError(Get("/api/v1/campaigns/" + id + "/stats", key_), 410, "gone"));
}

}  // namespace
}  // namespace goatherd::blackbox
