#include "store/history.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>
#include <system_error>
#include <tuple>

#include "core/record.hpp"
#include "stats/histogram.hpp"
#include "store/history_data.hpp"
#include "store/loadtest_sql.hpp"
#include "store/runs_row.hpp"
#include "store/schema.hpp"

namespace ccload::store {
namespace fs = std::filesystem;

using sql_text::kRunRows;

namespace detail {
namespace {

struct Layout {
  bool loadtest = false;    // LOADTEST exists
  bool runid = false;       // LOADTEST.RUNID exists (migrated)
  bool runs = false;        // RUNS exists
  bool thresholds = false;  // RUNS.THRESHOLDS exists (schema 3)
  bool generator = false;   // RUNS.GENERATOR_LIMITED exists (schema 4)
  bool protocol = false;    // RUNS.PROTOCOL exists (schema 4)
  bool targets = false;     // RUNS.TARGET_URLS, TARGET_COUNT and TARGETS exist (schema 5)
};

Layout inspect(sql::Connection& db) {
  Layout layout;
  layout.loadtest = db.has_table("LOADTEST");
  layout.runid = layout.loadtest && db.has_column("LOADTEST", "RUNID");
  layout.runs = db.has_table("RUNS");
  layout.thresholds = layout.runs && db.has_column("RUNS", "THRESHOLDS");
  layout.generator = layout.runs && db.has_column("RUNS", "GENERATOR_LIMITED");
  layout.protocol = layout.runs && db.has_column("RUNS", "PROTOCOL");
  layout.targets = layout.runs && db.has_column("RUNS", "TARGET_URLS");
  return layout;
}

std::int64_t to_ns(double seconds) { return std::llround(seconds * 1e9); }

// Nearest-rank quantile of unsorted samples (the Histogram's definition, exactly).
double exact_quantile(std::vector<std::int64_t>& ns, double q) {
  if (ns.empty()) return 0;
  const auto rank = static_cast<std::size_t>(stats::nearest_rank(q, ns.size()));
  std::nth_element(ns.begin(), ns.begin() + static_cast<std::ptrdiff_t>(rank - 1), ns.end());
  return static_cast<double>(ns[rank - 1]) / 1e9;
}

double mean_of(const std::vector<std::int64_t>& ns) {
  long double sum = 0;
  for (auto v : ns) sum += static_cast<long double>(v);
  return static_cast<double>(sum / static_cast<long double>(ns.size()) / 1e9L);
}

// The line's figures from a histogram of total times (ns); `encoded` is its serialization, kept.
void set_figures(TrendLine& line, const stats::Histogram& histogram, std::string encoded) {
  if (histogram.count() > 0) {
    auto seconds = [&](double q) {
      return static_cast<double>(histogram.value_at_quantile(q)) / 1e9;
    };
    line.mean_s = histogram.mean() / 1e9;
    line.p50_s = seconds(0.50);
    line.p95_s = seconds(0.95);
    line.p99_s = seconds(0.99);
    line.max_s = static_cast<double>(histogram.max()) / 1e9;
  }
  line.total_histogram = std::move(encoded);
}

// The line's figures exactly from the total times (ns) of its rows; its histogram from them too.
void set_exact_figures(TrendLine& line, std::vector<std::int64_t>& ns) {
  stats::Histogram histogram;
  for (auto v : ns) histogram.record(v);
  line.total_histogram = histogram.serialize();
  if (ns.empty()) return;
  line.mean_s = mean_of(ns);
  line.max_s = static_cast<double>(*std::max_element(ns.begin(), ns.end())) / 1e9;
  line.p50_s = exact_quantile(ns, 0.50);
  line.p95_s = exact_quantile(ns, 0.95);
  line.p99_s = exact_quantile(ns, 0.99);
}

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

std::string url_filter(const sql::Connection& db, const HistoryQuery& q) {
  return q.url_contains.empty() ? std::string() : " AND " + sql::contains_sql(db, "URL");
}

// RUNS rows whose URL, or one of whose targets' URLs, contains the query's text. TARGET_URLS holds
// the URLs one per line (a URL holds no line break), so a match inside it is a match inside one
// URL, never in a method, a histogram or across two URLs: a text holding a line break is matched
// against URL alone (which holds none, so nothing matches).
std::string runs_url_filter(const sql::Connection& db, const Layout& layout,
                            const HistoryQuery& q) {
  if (q.url_contains.empty()) return {};
  const bool one_line = q.url_contains.find('\n') == std::string::npos;
  return " AND " +
         sql::contains_sql(db, layout.targets && one_line ? "COALESCE(TARGET_URLS, URL)" : "URL");
}

// "3 targets: GET http://a/, POST http://b/, GET http://c/": what a run of several targets is
// compared with.
std::string series_of(const std::vector<TargetName>& targets) {
  std::string out = fmt::format("{} targets:", targets.size());
  for (std::size_t i = 0; i < targets.size(); ++i) {
    out += fmt::format("{} {} {}", i == 0 ? "" : ",", targets[i].method, targets[i].url);
  }
  return out;
}

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

std::string local_strftime(double epoch_seconds, const char* format) {
  const auto t = static_cast<std::time_t>(std::floor(epoch_seconds));
  std::tm tm{};
  localtime_r(&t, &tm);
  char buffer[64];
  const std::size_t n = std::strftime(buffer, sizeof buffer, format, &tm);
  return std::string(buffer, n);
}

}  // namespace

std::string local_time(double epoch_seconds, bool micros) {
  std::string text = local_strftime(epoch_seconds, "%Y-%m-%d %H:%M:%S");
  if (micros) {
    auto us = static_cast<long>(std::llround((epoch_seconds - std::floor(epoch_seconds)) * 1e6));
    if (us > 999999) us = 999999;
    text += fmt::format(".{:06}", us);
  }
  return text;
}

std::string period_key(double epoch_seconds, Period period) {
  switch (period) {
    case Period::weekly:
      return local_strftime(epoch_seconds, "%G-W%V");
    case Period::monthly:
      return local_strftime(epoch_seconds, "%Y-%m");
    case Period::yearly:
      return local_strftime(epoch_seconds, "%Y");
    case Period::none:
      break;
  }
  return local_strftime(epoch_seconds, "%Y-%m-%d");
}

namespace {

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

}  // namespace

std::vector<RunLine> list_runs(sql::Connection& db, const HistoryQuery& q) {
  const Layout layout = inspect(db);
  std::vector<RunLine> lines;

  if (layout.runs) {
    std::vector<std::size_t> without_summary;  // runs without histograms: figures from the rows
    auto stmt = db.prepare(
        "SELECT RUNID, STARTED, METHOD, URL, REQUESTS, FAILED, RPS, TOTAL_MEAN, TOTAL_P95, "
        "INTERRUPTED, HIST_TOTAL IS NULL, ENDED IS NULL, " +
        std::string(layout.thresholds ? "THRESHOLDS" : "NULL") + ", HIST_TOTAL, " +
        std::string(layout.generator ? "GENERATOR_LIMITED" : "NULL") + ", " +
        std::string(layout.protocol ? "PROTOCOL" : "NULL") + ", " +
        std::string(layout.targets ? "TARGET_COUNT, TARGETS" : "NULL, NULL") +
        " FROM RUNS WHERE 1=1" + runs_url_filter(db, layout, q) +
        " ORDER BY STARTED DESC, RUNID DESC");
    if (!q.url_contains.empty()) stmt.bind(1, std::string_view(q.url_contains));
    while (stmt.step()) {
      RunLine line;
      line.run_id = stmt.column_int(0);
      line.started = stmt.column_double(1);
      line.method = stmt.column_text(2);
      line.url = stmt.column_text(3);
      line.requests = static_cast<std::uint64_t>(stmt.column_int(4));
      line.failed = static_cast<std::uint64_t>(stmt.column_int(5));
      if (!stmt.is_null(6)) line.rps = stmt.column_double(6);
      if (!stmt.is_null(7)) line.mean_s = stmt.column_double(7);
      if (!stmt.is_null(8)) line.p95_s = stmt.column_double(8);
      line.interrupted = stmt.column_int(9) != 0;
      line.unfinished = stmt.column_int(11) != 0;
      line.thresholds_failed =
          !stmt.is_null(12) && stmt.column_text(12).find("\"passed\":false") != std::string::npos;
      line.generator_limited = !stmt.is_null(14) && stmt.column_int(14) != 0;
      if (!stmt.is_null(15)) line.protocol = stmt.column_text(15);
      if (!stmt.is_null(16) && stmt.column_int(16) > 1 && !stmt.is_null(17)) {
        try {
          line.targets = target_names_from_json_text(stmt.column_text(17));
          line.series = series_of(line.targets);
        } catch (const std::invalid_argument&) {
          // Damaged: the line shows the run's first target, as for one.
        }
      }
      if (stmt.column_int(10) != 0) {
        without_summary.push_back(lines.size());
      } else {
        try {
          std::string encoded = stmt.column_text(13);
          const stats::Histogram total = stats::Histogram::deserialize(encoded);
          set_figures(line, total, std::move(encoded));
        } catch (const std::invalid_argument&) {
          // A damaged histogram: the stored mean and p95 stay, the other figures are unknown.
        }
      }
      lines.push_back(std::move(line));
    }
    if (layout.runid) {
      auto rows = db.prepare(fmt::format(
          "SELECT STATUS, CAST(RESPONSETIME AS DOUBLE PRECISION), {} FROM LOADTEST WHERE {}",
          sql_text::timestamp(db), kRunRows));
      for (const std::size_t index : without_summary) {
        RunLine& line = lines[index];
        rows.bind(1, line.run_id);
        std::vector<std::int64_t> totals;
        Span span;
        line.requests = line.failed = 0;
        while (rows.step()) {
          const int status = static_cast<int>(rows.column_int(0));
          ++line.requests;
          if (!is_success_status(status)) ++line.failed;
          if (status > 0) totals.push_back(to_ns(rows.column_double(1)));
          span.add(rows.column_double(2), rows.column_double(2) + rows.column_double(1));
        }
        rows.reset();
        line.mean_s = line.p95_s = std::nullopt;
        set_exact_figures(line, totals);
        if (span.seconds() > 0) line.rps = static_cast<double>(line.requests) / span.seconds();
      }
    }
  }

  // PyLoad's rows: one pseudo-run per local day, URL and method.
  struct Pseudo {
    RunLine line;
    std::vector<std::int64_t> totals;
    Span span;
  };
  std::map<std::tuple<std::string, std::string, std::string>, Pseudo> pseudo;
  for_each_loose_row(
      db, layout, q, false,
      [&](double ts, std::string url, int status, std::string method, double total, std::int64_t) {
        std::string day = period_key(ts, Period::none);
        auto [it, inserted] = pseudo.try_emplace({day, url, method});
        RunLine& line = it->second.line;
        if (inserted) {
          line.day = std::move(day);
          line.url = std::move(url);
          line.method = std::move(method);
          line.started = ts;
        }
        line.started = std::min(line.started, ts);
        ++line.requests;
        if (!is_success_status(status)) ++line.failed;
        if (status > 0) it->second.totals.push_back(to_ns(total));
        it->second.span.add(ts, ts + total);
      });
  for (auto& [key, p] : pseudo) {
    set_exact_figures(p.line, p.totals);
    if (p.span.seconds() > 0) {
      p.line.rps = static_cast<double>(p.line.requests) / p.span.seconds();
    }
    lines.push_back(std::move(p.line));
  }

  std::stable_sort(lines.begin(), lines.end(), [](const RunLine& a, const RunLine& b) {
    if (a.started != b.started) return a.started > b.started;
    return a.run_id > b.run_id;
  });
  mark_and_limit(lines, q);
  return lines;
}

std::vector<PeriodLine> list_periods(sql::Connection& db, const HistoryQuery& q) {
  const Layout layout = inspect(db);
  struct Group {
    PeriodLine line;
    std::set<std::string> runs;               // run keys (ids, or day|method for PyLoad's rows)
    std::vector<std::string> histograms;      // serialized total-time histograms of finished runs
    std::vector<std::int64_t> totals;         // total times of loose rows (status > 0)
    std::map<std::string, Span> loose_spans;  // run key -> its loose rows' span
  };
  // (period, URL) in order: oldest period first, the order the trends need.
  std::map<std::pair<std::string, std::string>, Group> groups;

  // A run of several targets adds each target's figures to that target's URL, from the target's
  // summary columns in RUNS.TARGETS (not from its LOADTEST rows): the same summary the live run
  // reported and `ccload report` rebuilds (requests that reached a fallback file included), the
  // same source as every run of one target here (RUNS' histograms), and no scan of the run's rows.
  // A run whose TARGETS lacks them (damaged) is counted from its rows, per URL, like a loose run.
  std::vector<std::int64_t> counted_from_rows;
  if (layout.runs) {
    auto stmt =
        db.prepare("SELECT RUNID, STARTED, URL, REQUESTS, FAILED, HIST_TOTAL, DURATION, " +
                   std::string(layout.targets ? "TARGET_COUNT, TARGETS" : "NULL, NULL") +
                   " FROM RUNS WHERE HIST_TOTAL IS NOT NULL" + runs_url_filter(db, layout, q));
    if (!q.url_contains.empty()) stmt.bind(1, std::string_view(q.url_contains));
    auto add = [&](const std::string& run, double started, const std::string& url,
                   std::uint64_t requests, std::uint64_t failed, std::string histogram,
                   std::optional<double> duration) {
      Group& g = groups[{period_key(started, q.period), url}];
      g.runs.insert(run);
      g.line.requests += requests;
      g.line.failed += failed;
      g.histograms.push_back(std::move(histogram));
      if (duration) g.line.wall_s += *duration;
    };
    while (stmt.step()) {
      const std::string run = std::to_string(stmt.column_int(0));
      const double started = stmt.column_double(1);
      if (stmt.is_null(7) || stmt.column_int(7) <= 1 || stmt.is_null(8)) {
        add(run, started, stmt.column_text(2), static_cast<std::uint64_t>(stmt.column_int(3)),
            static_cast<std::uint64_t>(stmt.column_int(4)), stmt.column_text(5),
            stmt.is_null(6) ? std::nullopt : std::optional<double>(stmt.column_double(6)));
        continue;
      }
      try {
        const nlohmann::json targets = nlohmann::json::parse(stmt.column_text(8));
        std::vector<std::tuple<std::string, std::uint64_t, std::uint64_t, std::string,
                               std::optional<double>>>
            parts;
        for (const auto& t : targets) {
          std::string url = t.at("url").get<std::string>();
          std::optional<double> duration;
          if (t.contains("DURATION") && t.at("DURATION").is_number()) {
            duration = t.at("DURATION").get<double>();
          }
          parts.emplace_back(std::move(url), t.at("REQUESTS").get<std::uint64_t>(),
                             t.at("FAILED").get<std::uint64_t>(),
                             t.at("HIST_TOTAL").get<std::string>(), duration);
        }
        for (auto& [url, requests, failed, histogram, duration] : parts) {
          // Period lines are per URL: only the targets whose URL matches the filter.
          if (!q.url_contains.empty() && url.find(q.url_contains) == std::string::npos) continue;
          add(run, started, url, requests, failed, std::move(histogram), duration);
        }
      } catch (const std::exception&) {
        counted_from_rows.push_back(stmt.column_int(0));
      }
    }
  }
  const auto add_loose = [&](double ts, std::string url, int status, const std::string& method,
                             double total, std::int64_t run_id) {
    Group& g = groups[{period_key(ts, q.period), std::move(url)}];
    std::string run = run_id ? std::to_string(run_id) : period_key(ts, Period::none) + "|" + method;
    g.loose_spans[run].add(ts, ts + total);
    g.runs.insert(std::move(run));
    ++g.line.requests;
    if (!is_success_status(status)) ++g.line.failed;
    if (status > 0) g.totals.push_back(to_ns(total));
  };
  for_each_loose_row(db, layout, q, true, add_loose);
  if (!counted_from_rows.empty() && layout.runid) {
    auto rows = db.prepare(fmt::format(
        "SELECT {}, URL, STATUS, UPPER(REQTYPE), CAST(RESPONSETIME AS DOUBLE PRECISION) FROM "
        "LOADTEST WHERE {}",
        sql_text::timestamp(db), kRunRows));
    for (const std::int64_t run_id : counted_from_rows) {
      rows.bind(1, run_id);
      while (rows.step()) {
        std::string url = rows.column_text(1);
        if (!q.url_contains.empty() && url.find(q.url_contains) == std::string::npos) continue;
        add_loose(rows.column_double(0), std::move(url), static_cast<int>(rows.column_int(2)),
                  rows.column_text(3), rows.column_double(4), run_id);
      }
      rows.reset();
    }
  }

  std::vector<PeriodLine> lines;
  for (auto& [key, group] : groups) {
    PeriodLine line = std::move(group.line);
    line.period = key.first;
    line.url = key.second;
    line.runs = group.runs.size();
    for (const auto& [run, span] : group.loose_spans) line.wall_s += span.seconds();
    if (group.histograms.empty()) {
      set_exact_figures(line, group.totals);  // PyLoad's rows (or unfinished runs): exactly
    } else {
      stats::Histogram merged;
      for (const auto& encoded : group.histograms) {
        try {
          merged.merge(stats::Histogram::deserialize(encoded));
        } catch (const std::invalid_argument&) {
          // A damaged histogram leaves the run out of the latency figures, not out of the counts.
        }
      }
      for (auto ns : group.totals) merged.record(ns);
      set_figures(line, merged, merged.serialize());
    }
    lines.push_back(std::move(line));
  }
  // Newest period first; within a period, URLs in order.
  std::reverse(lines.begin(), lines.end());
  std::stable_sort(lines.begin(), lines.end(), [](const PeriodLine& a, const PeriodLine& b) {
    if (a.period != b.period) return a.period > b.period;
    return a.url < b.url;
  });
  mark_and_limit(lines, q);
  return lines;
}

}  // namespace detail

}  // namespace ccload::store
