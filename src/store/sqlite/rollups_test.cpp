// Unit test of the analytics rollups: random sequences of the changes that move them (snapshots
// out of order, downward corrections, tracking_resumed baselines, inbox decisions, deletions,
// campaign items incl. nested campaigns and creators, creator removal and reactivation, a
// timezone change, an import's deferred marks) applied as the store's write paths apply them,
// and after each step every scope's rows compared with rows computed from scratch here: the
// members resolved from the definitions of resources.md and each member's days computed from its
// snapshots with metrics::ComputeDayLevels.
#include "store/sqlite/rollups.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "core/test_temp_dir.h"
#include "core/time.h"
#include "store/sqlite/cohort_sync.h"
#include "store/sqlite/sqlite_store.h"

namespace goatherd::sqlite {
namespace {

using goatherd::testing::TempDir;

constexpr const char* kOrg = "0190a000-0000-7000-8000-00000000000a";
constexpr const char* kProject = "0190b000-0000-7000-8000-000000000001";
constexpr int kVideos = 10;
constexpr int kCreators = 3;
constexpr int kCampaigns = 4;
constexpr Timestamp kDay0 = 1767225600;  // 2026-01-01T00:00:00Z

std::string Id(char kind, int n) {
  std::string id = "00000000-0000-4000-8000-000000000000";
  id[0] = kind;
  std::string tail = std::to_string(n);
  id.replace(id.size() - tail.size(), tail.size(), tail);
  return id;
}
std::string C(int n) { return Id('c', n); }
std::string V(int n) { return Id('b', n); }
std::string K(int n) { return Id('a', n); }

// One scope's row as compared: the fields of metrics::RollupDay.
using Row = std::tuple<std::int64_t, std::int64_t, std::int64_t, std::int64_t, std::int64_t,
                       std::int64_t, std::int64_t, std::int64_t, std::int64_t, std::int64_t,
                       std::int64_t, std::int64_t, std::int64_t, std::int64_t>;
using Rows = std::map<DayNumber, Row>;

class RollupsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::make_unique<SqliteStore>(dir_.File("test.db"), 2);
    ASSERT_TRUE(store_->Migrate().ok());
    Organization org;
    org.id = kOrg;
    org.name = "Org";
    org.plan = "ultra";
    org.timezone = "America/New_York";
    org.created_at = org.updated_at = 10;
    ASSERT_TRUE(store_->CreateOrganization(org).ok());
    Project p;
    p.id = kProject;
    p.org_id = kOrg;
    p.name = "P";
    p.created_at = p.updated_at = 20;
    ASSERT_TRUE(store_->CreateProject(p).ok());
    for (int c = 0; c < kCreators; ++c) {
      Sql("INSERT INTO creators (id, org_id, project_id, tiktok_handle, status, created_at, "
          "updated_at) VALUES ('" +
          C(c) + "', '" + kOrg + "', '" + kProject + "', 'h" + std::to_string(c) +
          "', 'active', 1, 1)");
    }
    for (int k = 0; k < kCampaigns; ++k) {
      Sql("INSERT INTO campaigns (id, org_id, project_id, name, created_at, updated_at) VALUES ('" +
          K(k) + "', '" + kOrg + "', '" + kProject + "', 'K', 1, 1)");
    }
    for (int v = 0; v < kVideos; ++v) AddVideo(v);
  }

  void Sql(const std::string& sql) {
    auto db = store_->pool().Acquire();
    db->Exec(sql);
  }
  std::vector<std::vector<std::string>> Query(const std::string& sql) {
    auto db = store_->pool().Acquire();
    std::vector<std::vector<std::string>> out;
    auto cb = [](void* p, int n, char** values, char**) {
      auto* rows = static_cast<std::vector<std::vector<std::string>>*>(p);
      auto& row = rows->emplace_back();
      for (int i = 0; i < n; ++i) row.push_back(values[i] ? values[i] : "");
      return 0;
    };
    EXPECT_EQ(sqlite3_exec(db->raw(), sql.c_str(), cb, &out, nullptr), SQLITE_OK) << sql;
    return out;
  }
  void AddVideo(int v) {
    static const char* kStatuses[] = {"auto_tracked", "pending_review", "included", "direct_add",
                                      "excluded"};
    const std::string status = kStatuses[rng_() % 5];
    const std::string creator =
        status == "direct_add" ? "NULL" : "'" + C(static_cast<int>(rng_() % kCreators)) + "'";
    const Timestamp posted = kDay0 - 86400 + static_cast<Timestamp>(rng_() % (10 * 86400));
    Sql("INSERT INTO videos (id, org_id, project_id, creator_id, tiktok_video_id, title, "
        "tracking_status, posted_at, created_at, updated_at) VALUES ('" +
        V(v) + "', '" + kOrg + "', '" + kProject + "', " + creator + ", '" + std::to_string(v) +
        "', 't', '" + status + "', " + std::to_string(posted) + ", 1, 1)");
    Write([&](Db& db) { SyncVideoCohort(db, Seq(db, v)); });
  }

  std::int64_t Seq(Db& db, int v) {
    auto s = db.Prepare("SELECT seq FROM videos WHERE id = ?");
    s.Bind(1, V(v));
    return s.Step() ? s.Int(0) : -1;
  }
  template <class F>
  void Write(F f) {
    auto db = store_->pool().Acquire();
    WriteTxn txn(*db);
    f(*db);
    txn.Commit();
  }

  // One random change, applied as the store's write path for it applies it.
  std::string Step() {
    const int v = static_cast<int>(rng_() % kVideos);
    switch (rng_() % 12) {
      case 0:
      case 1:
      case 2:
      case 3: {  // a snapshot at a random time (out of order), counts may go down
        const Timestamp at = kDay0 + static_cast<Timestamp>(rng_() % (12 * 86400));
        const int base = static_cast<int>(rng_() % 5000);
        const int reason = rng_() % 8 == 0 ? 2 : 0;
        bool exists = false;
        Write([&](Db& db) {
          const std::int64_t seq = Seq(db, v);
          if (seq < 0) return;
          exists = true;
          db.Exec(
              "INSERT OR REPLACE INTO video_snapshots (video_seq, snapshot_at, view_count, "
              "like_count, comment_count, share_count, save_count, reason) VALUES (" +
              std::to_string(seq) + ", " + std::to_string(at) + ", " + std::to_string(base) + ", " +
              std::to_string(base / 10) + ", " + std::to_string(base / 50) + ", " +
              std::to_string(base / 100) + ", " + std::to_string(base / 70) + ", " +
              std::to_string(reason) + ")");
          SyncVideoAggregates(db, seq, at);
        });
        return exists ? "snapshot " + std::to_string(v) : "snapshot of a deleted video";
      }
      case 4: {  // inbox decision
        const char* to = rng_() % 2 ? "included" : "excluded";
        Write([&](Db& db) {
          const std::int64_t seq = Seq(db, v);
          if (seq < 0) return;
          db.Exec("UPDATE videos SET tracking_status = '" + std::string(to) +
                  "' WHERE seq = " + std::to_string(seq) + " AND tracking_status <> 'direct_add'");
          SyncVideoCohort(db, seq);
        });
        return std::string("decide ") + to;
      }
      case 5: {  // campaign item added or removed
        const int k = static_cast<int>(rng_() % kCampaigns);
        const int kind = static_cast<int>(rng_() % 3);
        std::string type = kind == 0 ? "video" : kind == 1 ? "creator" : "campaign";
        std::string item = kind == 0   ? V(v)
                           : kind == 1 ? C(static_cast<int>(rng_() % kCreators))
                                       : K(static_cast<int>(rng_() % kCampaigns));
        // Only campaigns of higher number are nested, so no cycle can form.
        if (kind == 2 && item <= K(k)) return "no-op";
        if (rng_() % 3 == 0) {
          Sql("DELETE FROM campaign_items WHERE campaign_id = '" + K(k) + "' AND item_type = '" +
              type + "' AND item_id = '" + item + "'");
          return "remove item";
        }
        Sql("INSERT OR IGNORE INTO campaign_items (org_id, campaign_id, item_type, item_id, "
            "created_at) VALUES ('" +
            std::string(kOrg) + "', '" + K(k) + "', '" + type + "', '" + item + "', 1)");
        return "add " + type + " item";
      }
      case 6: {  // creator removed or reactivated
        const int c = static_cast<int>(rng_() % kCreators);
        Sql(std::string("UPDATE creators SET status = '") + (rng_() % 2 ? "removed" : "active") +
            "' WHERE id = '" + C(c) + "'");
        return "creator status";
      }
      case 7: {  // deletion, as DeleteVideo does it, and a new video in its place
        Write([&](Db& db) {
          const std::int64_t seq = Seq(db, v);
          if (seq < 0) return;
          db.Exec("UPDATE videos SET tracking_status = 'excluded' WHERE seq = " +
                  std::to_string(seq));
          SyncVideoCohort(db, seq);
          db.Exec("DELETE FROM videos WHERE seq = " + std::to_string(seq));
        });
        AddVideo(v);
        return "delete and re-add";
      }
      case 8: {  // timezone change
        Write([&](Db& db) {
          db.Exec(std::string("UPDATE organizations SET timezone = '") +
                  (rng_() % 2 ? "Asia/Tokyo" : "America/New_York") + "' WHERE id = '" + kOrg + "'");
          RebuildOrgCohorts(db, kOrg);
        });
        return "timezone";
      }
      case 9: {  // an import: snapshots written with deferred marks, completed later
        const Timestamp at = kDay0 + static_cast<Timestamp>(rng_() % (12 * 86400));
        Write([&](Db& db) {
          const std::int64_t seq = Seq(db, v);
          if (seq < 0) return;
          db.Exec(
              "INSERT OR REPLACE INTO video_snapshots (video_seq, snapshot_at, view_count, "
              "like_count, comment_count, share_count, save_count, reason) VALUES (" +
              std::to_string(seq) + ", " + std::to_string(at) + ", 777, 70, 7, 1, 2, 0)");
          db.Exec("UPDATE videos SET cohort_dirty = 1 WHERE seq = " + std::to_string(seq));
        });
        auto db = store_->pool().Acquire();
        SyncDeferredCohorts(*db);
        return "import";
      }
      case 10: {  // a campaign deleted and created again
        const int k = static_cast<int>(rng_() % kCampaigns);
        Sql("DELETE FROM campaigns WHERE id = '" + K(k) + "'");
        Sql("INSERT INTO campaigns (id, org_id, project_id, name, created_at, updated_at) VALUES "
            "('" +
            K(k) + "', '" + kOrg + "', '" + kProject + "', 'K', 1, 1)");
        return "campaign recreated";
      }
      default: {  // posted_at learned later
        Write([&](Db& db) {
          const std::int64_t seq = Seq(db, v);
          if (seq < 0) return;
          db.Exec("UPDATE videos SET posted_at = " +
                  std::to_string(kDay0 + static_cast<Timestamp>(rng_() % (10 * 86400))) +
                  " WHERE seq = " + std::to_string(seq));
          SyncVideoCohort(db, seq);
        });
        return "posted_at";
      }
    }
  }

  // The videos of each scope, from resources.md's definitions.
  std::map<std::pair<int, std::string>, std::set<std::int64_t>> ExpectedMembers() {
    std::map<std::pair<int, std::string>, std::set<std::int64_t>> out;
    struct VideoRow {
      std::int64_t seq;
      std::string id, creator, status;
    };
    std::vector<VideoRow> videos;
    for (auto& r : Query("SELECT seq, id, COALESCE(creator_id, ''), tracking_status FROM videos"))
      videos.push_back({std::stoll(r[0]), r[1], r[2], r[3]});
    std::set<std::string> active;
    for (auto& r : Query("SELECT id FROM creators WHERE status = 'active'")) active.insert(r[0]);
    std::multimap<std::string, std::pair<std::string, std::string>> items;
    for (auto& r : Query("SELECT campaign_id, item_type, item_id FROM campaign_items"))
      items.insert({r[0], {r[1], r[2]}});
    auto counted = [](const std::string& s) {
      return s == "auto_tracked" || s == "included" || s == "direct_add";
    };
    for (const auto& v : videos) {
      if (counted(v.status)) out[{0, kProject}].insert(v.seq);
    }
    for (auto& k : Query("SELECT id FROM campaigns")) {
      std::set<std::string> tree{k[0]};
      std::vector<std::string> todo{k[0]};
      std::set<std::string> video_items, creator_items;
      while (!todo.empty()) {
        std::string c = todo.back();
        todo.pop_back();
        auto [b, e] = items.equal_range(c);
        for (auto it = b; it != e; ++it) {
          const auto& [type, id] = it->second;
          if (type == "campaign" && tree.insert(id).second) todo.push_back(id);
          if (type == "video") video_items.insert(id);
          if (type == "creator") creator_items.insert(id);
        }
      }
      auto& set = out[{1, k[0]}];
      for (const auto& v : videos) {
        if (video_items.count(v.id) ||
            (creator_items.count(v.creator) && active.count(v.creator) && counted(v.status))) {
          set.insert(v.seq);
        }
      }
    }
    return out;
  }

  Rows Expected(const std::set<std::int64_t>& members, const date::time_zone* zone) {
    Rows rows;
    auto add = [&](DayNumber day, int field, std::int64_t value) {
      Row& r = rows[day];
      std::int64_t* f[] = {&std::get<0>(r),  &std::get<1>(r), &std::get<2>(r),  &std::get<3>(r),
                           &std::get<4>(r),  &std::get<5>(r), &std::get<6>(r),  &std::get<7>(r),
                           &std::get<8>(r),  &std::get<9>(r), &std::get<10>(r), &std::get<11>(r),
                           &std::get<12>(r), &std::get<13>(r)};
      *f[field] += value;
    };
    for (std::int64_t seq : members) {
      std::vector<VideoSnapshot> snaps;
      for (auto& r : Query("SELECT snapshot_at, view_count, like_count, comment_count, "
                           "share_count, save_count, reason FROM video_snapshots WHERE "
                           "video_seq = " +
                           std::to_string(seq) + " ORDER BY snapshot_at")) {
        VideoSnapshot s;
        s.snapshot_at = std::stoll(r[0]);
        for (int m = 0; m < kVideoMetricCount; ++m) s.counts[m] = std::stoll(r[1 + m]);
        s.reason = static_cast<SnapshotReason>(std::stoi(r[6]));
        snaps.push_back(s);
      }
      metrics::DayLevels levels = metrics::ComputeDayLevels(snaps, zone);
      // Spec definitions: gains of each day with a level; the level carried forward, as its
      // change from the video's previous level; the first snapshot's day; baselines; posts.
      VideoCounts previous{};
      for (std::size_t i = 0; i < levels.days.size(); ++i) {
        const auto& d = levels.days[i];
        for (int m = 0; m < kVideoMetricCount; ++m) {
          add(d.day, m, d.gain[m]);
          add(d.day, 6 + m, d.level[m] - previous[m]);
        }
        previous = d.level;
        add(d.day, 5, 1);
        if (i == 0) add(d.day, 11, 1);
        if (d.baseline_count > 0) add(d.day, 12, 1);
      }
      auto posted = Query("SELECT posted_at FROM videos WHERE seq = " + std::to_string(seq));
      if (!posted.empty() && !posted[0][0].empty())
        add(LocalDay(std::stoll(posted[0][0]), zone), 13, 1);
    }
    std::erase_if(rows, [](const auto& kv) { return kv.second == Row{}; });
    return rows;
  }

  Rows Stored(int kind, const std::string& id) {
    Rows rows;
    for (auto& r : Query("SELECT day, views_gained, likes_gained, comments_gained, shares_gained, "
                         "saves_gained, gain_videos, views_delta, likes_delta, comments_delta, "
                         "shares_delta, saves_delta, first_videos, baseline_videos, posts FROM "
                         "rollup_days WHERE org_id = '" +
                         std::string(kOrg) + "' AND scope_kind = " + std::to_string(kind) +
                         " AND scope_id = '" + id + "'")) {
      Row row{std::stoll(r[1]),  std::stoll(r[2]),  std::stoll(r[3]),  std::stoll(r[4]),
              std::stoll(r[5]),  std::stoll(r[6]),  std::stoll(r[7]),  std::stoll(r[8]),
              std::stoll(r[9]),  std::stoll(r[10]), std::stoll(r[11]), std::stoll(r[12]),
              std::stoll(r[13]), std::stoll(r[14])};
      if (row != Row{}) rows[static_cast<DayNumber>(std::stoll(r[0]))] = row;
    }
    return rows;
  }

  TempDir dir_;
  std::unique_ptr<SqliteStore> store_;
  std::mt19937_64 rng_{20260101};
};

TEST_F(RollupsTest, MaintainedRowsEqualRowsComputedFromScratch) {
  int scopes_compared = 0;
  int nonempty_campaigns = 0;  // the comparison is not of empty sets
  std::map<std::string, int> kinds;
  for (int step = 0; step < 400; ++step) {
    const std::string what = Step();
    ++kinds[what];
    {  // as a reader does before reading
      auto db = store_->pool().Acquire();
      WriteTxn txn(*db);
      FlushDirtyRollups(*db, kOrg);
      txn.Commit();
    }
    const auto tz =
        Query(std::string("SELECT timezone FROM organizations WHERE id = '") + kOrg + "'");
    const date::time_zone* zone = FindTimeZone(tz[0][0]);
    auto members = ExpectedMembers();
    for (int k = 0; k < kCampaigns; ++k) members[{1, K(k)}];  // empty campaigns too
    for (const auto& [scope, videos] : members) {
      const Rows expected = Expected(videos, zone);
      if (scope.first == 1 && !expected.empty()) ++nonempty_campaigns;
      ASSERT_EQ(Stored(scope.first, scope.second), expected)
          << "step " << step << " (" << what << "), scope " << scope.first << " " << scope.second;
      ++scopes_compared;
    }
  }
  EXPECT_EQ(scopes_compared, 400 * (kCampaigns + 1));
  EXPECT_GT(nonempty_campaigns, 200);
  for (const char* k :
       {"timezone", "import", "remove item", "add campaign item", "add creator item",
        "creator status", "delete and re-add", "decide excluded"}) {
    EXPECT_GT(kinds[k], 0) << k;
  }
}

TEST_F(RollupsTest, MembershipChangesMarkScopesInTheSameTransaction) {
  Sql(std::string("INSERT INTO campaign_items (org_id, campaign_id, item_type, item_id, "
                  "created_at) VALUES ('") +
      kOrg + "', '" + K(0) + "', 'campaign', '" + K(1) + "', 1)");
  auto db = store_->pool().Acquire();
  EXPECT_TRUE(HasDirtyRollups(*db, kOrg));
  {
    WriteTxn txn(*db);
    FlushDirtyRollups(*db, kOrg);
    txn.Commit();
  }
  EXPECT_FALSE(HasDirtyRollups(*db, kOrg));
  db->Exec(std::string("UPDATE creators SET status = 'removed' WHERE id = '") + C(0) + "'");
  EXPECT_FALSE(HasDirtyRollups(*db, kOrg));  // no campaign holds that creator
}

}  // namespace
}  // namespace goatherd::sqlite
