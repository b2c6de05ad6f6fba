// Reading creator rows out of SQLite statements, shared by the Creators API and by ingest.
// Thread-safety: functions over one connection; see db.h.
#pragma once

#include <optional>
#include <string>

#include "core/types.h"
#include "store/sqlite/db.h"

namespace goatherd::sqlite {

// The select list ReadCreatorRow reads, over `creators c`.
#define GOATHERD_CREATOR_COLUMNS                                                             \
  "c.id, c.org_id, c.project_id, c.tiktok_handle, c.display_name, c.display_name_override, " \
  "c.avatar_url, c.description, c.metadata, c.tracking_mode, c.tracking_start_date, "        \
  "c.follower_count, c.following_count, c.like_count, c.video_count, c.status, "             \
  "c.disabled_reason, c.last_scraped_at, c.created_at, c.updated_at"

Creator ReadCreatorRow(const Stmt& s);

// A creator of any organization (ingest works across organizations), deleted projects included.
std::optional<Creator> FindCreator(Db& db, const std::string& id);

}  // namespace goatherd::sqlite
