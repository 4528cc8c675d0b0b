#include "stats/generator.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace ccload::stats {

double WorkerLoad::busy_share() const {
  const double available = wall_s - waited_s;
  return available > 0 ? std::min(1.0, cpu_s / available) : 0.0;
}

std::string_view to_string(GeneratorVerdict verdict) {
  switch (verdict) {
    case GeneratorVerdict::saturated:
      return "saturated";
    case GeneratorVerdict::delayed:
      return "delayed";
    case GeneratorVerdict::none:
      break;
  }
  return "none";
}

std::string_view to_string(GeneratorQuiet quiet) {
  switch (quiet) {
    case GeneratorQuiet::judged:
      return "judged";
    case GeneratorQuiet::too_few_samples:
      return "too_few_samples";
    case GeneratorQuiet::lag_small:
      return "lag_small";
    case GeneratorQuiet::lag_below_latency:
      return "lag_below_latency";
    case GeneratorQuiet::unmeasured:
      break;
  }
  return "unmeasured";
}

std::string verdict_text(const GeneratorCheck& check) {
  if (check.limited()) return "generator-limited: " + std::string(to_string(check.verdict));
  switch (check.quiet) {
    case GeneratorQuiet::too_few_samples:
      return fmt::format("not limited (too few loop-lag samples to judge: {} of {})",
                         check.loop_lag.count, kMinLagSamples);
    case GeneratorQuiet::lag_below_latency:
      return "not limited (the lag is far below the latencies measured)";
    default:
      return "not limited";
  }
}

GeneratorCheck judge_generator(const TimingSummary& loop_lag,
                               const std::vector<WorkerLoad>& workers, double latency_p50_s) {
  GeneratorCheck check;
  check.loop_lag = loop_lag;
  check.workers = workers;
  check.measured = !workers.empty();
  check.latency_p50_s = latency_p50_s;
  for (const WorkerLoad& w : workers) {
    if (w.wall_s <= 0) continue;
    check.busiest_cpu_share = std::max(check.busiest_cpu_share, w.cpu_s / w.wall_s);
    check.busiest_busy_share = std::max(check.busiest_busy_share, w.busy_share());
    check.busiest_saturated_share =
        std::max(check.busiest_saturated_share, w.saturated_s / w.wall_s);
  }
  if (latency_p50_s > 0) check.lag_share = loop_lag.p99 / latency_p50_s;

  if (!check.measured) {
    check.quiet = GeneratorQuiet::unmeasured;
  } else if (loop_lag.count < kMinLagSamples) {
    check.quiet = GeneratorQuiet::too_few_samples;
  } else if (loop_lag.p99 <= kLagLimit_s) {
    check.quiet = GeneratorQuiet::lag_small;
  } else if (check.lag_share && *check.lag_share < kLagRelevance) {
    check.quiet = GeneratorQuiet::lag_below_latency;
  } else {
    check.quiet = GeneratorQuiet::judged;
    const bool busy =
        check.busiest_busy_share >= kBusyShare || check.busiest_saturated_share > kSaturatedShare;
    check.verdict = busy ? GeneratorVerdict::saturated : GeneratorVerdict::delayed;
  }
  return check;
}

GeneratorCheck check_generator(const GeneratorLoad& load, double latency_p50_s) {
  GeneratorCheck check = judge_generator(summarize(load.loop_lag), load.workers, latency_p50_s);
  check.loop_lag_histogram = load.loop_lag;
  return check;
}

}  // namespace ccload::stats
