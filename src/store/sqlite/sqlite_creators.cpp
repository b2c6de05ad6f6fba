// The Creators part of SqliteStore (resources.md "Creators"): list, get, add (single and bulk,
// with reactivation of removed creators), PATCH with rename, soft remove, bulk remove and
// re-enable, and the change log. Every write is one BEGIN IMMEDIATE transaction that also writes
// the creator's events, queues its scrape jobs and invalidates cached stats when a status moves.
#include "core/uuid.h"
#include "store/sqlite/cohort_sync.h"
#include "store/sqlite/creator_events.h"
#include "store/sqlite/creator_rows.h"
#include "store/sqlite/job_queue.h"
#include "store/sqlite/json_equal.h"
#include "store/sqlite/sqlite_store.h"

namespace goatherd::sqlite {
namespace {

// Creators of live projects only: a deleted project hides its creators everywhere.
#define GOATHERD_CREATOR_FROM \
  " FROM creators c JOIN projects p ON p.id = c.project_id AND p.deleted_at IS NULL "

std::optional<Creator> FindOrgCreator(Db& db, const std::string& org_id, const std::string& id) {
  auto s = db.Prepare("SELECT " GOATHERD_CREATOR_COLUMNS GOATHERD_CREATOR_FROM
                      "WHERE c.id = ? AND c.org_id = ?");
  s.Bind(1, id).Bind(2, org_id);
  if (!s.Step()) return std::nullopt;
  return ReadCreatorRow(s);
}

bool ProjectExists(Db& db, const std::string& org_id, const std::string& project_id) {
  auto s = db.Prepare("SELECT 1 FROM projects WHERE id = ? AND org_id = ? AND deleted_at IS NULL");
  s.Bind(1, project_id).Bind(2, org_id);
  return s.Step();
}

// The creators max_creators_per_org counts: every one not removed (an auto-disabled creator
// still holds its place until it is removed), in live projects.
std::int64_t CountedCreators(Db& db, const std::string& org_id) {
  auto s = db.Prepare("SELECT count(*)" GOATHERD_CREATOR_FROM
                      "WHERE c.org_id = ? AND c.status <> 'removed'");
  s.Bind(1, org_id);
  s.Step();
  return s.Int(0);
}

// The creator of this project holding `handle` (case-insensitive) in the given state class:
// `removed` true finds the most recently changed removed one, false one that is not removed.
std::optional<Creator> FindByHandle(Db& db, const std::string& project_id,
                                    const std::string& handle, bool removed) {
  auto s = removed ? db.Prepare("SELECT " GOATHERD_CREATOR_COLUMNS
                                " FROM creators c WHERE c.project_id = ? AND "
                                "c.tiktok_handle = ? COLLATE NOCASE AND c.status = 'removed' "
                                "ORDER BY c.updated_at DESC, c.id DESC LIMIT 1")
                   : db.Prepare("SELECT " GOATHERD_CREATOR_COLUMNS
                                " FROM creators c WHERE c.project_id = ? AND "
                                "c.tiktok_handle = ? COLLATE NOCASE AND c.status <> 'removed' "
                                "LIMIT 1");
  s.Bind(1, project_id).Bind(2, handle);
  if (!s.Step()) return std::nullopt;
  return ReadCreatorRow(s);
}

// spec/videos.md: the first snapshot of each of the creator's videos after it comes back
// (re-enabled or reactivated) is a `tracking_resumed` baseline, so the gap is not counted as
// one day's gain.
void MarkTrackingResumed(Db& db, const std::string& creator_id) {
  db.Prepare("UPDATE videos SET resume_baseline_pending = 1 WHERE creator_id = ?")
      .Bind(1, creator_id)
      .Exec();
}

void WriteCreatorRow(Db& db, const Creator& c) {
  db.Prepare(
        "UPDATE creators SET tiktok_handle = ?, display_name_override = ?, description = ?, "
        "metadata = ?, tracking_mode = ?, tracking_start_date = ?, status = ?, "
        "disabled_reason = ?, updated_at = ? WHERE id = ? AND org_id = ?")
      .Bind(1, c.tiktok_handle)
      .Bind(2, c.display_name_override)
      .Bind(3, c.description)
      .Bind(4, c.metadata)
      .Bind(5, c.tracking_mode)
      .Bind(6, c.tracking_start_date)
      .Bind(7, c.status)
      .Bind(8, c.disabled_reason)
      .Bind(9, c.updated_at)
      .Bind(10, c.id)
      .Bind(11, c.org_id)
      .Exec();
}

// A removed creator stops being scraped: its own jobs go (its videos' jobs are skipped by the
// scheduler while the creator is not active).
void DropCreatorJobs(Db& db, const std::string& org_id, const std::string& creator_id) {
  db.Prepare(
        "DELETE FROM scrape_jobs WHERE org_id = ? AND target_id = ? "
        "AND kind IN ('creator_profiles', 'discover_videos')")
      .Bind(1, org_id)
      .Bind(2, creator_id)
      .Exec();
}

CreatorItemResult ItemError(Error e) {
  CreatorItemResult r;
  r.status = e.status;
  r.error = std::move(e);
  return r;
}

CreatorItemResult ItemOk(int status, Creator c) {
  CreatorItemResult r;
  r.status = status;
  r.creator = std::move(c);
  return r;
}

Error HandleTaken(const std::string& handle, const Creator& holder) {
  std::string msg = "Handle @" + handle + " is already tracked in this project";
  if (holder.status == "disabled") {
    msg += " (auto-disabled; re-enable it with bulk-reenable)";
  }
  return Error::Conflict("handle_taken", msg);
}

// Removes one creator inside the caller's transaction; false when it was removed already.
bool RemoveInTxn(Db& db, Creator& c, Timestamp now) {
  if (c.status == "removed") return false;
  std::string before = c.status;
  c.status = "removed";
  c.updated_at = now;
  WriteCreatorRow(db, c);
  DropCreatorJobs(db, c.org_id, c.id);
  AppendCreatorEvent(db, c.org_id, c.id, "removed", now, {{"previous_status", before}});
  BumpStatsGeneration(db, c.org_id);
  return true;
}

}  // namespace

Result<Page<Creator>> SqliteStore::ListCreators(const std::string& org_id,
                                                const CreatorFilter& filter,
                                                const PageRequest& page) {
  return Guarded("list creators", [&]() -> Result<Page<Creator>> {
    auto db = pool_.Acquire();
    // Optional filters are bound as NULL and switched off in SQL, so one statement serves all.
    auto s = db->Prepare("SELECT " GOATHERD_CREATOR_COLUMNS GOATHERD_CREATOR_FROM
                         "WHERE c.org_id = ?1 AND (?2 IS NULL OR c.project_id = ?2) "
                         "AND (?3 IS NULL OR instr(lower(c.tiktok_handle), lower(?3)) > 0) "
                         "AND (?4 = 'all' OR c.status = ?4) "
                         "AND (?5 IS NULL OR (c.created_at, c.id) < (?5, ?6)) "
                         "ORDER BY c.created_at DESC, c.id DESC LIMIT ?7");
    s.Bind(1, org_id).Bind(2, filter.project_id).Bind(3, filter.search).Bind(4, filter.status);
    if (page.after) {
      s.Bind(5, page.after->created_at).Bind(6, page.after->id);
    } else {
      s.BindNull(5).BindNull(6);
    }
    s.Bind(7, page.limit + 1);
    return ReadPage<Creator>(s, page.limit, ReadCreatorRow);
  });
}

Result<Creator> SqliteStore::GetCreator(const std::string& org_id, const std::string& id) {
  return Guarded("get creator", [&]() -> Result<Creator> {
    auto db = pool_.Acquire();
    auto c = FindOrgCreator(*db, org_id, id);
    if (!c) return Error::NotFound("Creator not found");
    return *c;
  });
}

Result<std::vector<CreatorItemResult>> SqliteStore::AddCreators(
    const std::string& org_id, const std::string& project_id,
    const std::vector<CreatorRequest>& items, const std::string& today, std::int64_t now_ms) {
  return Guarded("add creators", [&]() -> Result<std::vector<CreatorItemResult>> {
    Timestamp now = now_ms / 1000;
    auto db = pool_.Acquire();
    WriteTxn txn(*db);
    if (!ProjectExists(*db, org_id, project_id)) return Error::NotFound("Project not found");
    std::int64_t counted = CountedCreators(*db, org_id);
    std::int64_t activated = 0;
    std::vector<CreatorItemResult> results;
    results.reserve(items.size());
    for (std::size_t i = 0; i < items.size(); ++i) {
      const CreatorRequest& item = items[i];
      // Earlier items of this call are already written, so a repeated handle is taken.
      if (auto holder = FindByHandle(*db, project_id, item.tiktok_handle, false)) {
        results.push_back(ItemError(HandleTaken(item.tiktok_handle, *holder)));
        continue;
      }
      if (auto old = FindByHandle(*db, project_id, item.tiktok_handle, true)) {
        Creator c = *old;
        c.tiktok_handle = item.tiktok_handle;
        if (item.tracking_mode) c.tracking_mode = *item.tracking_mode;
        if (item.tracking_start_date) c.tracking_start_date = *item.tracking_start_date;
        c.status = "active";
        c.disabled_reason.reset();
        c.updated_at = now;
        WriteCreatorRow(*db, c);
        AppendCreatorEvent(*db, org_id, c.id, "reactivated", now,
                           {{"tiktok_handle", c.tiktok_handle}});
        QueueCreatorJobsNow(*db, org_id, c.id, now);
        MarkTrackingResumed(*db, c.id);
        ++activated;
        results.push_back(ItemOk(200, std::move(c)));
        continue;
      }
      Creator c;
      // Distinct milliseconds keep a bulk add's ids in the order of its items.
      c.id = NewUuidV7(now_ms + static_cast<std::int64_t>(i));
      c.org_id = org_id;
      c.project_id = project_id;
      c.tiktok_handle = item.tiktok_handle;
      c.tracking_mode = item.tracking_mode.value_or("auto");
      c.tracking_start_date = item.tracking_start_date.value_or(today);
      c.created_at = c.updated_at = now;
      db->Prepare(
            "INSERT INTO creators (id, org_id, project_id, tiktok_handle, metadata, "
            "tracking_mode, tracking_start_date, status, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, '{}', ?, ?, 'active', ?, ?)")
          .Bind(1, c.id)
          .Bind(2, org_id)
          .Bind(3, project_id)
          .Bind(4, c.tiktok_handle)
          .Bind(5, c.tracking_mode)
          .Bind(6, c.tracking_start_date)
          .Bind(7, now)
          .Bind(8, now)
          .Exec();
      AppendCreatorEvent(*db, org_id, c.id, "added", now, {{"tiktok_handle", c.tiktok_handle}});
      QueueCreatorJobsNow(*db, org_id, c.id, now);
      ++activated;
      results.push_back(ItemOk(201, std::move(c)));
    }
    if (activated > 0) {
      // All or nothing: the transaction is dropped (rolled back) on a 402.
      if (Status st = CheckCountLimit(*db, org_id, "max_creators_per_org", counted, activated);
          !st) {
        return st.error();
      }
      BumpStatsGeneration(*db, org_id);
    }
    txn.Commit();
    return results;
  });
}

Result<Creator> SqliteStore::UpdateCreator(const std::string& org_id, const std::string& id,
                                           const CreatorPatch& patch, Timestamp now) {
  return Guarded("update creator", [&]() -> Result<Creator> {
    auto db = pool_.Acquire();
    WriteTxn txn(*db);
    auto current = FindOrgCreator(*db, org_id, id);
    if (!current) return Error::NotFound("Creator not found");
    Creator next = *current;
    if (patch.readme) next.description = *patch.readme;
    if (patch.metadata) next.metadata = *patch.metadata;
    if (patch.tracking_mode) next.tracking_mode = *patch.tracking_mode;
    if (patch.tracking_start_date) next.tracking_start_date = *patch.tracking_start_date;
    if (patch.display_name_override) next.display_name_override = *patch.display_name_override;
    bool others_change = next.description != current->description ||
                         !SameJson(next.metadata, current->metadata) ||
                         next.tracking_mode != current->tracking_mode ||
                         next.tracking_start_date != current->tracking_start_date ||
                         next.display_name_override != current->display_name_override;
    bool renamed = false;
    if (patch.handle_problem) return Error::Conflict("invalid_handle", *patch.handle_problem);
    if (patch.tiktok_handle) {
      const std::string& handle = *patch.tiktok_handle;
      if (handle == current->tiktok_handle) {
        // Only a PATCH that would change nothing at all is refused; an unchanged handle sent
        // beside real changes is simply kept.
        if (!others_change) {
          return Error::Conflict("no_change", "The creator's handle is already @" + handle);
        }
      } else {
        auto banned = db->Prepare(
            "SELECT c.disabled_reason FROM creators c WHERE c.org_id = ? AND c.id <> ? "
            "AND c.tiktok_handle = ? COLLATE NOCASE AND c.status = 'disabled' LIMIT 1");
        banned.Bind(1, org_id).Bind(2, id).Bind(3, handle);
        if (banned.Step()) {
          return Error::Conflict("creator_banned",
                                 "TikTok account @" + handle +
                                     " was disabled after repeated definitive failures (" +
                                     banned.OptText(0).value_or("no reason recorded") + ")");
        }
        auto taken = db->Prepare(
            "SELECT 1 FROM creators WHERE project_id = ? AND id <> ? "
            "AND tiktok_handle = ? COLLATE NOCASE AND status = 'active' LIMIT 1");
        taken.Bind(1, current->project_id).Bind(2, id).Bind(3, handle);
        if (taken.Step()) {
          return Error::Conflict("handle_taken",
                                 "Handle @" + handle + " is already tracked in this project");
        }
        next.tiktok_handle = handle;
        renamed = true;
      }
    }
    if (!renamed && !others_change) return *current;  // setting stored values is a no-op
    next.updated_at = now;
    WriteCreatorRow(*db, next);
    if (renamed) {
      AppendCreatorEvent(*db, org_id, id, "renamed", now,
                         {{"from", current->tiktok_handle}, {"to", next.tiktok_handle}});
      if (next.status == "active") QueueCreatorJobsNow(*db, org_id, id, now);
      // Video URLs are built from the creator's current handle.
      BumpStatsGeneration(*db, org_id);
    }
    if (next.tracking_mode != current->tracking_mode) {
      AppendCreatorEvent(*db, org_id, id, "tracking_mode_changed", now,
                         {{"from", current->tracking_mode}, {"to", next.tracking_mode}});
    }
    txn.Commit();
    return next;
  });
}

Result<Creator> SqliteStore::RemoveCreator(const std::string& org_id, const std::string& id,
                                           Timestamp now) {
  return Guarded("remove creator", [&]() -> Result<Creator> {
    auto db = pool_.Acquire();
    WriteTxn txn(*db);
    auto c = FindOrgCreator(*db, org_id, id);
    if (!c) return Error::NotFound("Creator not found");
    RemoveInTxn(*db, *c, now);
    txn.Commit();
    return *c;
  });
}

Result<std::vector<CreatorItemResult>> SqliteStore::BulkRemoveCreators(
    const std::string& org_id, const std::string& project_id, const std::vector<std::string>& ids,
    Timestamp now) {
  return Guarded("bulk remove creators", [&]() -> Result<std::vector<CreatorItemResult>> {
    auto db = pool_.Acquire();
    WriteTxn txn(*db);
    if (!ProjectExists(*db, org_id, project_id)) return Error::NotFound("Project not found");
    std::vector<CreatorItemResult> results;
    for (const std::string& id : ids) {
      auto c = FindOrgCreator(*db, org_id, id);
      if (!c || c->project_id != project_id) {
        results.push_back(ItemError(Error::NotFound("Creator not found in this project")));
        continue;
      }
      RemoveInTxn(*db, *c, now);
      results.push_back(ItemOk(200, std::move(*c)));
    }
    txn.Commit();
    return results;
  });
}

Result<std::vector<CreatorItemResult>> SqliteStore::BulkReenableCreators(
    const std::string& org_id, const std::string& project_id, const std::vector<std::string>& ids,
    Timestamp now) {
  return Guarded("bulk reenable creators", [&]() -> Result<std::vector<CreatorItemResult>> {
    auto db = pool_.Acquire();
    WriteTxn txn(*db);
    if (!ProjectExists(*db, org_id, project_id)) return Error::NotFound("Project not found");
    std::vector<CreatorItemResult> results;
    bool changed = false;
    for (const std::string& id : ids) {
      auto c = FindOrgCreator(*db, org_id, id);
      if (!c || c->project_id != project_id) {
        results.push_back(ItemError(Error::NotFound("Creator not found in this project")));
        continue;
      }
      if (c->status == "removed") {
        results.push_back(ItemError(Error::Conflict(
            "invalid_transition",
            "Creator @" + c->tiktok_handle +
                " was removed; add its handle to the project again to reactivate it")));
        continue;
      }
      if (c->status == "disabled") {
        std::optional<std::string> reason = c->disabled_reason;
        c->status = "active";
        c->disabled_reason.reset();
        c->updated_at = now;
        WriteCreatorRow(*db, *c);
        // A fresh start: the failures that disabled it no longer count toward disabling again.
        db->Prepare(
              "UPDATE scrape_jobs SET definitive_failures = 0, attempts = 0, last_error = NULL "
              "WHERE org_id = ? AND target_id = ? "
              "AND kind IN ('creator_profiles', 'discover_videos')")
            .Bind(1, org_id)
            .Bind(2, id)
            .Exec();
        QueueCreatorJobsNow(*db, org_id, id, now);
        MarkTrackingResumed(*db, id);
        std::vector<EventDetail> details;
        if (reason) {
          details.push_back({"previous_reason", *reason});
        } else {
          details.push_back({"previous_reason", nullptr});
        }
        AppendCreatorEvent(*db, org_id, id, "re_enabled", now, details);
        changed = true;
      }
      results.push_back(ItemOk(200, std::move(*c)));
    }
    if (changed) BumpStatsGeneration(*db, org_id);
    txn.Commit();
    return results;
  });
}

Result<Page<CreatorEvent>> SqliteStore::ListCreatorEvents(const std::string& org_id,
                                                          const std::string& creator_id,
                                                          const PageRequest& page) {
  return Guarded("list creator events", [&]() -> Result<Page<CreatorEvent>> {
    auto db = pool_.Acquire();
    if (!FindOrgCreator(*db, org_id, creator_id)) return Error::NotFound("Creator not found");
    // The cursor names the last event shown; its seq orders events of one second.
    auto s = db->Prepare(
        "SELECT e.id, e.org_id, e.creator_id, e.kind, e.details, e.created_at "
        "FROM creator_events e WHERE e.creator_id = ?1 AND e.org_id = ?2 "
        "AND (?3 IS NULL OR (e.created_at, e.seq) < "
        "(?3, (SELECT seq FROM creator_events WHERE id = ?4 AND creator_id = ?1))) "
        "ORDER BY e.created_at DESC, e.seq DESC LIMIT ?5");
    s.Bind(1, creator_id).Bind(2, org_id);
    if (page.after) {
      s.Bind(3, page.after->created_at).Bind(4, page.after->id);
    } else {
      s.BindNull(3).BindNull(4);
    }
    s.Bind(5, page.limit + 1);
    return ReadPage<CreatorEvent>(s, page.limit, [](const Stmt& r) {
      CreatorEvent e;
      e.id = r.Text(0);
      e.org_id = r.Text(1);
      e.creator_id = r.Text(2);
      e.kind = r.Text(3);
      e.details = r.Text(4);
      e.created_at = r.Int(5);
      return e;
    });
  });
}

}  // namespace goatherd::sqlite
