#include "store/sqlite/rollups.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "core/time.h"

namespace goatherd::sqlite {
namespace {

using metrics::RollupDay;
using Scope = std::pair<int, std::string>;  // (RollupScope, id)

bool Counted(const std::string& status) {
  return status == "auto_tracked" || status == "included" || status == "direct_add";
}

// The contribution of a video from its stored day rows (what video_days holds now).
std::vector<RollupDay> StoredRollupDays(Db& db, std::int64_t video_seq,
                                        std::optional<DayNumber> posted_day) {
  metrics::DayLevels levels;
  auto s = db.Prepare(
      "SELECT day, view_count, like_count, comment_count, share_count, save_count, views_gained, "
      "likes_gained, comments_gained, shares_gained, saves_gained, baseline_count "
      "FROM video_days WHERE video_seq = ? ORDER BY day");
  s.Bind(1, video_seq);
  while (s.Step()) {
    metrics::DayLevel& d = levels.days.emplace_back();
    d.day = static_cast<DayNumber>(s.Int(0));
    for (int m = 0; m < kVideoMetricCount; ++m) {
      d.level[m] = s.Int(1 + m);
      d.gain[m] = s.Int(6 + m);
    }
    d.baseline_count = static_cast<int>(s.Int(11));
  }
  return metrics::VideoRollupDays(levels, posted_day);
}

void AddRow(RollupDay* to, const RollupDay& row, int sign) {
  for (int m = 0; m < kVideoMetricCount; ++m) {
    to->gain[m] += sign * row.gain[m];
    to->level_delta[m] += sign * row.level_delta[m];
  }
  to->gain_videos += sign * row.gain_videos;
  to->first_videos += sign * row.first_videos;
  to->baseline_videos += sign * row.baseline_videos;
  to->posts += sign * row.posts;
}

// new - old, day by day; days whose difference is zero are left out.
std::vector<RollupDay> Diff(const std::vector<RollupDay>& old_days,
                            const std::vector<RollupDay>& new_days) {
  std::map<DayNumber, RollupDay> by_day;
  for (const RollupDay& r : new_days) AddRow(&by_day[r.day], r, 1);
  for (const RollupDay& r : old_days) AddRow(&by_day[r.day], r, -1);
  std::vector<RollupDay> out;
  for (auto& [day, row] : by_day) {
    row.day = day;
    if (!row.IsZero()) out.push_back(row);
  }
  return out;
}

void AddToScope(Db& db, const std::string& org_id, const Scope& scope,
                const std::vector<RollupDay>& rows) {
  for (const RollupDay& r : rows) {
    auto s = db.Prepare(
        "INSERT INTO rollup_days (org_id, scope_kind, scope_id, day, views_gained, likes_gained, "
        "comments_gained, shares_gained, saves_gained, gain_videos, views_delta, likes_delta, "
        "comments_delta, shares_delta, saves_delta, first_videos, baseline_videos, posts) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18) "
        "ON CONFLICT (org_id, scope_kind, scope_id, day) DO UPDATE SET "
        "views_gained = views_gained + excluded.views_gained, "
        "likes_gained = likes_gained + excluded.likes_gained, "
        "comments_gained = comments_gained + excluded.comments_gained, "
        "shares_gained = shares_gained + excluded.shares_gained, "
        "saves_gained = saves_gained + excluded.saves_gained, "
        "gain_videos = gain_videos + excluded.gain_videos, "
        "views_delta = views_delta + excluded.views_delta, "
        "likes_delta = likes_delta + excluded.likes_delta, "
        "comments_delta = comments_delta + excluded.comments_delta, "
        "shares_delta = shares_delta + excluded.shares_delta, "
        "saves_delta = saves_delta + excluded.saves_delta, "
        "first_videos = first_videos + excluded.first_videos, "
        "baseline_videos = baseline_videos + excluded.baseline_videos, "
        "posts = posts + excluded.posts");
    s.Bind(1, org_id).Bind(2, scope.first).Bind(3, scope.second).Bind(4, r.day);
    for (int m = 0; m < kVideoMetricCount; ++m) {
      s.Bind(5 + m, r.gain[m]);
      s.Bind(11 + m, r.level_delta[m]);
    }
    s.Bind(10, r.gain_videos).Bind(16, r.first_videos).Bind(17, r.baseline_videos);
    s.Bind(18, r.posts).Exec();
  }
}

// The campaigns a video belongs to now (resources.md "Campaigns"): those with it as a video item
// (any status), those with its creator as an item while the creator is active and the video
// counted, and every campaign above those.
std::set<std::string> CampaignsOf(Db& db, const VideoRollupNow& v) {
  bool via_creator = false;
  if (v.creator_id && Counted(v.tracking_status)) {
    auto c = db.Prepare("SELECT status FROM creators WHERE id = ? AND org_id = ?");
    c.Bind(1, *v.creator_id).Bind(2, v.org_id);
    via_creator = c.Step() && c.Text(0) == "active";
  }
  auto s = db.Prepare(
      "WITH RECURSIVE up(id) AS ("
      "SELECT campaign_id FROM campaign_items "
      "WHERE org_id = ?1 AND item_type = 'video' AND item_id = ?2 "
      "UNION SELECT campaign_id FROM campaign_items "
      "WHERE ?4 AND org_id = ?1 AND item_type = 'creator' AND item_id = ?3 "
      "UNION SELECT i.campaign_id FROM campaign_items i JOIN up "
      "ON i.item_type = 'campaign' AND i.item_id = up.id AND i.org_id = ?1) "
      "SELECT id FROM up");
  s.Bind(1, v.org_id).Bind(2, v.id).Bind(3, v.creator_id.value_or("")).Bind(4, via_creator);
  std::set<std::string> out;
  while (s.Step()) out.insert(s.Text(0));
  return out;
}

void WriteGainSums(Db& db, const VideoRollupNow& v) {
  if (v.from_day) {
    db.Prepare("DELETE FROM video_gain_sums WHERE video_seq = ? AND day >= ?")
        .Bind(1, v.seq)
        .Bind(2, *v.from_day)
        .Exec();
  } else {
    db.Prepare("DELETE FROM video_gain_sums WHERE video_seq = ?").Bind(1, v.seq).Exec();
  }
  VideoCounts sum{};
  for (const metrics::DayLevel& d : v.levels->days) {
    for (int m = 0; m < kVideoMetricCount; ++m) sum[m] += d.gain[m];
    if (v.from_day && d.day < *v.from_day) continue;
    auto s = db.Prepare(
        "INSERT INTO video_gain_sums (video_seq, day, views, likes, comments, shares, saves) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)");
    s.Bind(1, v.seq).Bind(2, d.day);
    for (int m = 0; m < kVideoMetricCount; ++m) s.Bind(3 + m, sum[m]);
    s.Exec();
  }
}

const date::time_zone* OrgZone(Db& db, const std::string& org_id) {
  auto s = db.Prepare("SELECT timezone FROM organizations WHERE id = ?");
  s.Bind(1, org_id);
  const date::time_zone* zone = s.Step() ? FindTimeZone(s.Text(0)) : nullptr;
  return zone ? zone : FindTimeZone("UTC");
}

// The campaign and every campaign that contains it.
std::set<std::string> WithAncestors(Db& db, const std::string& org_id, const std::string& id) {
  auto s = db.Prepare(
      "WITH RECURSIVE up(id) AS (SELECT ?2 UNION SELECT i.campaign_id FROM campaign_items i "
      "JOIN up ON i.item_type = 'campaign' AND i.item_id = up.id AND i.org_id = ?1) "
      "SELECT id FROM up");
  s.Bind(1, org_id).Bind(2, id);
  std::set<std::string> out;
  while (s.Step()) out.insert(s.Text(0));
  return out;
}

}  // namespace

VideoRollupBefore ReadVideoRollupBefore(Db& db, std::int64_t video_seq) {
  VideoRollupBefore before;
  std::optional<DayNumber> posted;
  {
    auto s = db.Prepare("SELECT posted_day FROM rollup_members WHERE video_seq = ? LIMIT 1");
    s.Bind(1, video_seq);
    if (!s.Step()) return before;  // in no scope: nothing was applied
    if (auto p = s.OptInt(0)) posted = static_cast<DayNumber>(*p);
  }
  before.old_days = StoredRollupDays(db, video_seq, posted);
  return before;
}

void SyncVideoRollups(Db& db, const VideoRollupBefore& before, const VideoRollupNow& now) {
  WriteGainSums(db, now);
  std::map<Scope, std::optional<DayNumber>> old_scopes;  // with the posted day applied
  {
    auto s = db.Prepare(
        "SELECT scope_kind, scope_id, posted_day FROM rollup_members WHERE video_seq = ?");
    s.Bind(1, now.seq);
    while (s.Step()) {
      std::optional<DayNumber> posted;
      if (auto p = s.OptInt(2)) posted = static_cast<DayNumber>(*p);
      old_scopes[{static_cast<int>(s.Int(0)), s.Text(1)}] = posted;
    }
  }
  std::set<Scope> new_scopes;
  if (Counted(now.tracking_status)) {
    new_scopes.insert({static_cast<int>(RollupScope::kProject), now.project_id});
  }
  for (const std::string& c : CampaignsOf(db, now)) {
    new_scopes.insert({static_cast<int>(RollupScope::kCampaign), c});
  }
  if (old_scopes.empty() && new_scopes.empty()) return;
  const std::vector<RollupDay> new_days = metrics::VideoRollupDays(*now.levels, now.posted_day);
  const std::vector<RollupDay> diff = Diff(before.old_days, new_days);
  std::vector<RollupDay> negated;
  for (const auto& [scope, posted] : old_scopes) {
    if (new_scopes.count(scope)) {
      AddToScope(db, now.org_id, scope, diff);
    } else {
      if (negated.empty()) negated = Diff(before.old_days, {});
      AddToScope(db, now.org_id, scope, negated);
      db.Prepare(
            "DELETE FROM rollup_members WHERE video_seq = ? AND scope_kind = ? AND scope_id = ?")
          .Bind(1, now.seq)
          .Bind(2, scope.first)
          .Bind(3, scope.second)
          .Exec();
    }
  }
  for (const Scope& scope : new_scopes) {
    auto old = old_scopes.find(scope);
    if (old == old_scopes.end()) AddToScope(db, now.org_id, scope, new_days);
    if (old == old_scopes.end() || old->second != now.posted_day) {
      db.Prepare(
            "INSERT OR REPLACE INTO rollup_members (video_seq, scope_kind, scope_id, org_id, "
            "posted_day) VALUES (?, ?, ?, ?, ?)")
          .Bind(1, now.seq)
          .Bind(2, scope.first)
          .Bind(3, scope.second)
          .Bind(4, now.org_id)
          .Bind(5, now.posted_day ? std::optional<std::int64_t>(*now.posted_day) : std::nullopt)
          .Exec();
    }
  }
}

void RebuildScope(Db& db, const std::string& org_id, RollupScope kind, const std::string& id) {
  const int k = static_cast<int>(kind);
  db.Prepare("DELETE FROM rollup_days WHERE org_id = ? AND scope_kind = ? AND scope_id = ?")
      .Bind(1, org_id)
      .Bind(2, k)
      .Bind(3, id)
      .Exec();
  db.Prepare("DELETE FROM rollup_members WHERE org_id = ? AND scope_kind = ? AND scope_id = ?")
      .Bind(1, org_id)
      .Bind(2, k)
      .Bind(3, id)
      .Exec();
  // (seq, posted_at) of the scope's videos, each once.
  std::map<std::int64_t, std::optional<Timestamp>> members;
  if (kind == RollupScope::kProject) {
    auto s = db.Prepare(
        "SELECT seq, posted_at FROM videos WHERE org_id = ? AND project_id = ? "
        "AND tracking_status IN ('auto_tracked', 'included', 'direct_add')");
    s.Bind(1, org_id).Bind(2, id);
    while (s.Step()) members[s.Int(0)] = s.OptInt(1);
  } else {
    auto s = db.Prepare(
        "WITH RECURSIVE tree(id) AS (SELECT id FROM campaigns WHERE id = ?2 AND org_id = ?1 "
        "UNION SELECT i.item_id FROM campaign_items i JOIN tree ON i.campaign_id = tree.id "
        "WHERE i.item_type = 'campaign' AND i.org_id = ?1), "
        "items(type, item) AS (SELECT i.item_type, i.item_id FROM campaign_items i "
        "JOIN tree ON i.campaign_id = tree.id WHERE i.org_id = ?1) "
        "SELECT v.seq, v.posted_at FROM items JOIN videos v ON v.id = items.item "
        "WHERE items.type = 'video' AND v.org_id = ?1 "
        "UNION SELECT v.seq, v.posted_at FROM items JOIN creators c ON c.id = items.item "
        "AND c.org_id = ?1 AND c.status = 'active' "
        "JOIN videos v ON v.org_id = ?1 AND v.creator_id = c.id "
        "AND v.tracking_status IN ('auto_tracked', 'included', 'direct_add') "
        "WHERE items.type = 'creator'");
    s.Bind(1, org_id).Bind(2, id);
    while (s.Step()) members[s.Int(0)] = s.OptInt(1);
  }
  if (members.empty()) return;
  const date::time_zone* zone = OrgZone(db, org_id);
  std::map<DayNumber, RollupDay> sums;
  for (const auto& [seq, posted_at] : members) {
    std::optional<DayNumber> posted;
    if (posted_at) posted = LocalDay(*posted_at, zone);
    for (const RollupDay& r : StoredRollupDays(db, seq, posted)) AddRow(&sums[r.day], r, 1);
    db.Prepare(
          "INSERT INTO rollup_members (video_seq, scope_kind, scope_id, org_id, posted_day) "
          "VALUES (?, ?, ?, ?, ?)")
        .Bind(1, seq)
        .Bind(2, k)
        .Bind(3, id)
        .Bind(4, org_id)
        .Bind(5, posted ? std::optional<std::int64_t>(*posted) : std::nullopt)
        .Exec();
  }
  std::vector<RollupDay> rows;
  for (auto& [day, row] : sums) {
    row.day = day;
    if (!row.IsZero()) rows.push_back(row);
  }
  AddToScope(db, org_id, {k, id}, rows);
}

bool HasDirtyRollups(Db& db, const std::string& org_id) {
  auto s = db.Prepare("SELECT 1 FROM rollup_dirty WHERE org_id = ? LIMIT 1");
  s.Bind(1, org_id);
  return s.Step();
}

int FlushDirtyRollups(Db& db, const std::string& org_id) {
  std::vector<std::tuple<std::string, int, std::string>> dirty;
  {
    auto s =
        org_id.empty()
            ? db.Prepare("SELECT org_id, scope_kind, scope_id FROM rollup_dirty")
            : db.Prepare("SELECT org_id, scope_kind, scope_id FROM rollup_dirty WHERE org_id = ?");
    if (!org_id.empty()) s.Bind(1, org_id);
    while (s.Step()) dirty.emplace_back(s.Text(0), static_cast<int>(s.Int(1)), s.Text(2));
  }
  std::set<std::tuple<std::string, int, std::string>> scopes;
  for (const auto& [org, kind, id] : dirty) {
    if (kind == static_cast<int>(RollupScope::kCampaign)) {
      // A change inside a campaign changes every campaign above it too.
      for (const std::string& c : WithAncestors(db, org, id)) scopes.insert({org, kind, c});
    } else {
      scopes.insert({org, kind, id});
    }
  }
  for (const auto& [org, kind, id] : scopes) {
    RebuildScope(db, org, static_cast<RollupScope>(kind), id);
  }
  for (const auto& [org, kind, id] : dirty) {
    db.Prepare("DELETE FROM rollup_dirty WHERE org_id = ? AND scope_kind = ? AND scope_id = ?")
        .Bind(1, org)
        .Bind(2, kind)
        .Bind(3, id)
        .Exec();
  }
  return static_cast<int>(scopes.size());
}

void ClearOrgRollups(Db& db, const std::string& org_id) {
  for (const char* sql :
       {"DELETE FROM rollup_days WHERE org_id = ?", "DELETE FROM rollup_members WHERE org_id = ?",
        "DELETE FROM rollup_dirty WHERE org_id = ?"}) {
    db.Prepare(sql).Bind(1, org_id).Exec();
  }
}

std::vector<RollupDay> ReadRollupDays(Db& db, const std::string& org_id, RollupScope kind,
                                      const std::string& id, DayNumber to) {
  auto s = db.Prepare(
      "SELECT day, views_gained, likes_gained, comments_gained, shares_gained, saves_gained, "
      "gain_videos, views_delta, likes_delta, comments_delta, shares_delta, saves_delta, "
      "first_videos, baseline_videos, posts FROM rollup_days "
      "WHERE org_id = ? AND scope_kind = ? AND scope_id = ? AND day <= ? ORDER BY day");
  s.Bind(1, org_id).Bind(2, static_cast<int>(kind)).Bind(3, id).Bind(4, to);
  std::vector<RollupDay> out;
  while (s.Step()) {
    RollupDay& r = out.emplace_back();
    r.day = static_cast<DayNumber>(s.Int(0));
    for (int m = 0; m < kVideoMetricCount; ++m) {
      r.gain[m] = s.Int(1 + m);
      r.level_delta[m] = s.Int(7 + m);
    }
    r.gain_videos = s.Int(6);
    r.first_videos = s.Int(12);
    r.baseline_videos = s.Int(13);
    r.posts = s.Int(14);
  }
  return out;
}

}  // namespace goatherd::sqlite
