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
#include "store/history_rows.hpp"
#include "store/loadtest_sql.hpp"
#include "store/runs_row.hpp"
#include "store/schema.hpp"

namespace ccload::store {
namespace fs = std::filesystem;

using sql_text::kRunRows;

namespace detail {
namespace {

std::string local_strftime(double epoch_seconds, const char* format) {
  const auto t = static_cast<std::time_t>(std::floor(epoch_seconds));
  std::tm tm{};
  localtime_r(&t, &tm);
  char buffer[64];
  const std::size_t n = std::strftime(buffer, sizeof buffer, format, &tm);
  return std::string(buffer, n);
}

// The shards of each distributed run (RUN_NAME with SHARDS > 1), newest first, made one line in
// place of its newest shard: its name, the shards stored, counts summed, figures from the merged
// histograms, the rate over the span from the first shard's start to the last one's end (as
// `ccload report NAME`).
void merge_distributed(std::vector<RunLine>& lines) {
  std::vector<RunLine> out;
  std::map<std::string, std::size_t> merged;  // name -> index in out
  std::map<std::string, std::pair<double, double>> spans;
  std::map<std::string, stats::Histogram> totals;
  for (RunLine& line : lines) {
    if (line.run_name.empty() || line.shards <= 1) {
      out.push_back(std::move(line));
      continue;
    }
    const double end = line.started + line.duration_s;
    stats::Histogram histogram;
    try {
      if (!line.total_histogram.empty())
        histogram = stats::Histogram::deserialize(line.total_histogram);
    } catch (const std::invalid_argument&) {
      // A damaged histogram: its shard's requests count, its times do not.
    }
    auto [it, first] = merged.try_emplace(line.run_name, out.size());
    if (first) {
      line.shards_stored = 1;
      spans[line.run_name] = {line.started, end};
      totals[line.run_name] = std::move(histogram);
      line.run_id = 0;  // the merged run has no id of its own
      out.push_back(std::move(line));
      continue;
    }
    RunLine& m = out[it->second];
    ++m.shards_stored;
    m.requests += line.requests;
    m.failed += line.failed;
    m.interrupted = m.interrupted || line.interrupted;
    m.unfinished = m.unfinished || line.unfinished;
    m.thresholds_failed = m.thresholds_failed || line.thresholds_failed;
    m.generator_limited = m.generator_limited || line.generator_limited;
    m.fallback_rows += line.fallback_rows;
    if (m.fallback_file.empty()) m.fallback_file = line.fallback_file;
    m.shards = std::max(m.shards, line.shards);
    m.started = std::min(m.started, line.started);
    auto& span = spans[line.run_name];
    span = {std::min(span.first, line.started), std::max(span.second, end)};
    totals[line.run_name].merge(histogram);
  }
  for (auto& [name, index] : merged) {
    RunLine& m = out[index];
    const auto [first, last] = spans[name];
    m.duration_s = last - first;
    m.rps = m.duration_s > 0 ? std::optional<double>(static_cast<double>(m.requests) / m.duration_s)
                             : std::nullopt;
    m.mean_s = m.p50_s = m.p95_s = m.p99_s = m.max_s = std::nullopt;
    const stats::Histogram& total = totals[name];
    set_figures(m, total, total.serialize());
  }
  lines = std::move(out);
}

// The SELECT of every run in RUNS matching q (finished or not), newest first, with NULL for the
// columns this database's schema lacks; its one parameter, if any, is q.url_contains.
std::string runs_select(sql::Connection& db, const Layout& layout, const HistoryQuery& q) {
  return "SELECT RUNID, STARTED, METHOD, URL, REQUESTS, FAILED, RPS, TOTAL_MEAN, TOTAL_P95, "
         "INTERRUPTED, HIST_TOTAL IS NULL, ENDED IS NULL, " +
         std::string(layout.thresholds ? "THRESHOLDS" : "NULL") + ", HIST_TOTAL, " +
         std::string(layout.generator ? "GENERATOR_LIMITED" : "NULL") + ", " +
         std::string(layout.protocol ? "PROTOCOL" : "NULL") + ", " +
         std::string(layout.targets ? "TARGET_COUNT, TARGETS" : "NULL, NULL") + ", " +
         std::string(db.has_column("RUNS", "FALLBACK_ROWS") ? "FALLBACK_ROWS, FALLBACK_FILE"
                                                            : "NULL, NULL") +
         ", " + std::string(db.has_column("RUNS", "RUN_NAME") ? "RUN_NAME, SHARDS" : "NULL, NULL") +
         ", " + std::string(db.has_column("RUNS", "DURATION") ? "DURATION" : "NULL") +
         " FROM RUNS WHERE 1=1" + runs_url_filter(db, layout, q) +
         " ORDER BY STARTED DESC, RUNID DESC";
}

// One row of runs_select() as a line, all but its histogram's figures (columns 10 and 13).
RunLine run_line_from(const sql::Statement& stmt) {
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
  if (!stmt.is_null(18) && !stmt.is_null(19)) {  // version 6: rows not in the database
    line.fallback_rows = static_cast<std::uint64_t>(stmt.column_int(18));
    line.fallback_file = stmt.column_text(19);
  }
  if (!stmt.is_null(20)) {  // version 4: a run named by --run-id, a shard of a distributed one
    line.run_name = stmt.column_text(20);
    line.shards = static_cast<unsigned>(std::max<std::int64_t>(1, stmt.column_int(21)));
  }
  if (!stmt.is_null(22)) line.duration_s = stmt.column_double(22);
  return line;
}

// The counts, figures, duration and rate of lines[i] for each i of `indexes` (runs without a
// histogram), from the run's own LOADTEST rows.
void figures_from_rows(sql::Connection& db, std::vector<RunLine>& lines,
                       const std::vector<std::size_t>& indexes) {
  auto rows = db.prepare(fmt::format(
      "SELECT STATUS, CAST(RESPONSETIME AS DOUBLE PRECISION), {} FROM LOADTEST WHERE {}",
      sql_text::timestamp(db), kRunRows));
  for (const std::size_t index : indexes) {
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
    line.duration_s = span.seconds();
    if (span.seconds() > 0) line.rps = static_cast<double>(line.requests) / span.seconds();
  }
}

// Appends a line per run of RUNS matching q, newest first, a distributed run's shards merged into
// one line.
void add_stored_runs(sql::Connection& db, const Layout& layout, const HistoryQuery& q,
                     std::vector<RunLine>& lines) {
  std::vector<std::size_t> without_summary;  // runs without histograms: figures from the rows
  auto stmt = db.prepare(runs_select(db, layout, q));
  if (!q.url_contains.empty()) stmt.bind(1, std::string_view(q.url_contains));
  while (stmt.step()) {
    RunLine line = run_line_from(stmt);
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
  if (layout.runid) figures_from_rows(db, lines, without_summary);
  merge_distributed(lines);
}

// Appends PyLoad's rows matching q as lines: one pseudo-run per local day, URL and method, in
// that order.
void add_pyload_days(sql::Connection& db, const Layout& layout, const HistoryQuery& q,
                     std::vector<RunLine>& lines) {
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

std::vector<RunLine> list_runs(sql::Connection& db, const HistoryQuery& q) {
  const Layout layout = inspect(db);
  std::vector<RunLine> lines;
  if (layout.runs) add_stored_runs(db, layout, q, lines);
  add_pyload_days(db, layout, q, lines);
  std::stable_sort(lines.begin(), lines.end(), [](const RunLine& a, const RunLine& b) {
    if (a.started != b.started) return a.started > b.started;
    return a.run_id > b.run_id;
  });
  mark_and_limit(lines, q);
  return lines;
}

}  // namespace detail

}  // namespace ccload::store
