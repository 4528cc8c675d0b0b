#pragma once
// What the history's two views (src/store/history.cpp: runs; history_periods.cpp: periods) share:
// the database's layout, the trend figures of a line, and the rows no finished run summarizes.
// Internal to the store.

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "core/target.hpp"
#include "stats/histogram.hpp"
#include "store/history.hpp"
#include "store/history_data.hpp"
#include "store/loadtest_sql.hpp"

namespace ccload::store::detail {

// Which tables and columns the database has (PyLoad's, or ccload's of some schema version).
struct Layout {
  bool loadtest = false;    // LOADTEST exists
  bool runid = false;       // LOADTEST.RUNID exists (migrated)
  bool runs = false;        // RUNS exists
  bool thresholds = false;  // RUNS.THRESHOLDS exists (schema 3)
  bool generator = false;   // RUNS.GENERATOR_LIMITED exists (schema 4)
  bool protocol = false;    // RUNS.PROTOCOL exists (schema 4)
  bool targets = false;     // RUNS.TARGET_URLS, TARGET_COUNT and TARGETS exist (schema 5)
};

Layout inspect(sql::Connection& db);

std::int64_t to_ns(double seconds);

// The line's figures from a histogram of total times (ns); `encoded` is its serialization, kept.
void set_figures(TrendLine& line, const stats::Histogram& histogram, std::string encoded);

// The line's figures exactly from the total times (ns) of its rows; its histogram from them too.
void set_exact_figures(TrendLine& line, std::vector<std::int64_t>& ns);

// First start and last end (UTC epoch seconds) of the requests of one run or pseudo-run.
struct Span {
  double first = 0, last = 0;
  bool empty = true;
  void add(double start, double end) {
    first = empty ? start : std::min(first, start);
    last = empty ? end : std::max(last, end);
    empty = false;
  }
  double seconds() const { return empty ? 0 : last - first; }
};

// Only URLs containing the query's text (LOADTEST.URL).
std::string url_filter(const sql::Connection& db, const HistoryQuery& q);

// RUNS rows whose URL, or one of whose targets' URLs, contains the query's text. TARGET_URLS holds
// the URLs one per line (a URL holds no line break), so a match inside it is a match inside one
// URL, never in a method, a histogram or across two URLs: a text holding a line break is matched
// against URL alone (which holds none, so nothing matches).
std::string runs_url_filter(const sql::Connection& db, const Layout& layout, const HistoryQuery& q);

// "3 targets: GET http://a/, POST http://b/, GET http://c/": what a run of several targets is
// compared with.
std::string series_of(const std::vector<TargetName>& targets);

// Rows that no finished run summarizes: PyLoad's (RUNID NULL) and, when `with_unfinished`, those of
// runs whose summary was never written. Calls f(ts, url, status, method, total_s, run_id).
template <typename F>
void for_each_loose_row(sql::Connection& db, const Layout& layout, const HistoryQuery& q,
                        bool with_unfinished, F&& f) {
  if (!layout.loadtest) return;
  std::string where = " WHERE 1=1";
  if (layout.runid) {
    where = with_unfinished && layout.runs
                ? " WHERE (RUNID IS NULL OR RUNID IN (SELECT RUNID FROM RUNS WHERE HIST_TOTAL IS "
                  "NULL))"
                : " WHERE RUNID IS NULL";
  }
  auto stmt = db.prepare(fmt::format(
      "SELECT {}, URL, STATUS, UPPER(REQTYPE), CAST(RESPONSETIME AS DOUBLE PRECISION), {} FROM "
      "LOADTEST{}{}",
      sql_text::timestamp(db), layout.runid ? "RUNID" : "NULL", where, url_filter(db, q)));
  if (!q.url_contains.empty()) stmt.bind(1, std::string_view(q.url_contains));
  while (stmt.step()) {
    f(stmt.column_double(0), stmt.column_text(1), static_cast<int>(stmt.column_int(2)),
      stmt.column_text(3), stmt.column_double(4), stmt.is_null(5) ? 0 : stmt.column_int(5));
  }
}

// Newest first for the caller, oldest first for the trends: marks every line, then keeps `limit`.
template <class Line>
void mark_and_limit(std::vector<Line>& newest_first, const HistoryQuery& q) {
  std::vector<TrendLine*> oldest_first;
  for (auto it = newest_first.rbegin(); it != newest_first.rend(); ++it) {
    oldest_first.push_back(&*it);
  }
  mark_trends(oldest_first, q.tolerance);
  if (q.limit > 0 && newest_first.size() > static_cast<std::size_t>(q.limit)) {
    newest_first.resize(static_cast<std::size_t>(q.limit));
  }
}

}  // namespace ccload::store::detail
