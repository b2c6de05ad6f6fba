// Thin RAII wrappers over the SQLite C API: one connection (`Db`) with a cache of prepared
// statements, a statement (`Stmt`) with typed bind/column helpers, and a pool of connections.
// SQLite errors become `SqliteError` exceptions here; SqliteStore turns them into Error values
// at its public boundary, so no exception leaves src/store/.
// Thread-safety: a Db and its statements belong to one thread at a time (the pool hands them
// out); the pool itself is thread-safe.
#pragma once

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/error.h"

namespace goatherd::sqlite {

class SqliteError : public std::runtime_error {
 public:
  SqliteError(int code, const std::string& what) : std::runtime_error(what), code_(code) {}
  int code() const { return code_; }

 private:
  int code_;
};

class Stmt {
 public:
  explicit Stmt(sqlite3_stmt* stmt) : stmt_(stmt) {}
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

  Stmt& Bind(int i, std::int64_t v);
  Stmt& Bind(int i, int v) { return Bind(i, static_cast<std::int64_t>(v)); }
  Stmt& Bind(int i, bool v) { return Bind(i, static_cast<std::int64_t>(v)); }
  Stmt& Bind(int i, std::string_view v);
  Stmt& Bind(int i, const std::string& v) { return Bind(i, std::string_view(v)); }
  Stmt& Bind(int i, const char* v) { return Bind(i, std::string_view(v)); }
  Stmt& BindBlob(int i, std::string_view v);
  Stmt& BindNull(int i);
  template <class T>
  Stmt& Bind(int i, const std::optional<T>& v) {
    return v ? Bind(i, *v) : BindNull(i);
  }

  // Steps once; true when a row is available.
  bool Step();
  // Runs a statement that returns no rows.
  void Exec() {
    while (Step()) {
    }
  }

  bool IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  std::int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  std::string Text(int col) const;
  // The column's bytes in place: valid until the next Step, Reset or column call on `col`.
  std::string_view View(int col) const;
  std::optional<std::string> OptText(int col) const;
  std::optional<std::int64_t> OptInt(int col) const;

 private:
  sqlite3_stmt* stmt_;
};

class Db {
 public:
  explicit Db(const std::string& path);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  // A cached prepared statement; `sql` must be a string literal (the cache keys on its address).
  Stmt Prepare(const char* sql);
  void Exec(std::string_view sql);
  std::int64_t Changes() const { return sqlite3_changes64(db_); }
  sqlite3* raw() { return db_; }

 private:
  sqlite3* db_ = nullptr;
  std::unordered_map<const char*, sqlite3_stmt*> cache_;
};

// RAII write transaction: BEGIN IMMEDIATE (take the single write lock up front, so a
// read-then-write never deadlocks on upgrade), rolled back unless committed.
class WriteTxn {
 public:
  explicit WriteTxn(Db& db) : db_(db) { db_.Exec("BEGIN IMMEDIATE"); }
  ~WriteTxn();
  void Commit() {
    db_.Exec("COMMIT");
    done_ = true;
  }

 private:
  Db& db_;
  bool done_ = false;
};

// RAII read transaction: the statements of one answer see one instant of the database (and take
// SQLite's read lock once, not once per statement). Ended however the reader leaves; a failed
// COMMIT of a read loses nothing. Inside a transaction already open on the connection (a
// Pool::SharedRead) it does nothing: the reads join the open one.
class ReadTxn {
 public:
  explicit ReadTxn(Db& db);
  ~ReadTxn();
  ReadTxn(const ReadTxn&) = delete;
  ReadTxn& operator=(const ReadTxn&) = delete;

 private:
  Db& db_;
  bool joined_ = false;
};

class Pool {
 public:
  Pool(std::string path, int size);
  // A connection for the caller's use: returned to the pool at destruction, unless it is the
  // thread's shared read connection, which is only borrowed.
  class Lease {
   public:
    Lease(Pool& pool, std::unique_ptr<Db> db)
        : pool_(&pool), db_(db.get()), owned_(std::move(db)) {}
    explicit Lease(Db& shared) : db_(&shared) {}
    Lease(Lease&&) = default;
    ~Lease() {
      if (owned_) pool_->Return(std::move(owned_));
    }
    Db& operator*() { return *db_; }
    Db* operator->() { return db_; }

   private:
    Pool* pool_ = nullptr;
    Db* db_;
    std::unique_ptr<Db> owned_;
  };
  // A connection of its own: for writes, and for reads outside a SharedRead.
  Lease Acquire();
  // For a method that only reads: the thread's SharedRead connection while one is open, else
  // a connection of its own.
  Lease AcquireRead();

  // While it lives, AcquireRead on this thread hands out one connection holding one read
  // transaction: every read of a request sees one instant and the request pays for one
  // transaction instead of one per store call. Writes go through Acquire, so they work as
  // before but are not visible to the shared reads that follow them.
  class SharedRead {
   public:
    explicit SharedRead(Pool& pool);
    ~SharedRead();
    SharedRead(const SharedRead&) = delete;
    SharedRead& operator=(const SharedRead&) = delete;

   private:
    std::optional<Lease> lease_;
    std::optional<ReadTxn> txn_;
  };

  const std::string& path() const { return path_; }

 private:
  void Return(std::unique_ptr<Db> db);
  std::string path_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Db>> free_;
  int open_ = 0;
  int size_;
};

// Runs `body`, turning any database exception into a 500 that leaks nothing; the details go to
// the log only. Every public Store method runs inside it.
template <class F>
auto Guarded(const char* what, F&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const std::exception& e) {
    spdlog::error("store: {}: {}", what, e.what());
    return Error::Internal();
  }
}

}  // namespace goatherd::sqlite
