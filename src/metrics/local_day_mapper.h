// Maps instants to local calendar days in one time zone, fast. date::time_zone::to_local looks
// the offset up in the zone's transition table on every call; a video's snapshots are walked in
// time order and the offset changes at most twice a year, so this keeps the current offset
// period [begin, end) and only asks the zone again when an instant falls outside it.
// Thread-safety: not thread-safe (the cache mutates on lookup); cheap to create, so make one per
// computation or per thread. The zone itself may be shared.
#pragma once

#include "core/time.h"
#include "core/types.h"

namespace goatherd::metrics {

class LocalDayMapper {
 public:
  // `zone` must outlive the mapper (zones of the tz database live for the whole program).
  explicit LocalDayMapper(const date::time_zone* zone) : zone_(zone) {}

  const date::time_zone* zone() const { return zone_; }

  // The local calendar day of `unix_seconds`; equal to LocalDay(unix_seconds, zone()).
  DayNumber DayOf(Timestamp unix_seconds) {
    if (unix_seconds < period_begin_ || unix_seconds >= period_end_) LoadPeriod(unix_seconds);
    return FloorDiv(unix_seconds + offset_seconds_, 86400);
  }

 private:
  static DayNumber FloorDiv(Timestamp value, Timestamp divisor) {
    Timestamp quotient = value / divisor;
    if (value % divisor < 0) --quotient;
    return static_cast<DayNumber>(quotient);
  }

  // Caches the offset period of the zone that contains `unix_seconds`.
  void LoadPeriod(Timestamp unix_seconds);

  const date::time_zone* zone_;
  // An empty period until the first lookup.
  Timestamp period_begin_ = 1;
  Timestamp period_end_ = 0;
  Timestamp offset_seconds_ = 0;
};

}  // namespace goatherd::metrics
