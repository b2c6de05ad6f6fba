#include "store/org_settings.h"

#include <algorithm>
#include <boost/json/parse.hpp>

namespace goatherd {
namespace {

std::optional<double> NumberSetting(const std::string& settings_json, const std::string& key) {
  boost::system::error_code ec;
  auto parsed = boost::json::parse(settings_json, ec);
  if (ec || !parsed.is_object()) return std::nullopt;
  const auto* v = parsed.as_object().if_contains(key);
  if (!v || !v->is_number()) return std::nullopt;
  return v->to_number<double>();
}

}  // namespace

double ScrapeIntervalHours(const std::string& settings_json, const std::string& kind,
                           std::optional<std::int64_t> floor_hours) {
  double floor = floor_hours ? static_cast<double>(*floor_hours) : 0;
  auto chosen = NumberSetting(settings_json, kind + "_hours");
  return std::max(chosen.value_or(floor), floor);
}

std::int64_t VideoTrackingDays(const std::string& settings_json) {
  auto days = NumberSetting(settings_json, "video_tracking_days");
  return days ? static_cast<std::int64_t>(*days) : kDefaultVideoTrackingDays;
}

}  // namespace goatherd
