// Regression marks and recent p95 values along each URL's history (store/history_data.hpp).

#include <map>
#include <stdexcept>

#include "stats/comparison.hpp"
#include "store/history_data.hpp"

namespace ccload::store::detail {

namespace {

// stats::ks_test on two serialized histograms; a damaged one tells nothing (no difference).
bool distributions_differ(const std::string& a, const std::string& b) {
  try {
    return stats::ks_test(stats::Histogram::deserialize(a), stats::Histogram::deserialize(b))
        .differ;
  } catch (const std::invalid_argument&) {
    return false;
  }
}

}  // namespace

void mark_trends(const std::vector<TrendLine*>& oldest_first, double tolerance) {
  std::map<std::string, std::vector<const TrendLine*>> seen_by_url;  // each series' lines so far
  for (TrendLine* line : oldest_first) {
    std::vector<const TrendLine*>& seen = seen_by_url[line->trend_key()];
    line->p95_change.reset();
    line->regressed = false;
    if (!seen.empty()) {
      const TrendLine& before = *seen.back();
      if (before.p95_s && line->p95_s && *before.p95_s > 0) {
        line->p95_change = (*line->p95_s - *before.p95_s) / *before.p95_s;
        line->regressed = *line->p95_change > tolerance &&
                          distributions_differ(before.total_histogram, line->total_histogram);
      }
    }
    seen.push_back(line);
    line->recent_p95_s.clear();
    const std::size_t first = seen.size() > kTrendPoints ? seen.size() - kTrendPoints : 0;
    for (std::size_t i = first; i < seen.size(); ++i) line->recent_p95_s.push_back(seen[i]->p95_s);
  }
}

}  // namespace ccload::store::detail
