#include "core/tiktok_url.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace goatherd {
namespace {

constexpr char kId[] = "7301234567890123456";  // 19 digits, the usual length

struct PostCase {
  std::string url;
  bool is_photo;
  std::optional<std::string> handle;
};

TEST(ParseTikTokUrlTest, EveryPostForm) {
  const std::vector<PostCase> cases = {
      {"https://www.tiktok.com/@some.user/video/7301234567890123456", false, "some.user"},
      {"https://www.tiktok.com/@some.user/photo/7301234567890123456", true, "some.user"},
      {"https://m.tiktok.com/v/7301234567890123456.html", false, std::nullopt},
      {"https://m.tiktok.com/v/7301234567890123456", false, std::nullopt},
      {"https://www.tiktok.com/video/7301234567890123456", false, std::nullopt},
      {"https://www.tiktok.com/photo/7301234567890123456", true, std::nullopt},
      {"https://tiktok.com/@a_b-c/video/7301234567890123456", false, "a_b-c"},
      {"http://www.tiktok.com/@x/video/7301234567890123456", false, "x"},
      {"https://www.tiktok.com/@x/video/7301234567890123456/", false, "x"},
      {"https://www.tiktok.com/@x/video/7301234567890123456?is_from_webapp=1&sender_device=pc",
       false, "x"},
      {"https://www.tiktok.com/@x/video/7301234567890123456/?lang=en#comments", false, "x"},
      {"https://m.tiktok.com/@x/video/7301234567890123456", false, "x"},
      {"https://www.tiktok.com/embed/v2/7301234567890123456", false, std::nullopt},
      {"https://www.tiktok.com/embed/7301234567890123456", false, std::nullopt},
      {"https://www.tiktok.com/player/v1/7301234567890123456", false, std::nullopt},
      // Host case, a trailing dot, the default port, surrounding blanks, no scheme.
      {"HTTPS://WWW.TikTok.COM/@Mixed.Case/video/7301234567890123456", false, "Mixed.Case"},
      {"https://www.tiktok.com./@x/video/7301234567890123456", false, "x"},
      {"https://www.tiktok.com:443/@x/video/7301234567890123456", false, "x"},
      {"  https://www.tiktok.com/@x/video/7301234567890123456\n", false, "x"},
      {"www.tiktok.com/@x/video/7301234567890123456", false, "x"},
      {"tiktok.com/@x/photo/7301234567890123456", true, "x"},
      // A percent-encoded '@' is the same path.
      {"https://www.tiktok.com/%40x/video/7301234567890123456", false, "x"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.url);
    auto r = ParseTikTokUrl(c.url);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->kind, TikTokUrl::kPost);
    EXPECT_EQ(r->post.tiktok_video_id, kId);
    EXPECT_EQ(r->post.is_photo, c.is_photo);
    EXPECT_EQ(r->post.author_handle, c.handle);
  }
}

TEST(ParseTikTokUrlTest, IdsOfOtherLengths) {
  auto one = ParseTikTokUrl("https://www.tiktok.com/@x/video/7");
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->post.tiktok_video_id, "7");
  // 18446744073709551615 = 2^64 - 1 has 20 digits: the longest a 64-bit id can be.
  auto max = ParseTikTokUrl("https://www.tiktok.com/@x/video/18446744073709551615");
  ASSERT_TRUE(max.ok());
  EXPECT_EQ(max->post.tiktok_video_id, "18446744073709551615");
  auto too_long = ParseTikTokUrl("https://www.tiktok.com/@x/video/123456789012345678901");
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.error().status, 400);
}

TEST(ParseTikTokUrlTest, ShortLinksAreRecognisedNotResolved) {
  for (const char* url : {"https://vm.tiktok.com/ZMabc123/", "https://vt.tiktok.com/ZSxyz789",
                          "https://www.tiktok.com/t/ZT8abcDEF/", "vm.tiktok.com/ZMabc123"}) {
    SCOPED_TRACE(url);
    auto r = ParseTikTokUrl(url);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->kind, TikTokUrl::kShortLink);
    EXPECT_NE(r->short_link.find("tiktok.com/"), std::string::npos);
  }
}

struct Rejection {
  std::string url;
  std::string says;  // a piece of the message
};

TEST(ParseTikTokUrlTest, RejectionsSayWhatIsWrong) {
  const std::vector<Rejection> cases = {
      {"", "must not be empty"},
      {"   ", "must not be empty"},
      {"https://www.youtube.com/watch?v=abc", "got host 'www.youtube.com'"},
      {"https://tiktok.com.evil.example/@x/video/1", "got host 'tiktok.com.evil.example'"},
      {"https://eviltiktok.com/@x/video/1", "got host 'eviltiktok.com'"},
      {"ftp://www.tiktok.com/@x/video/1", "http or https"},
      {"javascript:alert(1)", "http or https"},
      {"https://user:pw@www.tiktok.com/@x/video/1", "user name or password"},
      {"https://www.tiktok.com:8443/@x/video/1", "port"},
      {"https://www.tiktok.com/@x", "creator's profile"},
      {"https://www.tiktok.com/@x/", "creator's profile"},
      {"https://www.tiktok.com/", "home page"},
      {"https://www.tiktok.com/@x/video/abc", "not a number"},
      {"https://www.tiktok.com/@x/video/12a4", "not a number"},
      {"https://www.tiktok.com/@x/video/-1", "not a number"},
      {"https://www.tiktok.com/@x/video/", "not a TikTok post link"},
      {"https://www.tiktok.com/@x/video/1/extra", "not a TikTok post link"},
      {"https://www.tiktok.com/@x/live", "not a TikTok post link"},
      {"https://www.tiktok.com/music/some-sound-123", "not a TikTok post link"},
      {"https://www.tiktok.com/@bad%20handle/video/1", "invalid handle"},
      {"https://www.tiktok.com/@" + std::string(31, 'a') + "/video/1", "invalid handle"},
      {"https://vm.tiktok.com/", "short link"},
      {"https://vm.tiktok.com/a/b", "short link"},
      {"https://www.tiktok.com/t/", "not a TikTok post link"},
      {"http://[::1]/@x/video/1", "got host"},
      {"https://www.tiktok.com/@x/video/1 2", "not a valid URL"},
      {"not a url at all", "not a valid URL"},
      {"https://" + std::string(2100, 'a'), "longer than 2048"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.url);
    auto r = ParseTikTokUrl(c.url);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().status, 400);
    EXPECT_EQ(r.error().code, "invalid_body");
    EXPECT_EQ(r.error().message.rfind("Field 'url' ", 0), 0u) << r.error().message;
    EXPECT_NE(r.error().message.find(c.says), std::string::npos) << r.error().message;
  }
}

TEST(ParseTikTokUrlTest, EchoedInputIsShortenedOnACharacterBoundary) {
  // 150 two-byte characters (300 bytes): the echo is cut below 200 bytes, never inside one.
  std::string path;
  for (int i = 0; i < 150; ++i) path += "\xC3\xA9";  // é
  auto r = ParseTikTokUrl("https://www.tiktok.com/" + path);
  ASSERT_FALSE(r.ok());
  const std::string& m = r.error().message;
  EXPECT_NE(m.find("..."), std::string::npos) << m;
  EXPECT_EQ(m.find("\xEF\xBF\xBD"), std::string::npos) << "a sequence was split: " << m;
}

}  // namespace
}  // namespace goatherd
