#include "stats/run_summary.hpp"

#include <algorithm>

namespace ccload::stats {

bool RunSummary::thresholds_failed() const {
  return std::any_of(thresholds.begin(), thresholds.end(),
                     [](const ThresholdVerdict& v) { return !v.passed; });
}

RunSummary summarize(const RunStats& stats, RunFacts facts) {
  RunSummary s;
  s.facts = std::move(facts);
  s.requests = stats.requests;
  s.succeeded = stats.succeeded;
  s.failed = stats.failed;
  s.bytes = stats.bytes;
  s.rps = s.facts.duration_s > 0 ? static_cast<double>(s.requests) / s.facts.duration_s : 0;
  s.status_codes = stats.status_counts();
  s.errors = stats.by_error;
  s.errors[0] = 0;
  for (auto [timing, histogram] :
       {std::pair{&s.total, &stats.total}, std::pair{&s.ttfb, &stats.ttfb},
        std::pair{&s.ttlb, &stats.ttlb}, std::pair{&s.connect, &stats.connect}}) {
    timing->histogram = *histogram;
    timing->figures = stats::summarize(*histogram);
  }
  s.timeline = stats.timeline.seconds();
  return s;
}

Timing timing_from_samples(std::vector<std::int64_t>& samples_ns) {
  Timing timing;
  for (std::int64_t ns : samples_ns) timing.histogram.record(ns);
  TimingSummary& f = timing.figures;
  f.count = samples_ns.size();
  if (samples_ns.empty()) return timing;
  std::sort(samples_ns.begin(), samples_ns.end());
  auto at = [&](double q) {  // nearest rank, as the histogram defines its quantiles
    return static_cast<double>(samples_ns[nearest_rank(q, samples_ns.size()) - 1]) / 1e9;
  };
  f.min = static_cast<double>(samples_ns.front()) / 1e9;
  f.max = static_cast<double>(samples_ns.back()) / 1e9;
  f.mean = timing.histogram.mean() / 1e9;
  f.p50 = at(0.50);
  f.p90 = at(0.90);
  f.p95 = at(0.95);
  f.p99 = at(0.99);
  f.p999 = at(0.999);
  return timing;
}

}  // namespace ccload::stats
