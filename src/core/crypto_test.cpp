#include "core/crypto.h"

#include <gtest/gtest.h>

#include <string>

namespace goatherd {
namespace {

// Expected digests are the published test vectors (FIPS 180-2 appendix B, RFC 4231 section 4),
// not outputs of this code.

TEST(Sha256Test, PublishedVectors) {
  EXPECT_EQ(HexEncode(Sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(HexEncode(Sha256("")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(HexEncode(Sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(Sha256("abc").size(), 32u);
}

TEST(HmacSha256Test, Rfc4231) {
  // Test case 1: key = 20 bytes of 0x0b.
  EXPECT_EQ(HexEncode(HmacSha256(std::string(20, '\x0b'), "Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  // Test case 2: a key shorter than the block.
  EXPECT_EQ(HexEncode(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // Test case 6: a key longer than the block is hashed first.
  EXPECT_EQ(HexEncode(HmacSha256(std::string(131, '\xaa'),
                                 "Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(HexEncodeTest, LowercaseTwoDigitsPerByte) {
  EXPECT_EQ(HexEncode(""), "");
  EXPECT_EQ(HexEncode(std::string("\x00\xff\x10\x0a", 4)), "00ff100a");
}

TEST(ConstantTimeEqualsTest, ComparesContentAndLength) {
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abcd"));
  EXPECT_FALSE(ConstantTimeEquals("abcd", "abc"));
  EXPECT_TRUE(ConstantTimeEquals(std::string("a\0b", 3), std::string("a\0b", 3)));
  EXPECT_FALSE(ConstantTimeEquals(std::string("a\0b", 3), std::string("a\0c", 3)));
}

TEST(RandomBytesTest, LengthAndVariety) {
  EXPECT_EQ(RandomBytes(0).size(), 0u);
  EXPECT_EQ(RandomBytes(32).size(), 32u);
  // Two 32-byte draws colliding would mean the generator is broken (chance 2^-256).
  EXPECT_NE(RandomBytes(32), RandomBytes(32));
}

TEST(Base64UrlTest, Rfc4648VectorsWithoutPadding) {
  // RFC 4648 section 10, padding removed.
  EXPECT_EQ(Base64UrlEncode(""), "");
  EXPECT_EQ(Base64UrlEncode("f"), "Zg");
  EXPECT_EQ(Base64UrlEncode("fo"), "Zm8");
  EXPECT_EQ(Base64UrlEncode("foo"), "Zm9v");
  EXPECT_EQ(Base64UrlEncode("foob"), "Zm9vYg");
  EXPECT_EQ(Base64UrlEncode("fooba"), "Zm9vYmE");
  EXPECT_EQ(Base64UrlEncode("foobar"), "Zm9vYmFy");
}

TEST(Base64UrlTest, UrlAlphabet) {
  // 0xfb 0xff = 111110 111111 1111(00): standard "+/8=", URL-safe "-_8".
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");
  EXPECT_EQ(Base64UrlEncode("\xff\xff\xff"), "____");
  std::string out;
  ASSERT_TRUE(Base64UrlDecode("-_8", &out));
  EXPECT_EQ(out, "\xfb\xff");
}

TEST(Base64UrlTest, DecodesVectors) {
  for (const auto& [text, bytes] :
       std::initializer_list<std::pair<const char*, const char*>>{{"", ""},
                                                                  {"Zg", "f"},
                                                                  {"Zm8", "fo"},
                                                                  {"Zm9v", "foo"},
                                                                  {"Zm9vYg", "foob"},
                                                                  {"Zm9vYmE", "fooba"},
                                                                  {"Zm9vYmFy", "foobar"}}) {
    std::string out = "stale";
    ASSERT_TRUE(Base64UrlDecode(text, &out)) << text;
    EXPECT_EQ(out, bytes) << text;
  }
}

TEST(Base64UrlTest, RoundTripsEveryLengthAndByte) {
  std::string bytes;
  for (int n = 0; n < 300; ++n) {
    std::string out;
    ASSERT_TRUE(Base64UrlDecode(Base64UrlEncode(bytes), &out)) << n;
    EXPECT_EQ(out, bytes) << n;
    bytes.push_back(static_cast<char>((n * 37 + 11) & 0xff));  // all 256 values appear
  }
}

TEST(Base64UrlTest, RejectsOtherSpellings) {
  std::string out = "untouched";
  for (const char* bad : {
           "Zg==",    // padding
           "Zm8=",    // padding
           "Zg=",     // partial padding
           "+/8",     // standard alphabet
           "-/8",     // mixed
           "+_8",     // mixed
           "Z",       // a length no encoding has
           "Zm9vY",   // idem
           "Zh",      // non-canonical: the trailing bits of 'h' (100001) are not zero
           "Zm9",     // idem: '9' = 111101 leaves 01 in the unused bits
           "Zm8 ",    // whitespace
           "\tZm8",   // whitespace
           "Zm\n9v",  // newline
           "Zm9*",    // not in the alphabet
           "Zm9.",    // idem
       }) {
    EXPECT_FALSE(Base64UrlDecode(bad, &out)) << "'" << bad << "'";
  }
  EXPECT_EQ(out, "untouched");
  EXPECT_FALSE(Base64UrlDecode(std::string("Zm\0v", 4), &out));
}

}  // namespace
}  // namespace goatherd
