#include "core/tiktok_handle.h"

#include <gtest/gtest.h>

#include <string>

namespace goatherd {
namespace {

TEST(TikTokHandleTest, RuleAcceptsLettersDigitsDotUnderscoreDash) {
  EXPECT_TRUE(IsValidHandle("a"));
  EXPECT_TRUE(IsValidHandle("khaby.lame"));
  EXPECT_TRUE(IsValidHandle("Some_Body-9"));
  EXPECT_TRUE(IsValidHandle(std::string(30, 'x')));
}

TEST(TikTokHandleTest, RuleRefusesEmptyTooLongAndOtherCharacters) {
  EXPECT_FALSE(IsValidHandle(""));
  EXPECT_FALSE(IsValidHandle(std::string(31, 'x')));
  EXPECT_FALSE(IsValidHandle("with space"));
  EXPECT_FALSE(IsValidHandle("@name"));
  EXPECT_FALSE(IsValidHandle("na/me"));
  EXPECT_FALSE(IsValidHandle("caf\xc3\xa9"));  // é in UTF-8
  EXPECT_FALSE(IsValidHandle(std::string("a\0b", 3)));
}

TEST(TikTokHandleTest, StripRemovesOneAtAndSurroundingSpaces) {
  EXPECT_EQ(StripHandlePrefix("@name"), "name");
  EXPECT_EQ(StripHandlePrefix("name"), "name");
  EXPECT_EQ(StripHandlePrefix("  @name "), "name");
  EXPECT_EQ(StripHandlePrefix("@@name"), "@name");  // then refused by the rule
  EXPECT_EQ(StripHandlePrefix("@"), "");
}

TEST(TikTokHandleTest, UrlDetection) {
  EXPECT_TRUE(LooksLikeUrl("https://www.tiktok.com/@name"));
  EXPECT_TRUE(LooksLikeUrl("http://tiktok.com/@name"));
  EXPECT_TRUE(LooksLikeUrl("www.TikTok.com/@name"));
  EXPECT_TRUE(LooksLikeUrl("tiktok.com/@name/"));
  EXPECT_TRUE(LooksLikeUrl("ftp://example.com/x"));
  EXPECT_FALSE(LooksLikeUrl("name"));
  EXPECT_FALSE(LooksLikeUrl("@tiktok.com"));
  EXPECT_FALSE(LooksLikeUrl("tiktok.comedy"));
}

TEST(TikTokHandleTest, ProfileUrlForms) {
  EXPECT_EQ(HandleFromProfileUrl("https", "www.tiktok.com", "/@name").handle, "name");
  EXPECT_EQ(HandleFromProfileUrl("https", "tiktok.com", "/@name/").handle, "name");
  EXPECT_EQ(HandleFromProfileUrl("HTTP", "WWW.TIKTOK.COM", "/@Name.x").handle, "Name.x");
  EXPECT_EQ(HandleFromProfileUrl("https", "m.tiktok.com", "/@a_b").handle, "a_b");
}

TEST(TikTokHandleTest, ProfileUrlRefusals) {
  auto bad = [](std::string_view scheme, std::string_view host, std::string_view path) {
    ProfileUrlResult r = HandleFromProfileUrl(scheme, host, path);
    return !r.handle && !r.problem.empty();
  };
  EXPECT_TRUE(bad("ftp", "www.tiktok.com", "/@name"));
  EXPECT_TRUE(bad("https", "www.example.com", "/@name"));
  EXPECT_TRUE(bad("https", "tiktok.com.evil.io", "/@name"));
  EXPECT_TRUE(bad("https", "www.tiktok.com", "/name"));
  EXPECT_TRUE(bad("https", "www.tiktok.com", "/@name/video/7123456789012345678"));
  EXPECT_TRUE(bad("https", "www.tiktok.com", "/"));
  EXPECT_TRUE(bad("https", "www.tiktok.com", ""));
  // "/@" alone yields an empty handle, which the handle rule then refuses.
  EXPECT_EQ(HandleFromProfileUrl("https", "www.tiktok.com", "/@").handle, "");
}

}  // namespace
}  // namespace goatherd
