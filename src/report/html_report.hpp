#pragma once
// The --html report: one self-contained page (inline CSS and SVG, no script, nothing fetched)
// with the counts, thresholds, a latency-by-percentile chart, the timing table, per-second charts,
// status codes, errors and notes. A pure function of the run's summary.

#include <string>
#include <string_view>

#include "stats/run_summary.hpp"

namespace ccload::report {

std::string html_report(const stats::RunSummary& summary);

// Text made safe inside HTML elements and attribute values.
std::string html_escape(std::string_view text);

}  // namespace ccload::report
