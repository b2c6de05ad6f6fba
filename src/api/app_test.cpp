// The request pipeline driven without sockets: App::Handle on a temporary SQLite database. The
// order checks follow api-conventions.md: "When several errors apply, the first in this order
// wins: ... 404 unknown path / 405 / 410 -> 401 -> 403 org_banned -> 429 -> 403
// insufficient_scope -> 415 -> 400 invalid_params -> 400 invalid_query / invalid_body -> 404
// missing resource -> 402 -> 409."
#include "api/app.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <filesystem>
#include <memory>
#include <string>

#include "core/clock.h"
#include "core/test_temp_dir.h"
#include "store/sqlite/sqlite_store.h"

namespace goatherd::api {
namespace {

namespace json = boost::json;

using goatherd::testing::TempDir;

constexpr const char* kOrgA = "0190a000-0000-7000-8000-00000000000a";
constexpr const char* kOrgB = "0190a000-0000-7000-8000-00000000000b";
constexpr const char* kBanned = "0190a000-0000-7000-8000-00000000000c";
constexpr const char* kMissingProject = "0190b000-0000-7000-8000-0000000000ff";
constexpr std::int64_t kNowMs = 1767254400000;  // 2026-01-01T08:00:00Z

// The parts of a response the tests compare: status, meta.code (or "-" on success), and
// whether the body is a well-formed envelope.
struct Outcome {
  int status = 0;
  std::string code;
  json::value body;
};

class AppTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::make_unique<sqlite::SqliteStore>(dir_.File("app.db"), 4);
    ASSERT_TRUE(store_->Migrate().ok());
    AddOrg(kOrgA, "ultra", false);
    AddOrg(kOrgB, "ultra", false);
    AddOrg(kBanned, "ultra", true);
    read_key_ = AddKey(kOrgA, kScopeRead);
    write_key_ = AddKey(kOrgA, kScopeRead | kScopeWrite);
    other_org_key_ = AddKey(kOrgB, kScopeRead | kScopeWrite);
    banned_key_ = AddKey(kBanned, kScopeRead);
    app_ = std::make_unique<App>(*store_, clock_, "unit-test-cursor-secret");
  }

  void AddOrg(const std::string& id, const std::string& plan, bool banned) {
    Organization org;
    org.id = id;
    org.name = "Org";
    org.plan = plan;
    org.banned = banned;
    ASSERT_TRUE(store_->CreateOrganization(org).ok());
  }

  std::string AddKey(const std::string& org, unsigned scopes,
                     std::optional<Timestamp> expires_at = std::nullopt) {
    MintedKey minted = MintApiKey(org, "test", scopes, expires_at, kNowMs);
    EXPECT_TRUE(store_->CreateApiKey(minted.row, false).ok());
    last_key_id_ = minted.row.id;
    return "Bearer " + minted.secret;
  }

  Response Raw(const std::string& method, const std::string& path, const std::string& query = "",
               const std::string& authorization = "", const std::string& content_type = "",
               const std::string& body = "") {
    Request req;
    req.method = method;
    req.path = path;
    req.raw_query = query;
    req.target = query.empty() ? path : path + "?" + query;
    if (!authorization.empty()) req.headers["authorization"] = authorization;
    if (!content_type.empty()) req.headers["content-type"] = content_type;
    req.body = body;
    req.request_id = "unit";
    req.peer = "127.0.0.1";
    return app_->Handle(req);
  }

  Outcome Call(const std::string& method, const std::string& path, const std::string& query = "",
               const std::string& authorization = "", const std::string& content_type = "",
               const std::string& body = "") {
    Response r = Raw(method, path, query, authorization, content_type, body);
    Outcome out;
    out.status = r.status;
    json::error_code ec;
    out.body = json::parse(r.body, ec);
    EXPECT_FALSE(ec) << "not JSON: " << r.body;
    if (ec) return out;
    // Every answer is the envelope: exactly data, error, meta.
    const json::object* obj = out.body.if_object();
    EXPECT_TRUE(obj && obj->size() == 3 && obj->contains("data") && obj->contains("error") &&
                obj->contains("meta"))
        << r.body;
    if (!obj || !obj->contains("error") || !obj->contains("meta")) return out;
    if (obj->at("error").is_null()) {
      out.code = "-";
    } else {
      EXPECT_TRUE(obj->at("data").is_null()) << r.body;
      out.code = std::string(obj->at("meta").at("code").as_string());
    }
    return out;
  }

  std::string CreateProject(const std::string& name) {
    Outcome o = Call("POST", "/api/v1/projects", "", write_key_, "application/json",
                     R"({"name":")" + name + R"("})");
    EXPECT_EQ(o.status, 201) << json::serialize(o.body);
    if (o.status != 201) return "";
    return std::string(o.body.at("data").at("id").as_string());
  }

  TempDir dir_;
  std::unique_ptr<sqlite::SqliteStore> store_;
  FixedClock clock_{kNowMs};
  std::unique_ptr<App> app_;
  std::string read_key_, write_key_, other_org_key_, banned_key_, last_key_id_;
};

TEST_F(AppTest, UnknownPathIs404BeforeAuthentication) {
  Outcome o = Call("GET", "/api/v1/nope");
  EXPECT_EQ(o.status, 404);
  EXPECT_EQ(o.code, "not_found");
  EXPECT_EQ(Call("POST", "/api/v1/projects/x/y/z", "", "", "text/plain", "x").status, 404);
}

TEST_F(AppTest, MethodNotAllowedIs405BeforeAuthentication) {
  Response r = Raw("PUT", "/api/v1/projects");
  EXPECT_EQ(r.status, 405);
  std::string allow;
  for (const auto& [k, v] : r.headers) {
    if (k == "Allow") allow = v;
  }
  EXPECT_EQ(allow, "GET, POST");
  Outcome o = Call("PUT", "/api/v1/projects/not-a-uuid");
  EXPECT_EQ(o.status, 405);
  EXPECT_EQ(o.code, "method_not_allowed");
}

TEST_F(AppTest, MissingOrBadKeyIs401BeforeScope) {
  // No key, on a write route that also lacks a content type and has a bad path parameter.
  Outcome none = Call("PATCH", "/api/v1/projects/not-a-uuid", "a=%zz", "", "text/plain", "{");
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(none.code, "invalid_api_key");
  const std::string unknown = "Bearer tga_" + std::string(64, '0');
  for (const std::string& auth :
       {std::string("Basic dXNlcjpwYXNz"), std::string("Bearer"), std::string("Bearer "),
        std::string("bearer ") + read_key_.substr(7), std::string("Bearer tga_123"),
        "Bearer tga_" + std::string(64, 'A'), unknown, read_key_ + " ",
        "Bearer  " + read_key_.substr(7)}) {
    Outcome o = Call("GET", "/api/v1/projects", "", auth);
    EXPECT_EQ(o.status, 401) << auth;
    EXPECT_EQ(o.code, "invalid_api_key") << auth;
  }
}

TEST_F(AppTest, RevokedAndExpiredKeysAre401) {
  const std::string revoked = AddKey(kOrgA, kScopeRead);
  ASSERT_TRUE(store_->RevokeApiKey(last_key_id_, kNowMs / 1000).ok());
  EXPECT_EQ(Call("GET", "/api/v1/projects", "", revoked).status, 401);
  // Expiring exactly now counts as expired; one second later does not yet.
  const std::string expired = AddKey(kOrgA, kScopeRead, kNowMs / 1000);
  EXPECT_EQ(Call("GET", "/api/v1/projects", "", expired).status, 401);
  const std::string live = AddKey(kOrgA, kScopeRead, kNowMs / 1000 + 1);
  EXPECT_EQ(Call("GET", "/api/v1/projects", "", live).status, 200);
}

TEST_F(AppTest, BannedOrganizationIs403BeforeScope) {
  Outcome o = Call("POST", "/api/v1/projects", "", banned_key_);
  EXPECT_EQ(o.status, 403);
  EXPECT_EQ(o.code, "org_banned");
}

TEST_F(AppTest, InsufficientScopeIs403Before415) {
  Response r = Raw("POST", "/api/v1/projects", "", read_key_);  // no content type, no body
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.body,
            R"({"data":null,"error":"This action requires the 'write' scope. Granted: [read]",)"
            R"("meta":{"code":"insufficient_scope","required":"write","granted":["read"]}})");
}

TEST_F(AppTest, UnsupportedMediaTypeIs415BeforeInvalidParams) {
  Outcome o =
      Call("PATCH", "/api/v1/projects/not-a-uuid", "", write_key_, "text/plain", R"({"name":"x"})");
  EXPECT_EQ(o.status, 415);
  EXPECT_EQ(o.code, "unsupported_media_type");
  EXPECT_EQ(Call("PATCH", "/api/v1/projects/not-a-uuid", "", write_key_).status, 415);
}

TEST_F(AppTest, ContentTypeIsMatchedOnTheMediaType) {
  for (const char* ok : {"application/json", "application/json; charset=utf-8", "Application/JSON",
                         "application/json ;charset=UTF-8"}) {
    Outcome o = Call("PATCH", std::string("/api/v1/projects/") + kMissingProject, "", write_key_,
                     ok, R"({"name":"x"})");
    EXPECT_EQ(o.status, 404) << ok;  // past the 415 check, to the missing project
  }
  for (const char* bad : {"text/json", "application/jsonx", "application/json-patch+json",
                          "application/x-www-form-urlencoded", "json", " application/json"}) {
    Outcome o = Call("PATCH", std::string("/api/v1/projects/") + kMissingProject, "", write_key_,
                     bad, R"({"name":"x"})");
    EXPECT_EQ(o.status, 415) << bad;
  }
}

TEST_F(AppTest, InvalidParamsIs400BeforeInvalidQuery) {
  Outcome o = Call("GET", "/api/v1/projects/not-a-uuid", "a=%zz", read_key_);
  EXPECT_EQ(o.status, 400);
  EXPECT_EQ(o.code, "invalid_params");
  Outcome query =
      Call("GET", std::string("/api/v1/projects/") + kMissingProject, "a=%zz", read_key_);
  EXPECT_EQ(query.status, 400);
  EXPECT_EQ(query.code, "invalid_query");
}

TEST_F(AppTest, InvalidQueryBeforeInvalidBodyBeforeMissingResource) {
  const std::string path = std::string("/api/v1/projects/") + kMissingProject;
  EXPECT_EQ(Call("PATCH", path, "a=%zz", write_key_, "application/json", "{").code,
            "invalid_query");
  EXPECT_EQ(Call("PATCH", path, "", write_key_, "application/json", "{").code, "invalid_body");
  Outcome missing = Call("PATCH", path, "", write_key_, "application/json", R"({"name":"x"})");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.code, "not_found");
}

TEST_F(AppTest, CreateThenReadWithUppercaseId) {
  const std::string id = CreateProject("Q1 Program");
  ASSERT_EQ(id.size(), 36u);
  std::string upper = id;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  Outcome o = Call("GET", "/api/v1/projects/" + upper, "", read_key_);
  ASSERT_EQ(o.status, 200);
  const json::object& p = o.body.at("data").as_object();
  EXPECT_EQ(p.at("id").as_string(), id);
  EXPECT_EQ(p.at("org_id").as_string(), kOrgA);
  EXPECT_EQ(p.at("name").as_string(), "Q1 Program");
  EXPECT_TRUE(p.at("description").is_null());
  EXPECT_EQ(p.at("created_at").as_string(), "2026-01-01T08:00:00Z");
  // Another organization's id is a 404, never a 403.
  Outcome foreign = Call("GET", "/api/v1/projects/" + id, "", other_org_key_);
  EXPECT_EQ(foreign.status, 404);
  EXPECT_EQ(foreign.code, "not_found");
}

TEST_F(AppTest, CursorPagingAndForeignCursors) {
  std::vector<std::string> created;
  for (int i = 0; i < 3; ++i) {
    clock_.Set(kNowMs + i * 1000);
    created.push_back(CreateProject("P" + std::to_string(i)));
  }
  Outcome first = Call("GET", "/api/v1/projects", "limit=2", read_key_);
  ASSERT_EQ(first.status, 200);
  ASSERT_EQ(first.body.at("data").as_array().size(), 2u);
  // Newest first: P2 (created last) then P1.
  EXPECT_EQ(first.body.at("data").as_array()[0].at("id").as_string(), created[2]);
  EXPECT_EQ(first.body.at("data").as_array()[1].at("id").as_string(), created[1]);
  EXPECT_EQ(first.body.at("meta").at("hasMore").as_bool(), true);
  const std::string cursor(first.body.at("meta").at("nextCursor").as_string());

  Outcome second = Call("GET", "/api/v1/projects", "limit=2&cursor=" + cursor, read_key_);
  ASSERT_EQ(second.status, 200);
  ASSERT_EQ(second.body.at("data").as_array().size(), 1u);
  EXPECT_EQ(second.body.at("data").as_array()[0].at("id").as_string(), created[0]);
  EXPECT_EQ(second.body.at("meta").at("hasMore").as_bool(), false);
  EXPECT_TRUE(second.body.at("meta").at("nextCursor").is_null());

  // Organization A's cursor presented by organization B's key.
  Outcome foreign = Call("GET", "/api/v1/projects", "cursor=" + cursor, other_org_key_);
  EXPECT_EQ(foreign.status, 400);
  EXPECT_EQ(foreign.code, "invalid_query");
  Outcome twice = Call("GET", "/api/v1/projects", "limit=1&limit=2", read_key_);
  EXPECT_EQ(twice.code, "invalid_query");
}

TEST_F(AppTest, CreateIsCappedByThePlan) {
  // starter: max_projects_per_org = 3 (free allows no API requests at all).
  const std::string org = "0190a000-0000-7000-8000-00000000000d";
  AddOrg(org, "starter", false);
  const std::string key = AddKey(org, kScopeRead | kScopeWrite);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(
        Call("POST", "/api/v1/projects", "", key, "application/json", R"({"name":"a"})").status,
        201);
  }
  Response r = Raw("POST", "/api/v1/projects", "", key, "application/json", R"({"name":"b"})");
  EXPECT_EQ(r.status, 402);
  EXPECT_EQ(r.body, R"({"data":null,"error":"Limit reached: max_projects_per_org","meta":{"code":)"
                    R"("limit_reached","limitKey":"max_projects_per_org","current":3,"max":3}})");
}

TEST_F(AppTest, DailyQuotaIs429AfterBanBeforeScope) {
  // free: max_api_requests_per_day = 0, so every authenticated request is over the quota.
  const std::string org = "0190a000-0000-7000-8000-00000000000e";
  AddOrg(org, "free", false);
  const std::string read_only = AddKey(org, kScopeRead);
  // A write route, a read-only key, no content type: 429 wins over 403 and 415.
  Response r = Raw("POST", "/api/v1/projects", "", read_only);
  EXPECT_EQ(r.status, 429);
  // Seconds from 08:00:00Z to the next UTC midnight: 16 x 3600.
  EXPECT_EQ(r.body,
            R"({"data":null,"error":"Rate limit exceeded","meta":{"code":"rate_limit_exceeded",)"
            R"("retryAfter":57600}})");
  std::string retry_after;
  for (const auto& [k, v] : r.headers) {
    if (k == "Retry-After") retry_after = v;
  }
  EXPECT_EQ(retry_after, "57600");
  // Without a valid key it is a 401, and a suspended organization is a 403 first.
  EXPECT_EQ(Call("POST", "/api/v1/projects").status, 401);
  const std::string suspended = "0190a000-0000-7000-8000-00000000000f";
  AddOrg(suspended, "free", true);
  EXPECT_EQ(Call("GET", "/api/v1/projects", "", AddKey(suspended, kScopeRead)).code, "org_banned");
}

TEST_F(AppTest, PerKeyWindowAdmitsSixtyAMinute) {
  // The 61st request of one key within 60 s is refused; another key of the org is not.
  for (int i = 0; i < 60; ++i) {
    ASSERT_EQ(Raw("GET", "/healthz").status, 200);  // public: counts toward nothing
    ASSERT_EQ(Call("GET", "/api/v1/projects", "", read_key_).status, 200) << i;
  }
  Outcome refused = Call("GET", "/api/v1/projects", "", read_key_);
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(refused.code, "rate_limit_exceeded");
  EXPECT_EQ(Call("GET", "/api/v1/projects", "", write_key_).status, 200);
  // A minute later the window has room again.
  clock_.Set(kNowMs + 61'000);
  EXPECT_EQ(Call("GET", "/api/v1/projects", "", read_key_).status, 200);
}

TEST_F(AppTest, OddRequestsStayInTheEnvelope) {
  // Every answer below is checked by Call to be JSON of the envelope's shape.
  EXPECT_EQ(Call("", "").status, 404);
  EXPECT_EQ(Call("GET", "api/v1/projects").status, 404);
  EXPECT_EQ(Call("GET", "/api/v1/projects/" + std::string(5000, 'a'), "", read_key_).status, 400);
  EXPECT_EQ(Call("POST", "/api/v1/projects", "", write_key_, "application/json",
                 std::string("{\"name\":\"a\0b\"}", 14))
                .status,
            400);
  EXPECT_EQ(
      Call("POST", "/api/v1/projects", "", write_key_, "application/json", "{\"name\":\"\xff\"}")
          .status,
      400);
  EXPECT_EQ(Call("GET", "/api/v1/projects", "limit=%", read_key_).status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/projects", "limit=%FF", read_key_).status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/projects", std::string(10000, '&'), read_key_).status, 200);
}

TEST_F(AppTest, InvalidUtf8InAnEchoedValueStaysValidJson) {
  EXPECT_EQ(Call("GET", std::string("/api/v1/projects/\0\xff", 19), "", read_key_).status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/nope\xff").status, 404);
}

TEST_F(AppTest, HealthzNeedsNoKey) {
  Response r = Raw("GET", "/healthz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"status":"ok"})");
}

}  // namespace
}  // namespace goatherd::api
