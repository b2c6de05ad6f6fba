#include "store/sqlite/db.h"

namespace goatherd::sqlite {
namespace {
[[noreturn]] void Fail(sqlite3* db, int rc) {
  throw SqliteError(rc, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
}
}  // namespace

Stmt& Stmt::Bind(int i, std::int64_t v) {
  sqlite3_bind_int64(stmt_, i, v);
  return *this;
}
Stmt& Stmt::Bind(int i, std::string_view v) {
  sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}
Stmt& Stmt::BindBlob(int i, std::string_view v) {
  sqlite3_bind_blob(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}
Stmt& Stmt::BindNull(int i) {
  sqlite3_bind_null(stmt_, i);
  return *this;
}

bool Stmt::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  Fail(sqlite3_db_handle(stmt_), rc);
}

std::string Stmt::Text(int col) const { return std::string(View(col)); }
std::string_view Stmt::View(int col) const {
  auto* p = reinterpret_cast<const char*>(sqlite3_column_blob(stmt_, col));
  int n = sqlite3_column_bytes(stmt_, col);
  return p ? std::string_view(p, static_cast<std::size_t>(n)) : std::string_view();
}
std::optional<std::string> Stmt::OptText(int col) const {
  if (IsNull(col)) return std::nullopt;
  return Text(col);
}
std::optional<std::int64_t> Stmt::OptInt(int col) const {
  if (IsNull(col)) return std::nullopt;
  return Int(col);
}

namespace {
// SQLite's memory statistics take one process-wide mutex around every allocation, which the
// threads serving requests then contend for; goatherd never reads them. The setting only takes
// before the library initializes (the first open), hence once, here.
void ConfigureSqliteOnce() {
  static const bool configured = [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return true;
  }();
  (void)configured;
}
}  // namespace

Db::Db(const std::string& path) {
  ConfigureSqliteOnce();
  int rc =
      sqlite3_open_v2(path.c_str(), &db_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw SqliteError(rc, "cannot open database " + path + ": " + msg);
  }
  sqlite3_busy_timeout(db_, 10000);
  Exec("PRAGMA journal_mode=WAL");
  Exec("PRAGMA synchronous=NORMAL");
  Exec("PRAGMA foreign_keys=ON");
  Exec("PRAGMA temp_store=MEMORY");
}

Db::~Db() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close(db_);
}

Stmt Db::Prepare(const char* sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) return Stmt(it->second);
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) Fail(db_, rc);
  cache_.emplace(sql, stmt);
  return Stmt(stmt);
}

void Db::Exec(std::string_view sql) {
  std::string text(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    throw SqliteError(rc, msg);
  }
}

WriteTxn::~WriteTxn() {
  if (!done_) {
    try {
      db_.Exec("ROLLBACK");
    } catch (const SqliteError&) {
      // The transaction may already be gone (SQLite rolls back on some errors by itself).
    }
  }
}

// Cached statements: BEGIN and COMMIT of a read run for nearly every request.
ReadTxn::ReadTxn(Db& db) : db_(db) {
  joined_ = sqlite3_get_autocommit(db_.raw()) == 0;
  if (!joined_) db_.Prepare("BEGIN").Exec();
}

ReadTxn::~ReadTxn() {
  if (joined_) return;
  try {
    db_.Prepare("COMMIT").Exec();
  } catch (const SqliteError&) {
    // SQLite may have ended it already.
  }
}

namespace {

// The connection of the SharedRead open on this thread, and the pool it came from.
struct ThreadSharedRead {
  const Pool* pool = nullptr;
  Db* db = nullptr;
};
thread_local ThreadSharedRead thread_shared_read;

}  // namespace

Pool::Pool(std::string path, int size) : path_(std::move(path)), size_(size < 1 ? 1 : size) {}

Pool::Lease Pool::Acquire() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return !free_.empty() || open_ < size_; });
  if (!free_.empty()) {
    auto db = std::move(free_.back());
    free_.pop_back();
    return Lease(*this, std::move(db));
  }
  ++open_;
  lock.unlock();
  try {
    return Lease(*this, std::make_unique<Db>(path_));
  } catch (...) {
    std::lock_guard relock(mu_);
    --open_;
    cv_.notify_one();
    throw;
  }
}

Pool::Lease Pool::AcquireRead() {
  if (thread_shared_read.pool == this) return Lease(*thread_shared_read.db);
  return Acquire();
}

Pool::SharedRead::SharedRead(Pool& pool) {
  // Nested, or a second pool on the thread: the outer one stays in charge.
  if (thread_shared_read.pool) return;
  lease_.emplace(pool.Acquire());
  txn_.emplace(**lease_);
  thread_shared_read = {&pool, &**lease_};
}

Pool::SharedRead::~SharedRead() {
  if (txn_) thread_shared_read = {};
}

void Pool::Return(std::unique_ptr<Db> db) {
  std::lock_guard lock(mu_);
  free_.push_back(std::move(db));
  cv_.notify_one();
}

}  // namespace goatherd::sqlite
