#pragma once
// SQL fragments shared by the queries that read LOADTEST (history, stored runs).

#include <string>
#include <string_view>

namespace ccload::store::sql_text {

// TIMESTAMP as UTC epoch seconds: numbers and numeric text (ccload, PyLoad), or ISO date text.
inline constexpr std::string_view kTimestamp =
    "(CASE WHEN typeof(TIMESTAMP) = 'text' AND TIMESTAMP GLOB '[0-9][0-9][0-9][0-9]-*' "
    "THEN (julianday(TIMESTAMP) - 2440587.5) * 86400.0 ELSE CAST(TIMESTAMP AS REAL) END)";

// The LOADTEST rows of run ?1, found by a rowid range scan from RUNS.ROWS_AFTER (no index on
// RUNID).
inline const std::string kRunRows =
    "REQUESTID > COALESCE((SELECT ROWS_AFTER FROM RUNS WHERE RUNID = ?1), 0) AND RUNID = ?1";

}  // namespace ccload::store::sql_text
