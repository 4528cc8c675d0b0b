#pragma once
// The --csv file: one header line, then one row per run (no line ends in what these return).
// Times in seconds with microsecond digits; started_utc is ISO 8601; empty cells for what was not
// asked (requested with -z, duration_limit_s, rate) and for timings without samples.

#include <optional>
#include <string>

#include "stats/run_summary.hpp"

namespace ccload::report {

std::string csv_header();
std::string csv_row(const stats::RunSummary& summary);

// Why rows cannot be appended to the existing file at `path`, if they cannot: a file with content
// must start with csv_header() (a byte-order mark and a CR are ignored), so rows never land under
// other columns.
std::optional<std::string> csv_header_problem(const std::string& path);

}  // namespace ccload::report
