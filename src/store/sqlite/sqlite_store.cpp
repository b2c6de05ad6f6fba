#include "store/sqlite/sqlite_store.h"

#include <spdlog/spdlog.h>

#include <unordered_map>

#include "core/crypto.h"
#include "store/sqlite/cohort_sync.h"
#include "store/sqlite/json_equal.h"
#include "store/sqlite/migrations.h"

namespace goatherd::sqlite {
namespace {

Organization ReadOrganization(Stmt& s) {
  Organization o;
  o.id = s.Text(0);
  o.name = s.Text(1);
  o.timezone = s.Text(2);
  o.plan = s.Text(3);
  o.settings = s.Text(4);
  o.banned = s.Int(5) != 0;
  o.created_at = s.Int(6);
  o.updated_at = s.Int(7);
  return o;
}
constexpr const char* kSelectOrganization =
    "SELECT id, name, timezone, plan, settings, banned, created_at, updated_at "
    "FROM organizations WHERE id = ?";

ApiKey ReadApiKey(Stmt& s) {
  ApiKey k;
  k.id = s.Text(0);
  k.org_id = s.Text(1);
  k.name = s.Text(2);
  k.prefix = s.Text(3);
  k.hash = s.Text(4);
  k.scopes = static_cast<unsigned>(s.Int(5));
  k.expires_at = s.OptInt(6);
  k.revoked_at = s.OptInt(7);
  k.last_used_at = s.OptInt(8);
  k.created_at = s.Int(9);
  return k;
}
#define GOATHERD_API_KEY_COLUMNS \
  "id, org_id, name, prefix, hash, scopes, expires_at, revoked_at, last_used_at, created_at"

Project ReadProject(Stmt& s) {
  Project p;
  p.id = s.Text(0);
  p.org_id = s.Text(1);
  p.name = s.Text(2);
  p.description = s.OptText(3);
  p.metadata = s.Text(4);
  p.created_at = s.Int(5);
  p.updated_at = s.Int(6);
  p.deleted_at = s.OptInt(7);
  return p;
}
#define GOATHERD_PROJECT_COLUMNS \
  "id, org_id, name, description, metadata, created_at, updated_at, deleted_at"

std::optional<Project> FindProject(Db& db, const std::string& org_id, const std::string& id) {
  auto s = db.Prepare("SELECT " GOATHERD_PROJECT_COLUMNS
                      " FROM projects WHERE id = ? AND org_id = ? AND deleted_at IS NULL");
  s.Bind(1, id).Bind(2, org_id);
  if (!s.Step()) return std::nullopt;
  return ReadProject(s);
}

std::string OrganizationPlan(Db& db, const std::string& org_id) {
  auto s = db.Prepare("SELECT plan FROM organizations WHERE id = ?");
  s.Bind(1, org_id);
  return s.Step() ? s.Text(0) : std::string();
}

std::optional<std::int64_t> LimitOf(Db& db, const std::string& plan, const std::string& key) {
  auto s = db.Prepare("SELECT value FROM plan_limits WHERE plan = ? AND limit_key = ?");
  s.Bind(1, plan).Bind(2, key);
  return s.Step() ? s.OptInt(0) : std::nullopt;
}

}  // namespace

std::optional<std::int64_t> OrgLimit(Db& db, const std::string& org_id,
                                     const std::string& limit_key) {
  return LimitOf(db, OrganizationPlan(db, org_id), limit_key);
}

Status CheckCountLimit(Db& db, const std::string& org_id, const std::string& limit_key,
                       std::int64_t current, std::int64_t adding) {
  return CheckCountLimitLazily(
      db, org_id, limit_key, [current] { return current; }, adding);
}

SqliteStore::SqliteStore(std::string path, int pool_size) : pool_(std::move(path), pool_size) {}

Result<int> SqliteStore::Migrate() {
  return Guarded("migrate", [&]() -> Result<int> {
    auto db = pool_.Acquire();
    db->Exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
        "name TEXT NOT NULL, applied_at INTEGER NOT NULL)");
    int version = 0;
    for (const Migration& m : Migrations()) {
      WriteTxn txn(*db);
      auto seen = db->Prepare("SELECT 1 FROM schema_migrations WHERE version = ?");
      seen.Bind(1, m.version);
      if (!seen.Step()) {
        db->Exec(m.sql);
        auto mark = db->Prepare(
            "INSERT INTO schema_migrations (version, name, applied_at) "
            "VALUES (?, ?, CAST(strftime('%s','now') AS INTEGER))");
        mark.Bind(1, m.version).Bind(2, m.name).Exec();
        spdlog::info("applied migration {} ({})", m.version, m.name);
      }
      txn.Commit();
      version = m.version;
    }
    return version;
  });
}

Status SqliteStore::Ping() {
  return Guarded("ping", [&]() -> Status {
    auto db = pool_.Acquire();
    auto s = db->Prepare("SELECT 1");
    s.Step();
    return Status::Ok();
  });
}

namespace {

class PoolSharedRead final : public Store::SharedRead {
 public:
  explicit PoolSharedRead(Pool& pool) : read_(pool) {}

 private:
  Pool::SharedRead read_;
};

}  // namespace

std::unique_ptr<Store::SharedRead> SqliteStore::ShareReads() {
  try {
    return std::make_unique<PoolSharedRead>(pool_);
  } catch (const std::exception& e) {
    // Not fatal: each read then opens its own connection, and reports its own failure.
    spdlog::warn("store: shared read: {}", e.what());
    return std::make_unique<Store::SharedRead>();
  }
}

Result<std::string> SqliteStore::ServerSecret(const std::string& name) {
  return Guarded("server secret", [&]() -> Result<std::string> {
    auto db = pool_.Acquire();
    auto get = [&]() -> std::optional<std::string> {
      auto s = db->Prepare("SELECT value FROM server_secrets WHERE name = ?");
      s.Bind(1, name);
      return s.Step() ? std::optional(s.Text(0)) : std::nullopt;
    };
    if (auto v = get()) return *v;
    db->Prepare("INSERT OR IGNORE INTO server_secrets (name, value) VALUES (?, ?)")
        .Bind(1, name)
        .BindBlob(2, RandomBytes(32))
        .Exec();
    return *get();
  });
}

Result<Organization> SqliteStore::CreateOrganization(const Organization& org) {
  return Guarded("create organization", [&]() -> Result<Organization> {
    auto db = pool_.Acquire();
    db->Prepare(
          "INSERT INTO organizations (id, name, timezone, plan, settings, banned, created_at, "
          "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        .Bind(1, org.id)
        .Bind(2, org.name)
        .Bind(3, org.timezone)
        .Bind(4, org.plan)
        .Bind(5, org.settings)
        .Bind(6, org.banned)
        .Bind(7, org.created_at)
        .Bind(8, org.updated_at)
        .Exec();
    return org;
  });
}

Result<Organization> SqliteStore::GetOrganization(const std::string& id) {
  return Guarded("get organization", [&]() -> Result<Organization> {
    auto db = pool_.Acquire();
    auto s = db->Prepare(kSelectOrganization);
    s.Bind(1, id);
    if (!s.Step()) return Error::NotFound("Organization not found");
    return ReadOrganization(s);
  });
}

Status SqliteStore::SetOrganizationBanned(const std::string& id, bool banned) {
  return Guarded("ban organization", [&]() -> Status {
    auto db = pool_.Acquire();
    db->Prepare("UPDATE organizations SET banned = ? WHERE id = ?")
        .Bind(1, banned)
        .Bind(2, id)
        .Exec();
    if (db->Changes() == 0) return Error::NotFound("Organization not found");
    return Status::Ok();
  });
}

Result<std::optional<std::int64_t>> SqliteStore::PlanLimit(const std::string& plan,
                                                           const std::string& key) {
  return Guarded("plan limit", [&]() -> Result<std::optional<std::int64_t>> {
    auto db = pool_.Acquire();
    return LimitOf(*db, plan, key);
  });
}

Result<bool> SqliteStore::PlanExists(const std::string& plan) {
  return Guarded("plan exists", [&]() -> Result<bool> {
    auto db = pool_.Acquire();
    auto s = db->Prepare("SELECT 1 FROM plan_limits WHERE plan = ? LIMIT 1");
    s.Bind(1, plan);
    return s.Step();
  });
}

Result<ApiKey> SqliteStore::CreateApiKey(const ApiKey& key, bool enforce_limit) {
  return Guarded("create api key", [&]() -> Result<ApiKey> {
    auto db = pool_.Acquire();
    WriteTxn txn(*db);
    auto org = db->Prepare("SELECT 1 FROM organizations WHERE id = ?");
    org.Bind(1, key.org_id);
    if (!org.Step()) return Error::NotFound("Organization not found");
    if (enforce_limit) {
      auto count =
          db->Prepare("SELECT count(*) FROM api_keys WHERE org_id = ? AND revoked_at IS NULL");
      count.Bind(1, key.org_id);
      count.Step();
      if (Status st = CheckCountLimit(*db, key.org_id, "max_api_keys_per_org", count.Int(0), 1);
          !st) {
        return st.error();
      }
    }
    db->Prepare("INSERT INTO api_keys (" GOATHERD_API_KEY_COLUMNS
                ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .Bind(1, key.id)
        .Bind(2, key.org_id)
        .Bind(3, key.name)
        .Bind(4, key.prefix)
        .BindBlob(5, key.hash)
        .Bind(6, static_cast<std::int64_t>(key.scopes))
        .Bind(7, key.expires_at)
        .Bind(8, key.revoked_at)
        .Bind(9, key.last_used_at)
        .Bind(10, key.created_at)
        .Exec();
    txn.Commit();
    return key;
  });
}

Result<std::optional<ApiKey>> SqliteStore::FindApiKeyByHash(const std::string& hash) {
  return Guarded("find api key", [&]() -> Result<std::optional<ApiKey>> {
    auto db = pool_.Acquire();
    auto s = db->Prepare("SELECT " GOATHERD_API_KEY_COLUMNS " FROM api_keys WHERE hash = ?");
    s.BindBlob(1, hash);
    if (!s.Step()) return std::optional<ApiKey>();
    return std::optional(ReadApiKey(s));
  });
}

Result<std::optional<std::pair<ApiKey, Organization>>> SqliteStore::FindKeyAndOrganization(
    const std::string& hash) {
  using Out = std::optional<std::pair<ApiKey, Organization>>;
  return Guarded("find key and organization", [&]() -> Result<Out> {
    auto db = pool_.AcquireRead();
    auto s = db->Prepare(
        "SELECT k.id, k.org_id, k.name, k.prefix, k.hash, k.scopes, k.expires_at, k.revoked_at, "
        "k.last_used_at, k.created_at, o.id, o.name, o.timezone, o.plan, o.settings, o.banned, "
        "o.created_at, o.updated_at FROM api_keys k JOIN organizations o ON o.id = k.org_id "
        "WHERE k.hash = ?");
    s.BindBlob(1, hash);
    if (!s.Step()) return Out();
    ApiKey key = ReadApiKey(s);
    Organization org;
    org.id = s.Text(10);
    org.name = s.Text(11);
    org.timezone = s.Text(12);
    org.plan = s.Text(13);
    org.settings = s.Text(14);
    org.banned = s.Int(15) != 0;
    org.created_at = s.Int(16);
    org.updated_at = s.Int(17);
    return Out(std::make_pair(std::move(key), std::move(org)));
  });
}

Result<std::vector<ApiKey>> SqliteStore::ListApiKeys(const std::string& org_id) {
  return Guarded("list api keys", [&]() -> Result<std::vector<ApiKey>> {
    auto db = pool_.Acquire();
    auto s = db->Prepare("SELECT " GOATHERD_API_KEY_COLUMNS
                         " FROM api_keys WHERE org_id = ? ORDER BY created_at, id");
    s.Bind(1, org_id);
    std::vector<ApiKey> keys;
    while (s.Step()) keys.push_back(ReadApiKey(s));
    return keys;
  });
}

Result<ApiKey> SqliteStore::RevokeApiKey(const std::string& key_id, Timestamp now) {
  return Guarded("revoke api key", [&]() -> Result<ApiKey> {
    auto db = pool_.Acquire();
    db->Prepare("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")
        .Bind(1, now)
        .Bind(2, key_id)
        .Exec();
    auto s = db->Prepare("SELECT " GOATHERD_API_KEY_COLUMNS " FROM api_keys WHERE id = ?");
    s.Bind(1, key_id);
    if (!s.Step()) return Error::NotFound("API key not found");
    return ReadApiKey(s);
  });
}

Status SqliteStore::TouchApiKey(const std::string& key_id, Timestamp now) {
  return Guarded("touch api key", [&]() -> Status {
    auto db = pool_.Acquire();
    db->Prepare("UPDATE api_keys SET last_used_at = ? WHERE id = ?")
        .Bind(1, now)
        .Bind(2, key_id)
        .Exec();
    return Status::Ok();
  });
}

Result<Page<Project>> SqliteStore::ListProjects(const std::string& org_id,
                                                const PageRequest& page) {
  return Guarded("list projects", [&]() -> Result<Page<Project>> {
    auto db = pool_.Acquire();
    auto s = page.after ? db->Prepare("SELECT " GOATHERD_PROJECT_COLUMNS
                                      " FROM projects WHERE org_id = ? AND deleted_at IS NULL "
                                      "AND (created_at, id) < (?, ?) "
                                      "ORDER BY created_at DESC, id DESC LIMIT ?")
                        : db->Prepare("SELECT " GOATHERD_PROJECT_COLUMNS
                                      " FROM projects WHERE org_id = ? AND deleted_at IS NULL "
                                      "ORDER BY created_at DESC, id DESC LIMIT ?");
    s.Bind(1, org_id);
    if (page.after) {
      s.Bind(2, page.after->created_at).Bind(3, page.after->id).Bind(4, page.limit + 1);
    } else {
      s.Bind(2, page.limit + 1);
    }
    return ReadPage<Project>(s, page.limit, ReadProject);
  });
}

Result<Project> SqliteStore::GetProject(const std::string& org_id, const std::string& id) {
  return Guarded("get project", [&]() -> Result<Project> {
    auto db = pool_.Acquire();
    auto p = FindProject(*db, org_id, id);
    if (!p) return Error::NotFound("Project not found");
    return *p;
  });
}

Result<Project> SqliteStore::CreateProject(const Project& project) {
  return Guarded("create project", [&]() -> Result<Project> {
    auto db = pool_.Acquire();
    WriteTxn txn(*db);
    auto count =
        db->Prepare("SELECT count(*) FROM projects WHERE org_id = ? AND deleted_at IS NULL");
    count.Bind(1, project.org_id);
    count.Step();
    if (Status st = CheckCountLimit(*db, project.org_id, "max_projects_per_org", count.Int(0), 1);
        !st) {
      return st.error();
    }
    db->Prepare("INSERT INTO projects (" GOATHERD_PROJECT_COLUMNS
                ") VALUES (?, ?, ?, ?, ?, ?, ?, NULL)")
        .Bind(1, project.id)
        .Bind(2, project.org_id)
        .Bind(3, project.name)
        .Bind(4, project.description)
        .Bind(5, project.metadata)
        .Bind(6, project.created_at)
        .Bind(7, project.updated_at)
        .Exec();
    txn.Commit();
    return project;
  });
}

Result<Project> SqliteStore::UpdateProject(const std::string& org_id, const std::string& id,
                                           const ProjectPatch& patch, Timestamp now) {
  return Guarded("update project", [&]() -> Result<Project> {
    auto db = pool_.Acquire();
    WriteTxn txn(*db);
    auto current = FindProject(*db, org_id, id);
    if (!current) return Error::NotFound("Project not found");
    Project next = *current;
    if (patch.name) next.name = *patch.name;
    if (patch.readme) next.description = *patch.readme;
    if (patch.metadata) next.metadata = *patch.metadata;
    if (next.name == current->name && next.description == current->description &&
        SameJson(next.metadata, current->metadata)) {
      return *current;  // setting stored values is a no-op, updated_at included
    }
    next.updated_at = now;
    db->Prepare(
          "UPDATE projects SET name = ?, description = ?, metadata = ?, updated_at = ? "
          "WHERE id = ? AND org_id = ?")
        .Bind(1, next.name)
        .Bind(2, next.description)
        .Bind(3, next.metadata)
        .Bind(4, now)
        .Bind(5, id)
        .Bind(6, org_id)
        .Exec();
    txn.Commit();
    return next;
  });
}

Status SqliteStore::DeleteProject(const std::string& org_id, const std::string& id, Timestamp now) {
  return Guarded("delete project", [&]() -> Status {
    auto db = pool_.Acquire();
    WriteTxn txn(*db);
    db->Prepare(
          "UPDATE projects SET deleted_at = ? WHERE id = ? AND org_id = ? AND deleted_at IS NULL")
        .Bind(1, now)
        .Bind(2, id)
        .Bind(3, org_id)
        .Exec();
    if (db->Changes() == 0) return Error::NotFound("Project not found");
    RemoveProjectFromCohorts(*db, org_id, id);
    txn.Commit();
    return Status::Ok();
  });
}

}  // namespace goatherd::sqlite
