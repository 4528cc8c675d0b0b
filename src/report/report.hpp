#pragma once
// Reports are pure functions of a run's results: the terminal report (the seed's layout plus what
// it lacked) and the machine-readable JSON summary.

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "engine/engine.hpp"

namespace ccload::report {

struct ReportInput {
  std::string url;
  std::string method;
  std::uint64_t requested = 0;  // n; 0 when the run was bounded by a duration (-z) instead
  unsigned concurrency = 0;     // c
  double duration_limit_s = 0;  // -z; 0 = none
  double rate = 0;              // --rate in requests/s; 0 = as fast as the connections go
  const engine::EngineResult* result = nullptr;
  bool all_details = false;      // --details: show every kept record
  std::size_t detail_rows = 20;  // rows shown without --details
  // Lines saying where failures and records went (storage, shipping); printed after the counts.
  std::vector<std::string> notes;
};

// The terminal report, starting with "                    Load Test Results".
void print_report(std::ostream& out, const ReportInput& input);

// The JSON summary of `--json` (documented in README.md).
nlohmann::json summary_json(const ReportInput& input);

// The --html report: one self-contained page (no script, nothing fetched) with the summary, a
// latency-by-percentile chart (inline SVG), the timing table, status codes, errors and notes.
std::string html_report(const ReportInput& input);

// The --csv file: one header line, then one row per run (no line ends). Times in seconds with
// microsecond digits; started_utc is ISO 8601; empty cells for what was not asked (requested with
// -z, duration_limit_s, rate) and for timings without samples.
std::string csv_header();
std::string csv_row(const ReportInput& input);

// One progress line without a line end: "3.0 s: 1200 of 5000 requests (24%), 400 req/s, 2 failed",
// or "3.0 of 30.0 s: 1200 requests, 400 req/s, 2 failed" when a duration bounds the run
// (requested 0).
std::string progress_line(const engine::Progress& progress, std::uint64_t requested,
                          double duration_limit_s);

// While the store drains after the load: "Storing: 1200 of 5000 requests written to load.db (24%)".
std::string storing_line(std::uint64_t handled, std::uint64_t total, const std::string& database);

// A Unix time in nanoseconds as UTC text, through strftime's `format` (whole seconds).
std::string utc_text(std::int64_t unix_ns, const char* format);

// "2026-11-26 14:41:36.123" in local time.
std::string local_time(std::int64_t unix_ns);

}  // namespace ccload::report
