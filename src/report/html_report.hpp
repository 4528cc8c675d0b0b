#pragma once
// The --html report: one self-contained page (inline CSS and SVG, no script, nothing fetched)
// with the counts, thresholds, a latency-by-percentile chart, the timing table, per-second charts,
// status codes, errors and notes. A run of several targets adds a Targets section: a table (one
// row per target: method, URL, requests, failed, requests/s, total mean/p50/p95/p99, each in the
// unit that fits it) and one latency-by-percentile chart per target, headed by its method and URL.
// A pure function of the run's summary; every text from the user (URLs, methods, thresholds, notes)
// is escaped.

#include <string>
#include <string_view>

#include "stats/run_summary.hpp"

namespace ccload::report {

std::string html_report(const stats::RunSummary& summary);

// Text made safe inside HTML elements and attribute values.
std::string html_escape(std::string_view text);

// A URL escaped for HTML, with a line-break opportunity (<wbr>) after each '/', '?', '&' and '='
// past the scheme's "://" (none at its end): a long URL wraps at its separators, never inside the
// scheme, the host or a path segment.
std::string url_html(std::string_view url);

}  // namespace ccload::report
