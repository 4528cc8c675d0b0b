#pragma once
// Every output of a run (live or stored) from its one summary: the terminal report, thresholds,
// a comparison, and the --json, --html and --csv files.

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "app/run_plan.hpp"
#include "stats/comparison.hpp"
#include "stats/run_summary.hpp"

namespace ccload::app {

// Why `path` cannot receive an output file (`flag` is --csv or --html), if it cannot. Checked
// before anything is sent, without creating anything: an existing path must be a writable regular
// file; a new one needs a writable folder. An empty path is no output: no problem.
std::optional<std::string> output_problem(const std::string& flag, const std::string& path);

// Writes `content` to `path` (replacing it). False, after one error line naming `what` (such as
// "HTML report") and the path, when it could not be written.
bool write_file(const std::string& path, const std::string& content, const char* what);

// Prints the report (and thresholds, the --baseline comparison) to `human`, then `store_error` as
// an error line, and writes the files, then one line on `human` saying where they went
// (written_line). Returns false when a file could not be written (one line said which).
bool write_outputs(const stats::RunSummary& summary, const OutputPaths& outputs,
                   std::ostream& human,
                   const std::optional<std::string>& store_error = std::nullopt);

// "Wrote the JSON summary to a.json, the HTML report to r.html and its CSV row to runs.csv.": the
// last line of a run or report that wrote files (each entry "the X to PATH"); none when none.
std::optional<std::string> written_line(const std::vector<std::string>& written);

}  // namespace ccload::app
