#pragma once
// TIMESTAMP in a database whose LOADTEST declares it TEXT, as PyLoad's does (its README's
// `TIMESTAMP TEXT NOT NULL`). ccload keeps that declaration and writes its rows' timestamps there
// as text with six decimals ("1704067200.123457", rounded to the microsecond): a number bound to a
// TEXT column is converted by SQLite to 15 significant digits, which keeps only ten microseconds
// of an epoch time.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "store/sql_connection.hpp"

namespace ccload::store {

// Whether LOADTEST.TIMESTAMP has text affinity in `db` (SQLite's rule: a declared type containing
// CHAR, CLOB or TEXT); false for PostgreSQL, and when the table or column is missing.
bool timestamp_is_text(sql::Connection& db);

// Room for the longest text of timestamp_text (a sign, 19 digits, a point, 6 decimals).
inline constexpr std::size_t kTimestampTextSize = 28;

// A Unix time in nanoseconds as seconds with six decimals, rounded half up to the microsecond,
// written into `buffer` (no allocation); the view points into it.
std::string_view timestamp_text(std::int64_t unix_ns, char (&buffer)[kTimestampTextSize]);

}  // namespace ccload::store
