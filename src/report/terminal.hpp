#pragma once
// The terminal report: the seed's layout ("Load Test Results", counters right-aligned to column
// 40, the request table) plus what it lacked (percentiles, status codes, errors, notes). A run of
// several targets adds, before the request table, a Targets table: one row per target (#, method,
// URL cut in the middle past 40 bytes, requests, failed, req/s, total mean/p50/p95/p99 in ms).
// Redirected requests, when any, get a line under the counters. A pure function of the run's
// summary.

#include <ostream>

#include "stats/comparison.hpp"
#include "stats/run_summary.hpp"

namespace ccload::report {

void print_report(std::ostream& out, const stats::RunSummary& summary);

// One line per threshold after the report: "Threshold p95<200ms: 183.200 ms  PASS".
void print_thresholds(std::ostream& out, const std::vector<stats::ThresholdVerdict>& verdicts);

// "183.200 ms", "0.50%", "12", "1534.2 req/s": a measured value in its unit, for people.
std::string value_text(double value, const std::string& unit);

}  // namespace ccload::report
