#include "api/envelope.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>

#include "api/auth.h"

namespace goatherd::api {
namespace {

// Expected bodies are the exact examples of api-conventions.md "Envelope".

std::string HeaderOf(const Response& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "<absent>";
}

TEST(ErrorResponseTest, LimitReachedExample) {
  Response r = ErrorResponse(Error::LimitReached("max_creators_per_org", 5, 5));
  EXPECT_EQ(r.status, 402);
  EXPECT_EQ(r.content_type, "application/json; charset=utf-8");
  EXPECT_EQ(r.body, R"({"data":null,"error":"Limit reached: max_creators_per_org","meta":{"code":)"
                    R"("limit_reached","limitKey":"max_creators_per_org","current":5,"max":5}})");
  EXPECT_EQ(HeaderOf(r, "Retry-After"), "<absent>");
}

TEST(ErrorResponseTest, InsufficientScopeExample) {
  ApiKey read_only;
  read_only.scopes = kScopeRead;
  Status st = Authenticator::RequireScope(read_only, kScopeWrite);
  ASSERT_FALSE(st.ok());
  Response r = ErrorResponse(st.error());
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.body,
            R"({"data":null,"error":"This action requires the 'write' scope. Granted: [read]",)"
            R"("meta":{"code":"insufficient_scope","required":"write","granted":["read"]}})");
}

TEST(ErrorResponseTest, InsufficientScopeNamesEveryGrantedScope) {
  ApiKey key;
  key.scopes = kScopeRead | kScopeWrite;
  Response r = ErrorResponse(Authenticator::RequireScope(key, kScopeAdmin).error());
  EXPECT_EQ(r.body,
            R"({"data":null,"error":"This action requires the 'admin' scope. Granted: [read, )"
            R"(write]","meta":{"code":"insufficient_scope","required":"admin","granted":)"
            R"(["read","write"]}})");
  EXPECT_TRUE(Authenticator::RequireScope(key, kScopeWrite).ok());
}

TEST(ErrorResponseTest, RateLimitCarriesRetryAfter) {
  Response r = ErrorResponse(Error(429, "rate_limit_exceeded", "Rate limit exceeded",
                                   {{"retryAfter", std::int64_t{3421}}}));
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.body,
            R"({"data":null,"error":"Rate limit exceeded","meta":{"code":"rate_limit_exceeded",)"
            R"("retryAfter":3421}})");
  EXPECT_EQ(HeaderOf(r, "Retry-After"), "3421");
}

TEST(ErrorResponseTest, RetentionExceededExample) {
  Response r = ErrorResponse(Error(402, "retention_exceeded",
                                   "Requested range starts before your plan's 30-day history",
                                   {{"tier_retention_days", std::int64_t{30}},
                                    {"earliest_allowed", std::string("2026-01-01")}}));
  EXPECT_EQ(r.body,
            R"({"data":null,"error":"Requested range starts before your plan's 30-day history",)"
            R"("meta":{"code":"retention_exceeded","tier_retention_days":30,)"
            R"("earliest_allowed":"2026-01-01"}})");
}

TEST(ErrorResponseTest, InternalErrorAndEscaping) {
  EXPECT_EQ(ErrorResponse(Error::Internal()).body,
            R"({"data":null,"error":"Internal server error","meta":{"code":"internal_error"}})");
  EXPECT_EQ(ErrorResponse(Error::InvalidBody("bad \"x\"\n")).body,
            R"({"data":null,"error":"bad \"x\"\n","meta":{"code":"invalid_body"}})");
  Response null_extra = ErrorResponse(Error(409, "duplicate", "d", {{"existing_id", nullptr}}));
  EXPECT_EQ(null_extra.body,
            R"({"data":null,"error":"d","meta":{"code":"duplicate","existing_id":null}})");
}

TEST(DataResponseTest, Shapes) {
  Response data =
      DataResponse(201, [](JsonWriter& w) { w.StartObject().Key("a").Int(1).EndObject(); });
  EXPECT_EQ(data.status, 201);
  EXPECT_EQ(data.body, R"({"data":{"a":1},"error":null,"meta":null})");

  Response page = PageResponse([](JsonWriter& w) { w.StartArray().Int(1).Int(2).EndArray(); },
                               std::string("abc.def"));
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.body,
            R"({"data":[1,2],"error":null,"meta":{"nextCursor":"abc.def","hasMore":true}})");
  Response last = PageResponse([](JsonWriter& w) { w.StartArray().EndArray(); }, std::nullopt);
  EXPECT_EQ(last.body, R"({"data":[],"error":null,"meta":{"nextCursor":null,"hasMore":false}})");

  Response deleted = DeletedResponse("0190b000-0000-7000-8000-000000000001");
  EXPECT_EQ(deleted.status, 200);
  EXPECT_EQ(deleted.body, R"({"data":{"id":"0190b000-0000-7000-8000-000000000001","deleted":true},)"
                          R"("error":null,"meta":null})");
}

TEST(JsonWriterTest, DoublesAndTimes) {
  JsonWriter w;
  w.StartArray().Double(6.5).Double(3800.0).Double(-0.0).Double(0.1 + 0.2);
  w.Double(std::numeric_limits<double>::infinity())
      .Time(1767254400)
      .OptTime(std::nullopt)
      .EndArray();
  // 0.1 + 0.2 is 0.30000000000000004 in binary64, which JavaScript prints so too.
  EXPECT_EQ(w.Take(), R"([6.5,3800,0,0.30000000000000004,null,"2026-01-01T08:00:00Z",null])");
}

}  // namespace
}  // namespace goatherd::api
