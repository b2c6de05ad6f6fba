#include "store/sqlite/creator_rows.h"

namespace goatherd::sqlite {

Creator ReadCreatorRow(const Stmt& s) {
  Creator c;
  c.id = s.Text(0);
  c.org_id = s.Text(1);
  c.project_id = s.Text(2);
  c.tiktok_handle = s.Text(3);
  c.display_name = s.OptText(4);
  c.display_name_override = s.OptText(5);
  c.avatar_url = s.OptText(6);
  c.description = s.OptText(7);
  c.metadata = s.Text(8);
  c.tracking_mode = s.Text(9);
  c.tracking_start_date = s.OptText(10);
  c.follower_count = s.Int(11);
  c.following_count = s.Int(12);
  c.like_count = s.Int(13);
  c.video_count = s.Int(14);
  c.status = s.Text(15);
  c.disabled_reason = s.OptText(16);
  c.last_scraped_at = s.OptInt(17);
  c.created_at = s.Int(18);
  c.updated_at = s.Int(19);
  return c;
}

std::optional<Creator> FindCreator(Db& db, const std::string& id) {
  auto s = db.Prepare("SELECT " GOATHERD_CREATOR_COLUMNS " FROM creators c WHERE c.id = ?");
  s.Bind(1, id);
  if (!s.Step()) return std::nullopt;
  return ReadCreatorRow(s);
}

}  // namespace goatherd::sqlite
