// The date-range parameters shared by every endpoint that takes one (api-conventions.md "Date
// ranges"): `tz` (IANA, default the organization's), `from`/`to` (inclusive local dates, default
// the last 30 days ending today), at most 366 days, and the plan's history retention (402).
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "api/plan_limits.h"
#include "api/query.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/time.h"
#include "core/types.h"
#include "store/store.h"

namespace goatherd::api {

struct DateRange {
  std::string tz_name;  // as given (echoed back), or the organization's
  const date::time_zone* zone = nullptr;
  DayNumber today = 0;
  DayNumber from = 0;
  DayNumber to = 0;
};

// 400 invalid_query for a bad tz or date, from > to, or more than 366 days.
Result<DateRange> ReadDateRange(const Query& query, const Organization& org, const Clock& clock);

// 402 retention_exceeded when `from` reaches past the plan's stats_history_retention_days.
Status CheckRetention(const DateRange& range, const Organization& org, PlanLimitCache& limits);

}  // namespace goatherd::api
