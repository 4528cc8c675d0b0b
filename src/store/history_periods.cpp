// `history --weekly | --monthly | --yearly`: one line per period and URL, from the runs' stored
// summaries (each target of a run of several under its own URL) and from loose rows.

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <tuple>

#include "store/history_rows.hpp"
#include "store/runs_row.hpp"

namespace ccload::store::detail {

using sql_text::kRunRows;

namespace {

struct Group {
  PeriodLine line;
  std::set<std::string> runs;               // run keys (ids, or day|method for PyLoad's rows)
  std::vector<std::string> histograms;      // serialized total-time histograms of finished runs
  std::vector<std::int64_t> totals;         // total times of loose rows (status > 0)
  std::map<std::string, Span> loose_spans;  // run key -> its loose rows' span
};
// (period, URL) in order: oldest period first, the order the trends need.
using Groups = std::map<std::pair<std::string, std::string>, Group>;

// One target of a run of several, from its summary columns in RUNS.TARGETS: URL, REQUESTS,
// FAILED, HIST_TOTAL and DURATION (seconds; none unless a number).
using TargetPart =
    std::tuple<std::string, std::uint64_t, std::uint64_t, std::string, std::optional<double>>;

// Every target of RUNS.TARGETS' JSON text, in order; throws when the text or a target is damaged.
std::vector<TargetPart> target_parts(const std::string& text) {
  const nlohmann::json targets = nlohmann::json::parse(text);
  std::vector<TargetPart> parts;
  for (const auto& t : targets) {
    std::string url = t.at("url").get<std::string>();
    std::optional<double> duration;
    if (t.contains("DURATION") && t.at("DURATION").is_number()) {
      duration = t.at("DURATION").get<double>();
    }
    parts.emplace_back(std::move(url), t.at("REQUESTS").get<std::uint64_t>(),
                       t.at("FAILED").get<std::uint64_t>(), t.at("HIST_TOTAL").get<std::string>(),
                       duration);
  }
  return parts;
}

// Adds each finished run in RUNS matching q to its groups, from its stored summary.
// A run of several targets adds each target's figures to that target's URL, from the target's
// summary columns in RUNS.TARGETS (not from its LOADTEST rows): the same summary the live run
// reported and `ccload report` rebuilds (requests that reached a fallback file included), the
// same source as every run of one target here (RUNS' histograms), and no scan of the run's rows.
// A run whose TARGETS lacks them (damaged) is counted from its rows, per URL, like a loose run:
// returns the ids of those runs.
std::vector<std::int64_t> add_run_summaries(sql::Connection& db, const Layout& layout,
                                            const HistoryQuery& q, Groups& groups) {
  std::vector<std::int64_t> counted_from_rows;
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
      std::vector<TargetPart> parts = target_parts(stmt.column_text(8));
      for (auto& [url, requests, failed, histogram, duration] : parts) {
        // Period lines are per URL: only the targets whose URL matches the filter.
        if (!q.url_contains.empty() && url.find(q.url_contains) == std::string::npos) continue;
        add(run, started, url, requests, failed, std::move(histogram), duration);
      }
    } catch (const std::exception&) {
      counted_from_rows.push_back(stmt.column_int(0));
    }
  }
  return counted_from_rows;
}

// Adds one request row (total in seconds) to its (period, URL) group, under its run's key: its
// run id, or for PyLoad's rows (run_id 0) its local day and method.
void add_loose_row(Groups& groups, Period period, double ts, std::string url, int status,
                   const std::string& method, double total, std::int64_t run_id) {
  Group& g = groups[{period_key(ts, period), std::move(url)}];
  std::string run = run_id ? std::to_string(run_id) : period_key(ts, Period::none) + "|" + method;
  g.loose_spans[run].add(ts, ts + total);
  g.runs.insert(std::move(run));
  ++g.line.requests;
  if (!is_success_status(status)) ++g.line.failed;
  if (status > 0) g.totals.push_back(to_ns(total));
}

// Adds the LOADTEST rows of each run of `run_ids` whose URL matches q to their groups.
void add_rows_of_runs(sql::Connection& db, const HistoryQuery& q,
                      const std::vector<std::int64_t>& run_ids, Groups& groups) {
  auto rows = db.prepare(fmt::format(
      "SELECT {}, URL, STATUS, UPPER(REQTYPE), CAST(RESPONSETIME AS DOUBLE PRECISION) FROM "
      "LOADTEST WHERE {}",
      sql_text::timestamp(db), kRunRows));
  for (const std::int64_t run_id : run_ids) {
    rows.bind(1, run_id);
    while (rows.step()) {
      std::string url = rows.column_text(1);
      if (!q.url_contains.empty() && url.find(q.url_contains) == std::string::npos) continue;
      add_loose_row(groups, q.period, rows.column_double(0), std::move(url),
                    static_cast<int>(rows.column_int(2)), rows.column_text(3),
                    rows.column_double(4), run_id);
    }
    rows.reset();
  }
}

// One line per group, its figures from the runs' histograms and the loose rows' times; newest
// period first, within a period URLs in order.
std::vector<PeriodLine> period_lines(Groups& groups) {
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
  return lines;
}

}  // namespace

std::vector<PeriodLine> list_periods(sql::Connection& db, const HistoryQuery& q) {
  const Layout layout = inspect(db);
  Groups groups;
  std::vector<std::int64_t> counted_from_rows;  // runs whose damaged TARGETS hide their targets
  if (layout.runs) counted_from_rows = add_run_summaries(db, layout, q, groups);
  for_each_loose_row(db, layout, q, true,
                     [&](double ts, std::string url, int status, const std::string& method,
                         double total, std::int64_t run_id) {
                       add_loose_row(groups, q.period, ts, std::move(url), status, method, total,
                                     run_id);
                     });
  if (!counted_from_rows.empty() && layout.runid)
    add_rows_of_runs(db, q, counted_from_rows, groups);
  std::vector<PeriodLine> lines = period_lines(groups);
  mark_and_limit(lines, q);
  return lines;
}

}  // namespace ccload::store::detail
