#pragma once
// RunsRow values in and out of SQLite, bound and read by column name (never by position).

#include <cstdint>
#include <string>

#include "store/runs_row.hpp"
#include "store/sqlite.hpp"

namespace ccload::store {

// INSERT INTO table(columns of row) VALUES(:COLUMN, ...).
void insert_row(sql::Database& db, const std::string& table, const RunsRow& row);
// UPDATE table SET COLUMN = :COLUMN, ... WHERE key_column = key.
void update_row(sql::Database& db, const std::string& table, const std::string& key_column,
                std::int64_t key, const RunsRow& row);
// The current row of a stepped statement, by column name (upper case).
RunsRow read_row(const sql::Statement& statement);

}  // namespace ccload::store
