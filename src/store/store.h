// Store: the one interface to persistence. Everything outside src/store/ talks to the database
// through it and never sees SQL or learns which backend runs (SQLite today, PostgreSQL later).
// Every query that reads tenant data takes the organization id and filters on it.
// Thread-safety: a Store is shared by all threads; each call is independent and may block, so
// callers run it on worker threads, never on I/O threads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/types.h"

namespace goatherd {

// A keyset position in a list ordered newest first by (created_at, id).
struct KeysetPosition {
  Timestamp created_at = 0;
  std::string id;
};

struct PageRequest {
  int limit = 50;
  std::optional<KeysetPosition> after;  // rows strictly after this position
};

template <class T>
struct Page {
  std::vector<T> items;
  bool has_more = false;
};

// Optional fields of a PATCH: a set outer optional means "the request names this field".
struct ProjectPatch {
  std::optional<std::string> name;
  std::optional<std::optional<std::string>> readme;
  std::optional<std::string> metadata;
};

// Loads JSON Lines imports: one transaction per batch, upsert by id, snapshots unique by
// (video, snapshot_at). A failing call leaves the open batch to be rolled back.
class ImportSession {
 public:
  virtual ~ImportSession() = default;
  virtual Status BeginBatch() = 0;
  virtual Status CommitBatch() = 0;
  virtual void RollbackBatch() = 0;
  // `explicit_created_at`: the line carried `created_at`; otherwise an existing row keeps its own.
  virtual Status PutOrganization(const Organization& org, bool explicit_created_at) = 0;
  virtual Status PutProject(const Project& project, bool explicit_created_at) = 0;
  virtual Status PutCreator(const Creator& creator, bool explicit_created_at) = 0;
  virtual Status PutVideo(const Video& video, bool explicit_created_at) = 0;
  virtual Status PutVideoSnapshot(const std::string& video_id, const VideoSnapshot& snapshot) = 0;
  virtual Status PutCreatorSnapshot(const CreatorSnapshot& snapshot) = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // Brings the schema to the current version; returns the version reached.
  virtual Result<int> Migrate() = 0;
  virtual Status Ping() = 0;

  // A named server secret (e.g. the cursor-signing key), created at random on first use and
  // kept in the database so that every process on it agrees.
  virtual Result<std::string> ServerSecret(const std::string& name) = 0;

  // Organizations.
  virtual Result<Organization> CreateOrganization(const Organization& org) = 0;
  virtual Result<Organization> GetOrganization(const std::string& id) = 0;
  virtual Status SetOrganizationBanned(const std::string& id, bool banned) = 0;

  // Plans. nullopt = unlimited (also for a key the plan does not list).
  virtual Result<std::optional<std::int64_t>> PlanLimit(const std::string& plan,
                                                        const std::string& key) = 0;
  virtual Result<bool> PlanExists(const std::string& plan) = 0;

  // API keys. `CreateApiKey` with `enforce_limit` checks max_api_keys_per_org atomically.
  virtual Result<ApiKey> CreateApiKey(const ApiKey& key, bool enforce_limit) = 0;
  virtual Result<std::optional<ApiKey>> FindApiKeyByHash(const std::string& hash) = 0;
  virtual Result<std::vector<ApiKey>> ListApiKeys(const std::string& org_id) = 0;
  // Revokes a key of any organization (operator's CLI); 404 when unknown.
  virtual Result<ApiKey> RevokeApiKey(const std::string& key_id, Timestamp now) = 0;
  virtual Status TouchApiKey(const std::string& key_id, Timestamp now) = 0;

  // Projects (soft-deleted ones are invisible).
  virtual Result<Page<Project>> ListProjects(const std::string& org_id, const PageRequest& page) = 0;
  virtual Result<Project> GetProject(const std::string& org_id, const std::string& id) = 0;
  // Checks max_projects_per_org in the same transaction as the insert.
  virtual Result<Project> CreateProject(const Project& project) = 0;
  virtual Result<Project> UpdateProject(const std::string& org_id, const std::string& id,
                                        const ProjectPatch& patch, Timestamp now) = 0;
  virtual Status DeleteProject(const std::string& org_id, const std::string& id,
                               Timestamp now) = 0;

  virtual std::unique_ptr<ImportSession> BeginImport(Timestamp now) = 0;
};

// Opens the store a `--db` value names: a file path (SQLite) or, later, a postgresql:// URL.
// `pool_size` bounds the concurrent connections.
Result<std::unique_ptr<Store>> OpenStore(const std::string& location, int pool_size);

}  // namespace goatherd
