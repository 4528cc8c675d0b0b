#pragma once
// `ccload compare A B` and `--baseline`: is run B worse than run A? Each figure gets a verdict,
// and a change counts only when it exceeds the tolerance and is beyond noise:
// - latency figures (p50, p90, p99, p99.9, mean of the total time): the two latency distributions
//   must differ by a two-sample Kolmogorov-Smirnov test on the stored histograms (alpha 0.01),
//   and a percentile is judged only when both runs have at least kMinTailSamples requests above
//   it (p99 of 200 requests rests on 2 of them: noise, not a verdict);
// - the failure rate: a two-proportion z-test (alpha 0.01);
// - requests per second: the tolerance alone (a run has one rate, no distribution to test).

#include <cstdint>
#include <string>
#include <vector>

#include "stats/histogram.hpp"
#include "stats/run_comparison.hpp"
#include "stats/run_summary.hpp"

namespace ccload::stats {

// The two-sample Kolmogorov-Smirnov test on two histograms (KsTest, in run_comparison.hpp).
KsTest ks_test(const Histogram& a, const Histogram& b);

// B against A (the baseline), and target by target when both ran the same several targets.
RunComparison compare_runs(const RunSummary& a, const RunSummary& b, double tolerance);

}  // namespace ccload::stats
