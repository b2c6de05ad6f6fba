// The connection pool's shared read (db.h): while one is open, a thread's reads share one
// connection and one instant of the database; writes take a connection of their own and commit,
// unseen by those reads until the shared read ends; other threads are not affected.
#include "store/sqlite/db.h"

#include <gtest/gtest.h>

#include <thread>

#include "core/test_temp_dir.h"

namespace goatherd::sqlite {
namespace {

using goatherd::testing::TempDir;

class PoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = pool_.Acquire();
    db->Exec("CREATE TABLE t (v INTEGER)");
    db->Exec("INSERT INTO t VALUES (1)");
  }

  // Reads as the store's read-only methods do.
  std::int64_t Read() {
    auto db = pool_.AcquireRead();
    ReadTxn txn(*db);
    auto s = db->Prepare("SELECT v FROM t");
    EXPECT_TRUE(s.Step());
    return s.Int(0);
  }

  void Write(std::int64_t v) {
    auto db = pool_.Acquire();
    WriteTxn txn(*db);
    db->Prepare("UPDATE t SET v = ?").Bind(1, v).Exec();
    txn.Commit();
  }

  TempDir dir_;
  Pool pool_{dir_.File("pool.db"), 4};
};

TEST_F(PoolTest, WithoutSharedReadEachReadSeesTheLatestWrite) {
  EXPECT_EQ(Read(), 1);
  Write(2);
  EXPECT_EQ(Read(), 2);
}

TEST_F(PoolTest, SharedReadGivesTheThreadOneConnectionAndWritesAnother) {
  Pool::SharedRead shared(pool_);
  auto first = pool_.AcquireRead();
  Db* shared_db = &*first;
  EXPECT_EQ(&*pool_.AcquireRead(), shared_db);
  EXPECT_NE(&*pool_.Acquire(), shared_db);
}

TEST_F(PoolTest, SharedReadSeesOneInstantUntilItEnds) {
  {
    Pool::SharedRead shared(pool_);
    EXPECT_EQ(Read(), 1);
    Write(2);  // commits on its own connection while the shared read is open
    EXPECT_EQ(Read(), 1);
    Write(3);
    EXPECT_EQ(Read(), 1);
  }
  EXPECT_EQ(Read(), 3);
}

TEST_F(PoolTest, AReadTxnInsideTheSharedReadLeavesItOpen) {
  Pool::SharedRead shared(pool_);
  auto db = pool_.AcquireRead();
  EXPECT_EQ(sqlite3_get_autocommit(db->raw()), 0);  // the shared read's transaction
  { ReadTxn joined(*db); }
  EXPECT_EQ(sqlite3_get_autocommit(db->raw()), 0);
}

TEST_F(PoolTest, ANestedSharedReadLeavesTheOuterInCharge) {
  Pool::SharedRead outer(pool_);
  EXPECT_EQ(Read(), 1);
  Write(2);
  {
    Pool::SharedRead inner(pool_);
    EXPECT_EQ(Read(), 1);
  }
  EXPECT_EQ(Read(), 1);  // the inner one ending did not end the outer instant
}

TEST_F(PoolTest, AnotherThreadReadsOnItsOwn) {
  Pool::SharedRead shared(pool_);
  EXPECT_EQ(Read(), 1);
  Write(2);
  Db* shared_db = &*pool_.AcquireRead();
  Db* other_db = nullptr;
  std::int64_t other_value = 0;
  std::thread other([&] {
    auto db = pool_.AcquireRead();
    other_db = &*db;
    auto s = db->Prepare("SELECT v FROM t");
    ASSERT_TRUE(s.Step());
    other_value = s.Int(0);
  });
  other.join();
  EXPECT_NE(other_db, shared_db);
  EXPECT_EQ(other_value, 2);
  EXPECT_EQ(Read(), 1);
}

}  // namespace
}  // namespace goatherd::sqlite
