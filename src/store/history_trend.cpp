// Regression marks and recent p95 values along each URL's history (store/history_data.hpp).

#include <map>

#include "stats/comparison.hpp"
#include "store/history_data.hpp"

namespace ccload::store::detail {

void mark_trends(const std::vector<TrendLine*>& oldest_first, double tolerance) {
  std::map<std::string, std::vector<const TrendLine*>> seen_by_url;  // each URL's lines so far
  for (TrendLine* line : oldest_first) {
    std::vector<const TrendLine*>& seen = seen_by_url[line->url];
    line->p95_change.reset();
    line->regressed = false;
    if (!seen.empty()) {
      const TrendLine& before = *seen.back();
      if (before.p95_s && line->p95_s && *before.p95_s > 0) {
        line->p95_change = (*line->p95_s - *before.p95_s) / *before.p95_s;
        line->regressed =
            *line->p95_change > tolerance && stats::ks_test(before.total, line->total).differ;
      }
    }
    seen.push_back(line);
    line->recent_p95_s.clear();
    const std::size_t first = seen.size() > kTrendPoints ? seen.size() - kTrendPoints : 0;
    for (std::size_t i = first; i < seen.size(); ++i) line->recent_p95_s.push_back(seen[i]->p95_s);
  }
}

}  // namespace ccload::store::detail
