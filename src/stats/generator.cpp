#include "stats/generator.hpp"

#include <algorithm>

namespace ccload::stats {

bool generator_limited(const TimingSummary& loop_lag, const std::vector<WorkerLoad>& workers) {
  if (loop_lag.count > 0 && loop_lag.p99 > kLagLimit_s) return true;
  return std::any_of(workers.begin(), workers.end(), [](const WorkerLoad& w) {
    return w.wall_s >= kMinWatched_s && w.saturated_s > kSaturatedShare * w.wall_s;
  });
}

GeneratorCheck check_generator(const GeneratorLoad& load) {
  GeneratorCheck check;
  check.measured = load.measured();
  check.loop_lag_histogram = load.loop_lag;
  check.loop_lag = summarize(load.loop_lag);
  check.workers = load.workers;
  check.limited = check.measured && generator_limited(check.loop_lag, check.workers);
  return check;
}

}  // namespace ccload::stats
