#include "core/time.h"

#include <date/date.h>
#include <date/tz.h>

#include <charconv>
#include <chrono>

namespace goatherd {
namespace {

bool ReadInt(std::string_view s, std::size_t pos, std::size_t len, int* out) {
  if (pos + len > s.size()) return false;
  for (std::size_t i = pos; i < pos + len; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  std::from_chars(s.data() + pos, s.data() + pos + len, *out);
  return true;
}

std::optional<DayNumber> CivilDay(int y, int m, int d) {
  date::year_month_day ymd{date::year{y}, date::month{static_cast<unsigned>(m)},
                           date::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  return static_cast<DayNumber>(date::sys_days{ymd}.time_since_epoch().count());
}

}  // namespace

namespace {
// Writes `value` as exactly `width` digits at `out`.
void PutDigits(char* out, unsigned value, int width) {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}

// "YYYY-MM-DD" of a day number into `out` (10 chars); years 0..9999, as the API's range needs.
void PutDate(char* out, DayNumber day) {
  date::year_month_day ymd{date::sys_days{date::days{day}}};
  PutDigits(out, static_cast<unsigned>(static_cast<int>(ymd.year())), 4);
  out[4] = '-';
  PutDigits(out + 5, static_cast<unsigned>(ymd.month()), 2);
  out[7] = '-';
  PutDigits(out + 8, static_cast<unsigned>(ymd.day()), 2);
}
}  // namespace

// Formatting by hand rather than through date::format: it runs for every timestamp of every
// response, and the stream-based formatter cost half of a list request.
void PutTimestamp(char* out, std::int64_t unix_seconds) {
  std::int64_t days = unix_seconds >= 0 ? unix_seconds / 86400 : (unix_seconds - 86399) / 86400;
  auto secs = static_cast<unsigned>(unix_seconds - days * 86400);
  PutDate(out, static_cast<DayNumber>(days));
  out[10] = 'T';
  PutDigits(out + 11, secs / 3600, 2);
  out[13] = ':';
  PutDigits(out + 14, secs / 60 % 60, 2);
  out[16] = ':';
  PutDigits(out + 17, secs % 60, 2);
  out[19] = 'Z';
}

std::string FormatTimestamp(std::int64_t unix_seconds) {
  std::string out(kTimestampLength, '\0');
  PutTimestamp(out.data(), unix_seconds);
  return out;
}

std::optional<std::int64_t> ParseTimestamp(std::string_view s) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
  if (s.size() < 20 || !ReadInt(s, 0, 4, &y) || s[4] != '-' || !ReadInt(s, 5, 2, &mo) ||
      s[7] != '-' || !ReadInt(s, 8, 2, &d) || (s[10] != 'T' && s[10] != 't') ||
      !ReadInt(s, 11, 2, &h) || s[13] != ':' || !ReadInt(s, 14, 2, &mi) || s[16] != ':' ||
      !ReadInt(s, 17, 2, &se)) {
    return std::nullopt;
  }
  if (h > 23 || mi > 59 || se > 60) return std::nullopt;
  auto day = CivilDay(y, mo, d);
  if (!day) return std::nullopt;
  std::size_t pos = 19;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    std::size_t digits = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos, ++digits;
    if (digits == 0) return std::nullopt;
  }
  std::int64_t offset = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh = 0, om = 0;
    if (!ReadInt(s, pos + 1, 2, &oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !ReadInt(s, pos + 4, 2, &om) || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset = (oh * 3600 + om * 60) * (s[pos] == '+' ? 1 : -1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  if (se == 60) se = 59;  // a leap second is folded into the second before it
  return static_cast<std::int64_t>(*day) * 86400 + h * 3600 + mi * 60 + se - offset;
}

std::string FormatDate(DayNumber day) {
  char buf[10];
  PutDate(buf, day);
  return std::string(buf, 10);
}

std::optional<DayNumber> ParseDate(std::string_view s) {
  int y = 0, m = 0, d = 0;
  if (s.size() != 10 || !ReadInt(s, 0, 4, &y) || s[4] != '-' || !ReadInt(s, 5, 2, &m) ||
      s[7] != '-' || !ReadInt(s, 8, 2, &d)) {
    return std::nullopt;
  }
  return CivilDay(y, m, d);
}

const date::time_zone* FindTimeZone(std::string_view name) {
  if (name.empty() || name.size() > 64) return nullptr;
  // The system zone directory also holds files that are not IANA zone names: the host's own
  // zone and the posix/ and right/ variants.
  if (name == "localtime" || name.rfind("posix/", 0) == 0 || name.rfind("right/", 0) == 0) {
    return nullptr;
  }
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {
    return nullptr;
  }
}

DayNumber LocalDay(std::int64_t unix_seconds, const date::time_zone* zone) {
  auto local = zone->to_local(date::sys_seconds{std::chrono::seconds{unix_seconds}});
  return static_cast<DayNumber>(date::floor<date::days>(local).time_since_epoch().count());
}

std::int64_t LocalDayStart(DayNumber day, const date::time_zone* zone) {
  date::local_seconds local{date::days{day}};
  // Midnight may fall in a gap (a zone that jumps over 00:00) or twice in an overlap: the day
  // starts at the earliest instant whose local date is `day`.
  auto info = zone->get_info(local);
  switch (info.result) {
    case date::local_info::unique:
      return (local - info.first.offset).time_since_epoch().count();
    case date::local_info::nonexistent:
      return info.second.begin.time_since_epoch().count();
    case date::local_info::ambiguous:
    default:
      return (local - info.first.offset).time_since_epoch().count();
  }
}

}  // namespace goatherd
