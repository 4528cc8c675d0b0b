#pragma once
// `ccload history --json`: the rows of the history table as one JSON object. Times in seconds
// (null without a response), rates as fractions, requests per second over summed wall time.
//
//   {"period": "weekly" | "monthly" | "yearly" | null, "tolerance": 0.1,
//    "rows": [ ...one object per period and URL, newest first (or per run without a period)... ]}

#include <nlohmann/json.hpp>
#include <vector>

#include "store/history.hpp"
#include "store/history_data.hpp"

namespace ccload::report {

// Runs newest first: run_id (null for PyLoad's rows, grouped per day, URL and method, with "day"),
// started (UTC ISO 8601), method, url, target_count, counts, figures, rps, flags and the regression
// mark. A run of several targets has method and url of its first target, and "targets": [{"method",
// "url"}, ...] (all of them, in order); its figures are the whole run's.
nlohmann::json history_runs_json(const std::vector<store::detail::RunLine>& lines,
                                 double tolerance);

// One row per period and URL, newest first: period, url, runs, requests, failed, failure_rate,
// mean_s, p50_s, p95_s, p99_s, max_s, wall_s (the summed wall time of its runs), rps (requests /
// wall_s), p95_change (against the URL's previous period) and regressed.
nlohmann::json history_periods_json(const std::vector<store::detail::PeriodLine>& lines,
                                    store::Period period, double tolerance);

}  // namespace ccload::report
