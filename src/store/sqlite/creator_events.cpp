#include "store/sqlite/creator_events.h"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "core/uuid.h"

namespace goatherd::sqlite {

void AppendCreatorEvent(Db& db, const std::string& org_id, const std::string& creator_id,
                        std::string_view kind, Timestamp at,
                        const std::vector<EventDetail>& details) {
  boost::json::object obj;
  for (const EventDetail& d : details) {
    std::visit([&](const auto& v) { obj[d.key] = v; }, d.value);
  }
  db.Prepare(
        "INSERT INTO creator_events (id, org_id, creator_id, kind, details, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)")
      .Bind(1, NewUuidV7(at * 1000))
      .Bind(2, org_id)
      .Bind(3, creator_id)
      .Bind(4, kind)
      .Bind(5, boost::json::serialize(obj))
      .Bind(6, at)
      .Exec();
}

std::vector<std::int64_t> FollowerMilestonesCrossed(std::int64_t before, std::int64_t after) {
  static constexpr std::int64_t kMilestones[] = {10'000, 100'000, 1'000'000, 10'000'000};
  std::vector<std::int64_t> out;
  for (std::int64_t m : kMilestones) {
    if (before < m && after >= m) out.push_back(m);
  }
  return out;
}

}  // namespace goatherd::sqlite
