#pragma once
// The --csv file: one header line, then the rows of each run: one for a run of one target, one
// for the whole and one per target for a run of several (no line ends after what these return).
// Times in seconds with microsecond digits; started_utc is ISO 8601; empty cells for what was not
// asked (requested with -z, duration_limit_s, rate) and for timings without samples.

#include <optional>
#include <string>
#include <vector>

#include "stats/run_summary.hpp"

namespace ccload::report {

// The last two columns are `redirected` (requests that followed at least one redirect) and
// `target`: "total" on the row of the whole run, 1..T on the row of the run's target T (its url,
// method and figures). Every run has exactly one "total" row, so filtering on it gives one row per
// run whatever its targets.
std::string csv_header();

// The rows of one run, in this order: the whole ("total"), then for a run of several targets one
// row per target in the run's order. The whole of a run of several targets has empty url and
// method (it is every target's); a run of one target names its target on its one row.
std::vector<std::string> csv_rows(const stats::RunSummary& summary);

// csv_rows() joined by '\n' (without a line end after the last): what one run appends.
std::string csv_row(const stats::RunSummary& summary);

// Why rows cannot be appended to the existing file at `path`, if they cannot: a file with content
// must start with csv_header() (a byte-order mark and a CR are ignored), so rows never land under
// other columns. A file with the header of the version before `redirected` and `target` gets its
// own message (saying how to convert it) rather than a compatible append: its rows could not tell
// a target's row from the whole, and the file would mix two layouts.
std::optional<std::string> csv_header_problem(const std::string& path);

}  // namespace ccload::report
