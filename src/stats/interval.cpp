#include "stats/interval.hpp"

#include <algorithm>

namespace ccload::stats {

void RunSecond::merge(const RunSecond& other) {
  all.merge(other.all);
  if (targets.size() < other.targets.size()) targets.resize(other.targets.size());
  for (std::size_t t = 0; t < other.targets.size(); ++t) targets[t].merge(other.targets[t]);
  loop_lag_max_ns = std::max(loop_lag_max_ns, other.loop_lag_max_ns);
  in_flight += other.in_flight;
}

void RunSecond::clear() {
  all.clear();
  for (auto& target : targets) target.clear();
  loop_lag_max_ns = 0;
  in_flight = 0;
}

}  // namespace ccload::stats
