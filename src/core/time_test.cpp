#include "core/time.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace goatherd {
namespace {

// Instants and day numbers below were worked out with GNU `date -u -d ... +%s` (an independent
// implementation), e.g. 2026-01-01T00:00:00Z = 1767225600 = day 20454 x 86400.
constexpr std::int64_t kNewYear2026 = 1767225600;  // 2026-01-01T00:00:00Z
constexpr DayNumber kDay20260101 = 20454;
constexpr std::int64_t kHour = 3600;
constexpr std::int64_t kDaySeconds = 86400;

const date::time_zone* Zone(const char* name) {
  const date::time_zone* zone = FindTimeZone(name);
  EXPECT_NE(zone, nullptr) << name;
  return zone;
}

TEST(FormatTimestampTest, UtcWithZSecondsPrecision) {
  EXPECT_EQ(FormatTimestamp(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatTimestamp(kNewYear2026), "2026-01-01T00:00:00Z");
  EXPECT_EQ(FormatTimestamp(kNewYear2026 + 8 * kHour), "2026-01-01T08:00:00Z");
  EXPECT_EQ(FormatTimestamp(-1), "1969-12-31T23:59:59Z");
  EXPECT_EQ(FormatTimestamp(253402300799), "9999-12-31T23:59:59Z");
}

TEST(ParseTimestampTest, UtcForms) {
  EXPECT_EQ(ParseTimestamp("2026-01-01T08:00:00Z"), kNewYear2026 + 8 * kHour);
  EXPECT_EQ(ParseTimestamp("1970-01-01T00:00:00Z"), 0);
  // RFC 3339 allows lowercase t and z.
  EXPECT_EQ(ParseTimestamp("2026-01-01t08:00:00z"), kNewYear2026 + 8 * kHour);
}

TEST(ParseTimestampTest, NumericOffsets) {
  // 13:30 at +05:30 and 00:00 at -08:00 are both 08:00 UTC.
  EXPECT_EQ(ParseTimestamp("2026-01-01T13:30:00+05:30"), kNewYear2026 + 8 * kHour);
  EXPECT_EQ(ParseTimestamp("2026-01-01T00:00:00-08:00"), kNewYear2026 + 8 * kHour);
  EXPECT_EQ(ParseTimestamp("2026-01-01T08:00:00+00:00"), kNewYear2026 + 8 * kHour);
  EXPECT_EQ(ParseTimestamp("2026-01-01T08:00:00-00:00"), kNewYear2026 + 8 * kHour);
  // An offset that crosses the date line backwards: 2026-01-01T02:00+05:30 = 2025-12-31T20:30Z.
  EXPECT_EQ(ParseTimestamp("2026-01-01T02:00:00+05:30"), kNewYear2026 - 3 * kHour - 30 * 60);
}

TEST(ParseTimestampTest, FractionalSecondsAreTruncated) {
  EXPECT_EQ(ParseTimestamp("2026-01-01T08:00:00.999Z"), kNewYear2026 + 8 * kHour);
  EXPECT_EQ(ParseTimestamp("2026-01-01T08:00:00.5Z"), kNewYear2026 + 8 * kHour);
  EXPECT_EQ(ParseTimestamp("2026-01-01T08:00:00.123456789Z"), kNewYear2026 + 8 * kHour);
  EXPECT_EQ(ParseTimestamp("2026-01-01T13:30:00.25+05:30"), kNewYear2026 + 8 * kHour);
}

TEST(ParseTimestampTest, LeapSecondFoldsIntoTheSecondBefore) {
  // 2016-12-31T23:59:60Z was a real leap second; 2016-12-31T23:59:59Z = 1483228799.
  EXPECT_EQ(ParseTimestamp("2016-12-31T23:59:60Z"), 1483228799);
}

TEST(ParseTimestampTest, RoundTripsWithFormat) {
  for (std::int64_t t : {std::int64_t{0}, std::int64_t{-1}, kNewYear2026,
                         kNewYear2026 + 8 * kHour + 59, std::int64_t{1483228799},
                         std::int64_t{253402300799}, std::int64_t{951782400} /* 2000-02-29 */}) {
    EXPECT_EQ(ParseTimestamp(FormatTimestamp(t)), t) << t;
  }
  for (const char* text :
       {"2026-01-01T08:00:00Z", "2024-02-29T23:59:59Z", "1999-12-31T00:00:01Z"}) {
    auto t = ParseTimestamp(text);
    ASSERT_TRUE(t.has_value()) << text;
    EXPECT_EQ(FormatTimestamp(*t), text);
  }
}

TEST(ParseTimestampTest, RejectsBadForms) {
  for (const char* bad : {
           "",
           "2026-01-01",
           "2026-01-01T08:00:00",        // no zone
           "2026-01-01T08:00Z",          // no seconds
           "2026-01-01T8:00:00Z",        // one-digit hour
           "2026-1-01T08:00:00Z",        // one-digit month
           "26-01-01T08:00:00Z",         // two-digit year
           "2026/01/01T08:00:00Z",       // wrong separators
           "2026-01-01X08:00:00Z",       // not T
           "2026-01-01T24:00:00Z",       // hour 24
           "2026-01-01T08:60:00Z",       // minute 60
           "2026-01-01T08:00:61Z",       // second 61
           "2026-02-30T08:00:00Z",       // no such day
           "2026-13-01T08:00:00Z",       // no such month
           "2026-00-01T08:00:00Z",       // month 0
           "2026-01-00T08:00:00Z",       // day 0
           "2026-01-01T08:00:00.Z",      // dot without digits
           "2026-01-01T08:00:00+0530",   // offset without colon
           "2026-01-01T08:00:00+05",     // offset without minutes
           "2026-01-01T08:00:00+24:00",  // offset hour 24
           "2026-01-01T08:00:00+05:60",  // offset minute 60
           "2026-01-01T08:00:00ZZ",      // trailing junk
           "2026-01-01T08:00:00Z ",      // trailing space
           " 2026-01-01T08:00:00Z",      // leading space
           "2026-01-01T08:00:00UTC",     // zone name
           "+2026-01-01T08:00:00Z",      // sign
           "2026-01-01T08:00:00,5Z",     // comma decimal
       }) {
    EXPECT_EQ(ParseTimestamp(bad), std::nullopt) << "'" << bad << "'";
  }
}

TEST(DateTest, FormatAndParse) {
  EXPECT_EQ(FormatDate(0), "1970-01-01");
  EXPECT_EQ(FormatDate(-1), "1969-12-31");
  EXPECT_EQ(FormatDate(kDay20260101), "2026-01-01");
  EXPECT_EQ(ParseDate("2026-01-01"), kDay20260101);
  EXPECT_EQ(ParseDate("1970-01-01"), 0);
  // 2024 is a leap year: 2024-02-29 is day 19782.
  EXPECT_EQ(ParseDate("2024-02-29"), 19782);
  EXPECT_EQ(ParseDate("2026-03-08"), 20520);
}

TEST(DateTest, ParseIsStrict) {
  for (const char* bad :
       {"2026-02-30", "2026-02-29", "2026-2-1", "2026-02-1", "2026-13-01", "2026-00-01",
        "2026-01-00", "2026-01-32", "2026/01/01", "20260101", "2026-01-01T00:00:00Z", " 2026-01-01",
        "2026-01-01 ", "", "2026-01", "+026-01-01", "2026-0a-01"}) {
    EXPECT_EQ(ParseDate(bad), std::nullopt) << "'" << bad << "'";
  }
  EXPECT_EQ(ParseDate("1900-02-29"), std::nullopt);  // divisible by 100, not a leap year
  EXPECT_EQ(ParseDate("2000-02-29"), 11016);         // divisible by 400: 951782400 / 86400
}

TEST(FindTimeZoneTest, ExactNamesOnly) {
  EXPECT_NE(FindTimeZone("UTC"), nullptr);
  EXPECT_NE(FindTimeZone("America/New_York"), nullptr);
  EXPECT_NE(FindTimeZone("Asia/Kolkata"), nullptr);
  EXPECT_EQ(FindTimeZone("america/new_york"), nullptr);
  EXPECT_EQ(FindTimeZone("AMERICA/NEW_YORK"), nullptr);
  EXPECT_EQ(FindTimeZone("utc"), nullptr);
  EXPECT_EQ(FindTimeZone("Mars/Olympus_Mons"), nullptr);
  EXPECT_EQ(FindTimeZone(""), nullptr);
  EXPECT_EQ(FindTimeZone("America/New_York "), nullptr);
  EXPECT_EQ(FindTimeZone("../../etc/passwd"), nullptr);
  EXPECT_EQ(FindTimeZone(std::string(100, 'A')), nullptr);
}

TEST(LocalDayTest, UtcIsTheCivilDay) {
  const auto* utc = Zone("UTC");
  EXPECT_EQ(LocalDay(kNewYear2026, utc), kDay20260101);
  EXPECT_EQ(LocalDay(kNewYear2026 - 1, utc), kDay20260101 - 1);
  EXPECT_EQ(LocalDay(kNewYear2026 + kDaySeconds - 1, utc), kDay20260101);
  EXPECT_EQ(LocalDay(-1, utc), -1);
}

TEST(LocalDayTest, NewYorkAroundSpringForward) {
  // 2026-03-08: EST (-05:00) until 07:00Z, then EDT (-04:00).
  const auto* ny = Zone("America/New_York");
  constexpr DayNumber kMar7 = 20519, kMar8 = 20520, kMar9 = 20521;
  constexpr std::int64_t kMar8Utc = 1772928000;              // 2026-03-08T00:00:00Z
  EXPECT_EQ(LocalDay(kMar8Utc + 5 * kHour - 1, ny), kMar7);  // 23:59:59 EST on Mar 7
  EXPECT_EQ(LocalDay(kMar8Utc + 5 * kHour, ny), kMar8);      // 00:00 EST
  EXPECT_EQ(LocalDay(kMar8Utc + 7 * kHour, ny), kMar8);      // 03:00 EDT
  // The local day is 23 hours long: Mar 9 starts at 04:00Z.
  EXPECT_EQ(LocalDay(kMar8Utc + 28 * kHour - 1, ny), kMar8);  // 23:59:59 EDT
  EXPECT_EQ(LocalDay(kMar8Utc + 28 * kHour, ny), kMar9);
  EXPECT_EQ(LocalDayStart(kMar8, ny), kMar8Utc + 5 * kHour);   // 1772946000
  EXPECT_EQ(LocalDayStart(kMar9, ny), kMar8Utc + 28 * kHour);  // 1773028800
}

TEST(LocalDayTest, NewYorkAroundFallBack) {
  // 2026-11-01: EDT (-04:00) until 06:00Z, then EST (-05:00); the local day has 25 hours.
  const auto* ny = Zone("America/New_York");
  constexpr DayNumber kOct31 = 20757, kNov1 = 20758, kNov2 = 20759;
  constexpr std::int64_t kNov1Utc = 1793491200;  // 2026-11-01T00:00:00Z
  EXPECT_EQ(LocalDay(kNov1Utc + 4 * kHour - 1, ny), kOct31);
  EXPECT_EQ(LocalDay(kNov1Utc + 4 * kHour, ny), kNov1);
  EXPECT_EQ(LocalDay(kNov1Utc + 5 * kHour + 30 * 60, ny), kNov1);  // 01:30 EDT
  EXPECT_EQ(LocalDay(kNov1Utc + 6 * kHour + 30 * 60, ny), kNov1);  // 01:30 EST, again
  EXPECT_EQ(LocalDay(kNov1Utc + 29 * kHour - 1, ny), kNov1);       // 23:59:59 EST
  EXPECT_EQ(LocalDay(kNov1Utc + 29 * kHour, ny), kNov2);
  EXPECT_EQ(LocalDayStart(kNov1, ny), kNov1Utc + 4 * kHour);   // 1793505600
  EXPECT_EQ(LocalDayStart(kNov2, ny), kNov1Utc + 29 * kHour);  // 1793595600
}

TEST(LocalDayTest, KolkataHalfHourOffset) {
  // +05:30 all year: local Jan 2 starts at 2026-01-01T18:30:00Z.
  const auto* kolkata = Zone("Asia/Kolkata");
  const std::int64_t jan2_start = kNewYear2026 + 18 * kHour + 30 * 60;  // 1767292200
  EXPECT_EQ(LocalDay(jan2_start - 1, kolkata), kDay20260101);
  EXPECT_EQ(LocalDay(jan2_start, kolkata), kDay20260101 + 1);
  EXPECT_EQ(LocalDayStart(kDay20260101 + 1, kolkata), jan2_start);
  EXPECT_EQ(LocalDayStart(kDay20260101, kolkata), jan2_start - kDaySeconds);
}

TEST(LocalDayStartTest, UtcMidnight) {
  const auto* utc = Zone("UTC");
  EXPECT_EQ(LocalDayStart(kDay20260101, utc), kNewYear2026);
  EXPECT_EQ(LocalDayStart(0, utc), 0);
}

TEST(LocalDayStartTest, MidnightSkippedStartsAtTheTransition) {
  // Cuba springs forward at 00:00 local: 2026-03-07T23:59:59 CST (-05:00) is followed by
  // 2026-03-08T01:00:00 CDT (-04:00) at 05:00Z (zdump). Local Mar 8 starts at 05:00Z.
  EXPECT_EQ(LocalDayStart(20520, Zone("America/Havana")), 1772946000);  // 2026-03-08T05:00:00Z
  EXPECT_EQ(LocalDay(1772946000 - 1, Zone("America/Havana")), 20519);
  EXPECT_EQ(LocalDay(1772946000, Zone("America/Havana")), 20520);
  // Chile springs forward at 00:00 local on 2026-09-06, at 04:00Z (-04:00 -> -03:00).
  EXPECT_EQ(LocalDayStart(20702, Zone("America/Santiago")), 1788667200);  // 2026-09-06T04:00Z
  // Lebanon springs forward at 00:00 local on 2026-03-29, at 22:00Z the day before.
  EXPECT_EQ(LocalDayStart(20541, Zone("Asia/Beirut")), 1774735200);  // 2026-03-28T22:00Z
}

TEST(LocalDayStartTest, MidnightTwiceStartsAtTheFirst) {
  // Cuba fell back at 01:00 CDT on 2025-11-02 to 00:00 CST (05:00Z, zdump): local midnight of
  // Nov 2 happened at 04:00Z (CDT) and again at 05:00Z (CST). The day starts at the first.
  EXPECT_EQ(LocalDayStart(20394, Zone("America/Havana")), 1762056000);  // 2025-11-02T04:00Z
}

}  // namespace
}  // namespace goatherd
