#pragma once
// The figures behind `ccload -history`, separate from their printing (and tested on their own).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/target.hpp"
#include "store/history.hpp"
#include "store/sql_connection.hpp"

namespace ccload::store::detail {

// How many points (runs or periods) of a URL a trend shows: the sparkline's length.
inline constexpr std::size_t kTrendPoints = 8;

// What a run and a period line share: the URL, total-time figures and the trend of the URL up to
// this line. Figures are in seconds, over the requests that got a response (status > 0); they come
// from the merged histograms of the runs, or exactly from the rows when no histogram is stored
// (PyLoad's rows, unfinished runs).
struct TrendLine {
  std::string url;
  // What the line's trend follows when not its URL alone: a run of several targets is judged
  // against the previous run of the same targets ("3 targets: GET http://a, POST http://b, ...").
  // Empty: the URL.
  std::string series;
  const std::string& trend_key() const { return series.empty() ? url : series; }
  std::optional<double> mean_s, p50_s, p95_s, p99_s, max_s;
  // The histogram of the total times (ns), serialized by stats::Histogram::serialize (the
  // regression test's input, decoded only when p95 rose beyond the tolerance: a long history
  // keeps text, not a bucket array per line); empty when none.
  std::string total_histogram;
  // The relative change of p95 from the previous line of the same URL ((b - a) / a), when both
  // have a p95 and the previous one is above 0.
  std::optional<double> p95_change;
  // p95 rose by more than the query's tolerance AND the two total-time distributions differ by
  // stats::ks_test (the test `ccload compare` uses).
  bool regressed = false;
  // p95 of this URL's last kTrendPoints lines up to and including this one, oldest first (empty
  // optional: a line without a response).
  std::vector<std::optional<double>> recent_p95_s;
};

// One line of the run list: a RUNS row, or a pseudo-run (run_id 0) grouping the rows that PyLoad
// stored without runs by local day, URL and method. A run of several targets is one line: url and
// method are its first target's, `targets` lists them all, and its figures are the whole run's.
struct RunLine : TrendLine {
  std::vector<TargetName> targets;  // a run of several targets, in order; empty for one target
  // RUNS.RUNID; 0 for a pseudo-run, and for a distributed run (run_name set, shards > 1), whose
  // shards are one line (figures merged, as `ccload report NAME` merges them).
  std::int64_t run_id = 0;
  std::string run_name;        // --run-id; empty when the run was not named
  unsigned shards = 1;         // N of --shard i/N
  unsigned shards_stored = 1;  // a distributed run's shards in the database
  double duration_s = 0;       // wall time; a distributed run's from its first start to last end
  bool pseudo() const { return run_id == 0 && run_name.empty(); }  // PyLoad's rows of a day
  double started = 0;  // UTC epoch seconds (the day's first row for a pseudo-run)
  std::string day;     // local "YYYY-MM-DD" of a pseudo-run
  std::string method;
  std::uint64_t requests = 0, failed = 0;
  // Requests per second over the run's wall time (for rows without a summary: from the first
  // request's start to the last one's end).
  std::optional<double> rps;
  bool interrupted = false;
  bool unfinished = false;         // a RUNS row whose summary was never written (process killed)
  bool thresholds_failed = false;  // a --fail-on threshold of the run failed
  bool generator_limited = false;  // ccload itself was saturated during the run
  std::string protocol;            // "HTTP/2" when --http2 was given ("" or "HTTP/1.1" otherwise)
  // Rows the database did not take, in this fallback file (0 and empty: none; see `import`).
  std::uint64_t fallback_rows = 0;
  std::string fallback_file;
};

// One line of -weekly / -monthly / -yearly: one URL's requests in one period. A run of several
// targets adds each target's figures to that target's URL (and counts as a run of each).
struct PeriodLine : TrendLine {
  std::string period;  // "2026-W09" (ISO week and its year), "2026-03", "2026"; local time
  std::uint64_t runs = 0, requests = 0, failed = 0;
  // The summed wall time of the period's runs, in seconds (a run without a stored duration, or a
  // PyLoad pseudo-run: from its first request's start to its last request's end).
  double wall_s = 0;
  // The period's requests divided by wall_s; none when wall_s is 0.
  std::optional<double> rps() const {
    return wall_s > 0 ? std::optional<double>(static_cast<double>(requests) / wall_s)
                      : std::nullopt;
  }
  double failure_rate() const {
    return requests ? static_cast<double>(failed) / static_cast<double>(requests) : 0.0;
  }
};

// Sets p95_change, regressed and recent_p95_s of `oldest_first` (lines of any URLs, each URL's in
// time order), judging each line against the previous line of its trend_key() (its URL, or its
// targets for a run of several).
void mark_trends(const std::vector<TrendLine*>& oldest_first, double tolerance);

// The local calendar period holding an instant.
std::string period_key(double epoch_seconds, Period period);
// "YYYY-MM-DD HH:MM:SS" (with microseconds when asked) in local time.
std::string local_time(double epoch_seconds, bool micros = false);

// Newest first, at most query.limit lines (all when limit <= 0), filtered by query.url_contains (a
// run matches when one of its targets' URLs contains the text; a period line when its URL does).
// Trends and regression marks are computed over every line of a URL, so the oldest line shown is
// still judged against the one before it.
std::vector<RunLine> list_runs(sql::Connection& db, const HistoryQuery& query);
std::vector<PeriodLine> list_periods(sql::Connection& db, const HistoryQuery& query);

}  // namespace ccload::store::detail
