#include "core/uuid.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace goatherd {
namespace {

// 2026-01-01T00:00:00Z in milliseconds is 1767225600000 = 0x019b76daa800 (worked out with
// `date -u +%s` and a hex conversion), so a v7 id of that instant starts "019b76da-a800-7".
constexpr std::int64_t kNewYear2026Ms = 1767225600000;

bool IsLowerHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

TEST(NewUuidV7Test, LayoutIsCanonicalLowercase) {
  const std::string id = NewUuidV7(kNewYear2026Ms);
  ASSERT_EQ(id.size(), 36u);
  for (std::size_t i = 0; i < id.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      EXPECT_EQ(id[i], '-') << id;
    } else {
      EXPECT_TRUE(IsLowerHex(id[i])) << id << " at " << i;
    }
  }
}

TEST(NewUuidV7Test, TimePrefixIsTheUnixMillisecondsBigEndian) {
  EXPECT_EQ(NewUuidV7(kNewYear2026Ms).substr(0, 13), "019b76da-a800");
  EXPECT_EQ(NewUuidV7(0).substr(0, 13), "00000000-0000");
  // 0x0123456789ab: every nibble distinct, so a byte-order slip would show.
  EXPECT_EQ(NewUuidV7(0x0123456789abLL).substr(0, 13), "01234567-89ab");
}

TEST(NewUuidV7Test, VersionAndVariantBits) {
  // RFC 9562: the version nibble is the first of the third group; the variant's two top bits
  // (10) make the first nibble of the fourth group one of 8, 9, a, b. Random bits vary per call,
  // so many ids are checked.
  for (int i = 0; i < 200; ++i) {
    const std::string id = NewUuidV7(kNewYear2026Ms + i);
    EXPECT_EQ(id[14], '7') << id;
    EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos) << id;
  }
}

TEST(NewUuidV7Test, LaterMillisecondsSortLater) {
  std::string previous = NewUuidV7(kNewYear2026Ms);
  for (std::int64_t step : {1LL, 2LL, 255LL, 256LL, 65536LL, 86400000LL}) {
    const std::string next = NewUuidV7(kNewYear2026Ms + step);
    EXPECT_LT(previous, next) << "step " << step;
    previous = next;
  }
}

TEST(NewUuidV7Test, AnEarlierMillisecondAfterALaterOneStillSortsAfterIt) {
  std::string later = NewUuidV7(1700000000500);
  EXPECT_LT(later, NewUuidV7(1700000000499));
}

TEST(NewUuidV7Test, IdsOfOneMillisecondSortInMintingOrder) {
  std::string previous = NewUuidV7(1700000000123);
  for (int i = 0; i < 1000; ++i) {
    std::string next = NewUuidV7(1700000000123);
    ASSERT_LT(previous, next) << "after " << i << " ids";
    previous = next;
  }
}

TEST(NewUuidV7Test, RandomPartDiffers) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) seen.insert(NewUuidV7(kNewYear2026Ms));
  EXPECT_EQ(seen.size(), 100u);
}

TEST(NormalizeUuidTest, AcceptsAnyCaseAndVersion) {
  EXPECT_EQ(NormalizeUuid("01234567-89AB-CDEF-0123-456789ABCDEF"),
            "01234567-89ab-cdef-0123-456789abcdef");
  // Version 4 (random) and version 1, as imports may bring.
  EXPECT_EQ(NormalizeUuid("f47ac10b-58cc-4372-a567-0e02b2c3d479"),
            "f47ac10b-58cc-4372-a567-0e02b2c3d479");
  EXPECT_EQ(NormalizeUuid("C232AB00-9414-11EC-B3C8-9F6BDECED846"),
            "c232ab00-9414-11ec-b3c8-9f6bdeced846");
  // The nil UUID and mixed case.
  EXPECT_EQ(NormalizeUuid("00000000-0000-0000-0000-000000000000"),
            "00000000-0000-0000-0000-000000000000");
  EXPECT_EQ(NormalizeUuid("aBcDeF01-2345-6789-AbCd-Ef0123456789"),
            "abcdef01-2345-6789-abcd-ef0123456789");
}

TEST(NormalizeUuidTest, RejectsWrongLengths) {
  EXPECT_EQ(NormalizeUuid(""), std::nullopt);
  EXPECT_EQ(NormalizeUuid("01234567-89ab-cdef-0123-456789abcde"), std::nullopt);    // 35
  EXPECT_EQ(NormalizeUuid("01234567-89ab-cdef-0123-456789abcdef0"), std::nullopt);  // 37
  EXPECT_EQ(NormalizeUuid("0123456789abcdef0123456789abcdef"), std::nullopt);       // no dashes
  EXPECT_EQ(NormalizeUuid("{01234567-89ab-cdef-0123-456789abcdef}"), std::nullopt);
  EXPECT_EQ(NormalizeUuid("urn:uuid:01234567-89ab-cdef-0123-456789abcdef"), std::nullopt);
}

TEST(NormalizeUuidTest, RejectsMisplacedDashes) {
  // Each has 36 characters with four dashes, one of them out of place.
  EXPECT_EQ(NormalizeUuid("0123456-789ab-cdef-0123-456789abcdef"), std::nullopt);
  EXPECT_EQ(NormalizeUuid("01234567-89abc-def-0123-456789abcdef"), std::nullopt);
  EXPECT_EQ(NormalizeUuid("01234567-89ab-cdef0-123-456789abcdef"), std::nullopt);
  EXPECT_EQ(NormalizeUuid("01234567-89ab-cdef-01234-56789abcdef"), std::nullopt);
  EXPECT_EQ(NormalizeUuid("01234567-89ab-cdef-0123-45678-abcdef"), std::nullopt);
}

TEST(NormalizeUuidTest, RejectsNonHex) {
  EXPECT_EQ(NormalizeUuid("g1234567-89ab-cdef-0123-456789abcdef"), std::nullopt);
  EXPECT_EQ(NormalizeUuid("01234567-89ab-cdef-0123-456789abcdeG"), std::nullopt);
  EXPECT_EQ(NormalizeUuid("01234567-89ab-cdef-0123-456789abcde "), std::nullopt);
  EXPECT_EQ(NormalizeUuid("01234567-89ab-cdef-0123-456789abcd\n0"), std::nullopt);
  EXPECT_EQ(NormalizeUuid("01234567-89ab-cdef-0123-+56789abcdef"), std::nullopt);
  EXPECT_EQ(NormalizeUuid(std::string("01234567-89ab-cdef-0123-456789abcde\0", 36)), std::nullopt);
  // A non-ASCII byte (é is two bytes in UTF-8; the length stays 36).
  EXPECT_EQ(NormalizeUuid("01234567-89ab-cdef-0123-456789abcd\xc3\xa9"), std::nullopt);
}

TEST(NormalizeUuidTest, MintedIdsNormalizeToThemselves) {
  const std::string id = NewUuidV7(kNewYear2026Ms);
  EXPECT_EQ(NormalizeUuid(id), id);
}

}  // namespace
}  // namespace goatherd
