#include "api/json_body.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <string>

namespace goatherd::api {
namespace {

namespace json = boost::json;

void ExpectRejected(const std::string& text) {
  auto v = ParseStrictJson(text);
  ASSERT_FALSE(v.ok()) << text;
  EXPECT_EQ(v.error().status, 400) << text;
  EXPECT_EQ(v.error().code, "invalid_body") << text;
}

void ExpectAccepted(const std::string& text) {
  auto v = ParseStrictJson(text);
  EXPECT_TRUE(v.ok()) << text << ": " << (v.ok() ? "" : v.error().message);
}

std::string Nested(int depth) {
  return std::string(static_cast<std::size_t>(depth), '[') + "1" +
         std::string(static_cast<std::size_t>(depth), ']');
}

TEST(ParseStrictJsonTest, DuplicateKeysAtAnyDepth) {
  ExpectRejected(R"({"a":1,"a":2})");
  ExpectRejected(R"({"a":1,"b":{"c":1,"c":1}})");
  ExpectRejected(R"([{"a":1,"a":1}])");
  ExpectRejected(R"({"x":[1,{"y":{"z":null,"z":null}}]})");
  // Spelled differently, the same key once unescaped.
  ExpectRejected(R"({"a":1,"\u0061":2})");
  // The same key in different objects is fine.
  ExpectAccepted(R"({"a":{"a":1},"b":{"a":1}})");
  ExpectAccepted(R"([{"a":1},{"a":1}])");
  ExpectAccepted(R"({"a":{"b":1},"b":2})");
}

TEST(ParseStrictJsonTest, DuplicateKeyMessageNamesTheKey) {
  auto v = ParseStrictJson(R"({"name":"a","name":"b"})");
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.error().message.find("'name'"), std::string::npos) << v.error().message;
}

TEST(ParseStrictJsonTest, NumbersOutOfRange) {
  ExpectRejected(R"({"n":1e400})");
  ExpectRejected(R"({"n":-1e400})");
  ExpectRejected(R"({"n":18446744073709551616})");  // 2^64
  ExpectRejected(R"({"n":18446744073709551615})");  // 2^64 - 1: uint64, not int64
  ExpectRejected(R"({"n":9223372036854775808})");   // 2^63
  ExpectRejected(R"({"n":-9223372036854775809})");  // -2^63 - 1
  ExpectRejected(R"({"n":123456789012345678901234567890})");
  ExpectRejected("1e400");

  auto max = ParseStrictJson(R"({"n":9223372036854775807})");
  ASSERT_TRUE(max.ok());
  EXPECT_TRUE(max->at("n").is_int64());
  EXPECT_EQ(max->at("n").as_int64(), INT64_MAX);
  auto min = ParseStrictJson(R"({"n":-9223372036854775808})");
  ASSERT_TRUE(min.ok());
  EXPECT_EQ(min->at("n").as_int64(), INT64_MIN);
  // Fractions and exponents within range are doubles.
  auto frac = ParseStrictJson(R"([1.5,1e2,-0.0,1e308])");
  ASSERT_TRUE(frac.ok());
  EXPECT_EQ(frac->as_array()[0].as_double(), 1.5);
  EXPECT_EQ(frac->as_array()[1].as_double(), 100.0);
}

TEST(ParseStrictJsonTest, DepthLimit) {
  ASSERT_EQ(kMaxJsonDepth, 32);
  ExpectAccepted(Nested(32));
  ExpectRejected(Nested(33));
  ExpectRejected(Nested(1000));
  // Objects count as levels too: 32 nested objects are fine, 33 are not.
  std::string objects32, objects33;
  for (int i = 0; i < 32; ++i) objects32 += R"({"a":)";
  objects32 += "1" + std::string(32, '}');
  for (int i = 0; i < 33; ++i) objects33 += R"({"a":)";
  objects33 += "1" + std::string(33, '}');
  ExpectAccepted(objects32);
  ExpectRejected(objects33);
  // Depth is nesting, not a count of containers: many siblings at depth 2 are fine.
  std::string wide = "[";
  for (int i = 0; i < 100; ++i) wide += std::string(i ? "," : "") + "[1]";
  ExpectAccepted(wide + "]");
}

TEST(ParseStrictJsonTest, InvalidUtf8IsRejected) {
  ExpectRejected("{\"a\":\"\xc3\x28\"}");      // bad continuation byte
  ExpectRejected("{\"a\":\"\xff\"}");          // never valid
  ExpectRejected("{\"a\":\"\xc0\xaf\"}");      // overlong '/'
  ExpectRejected("{\"a\":\"\xed\xa0\x80\"}");  // an encoded surrogate
  ExpectRejected("{\"\xe2\x82\":1}");          // truncated, in a key
  // Escapes must name Unicode scalar values: a lone surrogate is not one.
  ExpectRejected(R"({"a":"\ud800"})");
  ExpectRejected(R"({"a":"\udc00x"})");
  auto pair = ParseStrictJson(R"({"a":"\ud83d\ude00"})");
  ASSERT_TRUE(pair.ok());
  EXPECT_EQ(pair->at("a").as_string(), "\xf0\x9f\x98\x80");    // U+1F600 in UTF-8
  ExpectAccepted("{\"a\":\"caf\xc3\xa9 \xf0\x9f\x90\x90\"}");  // é and an emoji
}

TEST(ParseStrictJsonTest, GrammarErrors) {
  for (const char* bad :
       {"", "{", "{\"a\":1,}", "[1,]", "{'a':1}", "{\"a\":NaN}", "{\"a\":Infinity}", "{\"a\":1} x",
        "{\"a\":1}{}", "{\"a\":01}", "{\"a\":1 /* c */}", "{\"a\":\"\x01\"}", "nul"}) {
    ExpectRejected(bad);
  }
  ExpectAccepted(" {\"a\" : [ true , false , null ] } \n");
}

TEST(ParseJsonObjectBodyTest, MustBeAnObject) {
  EXPECT_TRUE(ParseJsonObjectBody("{}").ok());
  for (const char* bad : {"", "[]", "1", "\"s\"", "null"}) {
    auto v = ParseJsonObjectBody(bad);
    ASSERT_FALSE(v.ok()) << bad;
    EXPECT_EQ(v.error().code, "invalid_body") << bad;
  }
}

TEST(FieldReadersTest, TypesAndPresence) {
  auto body = ParseJsonObjectBody(R"({"s":"x","n":1,"z":null,"o":{"k":[1,2]}})");
  ASSERT_TRUE(body.ok());
  EXPECT_EQ(*ReadString(*body, "s"), std::optional<std::string>("x"));
  EXPECT_EQ(*ReadString(*body, "missing"), std::nullopt);
  EXPECT_EQ(ReadString(*body, "n").error().code, "invalid_body");
  EXPECT_EQ(ReadString(*body, "z").error().code, "invalid_body");

  auto absent = ReadNullableString(*body, "missing");
  ASSERT_TRUE(absent.ok());
  EXPECT_FALSE(absent->has_value());
  auto null = ReadNullableString(*body, "z");
  ASSERT_TRUE(null.ok());
  ASSERT_TRUE(null->has_value());
  EXPECT_FALSE((*null)->has_value());
  EXPECT_EQ(ReadNullableString(*body, "n").error().code, "invalid_body");

  EXPECT_EQ(*ReadObjectAsJson(*body, "o", 100), std::optional<std::string>(R"({"k":[1,2]})"));
  EXPECT_EQ(ReadObjectAsJson(*body, "o", 10).error().code, "invalid_body");  // 11 bytes
  EXPECT_TRUE(ReadObjectAsJson(*body, "o", 11).ok());
  EXPECT_EQ(ReadObjectAsJson(*body, "s", 100).error().code, "invalid_body");

  EXPECT_TRUE(RejectUnknownFields(*body, {"s", "n", "z", "o"}).ok());
  Status unknown = RejectUnknownFields(*body, {"s", "n", "z"});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().message, "Unknown field 'o'");
}

std::string Reserialized(const std::string& text) {
  auto v = ParseStrictJson(text);
  EXPECT_TRUE(v.ok()) << text;
  return v.ok() ? SerializeJson(*v) : "<rejected>";
}

TEST(SerializeJsonTest, NumbersAsJavaScriptPrintsThem) {
  EXPECT_EQ(Reserialized("6.5"), "6.5");
  // "3800.0" parses to the double 3800, which JavaScript prints as 3800.
  EXPECT_EQ(Reserialized("3800.0"), "3800");
  EXPECT_EQ(Reserialized("1e2"), "100");
  EXPECT_EQ(Reserialized("-0.0"), "0");
  EXPECT_EQ(Reserialized("0.1"), "0.1");
  EXPECT_EQ(Reserialized("-2.25"), "-2.25");
  EXPECT_EQ(Reserialized("1e21"), "1e+21");
  EXPECT_EQ(Reserialized("42"), "42");
  EXPECT_EQ(Reserialized("-9223372036854775808"), "-9223372036854775808");
}

TEST(SerializeJsonTest, SmallAndLargeMagnitudesAsJavaScriptPrintsThem) {
  EXPECT_EQ(Reserialized("1e-7"), "1e-7");
  EXPECT_EQ(Reserialized("0.00001"), "0.00001");
  EXPECT_EQ(Reserialized("123456789012345680000.0"), "123456789012345680000");
}

TEST(SerializeJsonTest, CompactStructureAndStrings) {
  EXPECT_EQ(Reserialized(R"( { "b" : [ 1 , true , null , "x\"y" ] , "a" : { } } )"),
            R"({"b":[1,true,null,"x\"y"],"a":{}})");
  EXPECT_EQ(Reserialized(R"(["\u00e9","\n","\u0001"])"), "[\"\xc3\xa9\",\"\\n\",\"\\u0001\"]");
}

TEST(CodePointCountTest, CountsCodePoints) {
  EXPECT_EQ(CodePointCount(""), 0u);
  EXPECT_EQ(CodePointCount("abc"), 3u);
  EXPECT_EQ(CodePointCount("caf\xc3\xa9"), 4u);                   // é: 2 bytes
  EXPECT_EQ(CodePointCount("\xe6\xbc\xa2\xf0\x9f\x98\x80"), 2u);  // 漢 3 bytes, 😀 4 bytes
}

}  // namespace
}  // namespace goatherd::api
