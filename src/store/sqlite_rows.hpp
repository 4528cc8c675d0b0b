#pragma once
// RunsRow values in and out of the database (SQLite or PostgreSQL), bound and read by column
// name (never by position).

#include <cstdint>
#include <string>

#include "store/runs_row.hpp"
#include "store/sql_connection.hpp"

namespace ccload::store {

// INSERT INTO table(columns of row) VALUES(:COLUMN, ...); returns the new row's `key_column`
// (SQLite's rowid, or PostgreSQL's RETURNING), 0 when no key is asked for.
std::int64_t insert_row(sql::Connection& db, const std::string& table, const RunsRow& row,
                        const std::string& key_column = "");
// UPDATE table SET COLUMN = :COLUMN, ... WHERE key_column = key.
void update_row(sql::Connection& db, const std::string& table, const std::string& key_column,
                std::int64_t key, const RunsRow& row);
// The current row of a stepped statement, by column name (upper case).
RunsRow read_row(const sql::Statement& statement);

}  // namespace ccload::store
