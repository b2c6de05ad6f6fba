#include "api/pagination.h"

#include <gtest/gtest.h>

#include <string>

#include "core/crypto.h"

namespace goatherd::api {
namespace {

constexpr const char* kList = "projects|0190a000-0000-7000-8000-00000000000a";
constexpr const char* kOtherList = "projects|0190a000-0000-7000-8000-00000000000b";
constexpr const char* kId = "0190b000-0000-7000-8000-000000000003";

// The cursor format spelled out by hand from pagination.cpp's contract: base64url(payload) "."
// base64url(first 16 bytes of HMAC-SHA256(secret, payload)), payload = hex of the first 8 bytes
// of SHA-256(list identity) "|" created_at "|" id.
std::string HandMadeCursor(const std::string& secret, const std::string& list,
                           const std::string& created_at, const std::string& id) {
  std::string payload = HexEncode(Sha256(list).substr(0, 8)) + "|" + created_at + "|" + id;
  return Base64UrlEncode(payload) + "." +
         Base64UrlEncode(HmacSha256(secret, payload).substr(0, 16));
}

void ExpectBadCursor(const Result<KeysetPosition>& r, const std::string& what) {
  ASSERT_FALSE(r.ok()) << what;
  EXPECT_EQ(r.error().status, 400) << what;
  EXPECT_EQ(r.error().code, "invalid_query") << what;
}

TEST(CursorCodecTest, RoundTrip) {
  CursorCodec codec("secret-one");
  for (Timestamp t : {Timestamp{0}, Timestamp{1767225600}, Timestamp{-5}}) {
    const std::string cursor = codec.Encode(kList, KeysetPosition{t, kId});
    auto pos = codec.Decode(kList, cursor);
    ASSERT_TRUE(pos.ok()) << cursor;
    EXPECT_EQ(pos->created_at, t);
    EXPECT_EQ(pos->id, kId);
    // A cursor goes into a query string as is: only URL-safe characters.
    EXPECT_EQ(cursor.find_first_not_of(
                  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."),
              std::string::npos)
        << cursor;
  }
}

TEST(CursorCodecTest, AcceptsACursorBuiltIndependently) {
  CursorCodec codec("secret-one");
  auto pos = codec.Decode(kList, HandMadeCursor("secret-one", kList, "1767225600", kId));
  ASSERT_TRUE(pos.ok());
  EXPECT_EQ(pos->created_at, 1767225600);
  EXPECT_EQ(pos->id, kId);
  EXPECT_EQ(codec.Encode(kList, KeysetPosition{1767225600, kId}),
            HandMadeCursor("secret-one", kList, "1767225600", kId));
}

TEST(CursorCodecTest, TamperedPayloadIs400) {
  CursorCodec codec("secret-one");
  const std::string cursor = codec.Encode(kList, KeysetPosition{1767225600, kId});
  const std::string mac = cursor.substr(cursor.find('.') + 1);
  // Another position under the original MAC: the attack a forged cursor would try.
  std::string payload = HexEncode(Sha256(kList).substr(0, 8)) + "|1767225601|" + kId;
  ExpectBadCursor(codec.Decode(kList, Base64UrlEncode(payload) + "." + mac), "moved position");
  // One character of the payload changed.
  std::string flipped = cursor;
  flipped[3] = flipped[3] == 'A' ? 'B' : 'A';
  ExpectBadCursor(codec.Decode(kList, flipped), "flipped payload");
}

TEST(CursorCodecTest, TamperedMacIs400) {
  CursorCodec codec("secret-one");
  std::string cursor = codec.Encode(kList, KeysetPosition{1767225600, kId});
  std::string flipped = cursor;
  std::size_t i = cursor.find('.') + 2;
  flipped[i] = flipped[i] == 'A' ? 'B' : 'A';
  ExpectBadCursor(codec.Decode(kList, flipped), "flipped mac");
  ExpectBadCursor(codec.Decode(kList, cursor.substr(0, cursor.size() - 1)), "truncated mac");
  ExpectBadCursor(codec.Decode(kList, cursor.substr(0, cursor.find('.') + 1)), "empty mac");
}

TEST(CursorCodecTest, OtherListOrSecretIs400) {
  CursorCodec codec("secret-one");
  const std::string cursor = codec.Encode(kList, KeysetPosition{1767225600, kId});
  ExpectBadCursor(codec.Decode(kOtherList, cursor), "other list");
  ExpectBadCursor(CursorCodec("secret-two").Decode(kList, cursor), "other secret");
  // Validly signed, but for another list.
  ExpectBadCursor(codec.Decode(kList, HandMadeCursor("secret-one", kOtherList, "1767225600", kId)),
                  "signed for another list");
}

TEST(CursorCodecTest, MalformedCursorsAre400) {
  CursorCodec codec("secret-one");
  for (const std::string& bad :
       {std::string(""), std::string("."), std::string("abc"), std::string("a.b.c"),
        std::string(600, 'A') + ".AAAA", std::string("Zm9v.Zm9v"), std::string("Zg==.Zg==")}) {
    ExpectBadCursor(codec.Decode(kList, bad), "'" + bad + "'");
  }
  // Correctly signed payloads that do not parse.
  ExpectBadCursor(codec.Decode(kList, HandMadeCursor("secret-one", kList, "12x", kId)), "time");
  ExpectBadCursor(codec.Decode(kList, HandMadeCursor("secret-one", kList, "", kId)), "no time");
  ExpectBadCursor(codec.Decode(kList, HandMadeCursor("secret-one", kList, "1", "not-a-uuid")),
                  "id");
}

TEST(CursorCodecTest, ReadPageRequest) {
  CursorCodec codec("secret-one");
  auto none = codec.ReadPageRequest(*Query::Parse(""), kList);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->limit, 50);
  EXPECT_FALSE(none->after.has_value());

  const std::string cursor = codec.Encode(kList, KeysetPosition{200, kId});
  auto next = codec.ReadPageRequest(*Query::Parse("limit=2&cursor=" + cursor), kList);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->limit, 2);
  ASSERT_TRUE(next->after.has_value());
  EXPECT_EQ(next->after->created_at, 200);
  EXPECT_EQ(next->after->id, kId);

  EXPECT_EQ(codec.ReadPageRequest(*Query::Parse("cursor="), kList).error().code, "invalid_query");
  EXPECT_EQ(codec.ReadPageRequest(*Query::Parse("cursor=" + cursor), kOtherList).error().code,
            "invalid_query");
  EXPECT_EQ(codec.ReadPageRequest(*Query::Parse("limit=0&cursor=" + cursor), kList).error().code,
            "invalid_query");
}

struct Row {
  Timestamp created_at;
  std::string id;
};

TEST(CursorCodecTest, NextCursorPointsAtTheLastItem) {
  CursorCodec codec("secret-one");
  Page<Row> page;
  page.items = {{300, "0190b000-0000-7000-8000-000000000005"}, {200, kId}};
  page.has_more = true;
  auto next = codec.NextCursor(kList, page);
  ASSERT_TRUE(next.has_value());
  auto pos = codec.Decode(kList, *next);
  ASSERT_TRUE(pos.ok());
  EXPECT_EQ(pos->created_at, 200);
  EXPECT_EQ(pos->id, kId);
  page.has_more = false;
  EXPECT_EQ(codec.NextCursor(kList, page), std::nullopt);
}

}  // namespace
}  // namespace goatherd::api
