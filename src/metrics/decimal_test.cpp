#include "metrics/decimal.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace goatherd::metrics {
namespace {

TEST(RoundRatioTest, HalfwayRoundsAwayFromZero) {
  // 1/8 = 0.125: the third decimal is exactly half, so 0.12 becomes 0.13.
  EXPECT_EQ(RoundRatio(1, 8, 2), (Decimal{13, 2}));
  // -1/8 = -0.125 rounds away from zero to -0.13 (not towards +infinity to -0.12).
  EXPECT_EQ(RoundRatio(-1, 8, 2), (Decimal{-13, 2}));
  EXPECT_EQ(RoundRatio(1, -8, 2), (Decimal{-13, 2}));
  EXPECT_EQ(RoundRatio(-1, -8, 2), (Decimal{13, 2}));
  // 1.005 = 1005/1000, exactly halfway between 1.00 and 1.01 (as a double it is 1.00499..., which
  // would round down).
  EXPECT_EQ(RoundRatio(1005, 1000, 2), (Decimal{101, 2}));
  // -1/3200 x 100 = -0.03125 percent, halfway at the 5th decimal: -0.0313.
  EXPECT_EQ(RoundRatio(-1 * 100, 3200, 4), (Decimal{-313, 4}));
  // 2.5 at 0 decimals -> 3; -2.5 -> -3 (not banker's rounding to 2).
  EXPECT_EQ(RoundRatio(5, 2, 0), (Decimal{3, 0}));
  EXPECT_EQ(RoundRatio(-5, 2, 0), (Decimal{-3, 0}));
}

TEST(RoundRatioTest, BelowAndAboveHalf) {
  // 1/3 = 0.333... -> 0.33; 2/3 = 0.666... -> 0.67.
  EXPECT_EQ(RoundRatio(1, 3, 2), (Decimal{33, 2}));
  EXPECT_EQ(RoundRatio(2, 3, 2), (Decimal{67, 2}));
  // 0.12499 -> 0.12 (just below half).
  EXPECT_EQ(RoundRatio(12499, 100000, 2), (Decimal{12, 2}));
  // Exact values keep their digits: 59 x 100 / 1000 = 5.9 -> 5.9000 at 4 decimals.
  EXPECT_EQ(RoundRatio(5900, 1000, 4), (Decimal{59000, 4}));
}

TEST(RoundRatioTest, ExactBeyondDoublePrecision) {
  // 2^53 + 1 = 9007199254740993 has no double; the integer path keeps it.
  const std::int64_t beyond_double = (std::int64_t{1} << 53) + 1;
  EXPECT_EQ(RoundRatio(beyond_double, 1, 0), (Decimal{beyond_double, 0}));
  // (3 x 10^18 + 1) / 3 = 10^18 + 1/3 -> 10^18 at 0 decimals; the numerator overflows int64 but
  // not __int128.
  const __int128 big = static_cast<__int128>(3'000'000'000'000'000'000ULL) + 1;
  EXPECT_EQ(RoundRatio(big, 3, 0), (Decimal{1'000'000'000'000'000'000, 0}));
  // A huge count x 100 x 10^4 stays exact: (10^12 + 1) x 100 / 10^12 = 100.0000000001 -> 100 at
  // 4 decimals.
  EXPECT_EQ(RoundRatio(static_cast<__int128>(1'000'000'000'001) * 100, 1'000'000'000'000, 4),
            (Decimal{1'000'000, 4}));
}

TEST(RoundRatioTest, BeyondSixtyFourBitsTakesTheWidePath) {
  const __int128 ten19 = static_cast<__int128>(10'000'000'000'000'000'000ULL);
  // (2 x 10^19 + 1) / 4 = 5 x 10^18 + 0.25 -> 5 x 10^18; with + 2 it is exactly half -> up.
  EXPECT_EQ(RoundRatio(2 * ten19 + 1, 4, 0), (Decimal{5'000'000'000'000'000'000, 0}));
  EXPECT_EQ(RoundRatio(2 * ten19 + 2, 4, 0), (Decimal{5'000'000'000'000'000'001, 0}));
  // A denominator past 2^64: 3 x 10^19 / (2 x 10^19) = 1.5 -> 2, or 1.5 at one decimal.
  EXPECT_EQ(RoundRatio(3 * ten19, 2 * ten19, 0), (Decimal{2, 0}));
  EXPECT_EQ(RoundRatio(-3 * ten19, 2 * ten19, 1), (Decimal{-15, 1}));
}

TEST(RoundRatioTest, ZeroStaysZero) {
  EXPECT_EQ(RoundRatio(0, 7, 4), (Decimal{0, 4}));
  // -1/300 = -0.00333 rounds to 0 at 2 decimals: a plain zero, no sign.
  EXPECT_EQ(RoundRatio(-1, 300, 2), (Decimal{0, 2}));
}

TEST(ToJsonNumberTest, ShortestFormLikeJavaScript) {
  EXPECT_EQ(ToJsonNumber({65, 1}), "6.5");
  EXPECT_EQ(ToJsonNumber({65000, 4}), "6.5");    // trailing zeros of the fraction dropped
  EXPECT_EQ(ToJsonNumber({380000, 2}), "3800");  // never "3800.0"
  EXPECT_EQ(ToJsonNumber({3800, 0}), "3800");
  EXPECT_EQ(ToJsonNumber({13, 2}), "0.13");
  EXPECT_EQ(ToJsonNumber({-313, 4}), "-0.0313");
  EXPECT_EQ(ToJsonNumber({1, 4}), "0.0001");
  EXPECT_EQ(ToJsonNumber({10, 2}), "0.1");
  EXPECT_EQ(ToJsonNumber({100, 2}), "1");
  EXPECT_EQ(ToJsonNumber({-12345, 2}), "-123.45");
  EXPECT_EQ(ToJsonNumber({1000005, 4}), "100.0005");  // inner zeros kept
  EXPECT_EQ(ToJsonNumber({2571429, 4}), "257.1429");
}

TEST(ToJsonNumberTest, ZeroIsNeverNegative) {
  EXPECT_EQ(ToJsonNumber({0, 0}), "0");
  EXPECT_EQ(ToJsonNumber({0, 4}), "0");
  EXPECT_EQ(ToJsonNumber(RoundRatio(-1, 300, 2)), "0");  // -0.00333 -> 0, not "-0"
}

TEST(ToJsonNumberTest, TinyValuesUseExponentLikeJavaScript) {
  // JavaScript: (0.000001).toString() = "0.000001", (1e-7).toString() = "1e-7",
  // (1.5e-7).toString() = "1.5e-7".
  EXPECT_EQ(ToJsonNumber({1, 6}), "0.000001");
  EXPECT_EQ(ToJsonNumber({1, 7}), "1e-7");
  EXPECT_EQ(ToJsonNumber({-15, 8}), "-1.5e-7");
}

TEST(ToJsonNumberTest, Int64Extremes) {
  // 2^63 - 1 = 9223372036854775807; -2^63 = -9223372036854775808.
  EXPECT_EQ(ToJsonNumber({std::numeric_limits<std::int64_t>::max(), 0}), "9223372036854775807");
  EXPECT_EQ(ToJsonNumber({std::numeric_limits<std::int64_t>::min(), 2}), "-92233720368547758.08");
}

TEST(ToJsonNumberTest, AppendsWithoutClearing) {
  std::string text = "[";
  AppendJsonNumber({65, 1}, &text);
  text += ",";
  AppendJsonNumber({-5, 0}, &text);
  EXPECT_EQ(text, "[6.5,-5");
}

}  // namespace
}  // namespace goatherd::metrics
