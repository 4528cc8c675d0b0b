#pragma once
// The database layout and its migrations.
//
// LOADTEST keeps the seed's name and columns (REQUESTID, TIMESTAMP, URL, STATUS, REQTYPE,
// RESPONSETIME) and gains RUNID, RUNREQUEST, TTFB, TTLB, CONNECT, BYTES, ERROR. RUNS holds one row
// per run. PRAGMA user_version records the schema version (a PyLoad database has 0).
//
// Units and encodings:
// - TIMESTAMP: the request's start, UTC seconds since the Unix epoch with a fraction (the seed's
//   `1795544018.185497` style). A database created by ccload declares it REAL and stores numbers; a
//   PyLoad database declares it TEXT, so SQLite stores our values there as the same digits in text.
//   Readers always use CAST(TIMESTAMP AS REAL), which reads both (and ISO date text, see history).
// - RESPONSETIME: total seconds (due -> last byte), REAL in a ccload database; same TEXT caveat.
// - TTFB, TTLB, CONNECT: seconds, REAL (0 when not applicable: no byte received, reused
// connection).
// - REQTYPE: upper-case method for new rows (PyLoad wrote lower case; history shows upper case).
// - STATUS: the HTTP status, 0 for a transport error, whose category is in ERROR (NULL otherwise).
// - RUNREQUEST: the request's 1-based number within its run. RUNID is NULL for PyLoad's rows.
// - URL, REQTYPE: the request's target's (a run may have several, taken in turn); TARGET is that
//   target's 0-based index in the run's list (RUNS.TARGET_URLS, RUNS.TARGETS), REDIRECTS the hops
//   followed and FINAL_URL the last hop's URL (NULL unless REDIRECTS > 0). Version 5.
// Migrations only add tables, columns and indexes: they never drop or rewrite a row.

#include <string_view>

#include "store/sqlite.hpp"

namespace ccload::store::schema {

inline constexpr int kVersion = 11;
inline constexpr int kBusyTimeoutMs = 5000;

// Creates or migrates the tables. SQLite: sets WAL, the busy timeout and synchronous=NORMAL
// first. PostgreSQL: the same tables in its types, under an advisory lock. Throws sql::Error.
void prepare_for_writing(sql::Connection& db);

// The CREATE statements of a new database (for documentation and tests).
std::string create_statements();

// Whether a fallback file may set RUNS column `name` on import: a column of the schema that
// describes the run (its facts or its summary), never the row's bookkeeping (RUNID, ROWS_AFTER,
// RUN_KEY, ROWS_STORED, FALLBACK_FILE, FALLBACK_ROWS), which the import sets itself.
bool importable_runs_column(std::string_view name);
// One of those bookkeeping columns.
bool bookkeeping_runs_column(std::string_view name);

}  // namespace ccload::store::schema
