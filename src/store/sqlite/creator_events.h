// The creators' change log (spec/resources.md "Creators"): the writer every path that changes a
// creator calls inside its own write transaction — the API (added, reactivated, renamed,
// tracking_mode_changed, re_enabled, removed) and ingest (auto_disabled, follower_milestone,
// video_cap_reached) — so that an event exists exactly when its change was committed.
// Thread-safety: call inside a write transaction on the connection given; see db.h.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/types.h"
#include "store/sqlite/db.h"

namespace goatherd::sqlite {

// One member of an event's `details` object.
struct EventDetail {
  std::string key;
  std::variant<std::string, std::int64_t, std::nullptr_t> value;
};

// Appends an event to the creator's log at `at` (unix seconds).
void AppendCreatorEvent(Db& db, const std::string& org_id, const std::string& creator_id,
                        std::string_view kind, Timestamp at,
                        const std::vector<EventDetail>& details = {});

// The follower milestones (10k, 100k, 1M, 10M) a count passed going from `before` to `after`,
// ascending; none when it did not grow.
std::vector<std::int64_t> FollowerMilestonesCrossed(std::int64_t before, std::int64_t after);

}  // namespace goatherd::sqlite
