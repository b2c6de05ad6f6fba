// Black-box tests of the Creators API (spec/resources.md "Creators") against the real binary:
// the handle forms a person pastes, the handle rule, 201 / 200 reactivation / 409, bulk adds,
// the plan cap (single, bulk, and 50 concurrent creates against a cap of 5), Idempotency-Key,
// PATCH and its four rename conflicts, soft removal, bulk remove and re-enable, the change log,
// the list's filters and pages, tenancy and scopes, and the scrape jobs an add queues. Expected
// values are worked out by hand from the spec; "today" is fixed with --fake-now.
#include <boost/json/serialize.hpp>
#include <chrono>
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

std::string LimitBody(int current, int max) {
  return R"({"data":null,"error":"Limit reached: max_creators_per_org","meta":{"code":)"
         R"("limit_reached","limitKey":"max_creators_per_org","current":)" +
         std::to_string(current) + R"(,"max":)" + std::to_string(max) + "}}";
}

const std::set<std::string> kCreatorFields = {"id",
                                              "project_id",
                                              "tiktok_handle",
                                              "display_name",
                                              "avatar_url",
                                              "description",
                                              "metadata",
                                              "tracking_mode",
                                              "tracking_start_date",
                                              "follower_count",
                                              "following_count",
                                              "like_count",
                                              "video_count",
                                              "status",
                                              "disabled_reason",
                                              "last_scraped_at",
                                              "created_at",
                                              "updated_at"};

json::object Data(const HttpResult& r) {
  if (!r.json_ok || !r.json.is_object()) return {};
  const auto* d = r.json.as_object().if_contains("data");
  return d && d->is_object() ? d->as_object() : json::object();
}

json::array DataArray(const HttpResult& r) {
  if (!r.json_ok || !r.json.is_object()) return {};
  const auto* d = r.json.as_object().if_contains("data");
  return d && d->is_array() ? d->as_array() : json::array();
}

std::string Str(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::vector<std::string> Field(const json::array& items, std::string_view key) {
  std::vector<std::string> out;
  for (const auto& v : items) out.push_back(Str(v.as_object(), key));
  return out;
}

std::string NextCursor(const HttpResult& r) {
  const auto& meta = r.json.as_object().at("meta");
  if (!meta.is_object() || !meta.as_object().at("nextCursor").is_string()) return "";
  return std::string(meta.as_object().at("nextCursor").as_string());
}

std::string HandleBody(const std::string& handle) {
  return R"({"tiktok_handle":)" + JsonString(handle) + "}";
}

class CreatorsTest : public BlackBoxTest {
 protected:
  void Configure(ServerProcess::Options& o) override {
    o.fake_now = kNow;
    o.threads = 4;
  }
  void SetUp() override {
    BlackBoxTest::SetUp();
    if (HasFatalFailure()) return;
    org_ = CreateOrg();
    key_ = CreateKey(org_).secret;
    project_ = CreateProject(key_, "Spring");
  }

  std::string CreatorsPath(const std::string& project = "") const {
    return "/api/v1/projects/" + (project.empty() ? project_ : project) + "/creators";
  }
  HttpResult Add(const std::string& handle, const std::string& key = "") {
    return Call("POST", CreatorsPath(), key.empty() ? key_ : key, HandleBody(handle));
  }
  // Adds a creator and returns its id ("" and a test failure otherwise).
  std::string AddOk(const std::string& handle) {
    HttpResult r = Add(handle);
    EXPECT_EQ(r.status, 201) << r.body;
    return Str(Data(r), "id");
  }
  std::vector<std::string> EventKinds(const std::string& id) {
    HttpResult r = Get("/api/v1/creators/" + id + "/events", key_);
    EXPECT_EQ(r.status, 200) << r.body;
    return Field(DataArray(r), "kind");
  }

  std::string org_;
  std::string key_;
  std::string project_;
};

TEST_F(CreatorsTest, EveryHandleFormGivesTheBareHandle) {
  const std::vector<std::pair<std::string, std::string>> forms = {
      {"@alpha", "alpha"},
      {"beta", "beta"},
      {"https://www.tiktok.com/@gamma", "gamma"},
      {"https://tiktok.com/@delta", "delta"},
      {"https://www.tiktok.com/@eps.ilon/", "eps.ilon"},
      {"https://www.tiktok.com/@zeta_1?lang=en&is_from_webapp=1", "zeta_1"},
      {"http://www.tiktok.com/@eta-2/?x=1", "eta-2"},
      {"www.tiktok.com/@Theta", "Theta"},
      {" @iota ", "iota"},
  };
  for (const auto& [input, handle] : forms) {
    HttpResult r = Add(input);
    ASSERT_EQ(r.status, 201) << input << ": " << r.body;
    ASSERT_TRUE(IsEnvelope(r));
    json::object c = Data(r);
    EXPECT_EQ(Str(c, "tiktok_handle"), handle) << input;
    std::set<std::string> keys;
    for (const auto& kv : c) keys.emplace(kv.key());
    EXPECT_EQ(keys, kCreatorFields);
    EXPECT_TRUE(IsLowercaseUuid(Str(c, "id")));
    EXPECT_EQ(Str(c, "project_id"), project_);
    EXPECT_EQ(Str(c, "status"), "active");
    EXPECT_EQ(Str(c, "tracking_mode"), "auto");
    EXPECT_EQ(Str(c, "tracking_start_date"), "2026-03-01");  // today in UTC at kNow
    EXPECT_TRUE(c.at("display_name").is_null());
    EXPECT_TRUE(c.at("disabled_reason").is_null());
    EXPECT_EQ(c.at("follower_count").as_int64(), 0);
    EXPECT_EQ(json::serialize(c.at("metadata")), "{}");
  }
}

TEST_F(CreatorsTest, BadHandlesAreInvalidBody) {
  const std::vector<std::string> bad = {"",
                                        "@",
                                        std::string(31, 'a'),
                                        "two words",
                                        "na/me",
                                        "caf\xc3\xa9",
                                        "@@double",
                                        "https://www.example.com/@x",
                                        "https://www.tiktok.com/@x/video/7000000000000000001",
                                        "https://www.tiktok.com/x",
                                        "ftp://www.tiktok.com/@x"};
  for (const auto& h : bad) {
    HttpResult r = Add(h);
    EXPECT_TRUE(IsError(r, 400, "invalid_body")) << "'" << h << "': " << r.body;
  }
  EXPECT_TRUE(
      IsError(Call("POST", CreatorsPath(), key_, R"({"tiktok_handle":5})"), 400, "invalid_body"));
  EXPECT_TRUE(IsError(Call("POST", CreatorsPath(), key_, "{}"), 400, "invalid_body"));
  EXPECT_TRUE(
      IsError(Call("POST", CreatorsPath(), key_, R"({"tiktok_handle":"ok","tracking_mode":"all"})"),
              400, "invalid_body"));
  EXPECT_TRUE(IsError(Call("POST", CreatorsPath(), key_,
                           R"({"tiktok_handle":"ok","tracking_start_date":"2026-02-30"})"),
                      400, "invalid_body"));
  EXPECT_TRUE(IsError(Call("POST", CreatorsPath(), key_, R"({"tiktok_handle":"ok","x":1})"), 400,
                      "invalid_body"));
  // Exactly 30 characters is allowed.
  EXPECT_EQ(Add(std::string(30, 'b')).status, 201);
  // Nothing but the one valid creator was written.
  EXPECT_EQ(DataArray(Get("/api/v1/creators", key_)).size(), 1u);
}

TEST_F(CreatorsTest, CreateTakenRemoveAndReactivate) {
  HttpResult first = Call(
      "POST", CreatorsPath(), key_,
      R"({"tiktok_handle":"Alpha","tracking_mode":"selective","tracking_start_date":"2026-01-15"})");
  ASSERT_EQ(first.status, 201) << first.body;
  std::string id = Str(Data(first), "id");
  EXPECT_EQ(Str(Data(first), "tracking_mode"), "selective");
  EXPECT_EQ(Str(Data(first), "tracking_start_date"), "2026-01-15");

  // Case-insensitive: the same account.
  EXPECT_TRUE(IsError(Add("@alpha"), 409, "handle_taken"));
  // Another project may track the same account.
  std::string other_project = CreateProject(key_, "Autumn");
  EXPECT_EQ(Call("POST", CreatorsPath(other_project), key_, HandleBody("alpha")).status, 201);

  HttpResult del = Call("DELETE", "/api/v1/creators/" + id, key_);
  EXPECT_EQ(del.status, 200);
  EXPECT_EQ(del.body, R"({"data":{"id":")" + id + R"(","deleted":true},"error":null,"meta":null})");
  HttpResult removed = Get("/api/v1/creators/" + id, key_);
  EXPECT_EQ(Str(Data(removed), "status"), "removed");
  // Removing again changes nothing and still answers 200.
  EXPECT_EQ(Call("DELETE", "/api/v1/creators/" + id, key_).status, 200);

  HttpResult again = Add("https://www.tiktok.com/@ALPHA");
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(Str(Data(again), "id"), id);
  EXPECT_EQ(Str(Data(again), "status"), "active");
  EXPECT_EQ(Str(Data(again), "tiktok_handle"), "ALPHA");
  // Unset fields keep the creator's settings.
  EXPECT_EQ(Str(Data(again), "tracking_mode"), "selective");
  EXPECT_EQ(Str(Data(again), "tracking_start_date"), "2026-01-15");
  EXPECT_EQ(Str(Data(again), "created_at"), Str(Data(first), "created_at"));

  EXPECT_EQ(EventKinds(id), (std::vector<std::string>{"reactivated", "removed", "added"}));
}

TEST_F(CreatorsTest, AddQueuesProfileAndDiscoveryJobsDueNow) {
  std::string id = AddOk("jobs");
  std::int64_t now = ParseUtcSeconds(kNow);
  std::string rows = SqlValue("SELECT kind || ':' || (due_at BETWEEN " + std::to_string(now) +
                              " AND " + std::to_string(now + 120) +
                              ") FROM scrape_jobs WHERE target_id = '" + id + "' ORDER BY kind");
  EXPECT_EQ(rows, "creator_profiles:1\ndiscover_videos:1");
  // Removal drops them; reactivation queues them again.
  ASSERT_EQ(Call("DELETE", "/api/v1/creators/" + id, key_).status, 200);
  EXPECT_EQ(SqlValue("SELECT count(*) FROM scrape_jobs WHERE target_id = '" + id + "'"), "0");
  ASSERT_EQ(Add("jobs").status, 200);
  EXPECT_EQ(SqlValue("SELECT count(*) FROM scrape_jobs WHERE target_id = '" + id + "'"), "2");
}

TEST_F(CreatorsTest, BulkAddReportsEachItem) {
  std::string gone = AddOk("gone");
  ASSERT_EQ(Call("DELETE", "/api/v1/creators/" + gone, key_).status, 200);
  HttpResult r =
      Call("POST", CreatorsPath(), key_,
           R"({"creators":[{"tiktok_handle":"a1"},{"tiktok_handle":"bad handle"},)"
           R"({"tiktok_handle":"A1"},{"tiktok_handle":"b1","tracking_mode":"selective"},)"
           R"(5,{"tiktok_handle":"@gone"}]})");
  ASSERT_EQ(r.status, 200) << r.body;
  json::object data = Data(r);
  const auto& results = data.at("results").as_array();
  ASSERT_EQ(results.size(), 6u);
  const std::vector<int> statuses = {201, 400, 409, 201, 400, 200};
  const std::vector<std::string> codes = {"", "invalid_body", "handle_taken",
                                          "", "invalid_body", ""};
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto& item = results[i].as_object();
    EXPECT_EQ(item.at("index").as_int64(), static_cast<std::int64_t>(i));
    EXPECT_EQ(item.at("status").as_int64(), statuses[i]) << i;
    if (codes[i].empty()) {
      EXPECT_TRUE(item.at("error").is_null());
      EXPECT_TRUE(item.at("creator").is_object());
    } else {
      EXPECT_TRUE(item.at("creator").is_null());
      EXPECT_EQ(Str(item.at("error").as_object(), "code"), codes[i]);
      EXPECT_FALSE(Str(item.at("error").as_object(), "message").empty());
    }
  }
  EXPECT_EQ(Str(results[3].as_object().at("creator").as_object(), "tracking_mode"), "selective");
  EXPECT_EQ(Str(results[5].as_object().at("creator").as_object(), "id"), gone);
  EXPECT_EQ(DataArray(Get("/api/v1/creators", key_)).size(), 3u);  // a1, b1, gone

  EXPECT_TRUE(
      IsError(Call("POST", CreatorsPath(), key_, R"({"creators":[]})"), 400, "invalid_body"));
  std::string many = R"({"creators":[)";
  for (int i = 0; i < 51; ++i) {
    std::string handle = "h";  // appended: GCC 12 warns falsely on "h" + std::string
    handle += std::to_string(i);
    if (i) many += ',';
    many += HandleBody(handle);
  }
  EXPECT_TRUE(IsError(Call("POST", CreatorsPath(), key_, many + "]}"), 400, "invalid_body"));
  EXPECT_TRUE(
      IsError(Call("POST", CreatorsPath(), key_, R"({"creators":{}})"), 400, "invalid_body"));
  EXPECT_TRUE(IsError(Call("POST", "/api/v1/projects/00000000-0000-7000-8000-000000000000/creators",
                           key_, R"({"creators":[{"tiktok_handle":"x"}]})"),
                      404, "not_found"));
}

TEST_F(CreatorsTest, PlanCapSingleAndBulk) {
  std::string org = CreateOrg("free", "Small");
  std::string key = CreateKey(org).secret;
  std::string project = CreateProject(key, "Only");
  auto add = [&](const std::string& h) {
    return Call("POST", CreatorsPath(project), key, HandleBody(h));
  };
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    std::string handle = "c";  // appended: see BulkAddReportsEachItem
    handle += std::to_string(i);
    HttpResult r = add(handle);
    ASSERT_EQ(r.status, 201) << r.body;
    ids.push_back(Str(Data(r), "id"));
  }
  HttpResult over = add("c5");
  EXPECT_EQ(over.status, 402);
  EXPECT_EQ(over.body, LimitBody(5, 5));
  // A handle already tracked is a 409, not a 402: it would not add an active creator.
  EXPECT_TRUE(IsError(add("c0"), 409, "handle_taken"));

  // Removal frees a place; the bulk cap counts the items that would become active.
  ASSERT_EQ(Call("DELETE", "/api/v1/creators/" + ids[0], key).status, 200);
  HttpResult bulk = Call("POST", CreatorsPath(project), key,
                         R"({"creators":[{"tiktok_handle":"n1"},{"tiktok_handle":"n2"}]})");
  EXPECT_EQ(bulk.status, 402);
  EXPECT_EQ(bulk.body, LimitBody(4, 5));
  EXPECT_EQ(DataArray(Get("/api/v1/creators?status=all", key)).size(), 5u);  // nothing written
  // Taken and invalid items do not count: one fresh item fits.
  HttpResult fits = Call("POST", CreatorsPath(project), key,
                         R"({"creators":[{"tiktok_handle":"c1"},{"tiktok_handle":"n1"},)"
                         R"({"tiktok_handle":"bad handle"}]})");
  ASSERT_EQ(fits.status, 200) << fits.body;
  // Reactivating the removed one would be the sixth.
  HttpResult back = add("c0");
  EXPECT_EQ(back.status, 402);
  EXPECT_EQ(back.body, LimitBody(5, 5));
}

TEST_F(CreatorsTest, FiftyConcurrentCreatesAgainstACapOfFive) {
  std::string org = CreateOrg("free", "Race");
  std::string key = CreateKey(org).secret;
  std::string project = CreateProject(key, "Race");
  constexpr int kRequests = 50;
  std::vector<HttpResult> results(kRequests);
  std::latch start(kRequests);
  std::vector<std::thread> threads;
  for (int i = 0; i < kRequests; ++i) {
    threads.emplace_back([&, i] {
      HttpClient client(server_->port(), std::chrono::milliseconds(30000));
      HttpRequest req;
      req.method = "POST";
      req.target = CreatorsPath(project);
      req.headers = {{"Authorization", "Bearer " + key}, {"Content-Type", "application/json"}};
      req.body = HandleBody("racer" + std::to_string(i));
      start.arrive_and_wait();
      results[i] = client.Send(req);
    });
  }
  for (auto& t : threads) t.join();
  int created = 0, limited = 0;
  for (const auto& r : results) {
    if (r.status == 201) ++created;
    if (r.status == 402) {
      ++limited;
      EXPECT_EQ(r.body, LimitBody(5, 5));
    }
  }
  EXPECT_EQ(created, 5);
  EXPECT_EQ(limited, 45);
  EXPECT_EQ(DataArray(Get("/api/v1/creators?status=all", key)).size(), 5u);
}

TEST_F(CreatorsTest, IdempotencyKeyReplaysTheCreate) {
  std::vector<std::pair<std::string, std::string>> h = {{"Idempotency-Key", "add-once-1"}};
  HttpResult a = Call("POST", CreatorsPath(), key_, HandleBody("once"), h);
  HttpResult b = Call("POST", CreatorsPath(), key_, HandleBody("once"), h);
  ASSERT_EQ(a.status, 201);
  EXPECT_EQ(b.status, 201);
  EXPECT_EQ(b.body, a.body);
  EXPECT_EQ(b.Header("idempotency-replayed").value_or(""), "true");
  EXPECT_TRUE(IsError(Call("POST", CreatorsPath(), key_, HandleBody("other"), h), 409,
                      "idempotency_conflict"));
  EXPECT_EQ(DataArray(Get("/api/v1/creators", key_)).size(), 1u);
}

TEST_F(CreatorsTest, RenameAndItsFourConflicts) {
  std::string id = AddOk("oldname");
  std::string other = AddOk("other");
  std::string banned = AddOk("banned.one");
  Sql("UPDATE creators SET status = 'disabled', disabled_reason = 'account is banned' "
      "WHERE id = '" +
      banned + "'");
  auto rename = [&](const std::string& to, const std::string& who = "") {
    return Call("PATCH", "/api/v1/creators/" + (who.empty() ? id : who), key_, HandleBody(to));
  };
  // 404 comes before any 409.
  EXPECT_TRUE(
      IsError(rename("bad name", "00000000-0000-7000-8000-000000000000"), 404, "not_found"));
  EXPECT_TRUE(IsError(rename("bad name"), 409, "invalid_handle"));
  EXPECT_TRUE(IsError(rename(std::string(31, 'x')), 409, "invalid_handle"));
  EXPECT_TRUE(IsError(rename("oldname"), 409, "no_change"));
  EXPECT_TRUE(IsError(rename("@OTHER"), 409, "handle_taken"));
  EXPECT_TRUE(IsError(rename("Banned.One"), 409, "creator_banned"));
  EXPECT_TRUE(IsError(Call("PATCH", "/api/v1/creators/" + id, key_, R"({"tiktok_handle":7})"), 400,
                      "invalid_body"));

  Sql("UPDATE scrape_jobs SET due_at = due_at + 86400 WHERE target_id = '" + id + "'");
  HttpResult ok = rename("@newname");
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(Str(Data(ok), "id"), id);
  EXPECT_EQ(Str(Data(ok), "tiktok_handle"), "newname");
  // The rename queued both jobs due now again (they had been pushed a day out).
  std::int64_t now = ParseUtcSeconds(kNow);
  EXPECT_EQ(SqlValue("SELECT count(*) FROM scrape_jobs WHERE target_id = '" + id +
                     "' AND due_at < " + std::to_string(now + 3600)),
            "2");
  // The old handle is free again.
  EXPECT_EQ(Add("oldname").status, 201);
  HttpResult events = Get("/api/v1/creators/" + id + "/events", key_);
  json::array list = DataArray(events);
  ASSERT_EQ(Field(list, "kind"), (std::vector<std::string>{"renamed", "added"}));
  EXPECT_EQ(json::serialize(list[0].as_object().at("details")),
            R"({"from":"oldname","to":"newname"})");
  EXPECT_EQ(Str(list[0].as_object(), "creator_id"), id);
  EXPECT_TRUE(IsRfc3339Seconds(Str(list[0].as_object(), "created_at")));
}

TEST_F(CreatorsTest, PatchSettingsAndDisplayName) {
  std::string id = AddOk("settings");
  Sql("UPDATE creators SET display_name = 'TikTok Name' WHERE id = '" + id + "'");
  EXPECT_EQ(Str(Data(Get("/api/v1/creators/" + id, key_)), "display_name"), "TikTok Name");
  HttpResult r = Call("PATCH", "/api/v1/creators/" + id, key_,
                      R"({"readme":"Cooking, Tue/Thu","metadata":{"tier":2},)"
                      R"("tracking_mode":"selective","tracking_start_date":"2026-02-01",)"
                      R"("display_name_override":"Chef"})");
  ASSERT_EQ(r.status, 200) << r.body;
  json::object c = Data(r);
  EXPECT_EQ(Str(c, "description"), "Cooking, Tue/Thu");
  EXPECT_EQ(json::serialize(c.at("metadata")), R"({"tier":2})");
  EXPECT_EQ(Str(c, "tracking_mode"), "selective");
  EXPECT_EQ(Str(c, "tracking_start_date"), "2026-02-01");
  EXPECT_EQ(Str(c, "display_name"), "Chef");
  // Sending the current handle beside a real change is not a rename failure.
  HttpResult clear = Call("PATCH", "/api/v1/creators/" + id, key_,
                          R"({"display_name_override":null,"tiktok_handle":"settings"})");
  ASSERT_EQ(clear.status, 200) << clear.body;
  EXPECT_EQ(Str(Data(clear), "display_name"), "TikTok Name");
  EXPECT_EQ(EventKinds(id), (std::vector<std::string>{"tracking_mode_changed", "added"}));
  EXPECT_TRUE(IsError(Call("PATCH", "/api/v1/creators/" + id, key_, "{}"), 400, "invalid_body"));
  EXPECT_TRUE(IsError(Call("PATCH", "/api/v1/creators/" + id, key_, R"({"status":"active"})"), 400,
                      "invalid_body"));
  EXPECT_TRUE(
      IsError(Call("PATCH", "/api/v1/creators/" + id, key_, R"({"display_name_override":""})"), 400,
              "invalid_body"));
}

TEST_F(CreatorsTest, BulkRemoveAndReenable) {
  std::string a = AddOk("a");
  std::string b = AddOk("b");
  std::string c = AddOk("c");
  Sql("UPDATE creators SET status = 'disabled', disabled_reason = 'account @a is private' "
      "WHERE id = '" +
      a + "'");
  Sql("DELETE FROM scrape_jobs WHERE target_id = '" + a + "'");
  Sql("INSERT INTO scrape_jobs (org_id, kind, target_id, due_at, definitive_failures) VALUES ('" +
      org_ + "', 'creator_profiles', '" + a + "', 9999999999, 3)");
  ASSERT_EQ(Call("DELETE", "/api/v1/creators/" + c, key_).status, 200);
  const std::string unknown = "00000000-0000-7000-8000-000000000000";
  HttpResult r = Call("POST", CreatorsPath() + "/bulk-reenable", key_,
                      R"({"creator_ids":[")" + a + R"(",")" + b + R"(",")" + unknown +
                          R"(","nope",")" + c + R"("]})");
  ASSERT_EQ(r.status, 200) << r.body;
  json::object data = Data(r);
  const auto& results = data.at("results").as_array();
  ASSERT_EQ(results.size(), 5u);
  const std::vector<int> statuses = {200, 200, 404, 400, 409};
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(results[i].as_object().at("status").as_int64(), statuses[i]) << i;
  }
  EXPECT_EQ(Str(results[0].as_object(), "id"), a);
  EXPECT_EQ(Str(results[4].as_object().at("error").as_object(), "code"), "invalid_transition");
  json::object reenabled = results[0].as_object().at("creator").as_object();
  EXPECT_EQ(Str(reenabled, "status"), "active");
  EXPECT_TRUE(reenabled.at("disabled_reason").is_null());
  std::int64_t now = ParseUtcSeconds(kNow);
  EXPECT_EQ(SqlValue("SELECT kind || ':' || definitive_failures || ':' || (due_at < " +
                     std::to_string(now + 3600) + ") FROM scrape_jobs WHERE target_id = '" + a +
                     "' ORDER BY kind"),
            "creator_profiles:0:1\ndiscover_videos:0:1");
  EXPECT_EQ(EventKinds(a), (std::vector<std::string>{"re_enabled", "added"}));

  HttpResult rm = Call("POST", CreatorsPath() + "/bulk-remove", key_,
                       R"({"creator_ids":[")" + a + R"(",")" + unknown + R"("]})");
  ASSERT_EQ(rm.status, 200) << rm.body;
  json::object rm_data = Data(rm);
  const auto& removed = rm_data.at("results").as_array();
  EXPECT_EQ(removed[0].as_object().at("status").as_int64(), 200);
  EXPECT_EQ(Str(removed[0].as_object().at("creator").as_object(), "status"), "removed");
  EXPECT_EQ(removed[1].as_object().at("status").as_int64(), 404);
  EXPECT_EQ(Field(DataArray(Get("/api/v1/creators", key_)), "id"), (std::vector<std::string>{b}));

  EXPECT_TRUE(IsError(Call("POST", CreatorsPath() + "/bulk-remove", key_, R"({"creator_ids":[]})"),
                      400, "invalid_body"));
  EXPECT_TRUE(
      IsError(Call("POST", CreatorsPath() + "/bulk-remove", key_, "{}"), 400, "invalid_body"));
  // A creator of another project of the organization is not in this one.
  std::string other_project = CreateProject(key_, "Other");
  HttpResult elsewhere = Call("POST", CreatorsPath(other_project) + "/bulk-remove", key_,
                              R"({"creator_ids":[")" + b + R"("]})");
  EXPECT_EQ(Data(elsewhere).at("results").as_array()[0].as_object().at("status").as_int64(), 404);
}

TEST_F(CreatorsTest, EventsAreNewestFirstAndPaginated) {
  std::string id = AddOk("pager");
  for (const char* mode : {"selective", "auto", "selective"}) {
    ASSERT_EQ(Call("PATCH", "/api/v1/creators/" + id, key_,
                   std::string(R"({"tracking_mode":")") + mode + "\"}")
                  .status,
              200);
  }
  HttpResult p1 = Get("/api/v1/creators/" + id + "/events?limit=3", key_);
  ASSERT_EQ(p1.status, 200) << p1.body;
  json::array first = DataArray(p1);
  ASSERT_EQ(first.size(), 3u);
  EXPECT_EQ(json::serialize(first[0].as_object().at("details")),
            R"({"from":"auto","to":"selective"})");
  EXPECT_EQ(json::serialize(first[1].as_object().at("details")),
            R"({"from":"selective","to":"auto"})");
  EXPECT_EQ(json::serialize(first[2].as_object().at("details")),
            R"({"from":"auto","to":"selective"})");
  std::string cursor = NextCursor(p1);
  ASSERT_FALSE(cursor.empty());
  HttpResult p2 = Get("/api/v1/creators/" + id + "/events?limit=3&cursor=" + cursor, key_);
  ASSERT_EQ(p2.status, 200) << p2.body;
  EXPECT_EQ(Field(DataArray(p2), "kind"), (std::vector<std::string>{"added"}));
  EXPECT_EQ(NextCursor(p2), "");
  // A cursor of another creator's log is refused.
  std::string other = AddOk("other");
  EXPECT_TRUE(IsError(Get("/api/v1/creators/" + other + "/events?cursor=" + cursor, key_), 400,
                      "invalid_query"));
}

TEST_F(CreatorsTest, ListFiltersAndPages) {
  std::string p2 = CreateProject(key_, "Second");
  std::string mama = AddOk("cookingmama");
  std::string book = AddOk("CookBook");
  std::string gamer = AddOk("gamer");
  HttpResult in_p2 = Call("POST", CreatorsPath(p2), key_, HandleBody("cook_two"));
  ASSERT_EQ(in_p2.status, 201);
  std::string two = Str(Data(in_p2), "id");
  ASSERT_EQ(Call("DELETE", "/api/v1/creators/" + gamer, key_).status, 200);

  // Newest first by creation.
  EXPECT_EQ(Field(DataArray(Get("/api/v1/creators", key_)), "id"),
            (std::vector<std::string>{two, book, mama}));
  EXPECT_EQ(Field(DataArray(Get("/api/v1/creators?search=COOK", key_)), "id"),
            (std::vector<std::string>{two, book, mama}));
  EXPECT_EQ(Field(DataArray(Get("/api/v1/creators?search=kb", key_)), "id"),
            (std::vector<std::string>{book}));
  EXPECT_EQ(Field(DataArray(Get("/api/v1/creators?search=_", key_)), "id"),
            (std::vector<std::string>{two}));
  EXPECT_EQ(Field(DataArray(Get("/api/v1/creators?project_id=" + p2, key_)), "id"),
            (std::vector<std::string>{two}));
  EXPECT_EQ(Field(DataArray(Get("/api/v1/creators?status=removed", key_)), "id"),
            (std::vector<std::string>{gamer}));
  EXPECT_EQ(DataArray(Get("/api/v1/creators?status=all", key_)).size(), 4u);
  EXPECT_TRUE(IsError(Get("/api/v1/creators?status=gone", key_), 400, "invalid_query"));
  EXPECT_TRUE(IsError(Get("/api/v1/creators?project_id=nope", key_), 400, "invalid_query"));
  EXPECT_TRUE(IsError(Get("/api/v1/creators?search=", key_), 400, "invalid_query"));

  HttpResult page1 = Get("/api/v1/creators?limit=2&search=cook", key_);
  EXPECT_EQ(Field(DataArray(page1), "id"), (std::vector<std::string>{two, book}));
  std::string cursor = NextCursor(page1);
  ASSERT_FALSE(cursor.empty());
  HttpResult page2 = Get("/api/v1/creators?limit=2&search=cook&cursor=" + cursor, key_);
  EXPECT_EQ(Field(DataArray(page2), "id"), (std::vector<std::string>{mama}));
  // The cursor belongs to that list: other filters refuse it.
  EXPECT_TRUE(
      IsError(Get("/api/v1/creators?limit=2&cursor=" + cursor, key_), 400, "invalid_query"));
  // A deleted project hides its creators.
  ASSERT_EQ(Call("DELETE", "/api/v1/projects/" + p2, key_).status, 200);
  EXPECT_TRUE(IsError(Get("/api/v1/creators/" + two, key_), 404, "not_found"));
}

TEST_F(CreatorsTest, AnotherOrganizationsCreatorIsNotFound) {
  std::string id = AddOk("mine");
  std::string org2 = CreateOrg("ultra", "Other");
  std::string key2 = CreateKey(org2).secret;
  std::string project2 = CreateProject(key2, "Theirs");
  EXPECT_TRUE(IsError(Get("/api/v1/creators/" + id, key2), 404, "not_found"));
  EXPECT_TRUE(IsError(Get("/api/v1/creators/" + id + "/events", key2), 404, "not_found"));
  EXPECT_TRUE(IsError(Call("PATCH", "/api/v1/creators/" + id, key2, R"({"readme":"x"})"), 404,
                      "not_found"));
  EXPECT_TRUE(IsError(Call("DELETE", "/api/v1/creators/" + id, key2), 404, "not_found"));
  EXPECT_TRUE(IsError(Call("POST", CreatorsPath(), key2, HandleBody("x")), 404, "not_found"));
  HttpResult bulk = Call("POST", CreatorsPath(project2) + "/bulk-remove", key2,
                         R"({"creator_ids":[")" + id + R"("]})");
  EXPECT_EQ(Data(bulk).at("results").as_array()[0].as_object().at("status").as_int64(), 404);
  EXPECT_TRUE(DataArray(Get("/api/v1/creators", key2)).empty());
  EXPECT_EQ(Str(Data(Get("/api/v1/creators/" + id, key_)), "status"), "active");
  EXPECT_TRUE(IsError(Get("/api/v1/creators/not-a-uuid", key_), 400, "invalid_params"));
}

TEST_F(CreatorsTest, ReadOnlyKeyCannotWrite) {
  std::string id = AddOk("guarded");
  std::string ro = CreateKey(org_, "read").secret;
  EXPECT_EQ(Get("/api/v1/creators/" + id, ro).status, 200);
  const std::string ids = R"({"creator_ids":[")" + id + R"("]})";
  for (const auto& r : {Call("POST", CreatorsPath(), ro, HandleBody("x")),
                        Call("PATCH", "/api/v1/creators/" + id, ro, R"({"readme":"x"})"),
                        Call("DELETE", "/api/v1/creators/" + id, ro),
                        Call("POST", CreatorsPath() + "/bulk-remove", ro, ids),
                        Call("POST", CreatorsPath() + "/bulk-reenable", ro, ids)}) {
    EXPECT_EQ(r.status, 403);
    EXPECT_EQ(r.body, kReadOnlyBody);
  }
  EXPECT_EQ(Str(Data(Get("/api/v1/creators/" + id, key_)), "status"), "active");
}

}  // namespace
}  // namespace goatherd::blackbox
