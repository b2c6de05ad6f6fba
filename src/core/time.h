// Time values of the API: RFC 3339 timestamps (UTC, seconds precision), calendar dates, and the
// mapping of instants to local days in an IANA time zone (Howard Hinnant's date/tz over the
// system tz database). Thread-safety: all functions are safe to call concurrently.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace date {
class time_zone;
}

namespace goatherd {

// Days since 1970-01-01 (a civil date, no zone attached).
using DayNumber = std::int32_t;

// "2026-01-01T08:00:00Z" for a unix time in seconds.
std::string FormatTimestamp(std::int64_t unix_seconds);
// The same kTimestampLength characters written at `out` (no terminator): for writers that
// would only copy the string.
constexpr std::size_t kTimestampLength = 20;
void PutTimestamp(char* out, std::int64_t unix_seconds);
// Accepts RFC 3339 with `Z` or a numeric offset and optional fractional seconds (truncated).
std::optional<std::int64_t> ParseTimestamp(std::string_view text);

// "YYYY-MM-DD" <-> day number. Parsing is strict: exactly that form, a real calendar date.
std::string FormatDate(DayNumber day);
std::optional<DayNumber> ParseDate(std::string_view text);

// The zone of that exact (case-sensitive) IANA name, or nullptr when there is none.
const date::time_zone* FindTimeZone(std::string_view name);

// The local calendar day of an instant in `zone`.
DayNumber LocalDay(std::int64_t unix_seconds, const date::time_zone* zone);
// The first instant (unix seconds) of local day `day` in `zone`.
std::int64_t LocalDayStart(DayNumber day, const date::time_zone* zone);

}  // namespace goatherd
