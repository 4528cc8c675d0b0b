// Two connections preparing the same new database at once (two ccload processes started together).

#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <chrono>
#include <string>
#include <thread>

#include "store/schema.hpp"
#include "store_support.hpp"

namespace ccload::store::test {
namespace {

using namespace std::chrono_literals;

// Both switch the new database to WAL: SQLite answers one of them SQLITE_BUSY at once ("database is
// locked", the busy timeout notwithstanding) when both hold a shared lock and ask for an exclusive
// one. That connection must retry, not give up (its run's records would go to the fallback file).
TEST(ConcurrentOpen, TwoConnectionsPreparingOneNewDatabaseBothSucceed) {
  TempDir dir;
  std::atomic<int> failures{0};
  std::string first_error;
  for (int round = 0; round < 60; ++round) {
    const fs::path path = dir / ("race" + std::to_string(round) + ".db");
    std::barrier start(2);
    auto prepare = [&] {
      try {
        sql::Database db(path, sql::Database::Mode::read_write_create);
        start.arrive_and_wait();
        schema::prepare_for_writing(db);
        db.exec("INSERT INTO RUNS(STARTED, URL, METHOD, N, C) VALUES(1, 'u', 'GET', 1, 1)");
      } catch (const sql::Error& e) {
        if (failures++ == 0) first_error = e.what();
      }
    };
    std::thread other(prepare);
    prepare();
    other.join();
    if (failures == 0) {
      EXPECT_EQ(query_int(path, "SELECT COUNT(*) FROM RUNS"), 2);
    }
  }
  EXPECT_EQ(failures, 0) << first_error;
}

// A reader of the database (a `ccload -history`, say) delays the switch to WAL; it does not fail
// it.
TEST(ConcurrentOpen, SwitchingToWalWaitsForAReader) {
  TempDir dir;
  const fs::path path = dir / "load.db";
  sql::Database reader(path, sql::Database::Mode::read_write_create);
  reader.exec("CREATE TABLE T(X INTEGER); INSERT INTO T VALUES(1)");
  reader.exec("BEGIN");
  auto read = reader.prepare("SELECT X FROM T");
  ASSERT_TRUE(read.step());  // holds a shared lock until the transaction ends

  std::thread release([&] {
    std::this_thread::sleep_for(300ms);
    read.reset();
    reader.exec("COMMIT");
  });
  sql::Database writer(path, sql::Database::Mode::read_write_create);
  const auto started = std::chrono::steady_clock::now();
  EXPECT_NO_THROW(schema::prepare_for_writing(writer));
  const auto waited = std::chrono::steady_clock::now() - started;
  release.join();
  EXPECT_GE(waited, 250ms);
  EXPECT_LT(waited, 4s);
  auto mode = writer.prepare("PRAGMA journal_mode");
  ASSERT_TRUE(mode.step());
  EXPECT_EQ(mode.column_text(0), "wal");
}

}  // namespace
}  // namespace ccload::store::test
