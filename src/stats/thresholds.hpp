#pragma once
// --fail-on: thresholds a run must meet, judged on its RunSummary (k6's thresholds, Nighthawk's
// failure predicates).
//
// An expression is FIGURE OP VALUE[UNIT], OP one of < <= > >= == !=. Figures:
//   [TIMING.]STAT   TIMING total (default), ttfb, ttlb, connect; STAT mean, min, max or pN
//                   (p50, p99, p99.9, ...); the value needs a unit: us, ms or s
//   errors, failed  failed requests: a count, or with % their share of all requests
//   succeeded, requests   counts (or % of all requests)
//   status.CODE     responses with that status (200) or class (5xx): a count, or with % a share
//   error.CATEGORY  transport errors of one category (timeout, connect, ...): a count or a share
//   rps             requests per second
//   checks, check.N --check's passes, of every check or of the N-th (1-based): a count, or with %
//                   their share of the checks evaluated
// Examples: p95<200ms, p99.9<=1s, ttfb.p50<20ms, mean<100ms, errors<1%, failed<=10, rps>=1000,
// status.5xx==0, checks>=99%, check.2==100%.

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "stats/run_summary.hpp"

namespace ccload::stats {

// A threshold that cannot be parsed or names an unknown figure; what() is one line with the fix
// (and the list of figures).
struct ThresholdError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

enum class Operator { less, less_equal, greater, greater_equal, equal, not_equal };

struct Threshold {
  std::string expression;  // as written, without surrounding spaces
  std::string figure;      // "p95", "ttfb.p50", "errors", "status.5xx", ...
  Operator op = Operator::less;
  double limit = 0;  // in the unit below: seconds for times, 0..100 for %, else as written
  std::string unit;  // "s", "%", "" (a count) or "req/s"
};

// One expression. Throws ThresholdError.
Threshold parse_threshold(std::string_view expression);
// Expressions separated by commas (a --fail-on value). Throws ThresholdError.
std::vector<Threshold> parse_thresholds(std::string_view list);

// The threshold's figure measured on `summary`, and whether it passes. A time figure without a
// sample (no response) fails.
ThresholdVerdict evaluate(const Threshold& threshold, const RunSummary& summary);
std::vector<ThresholdVerdict> evaluate(const std::vector<Threshold>& thresholds,
                                       const RunSummary& summary);

}  // namespace ccload::stats
