#pragma once
// The --html report's charts (inline SVG): latency by percentile, and the charts of the run's
// seconds. html_report.cpp lays out the page around them.

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stats/histogram.hpp"
#include "stats/timeline.hpp"

namespace ccload::report::detail {

struct Curve {
  const char* name;
  const char* colour;
  const stats::Histogram* histogram;
};

// The highest latency the curves reach on the axis, in milliseconds (0 without a sample).
double curves_top_ms(const std::array<Curve, 3>& curves);

// `label`: the SVG's aria-label, escaped already. The latency axis goes up to a round value at or
// above `top_ms` (charts meant to be compared share it), or above the curves' own top without it.
std::string percentile_chart(const std::array<Curve, 3>& curves, std::string_view label,
                             std::optional<double> top = std::nullopt);

// Requests completed and total latency per second of the run, with a note on its last, partial
// second; empty under two seconds.
std::string timeline_section(const std::vector<stats::SecondStats>& seconds, double duration_s);

}  // namespace ccload::report::detail
