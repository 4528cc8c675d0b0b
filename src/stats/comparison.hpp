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
#include "stats/run_summary.hpp"

namespace ccload::stats {

// The two-sample Kolmogorov-Smirnov test on two histograms: `statistic` is the largest distance
// between their cumulative distributions, `critical` the distance beyond which they differ at
// significance alpha = 0.01 (c(alpha) * sqrt((n + m) / (n m)), c = 1.628). Empty: no difference.
struct KsTest {
  double statistic = 0;
  double critical = 0;
  bool differ = false;
};
KsTest ks_test(const Histogram& a, const Histogram& b);

enum class Verdict { same, improved, regressed };
const char* to_string(Verdict verdict);

struct FigureChange {
  std::string name;     // "p50", "rps", "failure rate", ...
  std::string unit;     // "s", "req/s" or "%"
  double a = 0, b = 0;  // the figure in each run (failure rate in %)
  double change = 0;    // (b - a) / a; 0 when a is 0 and b is 0, infinity when only a is 0
  Verdict verdict = Verdict::same;
  bool judged = true;  // false: too few samples to tell (the verdict stays `same`)
};

inline constexpr std::uint64_t kMinTailSamples = 10;

struct RunComparison {
  std::int64_t run_a = 0, run_b = 0;  // 0 for the live run
  double tolerance = 0.10;            // relative change that counts (0.10 = 10%)
  KsTest latency;                     // on the total-time histograms
  std::vector<FigureChange> figures;  // p50, p90, p99, p99.9, mean, rps, failure rate
  // Runs of the same several targets: each target compared on its own, in order (the same
  // figures and tests; `target` names it). Empty otherwise.
  std::vector<RunComparison> targets;
  std::string target;  // "METHOD URL" in a target's comparison, empty for the whole
  // A figure regressed, of the whole or of any target (a slower endpoint can hide in the whole).
  bool regressed() const;
};

// B against A (the baseline), and target by target when both ran the same several targets.
RunComparison compare_runs(const RunSummary& a, const RunSummary& b, double tolerance);

}  // namespace ccload::stats
