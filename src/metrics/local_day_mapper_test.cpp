#include "metrics/local_day_mapper.h"

#include <gtest/gtest.h>

#include "core/time.h"
#include "metrics/test_helpers.h"

namespace goatherd::metrics {
namespace {

using testutil::At;
using testutil::Day;
using testutil::Zone;

TEST(LocalDayMapperTest, UtcMidnight) {
  LocalDayMapper mapper(Zone("UTC"));
  EXPECT_EQ(mapper.DayOf(At("2026-01-01T23:59:59Z")), Day("2026-01-01"));
  EXPECT_EQ(mapper.DayOf(At("2026-01-02T00:00:00Z")), Day("2026-01-02"));
  // Before 1970 the day number is negative and division must floor, not truncate.
  EXPECT_EQ(mapper.DayOf(At("1969-12-31T23:00:00Z")), -1);
}

TEST(LocalDayMapperTest, NewYorkSpringForward2026) {
  // 2026-03-08 02:00 EST (07:00Z) jumps to 03:00 EDT. Mar 8 starts at 05:00Z (UTC-5) and Mar 9
  // starts at 04:00Z (UTC-4): a 23-hour day.
  LocalDayMapper mapper(Zone("America/New_York"));
  EXPECT_EQ(mapper.DayOf(At("2026-03-08T04:59:59Z")), Day("2026-03-07"));  // 23:59:59 EST
  EXPECT_EQ(mapper.DayOf(At("2026-03-08T05:00:00Z")), Day("2026-03-08"));  // 00:00 EST
  EXPECT_EQ(mapper.DayOf(At("2026-03-08T06:59:59Z")), Day("2026-03-08"));  // 01:59:59 EST
  EXPECT_EQ(mapper.DayOf(At("2026-03-08T07:00:00Z")), Day("2026-03-08"));  // 03:00 EDT
  EXPECT_EQ(mapper.DayOf(At("2026-03-09T03:59:59Z")), Day("2026-03-08"));  // 23:59:59 EDT
  EXPECT_EQ(mapper.DayOf(At("2026-03-09T04:00:00Z")), Day("2026-03-09"));  // 00:00 EDT
  // 04:30Z would still be Mar 8 (23:30) under EST: only the new offset puts it on Mar 9.
  EXPECT_EQ(mapper.DayOf(At("2026-03-09T04:30:00Z")), Day("2026-03-09"));
}

TEST(LocalDayMapperTest, NewYorkFallBack2026) {
  // 2026-11-01 02:00 EDT (06:00Z) falls back to 01:00 EST: Nov 1 runs from 04:00Z to 05:00Z on
  // Nov 2, 25 hours.
  LocalDayMapper mapper(Zone("America/New_York"));
  EXPECT_EQ(mapper.DayOf(At("2026-11-01T03:59:59Z")), Day("2026-10-31"));  // 23:59:59 EDT
  EXPECT_EQ(mapper.DayOf(At("2026-11-01T04:00:00Z")), Day("2026-11-01"));  // 00:00 EDT
  EXPECT_EQ(mapper.DayOf(At("2026-11-02T04:30:00Z")), Day("2026-11-01"));  // 23:30 EST
  EXPECT_EQ(mapper.DayOf(At("2026-11-02T05:00:00Z")), Day("2026-11-02"));  // 00:00 EST
}

TEST(LocalDayMapperTest, BerlinSpringForward2026) {
  // 2026-03-29 02:00 CET (01:00Z) jumps to 03:00 CEST. Mar 29 starts at 23:00Z on Mar 28 (UTC+1)
  // and Mar 30 starts at 22:00Z on Mar 29 (UTC+2).
  LocalDayMapper mapper(Zone("Europe/Berlin"));
  EXPECT_EQ(mapper.DayOf(At("2026-03-28T22:59:59Z")), Day("2026-03-28"));  // 23:59:59 CET
  EXPECT_EQ(mapper.DayOf(At("2026-03-28T23:00:00Z")), Day("2026-03-29"));  // 00:00 CET
  EXPECT_EQ(mapper.DayOf(At("2026-03-29T00:59:59Z")), Day("2026-03-29"));  // 01:59:59 CET
  EXPECT_EQ(mapper.DayOf(At("2026-03-29T01:00:00Z")), Day("2026-03-29"));  // 03:00 CEST
  EXPECT_EQ(mapper.DayOf(At("2026-03-29T21:59:59Z")), Day("2026-03-29"));  // 23:59:59 CEST
  EXPECT_EQ(mapper.DayOf(At("2026-03-29T22:00:00Z")), Day("2026-03-30"));  // 00:00 CEST
  // 22:30Z would be 23:30 on Mar 29 under CET.
  EXPECT_EQ(mapper.DayOf(At("2026-03-29T22:30:00Z")), Day("2026-03-30"));
}

TEST(LocalDayMapperTest, KolkataHalfHourOffset) {
  // IST is UTC+05:30 all year: local midnight is 18:30Z of the previous UTC day.
  LocalDayMapper mapper(Zone("Asia/Kolkata"));
  EXPECT_EQ(mapper.DayOf(At("2026-01-10T18:29:59Z")), Day("2026-01-10"));  // 23:59:59 IST
  EXPECT_EQ(mapper.DayOf(At("2026-01-10T18:30:00Z")), Day("2026-01-11"));  // 00:00 IST
  EXPECT_EQ(mapper.DayOf(At("2026-01-11T00:00:00Z")), Day("2026-01-11"));  // 05:30 IST
  // 1969-12-31 23:00Z is 1970-01-01 04:30 IST: day 0.
  EXPECT_EQ(mapper.DayOf(At("1969-12-31T23:00:00Z")), 0);
}

// The cache must give what the zone's own conversion gives, in any lookup order.
TEST(LocalDayMapperTest, AgreesWithLocalDayThroughTheYear) {
  for (const char* name : {"America/New_York", "Europe/Berlin", "Asia/Kolkata",
                           "Australia/Lord_Howe", "Pacific/Chatham", "UTC"}) {
    const date::time_zone* zone = Zone(name);
    const Timestamp start = At("2025-12-25T00:00:00Z");
    const Timestamp end = At("2027-01-05T00:00:00Z");
    LocalDayMapper forward(zone);
    for (Timestamp t = start; t < end; t += 15 * 60) {
      ASSERT_EQ(forward.DayOf(t), LocalDay(t, zone)) << name << " " << FormatTimestamp(t);
    }
    LocalDayMapper backward(zone);
    for (Timestamp t = end; t > start; t -= 3 * 3600 + 7) {
      ASSERT_EQ(backward.DayOf(t), LocalDay(t, zone)) << name << " " << FormatTimestamp(t);
    }
  }
}

}  // namespace
}  // namespace goatherd::metrics
