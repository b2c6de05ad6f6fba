#include "metrics/local_day_mapper.h"

#include <date/tz.h>

#include <chrono>

namespace goatherd::metrics {

void LocalDayMapper::LoadPeriod(Timestamp unix_seconds) {
  const date::sys_info info =
      zone_->get_info(date::sys_seconds{std::chrono::seconds{unix_seconds}});
  period_begin_ = info.begin.time_since_epoch().count();
  period_end_ = info.end.time_since_epoch().count();
  offset_seconds_ = info.offset.count();
}

}  // namespace goatherd::metrics
