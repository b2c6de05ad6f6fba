// Black-box tests of the foundation against the real binary: the envelope, the error statuses and
// their precedence, keys and scopes, the projects resource, plan caps, pagination and keep-alive.
// Every expected value is worked out by hand from spec/api-conventions.md and spec/resources.md.
#include <algorithm>
#include <atomic>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <fstream>
#include <iterator>
#include <latch>
#include <set>
#include <thread>

#include "harness.h"

namespace goatherd::blackbox {
namespace {

namespace json = boost::json;

const json::object& DataObject(const HttpResult& r) {
  return r.json.as_object().at("data").as_object();
}
const json::object& Meta(const HttpResult& r) { return r.json.as_object().at("meta").as_object(); }
std::string Str(const json::object& o, std::string_view key) {
  return std::string(o.at(key).as_string());
}
std::set<std::string> SplitAllow(const std::string& allow) {
  std::set<std::string> out;
  std::size_t start = 0;
  while (start <= allow.size()) {
    auto comma = allow.find(',', start);
    if (comma == std::string::npos) comma = allow.size();
    std::string m = allow.substr(start, comma - start);
    m.erase(0, m.find_first_not_of(' '));
    m.erase(m.find_last_not_of(' ') + 1);
    out.insert(m);
    start = comma + 1;
  }
  return out;
}

// An organization on the default plan (`ultra`) with a read,write key.
class ApiTest : public BlackBoxTest {
 protected:
  void SetUp() override {
    BlackBoxTest::SetUp();
    if (HasFatalFailure()) return;
    org_ = CreateOrg();
    key_ = CreateKey(org_).secret;
  }
  std::string org_;
  std::string key_;
};

// ---------------------------------------------------------------------------------------------
// Envelope, health, routing

TEST_F(ApiTest, HealthzAnswersOkWithoutAKey) {
  auto r = Get("/healthz", "");
  ASSERT_EQ(r.status, 200) << r.transport_error;
  EXPECT_EQ(r.body, R"({"status":"ok"})");
  EXPECT_EQ(r.Header("content-type"), "application/json; charset=utf-8");
  EXPECT_TRUE(r.Header("x-request-id").has_value());
}

TEST_F(ApiTest, EveryResponseIsTheEnvelope) {
  std::string project = CreateProject(key_, "Envelope");
  ASSERT_FALSE(project.empty());
  struct Case {
    std::string method, target, key;
    std::optional<std::string> body;
    int status;
  };
  std::vector<Case> cases = {
      {"GET", "/api/v1/projects", key_, std::nullopt, 200},
      {"GET", "/api/v1/projects/" + project, key_, std::nullopt, 200},
      {"POST", "/api/v1/projects", key_, R"({"name":"Second"})", 201},
      {"GET", "/api/v1/schema", key_, std::nullopt, 200},
      {"GET", "/api/v1/nope", key_, std::nullopt, 404},
      {"DELETE", "/api/v1/projects", key_, std::nullopt, 405},
      {"GET", "/api/v1/projects", "", std::nullopt, 401},
      {"POST", "/api/v1/projects", key_, "{", 400},
      {"DELETE", "/api/v1/projects/" + project, key_, std::nullopt, 200},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.method + " " + c.target);
    auto r = Call(c.method, c.target, c.key, c.body);
    EXPECT_EQ(r.status, c.status) << r.body;
    ASSERT_TRUE(IsEnvelope(r));
    const auto& o = r.json.as_object();
    if (c.status < 400) {
      EXPECT_FALSE(o.at("data").is_null()) << r.body;
      EXPECT_TRUE(o.at("error").is_null()) << r.body;
    } else {
      EXPECT_TRUE(o.at("data").is_null()) << r.body;
      EXPECT_TRUE(o.at("error").is_string()) << r.body;
      EXPECT_TRUE(IsDocumentedErrorCode(Meta(r).at("code").as_string())) << r.body;
    }
  }
}

TEST_F(ApiTest, RequestIdIsEchoedWhenValidAndMintedOtherwise) {
  auto echoed =
      Call("GET", "/api/v1/projects", key_, std::nullopt, {{"X-Request-Id", "bb-test_1.abc"}});
  EXPECT_EQ(echoed.Header("x-request-id"), "bb-test_1.abc");
  auto on_error =
      Call("GET", "/api/v1/projects", "", std::nullopt, {{"X-Request-Id", "client-chosen-42"}});
  EXPECT_EQ(on_error.status, 401);
  EXPECT_EQ(on_error.Header("x-request-id"), "client-chosen-42");

  auto invalid =
      Call("GET", "/api/v1/projects", key_, std::nullopt, {{"X-Request-Id", "not a valid id!"}});
  ASSERT_TRUE(invalid.Header("x-request-id").has_value());
  EXPECT_NE(invalid.Header("x-request-id"), "not a valid id!");
  EXPECT_FALSE(invalid.Header("x-request-id")->empty());

  auto a = Get("/api/v1/projects", key_);
  auto b = Get("/api/v1/projects", key_);
  ASSERT_TRUE(a.Header("x-request-id") && b.Header("x-request-id"));
  EXPECT_NE(*a.Header("x-request-id"), *b.Header("x-request-id"));
  EXPECT_EQ(a.HeaderCount("x-request-id"), 1u);
}

TEST_F(ApiTest, UnknownPathIs404InTheEnvelopeBeforeAuthentication) {
  for (const char* target : {"/api/v1/nope", "/nope", "/api/v1/projects/a/b/c", "/api/v2/projects",
                             "/api/v1/projects/"}) {
    SCOPED_TRACE(target);
    EXPECT_TRUE(IsError(Get(target, ""), 404, "not_found"));
    EXPECT_TRUE(IsError(Get(target, key_), 404, "not_found"));
  }
}

TEST_F(ApiTest, WrongMethodIs405WithAllowBeforeAuthentication) {
  auto r = Call("DELETE", "/api/v1/projects", "");
  ASSERT_TRUE(IsError(r, 405, "method_not_allowed"));
  ASSERT_TRUE(r.Header("allow").has_value());
  EXPECT_EQ(SplitAllow(*r.Header("allow")), (std::set<std::string>{"GET", "POST"}));

  auto item =
      Call("PUT", "/api/v1/projects/0190d2a4-5b6c-7d8e-9f00-112233445566", key_, R"({"name":"x"})");
  ASSERT_TRUE(IsError(item, 405, "method_not_allowed"));
  ASSERT_TRUE(item.Header("allow").has_value());
  EXPECT_EQ(SplitAllow(*item.Header("allow")), (std::set<std::string>{"GET", "PATCH", "DELETE"}));
}

TEST_F(ApiTest, HeadIsGetWithoutContentAndKeepsTheConnectionInStep) {
  // Two requests on one connection: were the HEAD answer followed by content, those bytes would
  // be read as the start of the second answer.
  std::string raw = SendRaw(server_->port(),
                            "HEAD /healthz HTTP/1.1\r\nHost: t\r\n\r\n"
                            "GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
  auto first_end = raw.find("\r\n\r\n");
  ASSERT_NE(first_end, std::string::npos) << raw;
  std::string head = raw.substr(0, first_end);
  EXPECT_EQ(head.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << head;
  EXPECT_NE(head.find("Content-Length: 15"), std::string::npos)
      << "the length of {\"status\":\"ok\"}";
  std::string rest = raw.substr(first_end + 4);
  EXPECT_EQ(rest.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << rest;
  auto parsed = ParseResponses(rest);
  ASSERT_EQ(parsed.size(), 1u);
  EXPECT_EQ(parsed[0].body, R"({"status":"ok"})");

  auto list = Call("HEAD", "/api/v1/projects", key_);
  EXPECT_EQ(list.status, 200);
  EXPECT_TRUE(list.body.empty());
  auto anonymous = Call("HEAD", "/api/v1/projects", "");
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_TRUE(anonymous.body.empty());
  EXPECT_EQ(Get("/healthz", "").body, R"({"status":"ok"})");  // the connection is still in step
}

TEST_F(ApiTest, LogNamesTheRequestIdAndNeverTheKey) {
  std::string reader = CreateKey(org_, "read").secret;
  Call("GET", "/api/v1/projects", key_, std::nullopt, {{"X-Request-Id", "log-check-7"}});
  Call("POST", "/api/v1/projects", reader, R"({"name":"x"})");
  Get("/api/v1/projects", "tga_" + key_.substr(4, 60) + "ffff");  // unknown key
  // The server writes its log in blocks, each line within a second: wait for the third one.
  std::string log;
  for (int i = 0; i < 50; ++i) {
    std::ifstream in(dir_->File("server.log"));
    log.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (log.find("log-check-7") != std::string::npos && log.find(" 401 ") != std::string::npos) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_NE(log.find("log-check-7"), std::string::npos) << log;
  // Not even the part after the public prefix (tga_ and 8 hex digits are shown by `keys list`).
  EXPECT_EQ(log.find(key_.substr(12)), std::string::npos);
  EXPECT_EQ(log.find(reader.substr(12)), std::string::npos);
  EXPECT_EQ(log.find(key_.substr(12, 52)), std::string::npos);
}

// ---------------------------------------------------------------------------------------------
// Authentication

TEST_F(ApiTest, EveryKindOfBadKeyIs401) {
  std::string upper = key_;
  std::transform(upper.begin() + 4, upper.end(), upper.begin() + 4,
                 [](char c) { return static_cast<char>(std::toupper(c)); });
  std::vector<std::pair<std::string, std::optional<std::string>>> cases = {
      {"missing header", std::nullopt},
      {"empty header", ""},
      {"basic scheme", "Basic dXNlcjpwYXNz"},
      {"key without scheme", key_},
      {"scheme without key", "Bearer "},
      {"too short", "Bearer tga_0123456789abcdef"},
      {"too long", "Bearer " + key_ + "0"},
      {"wrong prefix", "Bearer tgb_" + key_.substr(4)},
      {"uppercase hex", "Bearer " + upper},
      {"non-hex digit", "Bearer tga_" + std::string(63, 'a') + "g"},
      {"unknown key", "Bearer tga_" + std::string(64, '0')},
  };
  for (const auto& [what, header] : cases) {
    SCOPED_TRACE(what);
    std::vector<std::pair<std::string, std::string>> headers;
    if (header) headers.emplace_back("Authorization", *header);
    auto r = Call("GET", "/api/v1/projects", "", std::nullopt, headers);
    ASSERT_TRUE(IsError(r, 401, "invalid_api_key"));
    EXPECT_EQ(json::serialize(r.json.as_object().at("meta")), R"({"code":"invalid_api_key"})");
  }
  EXPECT_EQ(Get("/api/v1/projects", key_).status, 200);
}

TEST_F(ApiTest, RevokedKeyIs401Immediately) {
  ApiKey doomed = CreateKey(org_);
  ASSERT_EQ(Get("/api/v1/projects", doomed.secret).status, 200);
  auto revoke = Cli({"keys", "revoke", doomed.id});
  ASSERT_EQ(revoke.exit_code, 0) << revoke.err;
  // Same keep-alive connection, no pause: revocation must not wait for any cache.
  EXPECT_TRUE(IsError(Get("/api/v1/projects", doomed.secret), 401, "invalid_api_key"));
  EXPECT_EQ(Get("/api/v1/projects", key_).status, 200);  // the organization's other key lives
}

TEST_F(ApiTest, ExpiredKeyIs401AndAFutureExpiryWorks) {
  ApiKey expired = CreateKey(org_, "read,write", "2020-01-01T00:00:00Z");
  EXPECT_TRUE(IsError(Get("/api/v1/projects", expired.secret), 401, "invalid_api_key"));
  ApiKey later = CreateKey(org_, "read,write", "2999-01-01T00:00:00Z");
  EXPECT_EQ(Get("/api/v1/projects", later.secret).status, 200);
}

// ---------------------------------------------------------------------------------------------
// Scopes and suspension

TEST_F(ApiTest, ReadOnlyKeyWritingGetsTheSpecsExact403) {
  std::string reader = CreateKey(org_, "read").secret;
  std::string project = CreateProject(key_, "Scoped");
  const std::string expected =
      R"({"data":null,"error":"This action requires the 'write' scope. Granted: [read]",)"
      R"("meta":{"code":"insufficient_scope","required":"write","granted":["read"]}})";
  auto post = Call("POST", "/api/v1/projects", reader, R"({"name":"Nope"})");
  EXPECT_EQ(post.status, 403);
  EXPECT_EQ(post.body, expected);
  auto patch = Call("PATCH", "/api/v1/projects/" + project, reader, R"({"name":"Nope"})");
  EXPECT_EQ(patch.status, 403);
  EXPECT_EQ(patch.body, expected);
  auto del = Call("DELETE", "/api/v1/projects/" + project, reader);
  EXPECT_EQ(del.status, 403);
  EXPECT_EQ(del.body, expected);
  // 403 insufficient_scope comes before 415 and before 400 invalid_params.
  auto text =
      Call("POST", "/api/v1/projects", reader, std::nullopt, {{"Content-Type", "text/plain"}});
  EXPECT_EQ(text.body, expected);
  auto bad_id = Call("DELETE", "/api/v1/projects/not-a-uuid", reader);
  EXPECT_EQ(bad_id.body, expected);

  auto read = Get("/api/v1/projects/" + project, reader);
  EXPECT_EQ(read.status, 200);
  EXPECT_EQ(Str(DataObject(read), "name"), "Scoped");
}

TEST_F(ApiTest, WriteOnlyKeyReadingNamesTheReadScope) {
  std::string writer = CreateKey(org_, "write").secret;
  auto r = Get("/api/v1/projects", writer);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.body,
            R"({"data":null,"error":"This action requires the 'read' scope. Granted: [write]",)"
            R"("meta":{"code":"insufficient_scope","required":"read","granted":["write"]}})");
}

TEST_F(ApiTest, SuspendedOrganizationIs403OrgBannedUntilResumed) {
  std::string reader = CreateKey(org_, "read").secret;
  ASSERT_EQ(Get("/api/v1/projects", key_).status, 200);
  auto suspend = Cli({"orgs", "suspend", org_});
  ASSERT_EQ(suspend.exit_code, 0) << suspend.err;
  EXPECT_TRUE(IsError(Get("/api/v1/projects", key_), 403, "org_banned"));
  EXPECT_TRUE(
      IsError(Call("POST", "/api/v1/projects", key_, R"({"name":"x"})"), 403, "org_banned"));
  // org_banned comes before insufficient_scope.
  EXPECT_TRUE(
      IsError(Call("POST", "/api/v1/projects", reader, R"({"name":"x"})"), 403, "org_banned"));
  // ... and after 401 and 404.
  EXPECT_TRUE(IsError(Get("/api/v1/projects", ""), 401, "invalid_api_key"));
  EXPECT_TRUE(IsError(Get("/api/v1/nope", key_), 404, "not_found"));
  auto resume = Cli({"orgs", "resume", org_});
  ASSERT_EQ(resume.exit_code, 0) << resume.err;
  EXPECT_EQ(Get("/api/v1/projects", key_).status, 200);
}

// ---------------------------------------------------------------------------------------------
// Media type, size, path parameters, bodies

TEST_F(ApiTest, BodyThatIsNotJsonMediaTypeIs415) {
  const std::string body = R"({"name":"Typed"})";
  auto send = [&](std::optional<std::string> content_type) {
    HttpRequest req;
    req.method = "POST";
    req.target = "/api/v1/projects";
    req.body = body;
    req.headers.emplace_back("Authorization", "Bearer " + key_);
    if (content_type) req.headers.emplace_back("Content-Type", *content_type);
    return client_->Send(req);
  };
  EXPECT_TRUE(IsError(send(std::nullopt), 415, "unsupported_media_type"));
  EXPECT_TRUE(IsError(send("text/plain"), 415, "unsupported_media_type"));
  EXPECT_TRUE(IsError(send("application/x-www-form-urlencoded"), 415, "unsupported_media_type"));
  EXPECT_TRUE(IsError(send("application/jsonx"), 415, "unsupported_media_type"));
  EXPECT_EQ(send("application/json; charset=utf-8").status, 201);
  EXPECT_EQ(send("Application/JSON").status, 201);  // media types are case-insensitive
  // 415 comes before 400 invalid_params.
  EXPECT_TRUE(IsError(Call("PATCH", "/api/v1/projects/not-a-uuid", key_, std::nullopt,
                           {{"Content-Type", "text/plain"}}),
                      415, "unsupported_media_type"));
}

TEST_F(ApiTest, BodyOverOneMebibyteIs413AndExactlyOneMebibyteIsServed) {
  constexpr std::size_t kMiB = 1 << 20;
  // Valid JSON padded with whitespace to an exact size.
  auto padded = [](std::size_t size) {
    std::string head = R"({"name":"Big")";
    return head + std::string(size - head.size() - 1, ' ') + "}";
  };
  auto exact = Call("POST", "/api/v1/projects", key_, padded(kMiB));
  EXPECT_EQ(exact.status, 201) << exact.body << exact.transport_error;
  auto over = Call("POST", "/api/v1/projects", key_, padded(kMiB + 1));
  EXPECT_TRUE(IsError(over, 413, "payload_too_large"));
  // 413 comes before everything, authentication included.
  auto anonymous = Call("POST", "/api/v1/projects", "", padded(kMiB + 1));
  EXPECT_TRUE(IsError(anonymous, 413, "payload_too_large"));
  auto list = Get("/api/v1/projects", key_);
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.json.as_object().at("data").as_array().size(), 1u);
  EXPECT_TRUE(server_->Alive());
}

TEST_F(ApiTest, MalformedUuidInThePathIs400InvalidParams) {
  std::string project = CreateProject(key_, "Ids");
  for (const std::string bad :
       {"not-a-uuid", "0190d2a4-5b6c-7d8e-9f00-11223344556",
        "0190d2a4-5b6c-7d8e-9f00-1122334455667", "0190d2a45b6c7d8e9f00112233445566",
        "g190d2a4-5b6c-7d8e-9f00-112233445566", "1"}) {
    SCOPED_TRACE(bad);
    EXPECT_TRUE(IsError(Get("/api/v1/projects/" + bad, key_), 400, "invalid_params"));
    // 400 invalid_params comes before 400 invalid_body, and after 401.
    EXPECT_TRUE(
        IsError(Call("PATCH", "/api/v1/projects/" + bad, key_, "{"), 400, "invalid_params"));
    EXPECT_TRUE(IsError(Get("/api/v1/projects/" + bad, ""), 401, "invalid_api_key"));
  }
  // Either case is accepted on input; ids come back lowercase.
  std::string upper = project;
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](char c) { return static_cast<char>(std::toupper(c)); });
  auto r = Get("/api/v1/projects/" + upper, key_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Str(DataObject(r), "id"), project);
}

TEST_F(ApiTest, InvalidBodiesAre400InvalidBodyAndCreateNothing) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"empty", ""},
      {"not JSON", "{name: 'x'}"},
      {"truncated", R"({"name":"x")"},
      {"trailing data", R"({"name":"x"} {})"},
      {"trailing comma", R"({"name":"x",})"},
      {"comment", R"({"name":"x" /* c */})"},
      {"array", R"(["name"])"},
      {"string", R"("name")"},
      {"null", "null"},
      {"number", "42"},
      {"duplicate key", R"({"name":"a","name":"b"})"},
      {"unknown field", R"({"name":"a","color":"red"})"},
      {"no name", "{}"},
      {"name a number", R"({"name":5})"},
      {"name null", R"({"name":null})"},
      {"name an object", R"({"name":{"first":"a"}})"},
      {"readme a number", R"({"name":"a","readme":5})"},
      {"metadata an array", R"({"name":"a","metadata":[1]})"},
      {"metadata a string", R"({"name":"a","metadata":"{}"})"},
      {"1e400", R"({"name":"a","metadata":{"x":1e400}})"},
      {"-1e400", R"({"name":"a","metadata":{"x":-1e400}})"},
      {"int64 max + 1", R"({"name":"a","metadata":{"x":9223372036854775808}})"},
      {"int64 min - 1", R"({"name":"a","metadata":{"x":-9223372036854775809}})"},
      {"uint64 max", R"({"name":"a","metadata":{"x":18446744073709551615}})"},
      {"duplicate key inside metadata", R"({"name":"a","metadata":{"k":1,"k":2}})"},
      {"name of 201 characters", R"({"name":")" + std::string(201, 'n') + "\"}"},
      {"empty name", R"({"name":""})"},
      {"invalid UTF-8", "{\"name\":\"\xff\xfe\"}"},
      {"deep nesting",
       R"({"name":"a","metadata":{"x":)" + std::string(100, '[') + std::string(100, ']') + "}}"},
  };
  for (const auto& [what, body] : cases) {
    SCOPED_TRACE(what);
    EXPECT_TRUE(IsError(Call("POST", "/api/v1/projects", key_, body), 400, "invalid_body"));
  }
  auto list = Get("/api/v1/projects", key_);
  ASSERT_EQ(list.status, 200);
  EXPECT_TRUE(list.json.as_object().at("data").as_array().empty()) << list.body;

  std::string project = CreateProject(key_, "Patched");
  for (const std::string body : {"{}", R"({"name":""})", R"({"name":null})",
                                 R"({"id":"0190d2a4-5b6c-7d8e-9f00-112233445566"})",
                                 R"({"created_at":"2026-01-01T00:00:00Z"})", "[]"}) {
    SCOPED_TRACE(body);
    EXPECT_TRUE(
        IsError(Call("PATCH", "/api/v1/projects/" + project, key_, body), 400, "invalid_body"));
  }
  auto after = Get("/api/v1/projects/" + project, key_);
  EXPECT_EQ(Str(DataObject(after), "name"), "Patched");
}

TEST_F(ApiTest, BoundaryValuesThatAreValid) {
  // 200 characters: bytes do not matter, code points do ("é" is two bytes in UTF-8).
  std::string ascii200(200, 'a');
  std::string accented200;
  for (int i = 0; i < 200; ++i) accented200 += "\xc3\xa9";
  auto a = Call("POST", "/api/v1/projects", key_, R"({"name":")" + ascii200 + "\"}");
  ASSERT_EQ(a.status, 201) << a.body;
  EXPECT_EQ(Str(DataObject(a), "name"), ascii200);
  auto b = Call("POST", "/api/v1/projects", key_, R"({"name":")" + accented200 + "\"}");
  ASSERT_EQ(b.status, 201) << b.body;
  EXPECT_EQ(Str(DataObject(b), "name"), accented200);
  auto c = Call("POST", "/api/v1/projects", key_,
                R"({"name":")" + accented200 + "\\u00e9\"}");  // 201 code points
  EXPECT_TRUE(IsError(c, 400, "invalid_body"));

  // The extremes of int64 survive the round trip as integers.
  auto d = Call("POST", "/api/v1/projects", key_,
                R"({"name":"Ints","metadata":{"max":9223372036854775807,)"
                R"("min":-9223372036854775808,"half":6.5,"big":3800}})");
  ASSERT_EQ(d.status, 201) << d.body;
  EXPECT_NE(d.body.find(R"("max":9223372036854775807)"), std::string::npos) << d.body;
  EXPECT_NE(d.body.find(R"("min":-9223372036854775808)"), std::string::npos) << d.body;
  EXPECT_NE(d.body.find(R"("half":6.5)"), std::string::npos) << d.body;
  EXPECT_NE(d.body.find(R"("big":3800)"), std::string::npos) << d.body;

  // Floating values come back as JavaScript prints them (Number#toString, worked by hand):
  // 3800.0 -> 3800, 1E2 -> 100, -0.0 -> 0, 1e-400 underflows to 0, 1e21 -> 1e+21,
  // 0.00000015 -> 1.5e-7, 0.000001 -> 0.000001, 123456789012345680000 stays plain.
  auto f = Call("POST", "/api/v1/projects", key_,
                R"({"name":"Floats","metadata":{"a":3800.0,"b":1E2,"c":-0.0,"d":1e-400,)"
                R"("e":1e21,"f":0.00000015,"g":0.000001,"h":123456789012345680000.0}})");
  ASSERT_EQ(f.status, 201) << f.body;
  EXPECT_NE(f.body.find(R"("metadata":{"a":3800,"b":100,"c":0,"d":0,"e":1e+21,"f":1.5e-7,)"
                        R"("g":0.000001,"h":123456789012345680000})"),
            std::string::npos)
      << f.body;
}

// ---------------------------------------------------------------------------------------------
// Projects CRUD, with "now" fixed so that times can be checked

constexpr const char* kFakeNow = "2026-03-01T12:00:00Z";

class ProjectsCrudTest : public ApiTest {
 protected:
  void Configure(ServerProcess::Options& options) override { options.fake_now = kFakeNow; }
};

TEST_F(ProjectsCrudTest, CreateGetPatchDelete) {
  const std::int64_t now = ParseUtcSeconds(kFakeNow);
  ASSERT_EQ(now, 1772366400);  // 2026-03-01T12:00:00Z: 20513 days after 1970-01-01, plus 12 h
  const std::int64_t horizon = now + 120;  // the clock advances with real time from kFakeNow

  const std::string metadata =
      R"({"budget_cents":150000,"tags":["spring","ugc"],"ratio":6.5,"nested":{"ok":true,"none":null}})";
  auto created =
      Call("POST", "/api/v1/projects", key_,
           R"({"name":"Q1 Program","readme":"Brief for agents","metadata":)" + metadata + "}");
  ASSERT_EQ(created.status, 201) << created.body;
  ASSERT_TRUE(IsEnvelope(created));
  EXPECT_TRUE(created.json.as_object().at("error").is_null());
  EXPECT_TRUE(created.json.as_object().at("meta").is_null());
  const json::object p = DataObject(created);
  std::set<std::string> keys;
  for (const auto& m : p) keys.insert(std::string(m.key()));
  EXPECT_EQ(keys, (std::set<std::string>{"id", "org_id", "name", "description", "metadata",
                                         "created_at", "updated_at"}));
  const std::string id = Str(p, "id");
  ASSERT_TRUE(IsLowercaseUuid(id)) << id;
  EXPECT_EQ(id[14], '7') << "goatherd mints UUID version 7";
  EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos) << "RFC 4122 variant";
  // A version 7 id starts with its creation time in milliseconds.
  std::int64_t id_ms = std::stoll(id.substr(0, 8) + id.substr(9, 4), nullptr, 16);
  EXPECT_GE(id_ms, now * 1000);
  EXPECT_LE(id_ms, horizon * 1000);
  EXPECT_EQ(Str(p, "org_id"), org_);
  EXPECT_EQ(Str(p, "name"), "Q1 Program");
  EXPECT_EQ(Str(p, "description"), "Brief for agents");
  EXPECT_EQ(p.at("metadata"), json::parse(metadata));
  const std::string created_at = Str(p, "created_at");
  ASSERT_TRUE(IsRfc3339Seconds(created_at)) << created_at;
  EXPECT_GE(ParseUtcSeconds(created_at), now);
  EXPECT_LE(ParseUtcSeconds(created_at), horizon);
  EXPECT_EQ(Str(p, "updated_at"), created_at);

  auto got = Get("/api/v1/projects/" + id, key_);
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(DataObject(got), p);

  // Past the second of creation, so that a needless write would show in updated_at.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  auto same =
      Call("PATCH", "/api/v1/projects/" + id, key_,
           R"({"name":"Q1 Program","readme":"Brief for agents","metadata":)" + metadata + "}");
  ASSERT_EQ(same.status, 200) << same.body;
  EXPECT_EQ(DataObject(same), p)
      << "setting the stored values changes nothing, updated_at included";

  auto renamed = Call("PATCH", "/api/v1/projects/" + id, key_,
                      R"({"name":"Q1 Program renamed","metadata":{"budget_cents":1}})");
  ASSERT_EQ(renamed.status, 200) << renamed.body;
  const json::object r = DataObject(renamed);
  EXPECT_EQ(Str(r, "id"), id);
  EXPECT_EQ(Str(r, "org_id"), org_);
  EXPECT_EQ(Str(r, "name"), "Q1 Program renamed");
  EXPECT_EQ(Str(r, "description"), "Brief for agents");
  EXPECT_EQ(r.at("metadata"), json::parse(R"({"budget_cents":1})")) << "metadata is replaced";
  EXPECT_EQ(Str(r, "created_at"), created_at);
  const std::string updated_at = Str(r, "updated_at");
  ASSERT_TRUE(IsRfc3339Seconds(updated_at)) << updated_at;
  EXPECT_GT(ParseUtcSeconds(updated_at), ParseUtcSeconds(created_at));
  EXPECT_LE(ParseUtcSeconds(updated_at), horizon);

  auto cleared = Call("PATCH", "/api/v1/projects/" + id, key_, R"({"readme":null})");
  ASSERT_EQ(cleared.status, 200) << cleared.body;
  EXPECT_TRUE(DataObject(cleared).at("description").is_null()) << cleared.body;
  EXPECT_EQ(Str(DataObject(cleared), "name"), "Q1 Program renamed");
  auto reread = Get("/api/v1/projects/" + id, key_);
  EXPECT_EQ(DataObject(reread), DataObject(cleared));

  auto deleted = Call("DELETE", "/api/v1/projects/" + id, key_);
  EXPECT_EQ(deleted.status, 200);
  EXPECT_EQ(deleted.body,
            R"({"data":{"id":")" + id + R"(","deleted":true},"error":null,"meta":null})");
  EXPECT_TRUE(IsError(Get("/api/v1/projects/" + id, key_), 404, "not_found"));
  EXPECT_TRUE(
      IsError(Call("PATCH", "/api/v1/projects/" + id, key_, R"({"name":"x"})"), 404, "not_found"));
  EXPECT_TRUE(IsError(Call("DELETE", "/api/v1/projects/" + id, key_), 404, "not_found"));
  auto list = Get("/api/v1/projects", key_);
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.body, R"({"data":[],"error":null,"meta":{"nextCursor":null,"hasMore":false}})");
}

TEST_F(ProjectsCrudTest, CreateWithOnlyANameHasEmptyDefaults) {
  auto created = Call("POST", "/api/v1/projects", key_, R"({"name":"Bare"})");
  ASSERT_EQ(created.status, 201) << created.body;
  const json::object& p = DataObject(created);
  EXPECT_TRUE(p.at("description").is_null());
  EXPECT_EQ(p.at("metadata"), json::value(json::object()));
}

TEST_F(ApiTest, AnotherOrganizationsProjectIs404) {
  std::string other_org = CreateOrg("ultra", "Other");
  std::string other_key = CreateKey(other_org).secret;
  std::string project = CreateProject(key_, "Mine");
  ASSERT_FALSE(project.empty());
  EXPECT_TRUE(IsError(Get("/api/v1/projects/" + project, other_key), 404, "not_found"));
  EXPECT_TRUE(IsError(Call("PATCH", "/api/v1/projects/" + project, other_key, R"({"name":"x"})"),
                      404, "not_found"));
  EXPECT_TRUE(IsError(Call("DELETE", "/api/v1/projects/" + project, other_key), 404, "not_found"));
  auto theirs = Get("/api/v1/projects", other_key);
  EXPECT_EQ(theirs.body, R"({"data":[],"error":null,"meta":{"nextCursor":null,"hasMore":false}})");
  auto mine = Get("/api/v1/projects/" + project, key_);
  ASSERT_EQ(mine.status, 200);
  EXPECT_EQ(Str(DataObject(mine), "name"), "Mine");
}

// ---------------------------------------------------------------------------------------------
// Plan caps

TEST_F(ApiTest, FreePlanSecondProjectIsTheExact402) {
  std::string free_org = CreateOrg("free", "Small");
  std::string key = CreateKey(free_org).secret;
  std::string first = CreateProject(key, "Only one");
  ASSERT_FALSE(first.empty());
  auto second = Call("POST", "/api/v1/projects", key, R"({"name":"One too many"})");
  EXPECT_EQ(second.status, 402);
  EXPECT_EQ(
      second.body,
      R"({"data":null,"error":"Limit reached: max_projects_per_org",)"
      R"("meta":{"code":"limit_reached","limitKey":"max_projects_per_org","current":1,"max":1}})");
  // 400 invalid_body comes before 402.
  EXPECT_TRUE(
      IsError(Call("POST", "/api/v1/projects", key, R"({"name":""})"), 400, "invalid_body"));
  // A deleted project no longer counts.
  ASSERT_EQ(Call("DELETE", "/api/v1/projects/" + first, key).status, 200);
  EXPECT_FALSE(CreateProject(key, "Replacement").empty());
}

TEST_F(ApiTest, FiftyConcurrentCreatesNeverPassTheCap) {
  std::string starter = CreateOrg("starter", "Starter");
  std::string key = CreateKey(starter).secret;
  constexpr int kClients = 50;
  std::atomic<int> created{0}, refused{0}, other{0};
  std::latch start(kClients);
  std::vector<std::thread> threads;
  std::uint16_t port = server_->port();
  for (int i = 0; i < kClients; ++i) {
    threads.emplace_back([&, i] {
      HttpClient client(port);
      HttpRequest req;
      req.method = "POST";
      req.target = "/api/v1/projects";
      req.headers = {{"Authorization", "Bearer " + key}, {"Content-Type", "application/json"}};
      req.body = R"({"name":"Race )" + std::to_string(i) + "\"}";
      start.arrive_and_wait();
      auto r = client.Send(req);
      if (r.status == 201) {
        ++created;
      } else if (r.status == 402 && r.body.find(R"("current":3,"max":3)") != std::string::npos) {
        ++refused;
      } else {
        ++other;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), 3);
  EXPECT_EQ(refused.load(), kClients - 3);
  EXPECT_EQ(other.load(), 0);
  auto list = Get("/api/v1/projects", key);
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.json.as_object().at("data").as_array().size(), 3u);
}

// ---------------------------------------------------------------------------------------------
// Pagination

struct Walk {
  std::vector<std::string> ids;
  std::vector<std::size_t> sizes;
  std::vector<bool> has_more;
  std::vector<bool> cursor_null;
  std::vector<std::string> cursors;
};

class PaginationTest : public ApiTest {
 protected:
  // Creates `n` projects one after another; their ids, oldest first.
  std::vector<std::string> CreateMany(int n) {
    std::vector<std::string> ids;
    for (int i = 0; i < n; ++i) {
      // Appended, not `"P" + ...`: GCC 12 warns falsely (-Wrestrict) on literal + string.
      std::string name = "P";
      name += std::to_string(i);
      ids.push_back(CreateProject(key_, name));
      // Distinct milliseconds keep creation order and id order the same.
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return ids;
  }
  Walk WalkAll(const std::string& key, int limit) {
    Walk w;
    std::optional<std::string> cursor;
    for (int page = 0; page < 50; ++page) {
      std::string target = "/api/v1/projects?limit=" + std::to_string(limit);
      if (cursor) target += "&cursor=" + *cursor;
      auto r = Get(target, key);
      EXPECT_EQ(r.status, 200) << r.body;
      if (r.status != 200) break;
      const auto& data = r.json.as_object().at("data").as_array();
      const auto& meta = Meta(r);
      EXPECT_EQ(meta.size(), 2u) << r.body;
      w.sizes.push_back(data.size());
      for (const auto& p : data) w.ids.emplace_back(p.as_object().at("id").as_string());
      w.has_more.push_back(meta.at("hasMore").as_bool());
      bool null_cursor = meta.at("nextCursor").is_null();
      w.cursor_null.push_back(null_cursor);
      if (null_cursor) break;
      cursor = std::string(meta.at("nextCursor").as_string());
      w.cursors.push_back(*cursor);
    }
    return w;
  }
};

TEST_F(PaginationTest, SevenProjectsInPagesOfThree) {
  auto oldest_first = CreateMany(7);
  auto w = WalkAll(key_, 3);
  EXPECT_EQ(w.sizes, (std::vector<std::size_t>{3, 3, 1}));
  EXPECT_EQ(w.has_more, (std::vector<bool>{true, true, false}));
  EXPECT_EQ(w.cursor_null, (std::vector<bool>{false, false, true}));
  std::vector<std::string> newest_first(oldest_first.rbegin(), oldest_first.rend());
  EXPECT_EQ(w.ids, newest_first);
  EXPECT_EQ(std::set<std::string>(w.ids.begin(), w.ids.end()).size(), 7u);

  // Pages of 7 and of the default size: one page, no cursor.
  auto whole = WalkAll(key_, 7);
  EXPECT_EQ(whole.sizes, (std::vector<std::size_t>{7}));
  EXPECT_EQ(whole.has_more, (std::vector<bool>{false}));
  auto plain = Get("/api/v1/projects", key_);
  EXPECT_EQ(plain.json.as_object().at("data").as_array().size(), 7u);
  // limit=1000 is served (as 100), not refused.
  auto big = Get("/api/v1/projects?limit=1000", key_);
  ASSERT_EQ(big.status, 200) << big.body;
  EXPECT_EQ(big.json.as_object().at("data").as_array().size(), 7u);
  // Unknown parameters are ignored.
  EXPECT_EQ(Get("/api/v1/projects?color=red&limit=3", key_).status, 200);
}

TEST_F(PaginationTest, BadLimitsAndCursorsAre400InvalidQuery) {
  CreateMany(4);
  for (const char* query :
       {"limit=0", "limit=-1", "limit=abc", "limit=", "limit=1.5", "limit=3x", "limit=3&limit=3",
        "limit=3&limit=4", "cursor=", "cursor=garbage", "cursor=a.b", "limit=%zz"}) {
    SCOPED_TRACE(query);
    EXPECT_TRUE(IsError(Get(std::string("/api/v1/projects?") + query, key_), 400, "invalid_query"));
  }
  auto w = WalkAll(key_, 2);
  ASSERT_FALSE(w.cursors.empty());
  const std::string cursor = w.cursors.front();
  ASSERT_EQ(Get("/api/v1/projects?limit=2&cursor=" + cursor, key_).status, 200);

  // Altering any one character makes the cursor invalid (first and a middle one).
  for (std::size_t at : {std::size_t{0}, cursor.size() / 2}) {
    std::string tampered = cursor;
    tampered[at] = tampered[at] == 'A' ? 'B' : 'A';
    if (tampered[at] == '.' || cursor[at] == '.') continue;
    SCOPED_TRACE(tampered);
    EXPECT_TRUE(
        IsError(Get("/api/v1/projects?limit=2&cursor=" + tampered, key_), 400, "invalid_query"));
  }
  // The cursor given twice.
  EXPECT_TRUE(IsError(Get("/api/v1/projects?cursor=" + cursor + "&cursor=" + cursor, key_), 400,
                      "invalid_query"));

  // Another organization's cursor is refused, not used to show it rows.
  std::string other = CreateOrg("ultra", "Other");
  std::string other_key = CreateKey(other).secret;
  CreateProject(other_key, "Theirs");
  EXPECT_TRUE(
      IsError(Get("/api/v1/projects?limit=2&cursor=" + cursor, other_key), 400, "invalid_query"));
}

// An operator-defined plan without a project cap (plans are data), to list more than 100.
class LargeListTest : public PaginationTest {};

TEST_F(LargeListTest, LimitAbove100IsServedAs100) {
  Sql("INSERT INTO plan_limits (plan, limit_key, value) VALUES ('big', 'max_projects_per_org', "
      "NULL)");
  std::string big = CreateOrg("big", "Big");
  std::string key = CreateKey(big).secret;
  for (int i = 0; i < 101; ++i) {
    std::string name = "P";  // appended: see CreateMany
    name += std::to_string(i);
    ASSERT_FALSE(CreateProject(key, name).empty());
  }
  auto first = Get("/api/v1/projects?limit=1000", key);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.json.as_object().at("data").as_array().size(), 100u);
  EXPECT_TRUE(Meta(first).at("hasMore").as_bool());
  auto rest = Get(
      "/api/v1/projects?limit=1000&cursor=" + std::string(Meta(first).at("nextCursor").as_string()),
      key);
  ASSERT_EQ(rest.status, 200) << rest.body;
  EXPECT_EQ(rest.json.as_object().at("data").as_array().size(), 1u);
  EXPECT_FALSE(Meta(rest).at("hasMore").as_bool());
  auto standard = Get("/api/v1/projects", key);
  EXPECT_EQ(standard.json.as_object().at("data").as_array().size(), 50u) << "default limit 50";
  auto huge = Get("/api/v1/projects?limit=99999999999999999999999", key);
  ASSERT_EQ(huge.status, 200) << huge.body;
  EXPECT_EQ(huge.json.as_object().at("data").as_array().size(), 100u);
}

// ---------------------------------------------------------------------------------------------
// Connections

TEST_F(ApiTest, ManyRequestsOnOneKeepAliveConnection) {
  std::string project = CreateProject(key_, "Alive");
  int ok = 0;
  for (int i = 0; i < 300; ++i) {
    HttpResult r;
    switch (i % 5) {
      case 0:
        r = Get("/api/v1/projects/" + project, key_);
        break;
      case 1:
        r = Get("/api/v1/nope", key_);
        break;  // 404 keeps the connection
      case 2:
        r = Get("/api/v1/projects", "tga_bad");
        break;  // 401 too
      case 3:
        r = Call("POST", "/api/v1/projects", key_, "{");
        break;  // 400 too
      default:
        r = Get("/healthz", "");
        break;
    }
    ok += r.status != 0 && r.Header("connection") != "close";
  }
  EXPECT_EQ(ok, 300);
  EXPECT_EQ(client_->connections_opened(), 1);
}

}  // namespace
}  // namespace goatherd::blackbox
