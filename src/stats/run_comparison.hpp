#pragma once
// What `ccload compare A B` and `--baseline` found: each figure of run B against run A with its
// change and verdict (stats/comparison.hpp computes it). A run's summary keeps its --baseline
// comparison (RunSummary::baseline), stored with it, so a stored run reports what the live one did.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ccload::stats {

// The two-sample Kolmogorov-Smirnov test on two histograms: `statistic` is the largest distance
// between their cumulative distributions, `critical` the distance beyond which they differ at
// significance alpha = 0.01 (c(alpha) * sqrt((n + m) / (n m)), c = 1.628). Empty: no difference.
struct KsTest {
  double statistic = 0;
  double critical = 0;
  bool differ = false;
};

enum class Verdict { same, improved, regressed };
const char* to_string(Verdict verdict);
// The verdict named by to_string(); none for another word.
std::optional<Verdict> verdict_from(std::string_view word);

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
  std::int64_t run_a = 0, run_b = 0;  // RUNS ids; 0 for a live run not stored, or a merged run
  std::string name_a, name_b;         // the runs' --run-id names; empty when not named
  double tolerance = 0.10;            // relative change that counts (0.10 = 10%)
  KsTest latency;                     // on the total-time histograms
  std::vector<FigureChange> figures;  // p50, p90, p99, p99.9, mean, rps, failure rate
  // Runs of the same several targets: each target compared on its own, in order (the same
  // figures and tests; `target` names it). Empty otherwise.
  std::vector<RunComparison> targets;
  std::string target;  // "METHOD URL" in a target's comparison, empty for the whole
  // A figure regressed, of the whole or of any target (a slower endpoint can hide in the whole).
  bool regressed() const;
  // How the terminal names run A or B: "run 7", "run 7 (checkout)", "run checkout" (a merged
  // distributed run, which has no id of its own), or `unstored` for a run without either.
  std::string label_a(const std::string& unstored = "the baseline") const;
  std::string label_b(const std::string& unstored = "this run") const;
};

}  // namespace ccload::stats
