#pragma once
// SQL fragments shared by the queries that read LOADTEST (history, stored runs).

#include <string>
#include <string_view>

#include "store/sql_connection.hpp"

namespace ccload::store::sql_text {

using sql::Connection;
using sql::Dialect;

// TIMESTAMP as UTC epoch seconds. SQLite: numbers and numeric text (ccload, PyLoad), or ISO date
// text; PostgreSQL (created by ccload): a number.
inline std::string timestamp(const Connection& db) {
  if (db.dialect() == Dialect::postgres) return "TIMESTAMP";
  return "(CASE WHEN typeof(TIMESTAMP) = 'text' AND TIMESTAMP GLOB '[0-9][0-9][0-9][0-9]-*' "
         "THEN (julianday(TIMESTAMP) - 2440587.5) * 86400.0 ELSE CAST(TIMESTAMP AS DOUBLE "
         "PRECISION) END)";
}

// The LOADTEST rows of run ?1, found by a rowid range scan from RUNS.ROWS_AFTER (no index on
// RUNID).
inline const std::string kRunRows =
    "REQUESTID > COALESCE((SELECT ROWS_AFTER FROM RUNS WHERE RUNID = ?1), 0) AND RUNID = ?1";

}  // namespace ccload::store::sql_text
