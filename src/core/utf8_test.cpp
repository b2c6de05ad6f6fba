#include "core/utf8.h"

#include <gtest/gtest.h>

namespace goatherd {
namespace {

TEST(Utf8Test, AsciiOfEveryLengthAroundAWordIsValid) {
  const std::string text = "The quick brown fox jumps";
  for (std::size_t n = 0; n <= text.size(); ++n) {
    EXPECT_TRUE(IsValidUtf8(std::string_view(text).substr(0, n))) << n;
  }
}

TEST(Utf8Test, MultibyteSequencesAfterAsciiRuns) {
  EXPECT_TRUE(IsValidUtf8("12345678\xC3\xA9"));  // é after one ASCII word
  EXPECT_TRUE(
      IsValidUtf8("1234567\xE2\x82\xAC"
                  "abcdefgh"));                            // € straddling a word
  EXPECT_TRUE(IsValidUtf8("\xF0\x9F\x90\x90 goat herd"));  // U+1F410, then ASCII
  EXPECT_TRUE(IsValidUtf8("\xF4\x8F\xBF\xBF"));            // U+10FFFF, the largest
}

TEST(Utf8Test, InvalidBytesAnywhereAreFound) {
  EXPECT_FALSE(IsValidUtf8("12345678\xFF"));  // after a whole word
  EXPECT_FALSE(
      IsValidUtf8("1234567\xFF"
                  "abcdefgh"));                           // inside the first word
  EXPECT_FALSE(IsValidUtf8("abcdefghijklmnop\xC3"));      // truncated at the end
  EXPECT_FALSE(IsValidUtf8("abcdefgh\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("abcdefgh\xED\xA0\x80"));      // surrogate U+D800
  EXPECT_FALSE(IsValidUtf8("abcdefgh\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(
      IsValidUtf8("abcdefgh\x80"
                  "abcdefgh"));  // a lone continuation byte
}

TEST(Utf8Test, RepairReplacesEachInvalidByte) {
  EXPECT_EQ(RepairUtf8("abcdefgh\xFF"
                       "x\xC3\xA9"),
            "abcdefgh\xEF\xBF\xBD"
            "x\xC3\xA9");
  EXPECT_EQ(RepairUtf8("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");
}

}  // namespace
}  // namespace goatherd
