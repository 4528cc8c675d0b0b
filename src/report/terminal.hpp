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

// How the report is laid out. The seed's layout ends with the request rows. On a terminal
// (`verdicts_last`) the request rows come first and a Result line ends the report, so the last
// lines a person sees are the verdicts (the Result line, then the thresholds).
struct ReportLayout {
  bool verdicts_last = false;
};

void print_report(std::ostream& out, const stats::RunSummary& summary, ReportLayout layout = {});

// "Result: 3000 requests in 6.0 s (500.0 req/s), 12 failed (0.40%), p99 1.234 ms".
std::string result_line(const stats::RunSummary& summary);

// One line per threshold after the report: "Threshold p95<200ms: 183.200 ms  PASS".
void print_thresholds(std::ostream& out, const std::vector<stats::ThresholdVerdict>& verdicts);

// "183.200 ms", "0.50%", "12", "1534.2 req/s": a measured value in its unit, for people.
std::string value_text(double value, const std::string& unit);

}  // namespace ccload::report
