#include "stats/snapshot.hpp"

#include <algorithm>

namespace ccload::stats {

TimingFigures timing_figures(const Histogram& histogram) {
  TimingFigures f;
  f.count = histogram.count();
  f.summary = summarize(histogram);
  f.sum_s = histogram.mean() * static_cast<double>(f.count) / 1e9;
  // Buckets are visited in ascending order: each adds to the first bound at or above it.
  std::array<std::uint64_t, kSnapshotBuckets.size()> in_bucket{};
  histogram.for_each_bucket([&](std::int64_t value_ns, std::uint64_t count) {
    const double value_s = static_cast<double>(value_ns) / 1e9;
    for (std::size_t b = 0; b < kSnapshotBuckets.size(); ++b) {
      if (value_s <= kSnapshotBuckets[b]) {
        in_bucket[b] += count;
        return;
      }
    }
  });
  std::uint64_t running = 0;
  for (std::size_t b = 0; b < kSnapshotBuckets.size(); ++b) {
    running += in_bucket[b];
    f.at_or_below[b] = running;
  }
  return f;
}

SnapshotPart snapshot_part(const IntervalStats& second, const RunStats& so_far) {
  SnapshotPart p;
  p.requests = so_far.requests;
  p.succeeded = so_far.succeeded;
  p.failed = so_far.failed;
  p.bytes = so_far.bytes;
  for (const auto& [status, count] : so_far.status_counts()) p.statuses.emplace_back(status, count);
  std::copy(so_far.by_error.begin(), so_far.by_error.end(), p.errors.begin());
  p.total = timing_figures(so_far.total);
  p.ttfb = timing_figures(so_far.ttfb);
  p.connect = timing_figures(so_far.connect);
  if (so_far.record_waits) p.wait = timing_figures(so_far.wait);
  p.second_requests = second.stats.requests;
  p.second_failed = second.stats.failed;
  p.second_bytes = second.stats.bytes;
  p.second_total = summarize(second.stats.total);
  return p;
}

}  // namespace ccload::stats
