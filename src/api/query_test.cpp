#include "api/query.h"

#include <gtest/gtest.h>

#include <string>

namespace goatherd::api {
namespace {

// The value of `name` in `raw`, failing the test when parsing or lookup fails.
std::string ValueOf(const std::string& raw, const std::string& name) {
  auto q = Query::Parse(raw);
  EXPECT_TRUE(q.ok()) << raw;
  if (!q.ok()) return "<parse error>";
  auto v = q->Get(name);
  EXPECT_TRUE(v.ok()) << raw;
  if (!v.ok() || !v->has_value()) return "<absent>";
  return **v;
}

// The status and meta.code of GetLimit on `raw`, or the limit as text.
std::string LimitOf(const std::string& raw) {
  auto q = Query::Parse(raw);
  if (!q.ok()) return "parse " + q.error().code;
  auto limit = q->GetLimit();
  if (!limit.ok()) return std::to_string(limit.error().status) + " " + limit.error().code;
  return std::to_string(*limit);
}

TEST(QueryParseTest, PlusIsASpaceAndPercentTwoBIsAPlus) {
  EXPECT_EQ(ValueOf("search=a+b", "search"), "a b");
  EXPECT_EQ(ValueOf("search=a%2Bb", "search"), "a+b");
  EXPECT_EQ(ValueOf("search=a%2bb", "search"), "a+b");
  EXPECT_EQ(ValueOf("search=%40someone%20else", "search"), "@someone else");
  EXPECT_EQ(ValueOf("search=caf%C3%A9", "search"), "caf\xc3\xa9");
  // Keys are decoded too.
  EXPECT_EQ(ValueOf("%73earch=x", "search"), "x");
}

TEST(QueryParseTest, BadPercentEncodingIs400) {
  for (const char* raw : {"a=%zz", "a=%2", "a=%", "a=b%", "%g0=1", "a=%2G"}) {
    auto q = Query::Parse(raw);
    ASSERT_FALSE(q.ok()) << raw;
    EXPECT_EQ(q.error().status, 400) << raw;
    EXPECT_EQ(q.error().code, "invalid_query") << raw;
  }
}

TEST(QueryParseTest, EmptyAndValuelessParameters) {
  auto q = Query::Parse("");
  ASSERT_TRUE(q.ok());
  EXPECT_TRUE(q->params().empty());
  EXPECT_FALSE(q->Has("limit"));
  EXPECT_EQ(*q->Get("limit"), std::nullopt);

  auto flags = Query::Parse("a=&b&&c=1");
  ASSERT_TRUE(flags.ok());
  EXPECT_TRUE(flags->Has("a"));
  EXPECT_TRUE(flags->Has("b"));
  EXPECT_EQ(*flags->Get("a"), std::optional<std::string>(""));
  EXPECT_EQ(*flags->Get("b"), std::optional<std::string>(""));
  EXPECT_EQ(*flags->Get("c"), std::optional<std::string>("1"));
  // A value that is required may not be empty.
  auto empty = flags->GetRequiredValue("a");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().code, "invalid_query");
  EXPECT_EQ(*flags->GetRequiredValue("c"), std::optional<std::string>("1"));
  EXPECT_EQ(*flags->GetRequiredValue("absent"), std::nullopt);
}

TEST(QueryParseTest, DuplicatesAre400UnknownOnesIgnored) {
  auto q = Query::Parse("project_id=1&unknown=2&project_id=3&unknown=4");
  ASSERT_TRUE(q.ok());
  auto dup = q->Get("project_id");
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().status, 400);
  EXPECT_EQ(dup.error().code, "invalid_query");
  EXPECT_NE(dup.error().message.find("project_id"), std::string::npos);
}

TEST(QueryParseTest, DuplicateSpelledTwoWaysIs400) {
  // The same key spelled two ways is still one key once decoded.
  auto spelled = Query::Parse("limit=5&%6Cimit=6");
  ASSERT_TRUE(spelled.ok());
  EXPECT_FALSE(spelled->GetLimit().ok());
}

TEST(QueryGetLimitTest, Rules) {
  EXPECT_EQ(LimitOf(""), "50");
  EXPECT_EQ(LimitOf("other=1"), "50");
  EXPECT_EQ(LimitOf("limit=1"), "1");
  EXPECT_EQ(LimitOf("limit=50"), "50");
  EXPECT_EQ(LimitOf("limit=100"), "100");
  EXPECT_EQ(LimitOf("limit=101"), "100");
  EXPECT_EQ(LimitOf("limit=99999999999999999999"), "100");
  for (const char* bad : {"limit=0", "limit=-1", "limit=abc", "limit=1.5", "limit=", "limit",
                          "limit=1e2", "limit=%2B5", "limit=+5", "limit=5x", "limit=0x10",
                          "limit=-99999999999999999999", "limit=1&limit=2"}) {
    EXPECT_EQ(LimitOf(bad), "400 invalid_query") << bad;
  }
}

TEST(QueryGetUuidTest, NormalizesOrRejects) {
  auto q = Query::Parse("project_id=0190B000-0000-7000-8000-00000000000A&creator_id=nope");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(*q->GetUuid("project_id"),
            std::optional<std::string>("0190b000-0000-7000-8000-00000000000a"));
  auto bad = q->GetUuid("creator_id");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, "invalid_query");
  EXPECT_EQ(*q->GetUuid("video_id"), std::nullopt);
}

}  // namespace
}  // namespace goatherd::api
