// A new database is made in one go (every column in one CREATE TABLE, no fsync while it is made):
// it must come out exactly as a database migrated column by column, and durable settings must be
// those of any other database once it is made.

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "store/schema.hpp"
#include "store_support.hpp"

namespace ccload::store::test {
namespace {

// Each column of `table`: position, name, type, NOT NULL, default and primary key, one a line.
std::string columns_of(const fs::path& path, const std::string& table) {
  sql::Database db(path, sql::Database::Mode::read_only);
  auto stmt = db.prepare(
      "SELECT cid, name, type, \"notnull\", COALESCE(dflt_value, ''), pk FROM "
      "pragma_table_info('" +
      table + "') ORDER BY cid");
  std::string out;
  while (stmt.step()) {
    for (int i = 0; i < 6; ++i) out += stmt.column_text(i) + (i < 5 ? " " : "\n");
  }
  return out;
}

std::string indexes_of(const fs::path& path) {
  sql::Database db(path, sql::Database::Mode::read_only);
  auto stmt = db.prepare(
      "SELECT name || ' ' || sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
      "ORDER BY name");
  std::string out;
  while (stmt.step()) out += stmt.column_text(0) + "\n";
  return out;
}

TEST(FreshSchema, ANewDatabaseHasTheColumnsOfAMigratedOneInTheirOrder) {
  TempDir dir;
  const fs::path fresh = dir / "fresh.db", migrated = dir / "migrated.db";
  {
    sql::Database db(fresh, sql::Database::Mode::read_write_create);
    schema::prepare_for_writing(db);
  }
  {
    // The migration path: the seed's tables, then each column added since, ALTER by ALTER.
    sql::Database db(migrated, sql::Database::Mode::read_write_create);
    db.exec(schema::create_statements());
    db.exec("PRAGMA user_version=1");
    schema::prepare_for_writing(db);  // an older version: completed, not made anew
  }
  for (const std::string table : {"LOADTEST", "RUNS"}) {
    const std::string columns = columns_of(fresh, table);
    EXPECT_GT(std::count(columns.begin(), columns.end(), '\n'), 10) << table;
    EXPECT_EQ(columns, columns_of(migrated, table)) << table;
  }
  EXPECT_EQ(indexes_of(fresh), indexes_of(migrated));
  EXPECT_NE(indexes_of(fresh), "");
  EXPECT_EQ(query_int(fresh, "PRAGMA user_version"), schema::kVersion);
  EXPECT_EQ(query_text(fresh, "PRAGMA journal_mode"), "wal");
}

TEST(FreshSchema, TheConnectionThatMadeItWritesWithNormalSyncLikeAnyOther) {
  TempDir dir;
  sql::Database db(dir / "new.db", sql::Database::Mode::read_write_create);
  schema::prepare_for_writing(db);
  auto stmt = db.prepare("PRAGMA synchronous");
  ASSERT_TRUE(stmt.step());
  EXPECT_EQ(stmt.column_int(0), 1) << "1 is NORMAL; a new file is made with OFF, then set back";
}

TEST(FreshSchema, AnOlderDatabaseIsCompletedAndKeepsItsRows) {
  TempDir dir;
  const fs::path path = dir / "old.db";
  {
    sql::Database db(path, sql::Database::Mode::read_write_create);
    db.exec(
        "CREATE TABLE LOADTEST(REQUESTID INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, TIMESTAMP "
        "REAL NOT NULL, URL TEXT NOT NULL, STATUS INTEGER NOT NULL, REQTYPE VARCHAR NOT NULL, "
        "RESPONSETIME REAL NOT NULL)");
    db.exec(
        "INSERT INTO LOADTEST(TIMESTAMP, URL, STATUS, REQTYPE, RESPONSETIME) VALUES(1, 'u', "
        "200, 'GET', 0.5)");
  }
  sql::Database db(path, sql::Database::Mode::read_write);
  schema::prepare_for_writing(db);
  EXPECT_EQ(query_int(path, "SELECT COUNT(*) FROM LOADTEST WHERE URL = 'u'"), 1);
  EXPECT_EQ(query_int(path,
                      "SELECT COUNT(*) FROM pragma_table_info('LOADTEST') WHERE name = "
                      "'FINAL_URL'"),
            1);
  EXPECT_EQ(query_int(path, "PRAGMA user_version"), schema::kVersion);
}

}  // namespace
}  // namespace ccload::store::test
