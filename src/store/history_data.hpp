#pragma once
// The figures behind `ccload -history`, separate from their printing (and tested on their own).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/history.hpp"
#include "store/sqlite.hpp"

namespace ccload::store::detail {

// One line of the run list: a RUNS row, or a pseudo-run (run_id 0) grouping the rows that PyLoad
// stored without runs by local day, URL and method.
struct RunLine {
  std::int64_t run_id = 0;
  double started = 0;  // UTC epoch seconds (the day's first row for a pseudo-run)
  std::string day;     // local "YYYY-MM-DD" of a pseudo-run
  std::string method, url;
  std::uint64_t requests = 0, failed = 0;
  std::optional<double> rps, mean_s, p95_s;  // total time, over requests that got a response
  bool interrupted = false;
  bool unfinished = false;         // a RUNS row whose summary was never written (process killed)
  bool thresholds_failed = false;  // a --fail-on threshold of the run failed
  bool generator_limited = false;  // ccload itself was saturated during the run
};

// One line of -weekly / -monthly / -yearly.
struct PeriodLine {
  std::string period;  // "2026-W09" (ISO week and its year), "2026-03", "2026"; local time
  std::string url;
  std::uint64_t runs = 0, requests = 0, failed = 0;
  std::optional<double> mean_s, p95_s;  // from the merged histograms of total time
  double failure_rate() const {
    return requests ? static_cast<double>(failed) / static_cast<double>(requests) : 0.0;
  }
};

// The local calendar period holding an instant.
std::string period_key(double epoch_seconds, Period period);
// "YYYY-MM-DD HH:MM:SS" (with microseconds when asked) in local time.
std::string local_time(double epoch_seconds, bool micros = false);

// Newest first, at most query.limit lines (all when limit <= 0), filtered by query.url_contains.
std::vector<RunLine> list_runs(sql::Database& db, const HistoryQuery& query);
std::vector<PeriodLine> list_periods(sql::Database& db, const HistoryQuery& query);

}  // namespace ccload::store::detail
