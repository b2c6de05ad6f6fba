// The Campaigns part of SqliteStore: campaigns, their items, and the resolver that turns a
// campaign tree into its set of videos (resources.md "Campaigns").
#include <algorithm>
#include <deque>
#include <unordered_set>

#include "store/sqlite/cohort_sync.h"
#include "store/sqlite/json_equal.h"
#include "store/sqlite/sqlite_store.h"

namespace goatherd::sqlite {
namespace {

// A campaign is visible while its project is: a deleted project hides everything in it.
#define GOATHERD_CAMPAIGN_COLUMNS                                                           \
  "c.id, c.org_id, c.project_id, c.name, c.description, c.metadata, c.target_views, "       \
  "c.target_at, (SELECT count(*) FROM campaign_items i WHERE i.campaign_id = c.id), "       \
  "c.created_at, c.updated_at FROM campaigns c JOIN projects p ON p.id = c.project_id AND " \
  "p.deleted_at IS NULL "

Campaign ReadCampaign(const Stmt& s) {
  Campaign c;
  c.id = s.Text(0);
  c.org_id = s.Text(1);
  c.project_id = s.Text(2);
  c.name = s.Text(3);
  c.description = s.OptText(4);
  c.metadata = s.Text(5);
  c.target_views = s.OptInt(6);
  c.target_at = s.OptInt(7);
  c.item_count = s.Int(8);
  c.created_at = s.Int(9);
  c.updated_at = s.Int(10);
  return c;
}

std::optional<Campaign> FindCampaign(Db& db, const std::string& org_id, const std::string& id) {
  auto s = db.Prepare("SELECT " GOATHERD_CAMPAIGN_COLUMNS "WHERE c.id = ?1 AND c.org_id = ?2");
  s.Bind(1, id).Bind(2, org_id);
  if (!s.Step()) return std::nullopt;
  return ReadCampaign(s);
}

Error CampaignNotFound() { return Error::NotFound("Campaign not found"); }

// One statement per combination of filter and cursor, so each keeps its own index plan.
#define GOATHERD_LIST_CAMPAIGNS(FILTER, AFTER)                            \
  "SELECT " GOATHERD_CAMPAIGN_COLUMNS "WHERE c.org_id = ?1 " FILTER AFTER \
  " ORDER BY c.created_at DESC, c.id DESC LIMIT ?5"
#define GOATHERD_CAMPAIGNS_AFTER " AND (c.created_at, c.id) < (?3, ?4)"
constexpr const char* kListCampaigns[2][2] = {
    {GOATHERD_LIST_CAMPAIGNS("", ""), GOATHERD_LIST_CAMPAIGNS("", GOATHERD_CAMPAIGNS_AFTER)},
    {GOATHERD_LIST_CAMPAIGNS("AND c.project_id = ?2", ""),
     GOATHERD_LIST_CAMPAIGNS("AND c.project_id = ?2", GOATHERD_CAMPAIGNS_AFTER)},
};

#define GOATHERD_ITEM_COLUMNS                                                      \
  "i.seq, i.campaign_id, i.item_type, i.item_id, CASE i.item_type "                \
  "WHEN 'creator' THEN (SELECT tiktok_handle FROM creators WHERE id = i.item_id) " \
  "WHEN 'video' THEN (SELECT title FROM videos WHERE id = i.item_id) "             \
  "ELSE (SELECT name FROM campaigns WHERE id = i.item_id) END, i.created_at "      \
  "FROM campaign_items i "

CampaignItem ReadItem(const Stmt& s) {
  CampaignItem item;
  item.seq = s.Int(0);
  item.campaign_id = s.Text(1);
  item.item_type = s.Text(2);
  item.item_id = s.Text(3);
  item.label = s.OptText(4);
  item.created_at = s.Int(5);
  return item;
}

bool IsItemType(const std::string& t) { return t == "creator" || t == "video" || t == "campaign"; }

// The label of an item in the campaign's project, or nullopt (outer) when there is no such item
// there: another project's or organization's item is as absent as a missing one.
std::optional<std::optional<std::string>> FindItemInProject(Db& db, const std::string& org_id,
                                                            const std::string& project_id,
                                                            const std::string& type,
                                                            const std::string& id) {
  auto s = type == "creator" ? db.Prepare(
                                   "SELECT tiktok_handle FROM creators "
                                   "WHERE id = ?1 AND org_id = ?2 AND project_id = ?3")
           : type == "video" ? db.Prepare(
                                   "SELECT title FROM videos "
                                   "WHERE id = ?1 AND org_id = ?2 AND project_id = ?3")
                             : db.Prepare(
                                   "SELECT name FROM campaigns "
                                   "WHERE id = ?1 AND org_id = ?2 AND project_id = ?3");
  s.Bind(1, id).Bind(2, org_id).Bind(3, project_id);
  if (!s.Step()) return std::nullopt;
  return s.OptText(0);
}

// Whether `root` contains `target` at any depth (or is it). Runs inside the write transaction
// of the insert it guards, so no concurrent insert can close a cycle between check and write.
// UNION (not UNION ALL) visits each campaign once, so diamonds cost nothing extra.
bool Contains(Db& db, const std::string& org_id, const std::string& root,
              const std::string& target) {
  auto s = db.Prepare(
      "WITH RECURSIVE tree(id) AS (SELECT ?1 UNION "
      "SELECT i.item_id FROM campaign_items i JOIN tree ON i.campaign_id = tree.id "
      "WHERE i.item_type = 'campaign' AND i.org_id = ?3) "
      "SELECT 1 FROM tree WHERE id = ?2 LIMIT 1");
  s.Bind(1, root).Bind(2, target).Bind(3, org_id);
  return s.Step();
}

std::string Capitalized(const std::string& type) {
  std::string out = type;
  if (!out.empty()) out[0] = static_cast<char>(out[0] - 'a' + 'A');
  return out;
}

// The resolver, over one read transaction. Videos of distinct creators are disjoint (a video has
// one creator), so only video items can repeat a creator's video: the set of creators that
// contributed decides that without hashing every video.
void Resolve(Db& db, const std::string& org_id, const std::string& root, CreatorVideoRule rule,
             std::vector<std::int64_t>* seqs, std::vector<std::string>* ids) {
  std::unordered_set<std::string> seen_campaigns{root};
  std::deque<std::string> queue{root};
  std::vector<std::string> creators, videos;
  std::unordered_set<std::string> seen_creators, seen_videos;
  while (!queue.empty()) {
    // Prepare hands out the cached statement; its wrapper resets it at the end of each turn.
    auto items = db.Prepare(
        "SELECT item_type, item_id FROM campaign_items WHERE campaign_id = ?1 AND org_id = ?2");
    items.Bind(1, queue.front()).Bind(2, org_id);
    queue.pop_front();
    while (items.Step()) {
      std::string type = items.Text(0);
      std::string id = items.Text(1);
      if (type == "campaign") {
        if (seen_campaigns.insert(id).second) queue.push_back(std::move(id));
      } else if (type == "creator") {
        if (seen_creators.insert(id).second) creators.push_back(std::move(id));
      } else if (seen_videos.insert(id).second) {
        videos.push_back(std::move(id));
      }
    }
  }

  bool counted = rule == CreatorVideoRule::kCounted;
  std::unordered_set<std::string> contributed;
  for (const std::string& creator : creators) {
    // The seqs alone when the caller wants no ids: then the small index videos_creator_status
    // covers the read (a video's organization is its creator's, so the creator's org check
    // confines it); with ids, videos_org_creator_status covers it.
#define GOATHERD_CREATOR_VIDEOS(COLUMNS, JOIN, STATUSES)                                 \
  "SELECT " COLUMNS " FROM creators c JOIN videos v ON " JOIN                            \
  " WHERE c.id = ?1 AND c.org_id = ?2 AND c.status = 'active' AND v.tracking_status IN " \
  "(" STATUSES ")"
#define GOATHERD_BY_CREATOR "v.creator_id = c.id"
#define GOATHERD_BY_ORG_CREATOR "v.org_id = c.org_id AND v.creator_id = c.id"
    static constexpr const char* kOfCreator[2][2] = {
        {GOATHERD_CREATOR_VIDEOS("v.seq", GOATHERD_BY_CREATOR, "'auto_tracked', 'included'"),
         GOATHERD_CREATOR_VIDEOS("v.seq, v.id", GOATHERD_BY_ORG_CREATOR,
                                 "'auto_tracked', 'included'")},
        {GOATHERD_CREATOR_VIDEOS("v.seq", GOATHERD_BY_CREATOR,
                                 "'auto_tracked', 'included', 'direct_add'"),
         GOATHERD_CREATOR_VIDEOS("v.seq, v.id", GOATHERD_BY_ORG_CREATOR,
                                 "'auto_tracked', 'included', 'direct_add'")}};
#undef GOATHERD_BY_CREATOR
#undef GOATHERD_BY_ORG_CREATOR
#undef GOATHERD_CREATOR_VIDEOS
    auto of_creator = db.Prepare(kOfCreator[counted][ids != nullptr]);
    of_creator.Bind(1, creator).Bind(2, org_id);
    bool any = false;
    while (of_creator.Step()) {
      any = true;
      seqs->push_back(of_creator.Int(0));
      if (ids) ids->push_back(of_creator.Text(1));
    }
    if (any) contributed.insert(creator);
  }

  for (const std::string& id : videos) {
    auto video = db.Prepare(
        "SELECT seq, id, creator_id, tracking_status FROM videos WHERE id = ?1 AND org_id = ?2");
    video.Bind(1, id).Bind(2, org_id);
    if (video.Step()) {
      std::optional<std::string> creator = video.OptText(2);
      std::string status = video.Text(3);
      bool rule_counts =
          status == "auto_tracked" || status == "included" || (counted && status == "direct_add");
      bool already = creator && rule_counts && contributed.count(*creator) > 0;
      if (!already) {
        seqs->push_back(video.Int(0));
        if (ids) ids->push_back(video.Text(1));
      }
    }
  }
}

bool CampaignVisible(Db& db, const std::string& org_id, const std::string& id) {
  auto s = db.Prepare(
      "SELECT 1 FROM campaigns c JOIN projects p ON p.id = c.project_id "
      "WHERE c.id = ?1 AND c.org_id = ?2 AND p.deleted_at IS NULL");
  s.Bind(1, id).Bind(2, org_id);
  return s.Step();
}

}  // namespace

Result<Page<Campaign>> SqliteStore::ListCampaigns(const std::string& org_id,
                                                  const CampaignFilter& filter,
                                                  const PageRequest& page) {
  return Guarded("list campaigns", [&]() -> Result<Page<Campaign>> {
    auto db = pool_.Acquire();
    auto s = db->Prepare(kListCampaigns[filter.project_id ? 1 : 0][page.after ? 1 : 0]);
    s.Bind(1, org_id);
    if (filter.project_id) s.Bind(2, *filter.project_id);
    if (page.after) s.Bind(3, page.after->created_at).Bind(4, page.after->id);
    s.Bind(5, page.limit + 1);
    return ReadPage<Campaign>(s, page.limit, ReadCampaign);
  });
}

Result<Campaign> SqliteStore::GetCampaign(const std::string& org_id, const std::string& id) {
  return Guarded("get campaign", [&]() -> Result<Campaign> {
    auto db = pool_.Acquire();
    auto c = FindCampaign(*db, org_id, id);
    if (!c) return CampaignNotFound();
    return *c;
  });
}

Result<Campaign> SqliteStore::CreateCampaign(const Campaign& campaign) {
  return Guarded("create campaign", [&]() -> Result<Campaign> {
    auto db = pool_.Acquire();
    WriteTxn txn(*db);
    auto project =
        db->Prepare("SELECT 1 FROM projects WHERE id = ?1 AND org_id = ?2 AND deleted_at IS NULL");
    project.Bind(1, campaign.project_id).Bind(2, campaign.org_id);
    if (!project.Step()) return Error::NotFound("Project not found");
    auto count =
        db->Prepare("SELECT count(*) FROM campaigns WHERE project_id = ?1 AND org_id = ?2");
    count.Bind(1, campaign.project_id).Bind(2, campaign.org_id);
    count.Step();
    if (Status st =
            CheckCountLimit(*db, campaign.org_id, "max_campaigns_per_project", count.Int(0), 1);
        !st) {
      return st.error();
    }
    db->Prepare(
          "INSERT INTO campaigns (id, org_id, project_id, name, description, metadata, "
          "target_views, target_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .Bind(1, campaign.id)
        .Bind(2, campaign.org_id)
        .Bind(3, campaign.project_id)
        .Bind(4, campaign.name)
        .Bind(5, campaign.description)
        .Bind(6, campaign.metadata)
        .Bind(7, campaign.target_views)
        .Bind(8, campaign.target_at)
        .Bind(9, campaign.created_at)
        .Bind(10, campaign.updated_at)
        .Exec();
    txn.Commit();
    Campaign out = campaign;
    out.item_count = 0;
    return out;
  });
}

Result<Campaign> SqliteStore::UpdateCampaign(const std::string& org_id, const std::string& id,
                                             const CampaignPatch& patch, Timestamp now) {
  return Guarded("update campaign", [&]() -> Result<Campaign> {
    auto db = pool_.Acquire();
    WriteTxn txn(*db);
    auto current = FindCampaign(*db, org_id, id);
    if (!current) return CampaignNotFound();
    Campaign next = *current;
    if (patch.name) next.name = *patch.name;
    if (patch.readme) next.description = *patch.readme;
    if (patch.metadata) next.metadata = *patch.metadata;
    if (patch.target_views) next.target_views = *patch.target_views;
    if (patch.target_at) next.target_at = *patch.target_at;
    if (next.name == current->name && next.description == current->description &&
        next.target_views == current->target_views && next.target_at == current->target_at &&
        SameJson(next.metadata, current->metadata)) {
      return *current;  // setting stored values is a no-op, updated_at included
    }
    next.updated_at = now;
    db->Prepare(
          "UPDATE campaigns SET name = ?, description = ?, metadata = ?, target_views = ?, "
          "target_at = ?, updated_at = ? WHERE id = ? AND org_id = ?")
        .Bind(1, next.name)
        .Bind(2, next.description)
        .Bind(3, next.metadata)
        .Bind(4, next.target_views)
        .Bind(5, next.target_at)
        .Bind(6, now)
        .Bind(7, id)
        .Bind(8, org_id)
        .Exec();
    txn.Commit();
    return next;
  });
}

Status SqliteStore::DeleteCampaign(const std::string& org_id, const std::string& id) {
  return Guarded("delete campaign", [&]() -> Status {
    auto db = pool_.Acquire();
    WriteTxn txn(*db);
    if (!CampaignVisible(*db, org_id, id)) return CampaignNotFound();
    // Its own items go by cascade, its memberships in parents by trigger (migration 8).
    db->Prepare("DELETE FROM campaigns WHERE id = ?1 AND org_id = ?2")
        .Bind(1, id)
        .Bind(2, org_id)
        .Exec();
    BumpStatsGeneration(*db, org_id);
    txn.Commit();
    return Status::Ok();
  });
}

Result<Page<CampaignItem>> SqliteStore::ListCampaignItems(const std::string& org_id,
                                                          const std::string& campaign_id,
                                                          const PageRequest& page) {
  return Guarded("list campaign items", [&]() -> Result<Page<CampaignItem>> {
    auto db = pool_.Acquire();
    ReadTxn read(*db);
    if (!CampaignVisible(*db, org_id, campaign_id)) return CampaignNotFound();
    auto s = page.after ? db->Prepare("SELECT " GOATHERD_ITEM_COLUMNS
                                      "WHERE i.campaign_id = ?1 AND i.org_id = ?2 AND i.seq < ?3 "
                                      "ORDER BY i.seq DESC LIMIT ?4")
                        : db->Prepare("SELECT " GOATHERD_ITEM_COLUMNS
                                      "WHERE i.campaign_id = ?1 AND i.org_id = ?2 "
                                      "ORDER BY i.seq DESC LIMIT ?4");
    s.Bind(1, campaign_id).Bind(2, org_id).Bind(4, page.limit + 1);
    if (page.after) s.Bind(3, page.after->created_at);
    return ReadPage<CampaignItem>(s, page.limit, ReadItem);
  });
}

Result<CampaignItem> SqliteStore::AddCampaignItem(const std::string& org_id,
                                                  const std::string& campaign_id,
                                                  const std::string& item_type,
                                                  const std::string& item_id, Timestamp now) {
  return Guarded("add campaign item", [&]() -> Result<CampaignItem> {
    if (!IsItemType(item_type)) {
      return Error::InvalidBody("Field 'item_type' must be 'creator', 'video' or 'campaign'");
    }
    auto db = pool_.Acquire();
    WriteTxn txn(*db);
    auto campaign = FindCampaign(*db, org_id, campaign_id);
    if (!campaign) return CampaignNotFound();
    auto label = FindItemInProject(*db, org_id, campaign->project_id, item_type, item_id);
    if (!label) {
      return Error::NotFound(Capitalized(item_type) + " " + item_id +
                             " not found in this campaign's project");
    }
    // The order of api-conventions.md puts 402 before 409; a duplicate adds no row, so the cap
    // does not apply to it.
    auto present = db->Prepare(
        "SELECT 1 FROM campaign_items WHERE campaign_id = ?1 AND item_type = ?2 AND item_id = ?3");
    present.Bind(1, campaign_id).Bind(2, item_type).Bind(3, item_id);
    if (present.Step()) {
      return Error::Conflict("duplicate", Capitalized(item_type) + " " + item_id +
                                              " is already an item of this campaign");
    }
    if (Status st = CheckCountLimit(*db, org_id, "max_campaign_items_per_campaign",
                                    campaign->item_count, 1);
        !st) {
      return st.error();
    }
    if (item_type == "campaign" && Contains(*db, org_id, item_id, campaign_id)) {
      return Error::Conflict(
          "circular_reference",
          item_id == campaign_id
              ? "A campaign cannot contain itself"
              : "Campaign " + item_id + " already contains campaign " + campaign_id +
                    " (directly or through sub-campaigns); adding it would make a cycle");
    }
    db->Prepare(
          "INSERT INTO campaign_items (org_id, campaign_id, item_type, item_id, created_at) "
          "VALUES (?, ?, ?, ?, ?)")
        .Bind(1, org_id)
        .Bind(2, campaign_id)
        .Bind(3, item_type)
        .Bind(4, item_id)
        .Bind(5, now)
        .Exec();
    CampaignItem item;
    item.seq = sqlite3_last_insert_rowid(db->raw());
    item.campaign_id = campaign_id;
    item.item_type = item_type;
    item.item_id = item_id;
    item.label = *label;
    item.created_at = now;
    BumpStatsGeneration(*db, org_id);
    txn.Commit();
    return item;
  });
}

Status SqliteStore::RemoveCampaignItem(const std::string& org_id, const std::string& campaign_id,
                                       const std::string& item_type, const std::string& item_id) {
  return Guarded("remove campaign item", [&]() -> Status {
    auto db = pool_.Acquire();
    WriteTxn txn(*db);
    if (!CampaignVisible(*db, org_id, campaign_id)) return CampaignNotFound();
    db->Prepare(
          "DELETE FROM campaign_items "
          "WHERE campaign_id = ?1 AND item_type = ?2 AND item_id = ?3 AND org_id = ?4")
        .Bind(1, campaign_id)
        .Bind(2, item_type)
        .Bind(3, item_id)
        .Bind(4, org_id)
        .Exec();
    if (db->Changes() == 0) {
      return Error::NotFound(Capitalized(item_type) + " " + item_id +
                             " is not an item of this campaign");
    }
    BumpStatsGeneration(*db, org_id);
    txn.Commit();
    return Status::Ok();
  });
}

Result<std::vector<std::string>> SqliteStore::ResolveCampaignVideoIds(
    const std::string& org_id, const std::string& campaign_id, CreatorVideoRule rule) {
  return Guarded("resolve campaign videos", [&]() -> Result<std::vector<std::string>> {
    auto db = pool_.Acquire();
    ReadTxn read(*db);
    if (!CampaignVisible(*db, org_id, campaign_id)) return CampaignNotFound();
    std::vector<std::int64_t> seqs;
    std::vector<std::string> ids;
    Resolve(*db, org_id, campaign_id, rule, &seqs, &ids);
    return ids;
  });
}

Result<std::vector<std::int64_t>> SqliteStore::ResolveCampaignVideoSeqs(
    const std::string& org_id, const std::string& campaign_id, CreatorVideoRule rule) {
  return Guarded("resolve campaign videos", [&]() -> Result<std::vector<std::int64_t>> {
    auto db = pool_.Acquire();
    ReadTxn read(*db);
    if (!CampaignVisible(*db, org_id, campaign_id)) return CampaignNotFound();
    std::vector<std::int64_t> seqs;
    Resolve(*db, org_id, campaign_id, rule, &seqs, nullptr);
    std::sort(seqs.begin(), seqs.end());
    return seqs;
  });
}

}  // namespace goatherd::sqlite
