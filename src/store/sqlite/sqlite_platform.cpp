// The platform part of SqliteStore: organization settings, API key revocation through the API,
// daily request counts and idempotency records.
#include "store/sqlite/cohort_sync.h"
#include "store/sqlite/sqlite_store.h"

namespace goatherd::sqlite {
namespace {
constexpr Timestamp kIdempotencyTtlSeconds = 24 * 3600;
// A claim still unfinished after this long belongs to a process that died mid-request (no
// handler runs this long): the key is free again rather than "still running" for a day.
constexpr Timestamp kStaleClaimSeconds = 120;
}  // namespace

Result<Organization> SqliteStore::UpdateOrganization(const std::string& id,
                                                     const OrganizationPatch& patch,
                                                     Timestamp now) {
  return Guarded("update organization", [&]() -> Result<Organization> {
    auto db = pool_.Acquire();
    WriteTxn txn(*db);
    auto s = db->Prepare(
        "SELECT id, name, timezone, plan, settings, banned, created_at, updated_at "
        "FROM organizations WHERE id = ?");
    s.Bind(1, id);
    if (!s.Step()) return Error::NotFound("Organization not found");
    Organization was{s.Text(0), s.Text(1),     s.Text(2), s.Text(3),
                     s.Text(4), s.Int(5) != 0, s.Int(6),  s.Int(7)};
    Organization next = was;
    if (patch.name) next.name = *patch.name;
    if (patch.timezone) next.timezone = *patch.timezone;
    if (patch.settings) next.settings = *patch.settings;
    if (next.name == was.name && next.timezone == was.timezone && next.settings == was.settings) {
      return was;
    }
    next.updated_at = now;
    db->Prepare(
          "UPDATE organizations SET name = ?, timezone = ?, settings = ?, updated_at = ? "
          "WHERE id = ?")
        .Bind(1, next.name)
        .Bind(2, next.timezone)
        .Bind(3, next.settings)
        .Bind(4, now)
        .Bind(5, id)
        .Exec();
    if (next.timezone != was.timezone) RebuildOrgCohorts(*db, id);
    BumpStatsGeneration(*db, id);
    txn.Commit();
    return next;
  });
}

Result<std::int64_t> SqliteStore::SyncDeferredWork() {
  return Guarded("sync deferred work", [&]() -> Result<std::int64_t> {
    auto db = pool_.Acquire();
    return SyncDeferredCohorts(*db);
  });
}

Result<std::vector<goatherd::PlanLimit>> SqliteStore::PlanLimits(const std::string& plan) {
  return Guarded("plan limits", [&]() -> Result<std::vector<goatherd::PlanLimit>> {
    auto db = pool_.Acquire();
    auto s =
        db->Prepare("SELECT limit_key, value FROM plan_limits WHERE plan = ? ORDER BY limit_key");
    s.Bind(1, plan);
    std::vector<goatherd::PlanLimit> out;
    while (s.Step()) out.push_back({plan, s.Text(0), s.OptInt(1)});
    return out;
  });
}

Result<ApiKey> SqliteStore::RevokeOrgApiKey(const std::string& org_id, const std::string& key_id,
                                            Timestamp now) {
  return Guarded("revoke org api key", [&]() -> Result<ApiKey> {
    {
      auto db = pool_.Acquire();
      auto s = db->Prepare("SELECT 1 FROM api_keys WHERE id = ? AND org_id = ?");
      s.Bind(1, key_id).Bind(2, org_id);
      if (!s.Step()) return Error::NotFound("API key not found");
    }
    return RevokeApiKey(key_id, now);
  });
}

Result<std::vector<std::pair<std::string, std::int64_t>>> SqliteStore::ApiUsage(DayNumber day) {
  using Out = std::vector<std::pair<std::string, std::int64_t>>;
  return Guarded("api usage", [&]() -> Result<Out> {
    auto db = pool_.Acquire();
    auto s = db->Prepare("SELECT org_id, count FROM api_usage WHERE day = ?");
    s.Bind(1, static_cast<std::int64_t>(day));
    Out out;
    while (s.Step()) out.emplace_back(s.Text(0), s.Int(1));
    return out;
  });
}

Status SqliteStore::AddApiUsage(DayNumber day,
                                const std::vector<std::pair<std::string, std::int64_t>>& counts) {
  return Guarded("add api usage", [&]() -> Status {
    auto db = pool_.Acquire();
    WriteTxn txn(*db);
    for (const auto& [org, n] : counts) {
      db->Prepare(
            "INSERT INTO api_usage (org_id, day, count) VALUES (?, ?, ?) "
            "ON CONFLICT (org_id, day) DO UPDATE SET count = count + excluded.count")
          .Bind(1, org)
          .Bind(2, static_cast<std::int64_t>(day))
          .Bind(3, n)
          .Exec();
    }
    // Yesterday's counts are no longer needed by anyone.
    db->Prepare("DELETE FROM api_usage WHERE day < ?")
        .Bind(1, static_cast<std::int64_t>(day) - 1)
        .Exec();
    txn.Commit();
    return Status::Ok();
  });
}

Result<IdempotencyClaim> SqliteStore::BeginIdempotent(const std::string& org_id,
                                                      const std::string& key,
                                                      const std::string& fingerprint,
                                                      Timestamp now) {
  return Guarded("begin idempotent", [&]() -> Result<IdempotencyClaim> {
    auto db = pool_.Acquire();
    WriteTxn txn(*db);
    db->Prepare(
          "DELETE FROM idempotency_keys WHERE org_id = ? AND key = ? AND (created_at <= ? OR "
          "(status IS NULL AND created_at <= ?))")
        .Bind(1, org_id)
        .Bind(2, key)
        .Bind(3, now - kIdempotencyTtlSeconds)
        .Bind(4, now - kStaleClaimSeconds)
        .Exec();
    auto s = db->Prepare(
        "SELECT fingerprint, status, body FROM idempotency_keys WHERE org_id = ? AND key = ?");
    s.Bind(1, org_id).Bind(2, key);
    IdempotencyClaim claim;
    if (s.Step()) {
      if (s.Text(0) != fingerprint) {
        claim.kind = IdempotencyClaim::kConflict;
      } else if (s.IsNull(1)) {
        claim.kind = IdempotencyClaim::kRunning;
      } else {
        claim.kind = IdempotencyClaim::kReplay;
        claim.status = static_cast<int>(s.Int(1));
        claim.body = s.Text(2);
      }
      return claim;
    }
    db->Prepare(
          "INSERT INTO idempotency_keys (org_id, key, fingerprint, created_at) VALUES (?, ?, ?, ?)")
        .Bind(1, org_id)
        .Bind(2, key)
        .Bind(3, fingerprint)
        .Bind(4, now)
        .Exec();
    txn.Commit();
    return claim;
  });
}

Status SqliteStore::FinishIdempotent(const std::string& org_id, const std::string& key, int status,
                                     const std::string& body) {
  return Guarded("finish idempotent", [&]() -> Status {
    auto db = pool_.Acquire();
    db->Prepare("UPDATE idempotency_keys SET status = ?, body = ? WHERE org_id = ? AND key = ?")
        .Bind(1, status)
        .Bind(2, body)
        .Bind(3, org_id)
        .Bind(4, key)
        .Exec();
    return Status::Ok();
  });
}

Status SqliteStore::AbandonIdempotent(const std::string& org_id, const std::string& key) {
  return Guarded("abandon idempotent", [&]() -> Status {
    auto db = pool_.Acquire();
    db->Prepare("DELETE FROM idempotency_keys WHERE org_id = ? AND key = ? AND status IS NULL")
        .Bind(1, org_id)
        .Bind(2, key)
        .Exec();
    return Status::Ok();
  });
}

}  // namespace goatherd::sqlite
