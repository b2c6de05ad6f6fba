#include "api/date_range.h"

namespace goatherd::api {
namespace {
constexpr int kMaxRangeDays = 366;

Result<std::optional<DayNumber>> ReadDate(const Query& query, const char* name) {
  auto text = query.GetRequiredValue(name);
  if (!text) return text.error();
  if (!text->has_value()) return std::optional<DayNumber>();
  auto day = ParseDate(**text);
  if (!day) {
    return Error::InvalidQuery(std::string("Query parameter '") + name +
                               "' must be a date YYYY-MM-DD, got '" + **text + "'");
  }
  return std::optional<DayNumber>(*day);
}
}  // namespace

Result<DateRange> ReadDateRange(const Query& query, const Organization& org, const Clock& clock) {
  DateRange range;
  auto tz = query.GetRequiredValue("tz");
  if (!tz) return tz.error();
  range.tz_name = tz->value_or(org.timezone);
  range.zone = FindTimeZone(range.tz_name);
  if (!range.zone) {
    return Error::InvalidQuery("Unknown time zone '" + range.tz_name +
                               "': use an IANA name such as America/New_York (in a query string "
                               "'+' means a space: send Etc/GMT%2B5)");
  }
  range.today = LocalDay(clock.NowSeconds(), range.zone);
  auto from = ReadDate(query, "from");
  if (!from) return from.error();
  auto to = ReadDate(query, "to");
  if (!to) return to.error();
  range.to = to->value_or(range.today);
  range.from = from->value_or(range.to - 29);
  if (range.from > range.to) {
    return Error::InvalidQuery("'from' (" + FormatDate(range.from) + ") is after 'to' (" +
                               FormatDate(range.to) + ")");
  }
  if (range.to - range.from + 1 > kMaxRangeDays) {
    return Error::InvalidQuery("The range spans " + std::to_string(range.to - range.from + 1) +
                               " days; at most 366 are allowed");
  }
  return range;
}

Status CheckRetention(const DateRange& range, const Organization& org, PlanLimitCache& limits) {
  auto retention = limits.Get(org.plan, "stats_history_retention_days");
  if (!retention) return retention.error();
  if (!retention->has_value()) return Status::Ok();
  std::int64_t days = **retention;
  DayNumber earliest = static_cast<DayNumber>(range.today - (days - 1));
  if (range.from >= earliest) return Status::Ok();
  return Error(402, "retention_exceeded",
               "Requested range starts before your plan's " + std::to_string(days) + "-day history",
               {{"tier_retention_days", days}, {"earliest_allowed", FormatDate(earliest)}});
}

}  // namespace goatherd::api
