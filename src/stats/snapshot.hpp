#pragma once
// A run as it stands at the end of one of its seconds: what the live view draws and what the
// metrics outputs (Prometheus, InfluxDB) send. Built once per second by the engine's thread
// (engine/snapshots.hpp) from the merged second and the run so far, then shared read-only.

#include <array>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "core/record.hpp"
#include "stats/interval.hpp"
#include "stats/run_stats.hpp"

namespace ccload::stats {

// The upper bounds (seconds) of the fixed histogram buckets every timing is exported with
// (Prometheus' `le`), from 0.5 ms to 10 s; +Inf is the count.
inline constexpr std::array<double, 15> kSnapshotBuckets = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

// One timing (total, ttfb, ...) over the run so far.
struct TimingFigures {
  std::uint64_t count = 0;
  double sum_s = 0;
  // How many values were at or below each bound of kSnapshotBuckets (cumulative), within the
  // histogram's relative error.
  std::array<std::uint64_t, kSnapshotBuckets.size()> at_or_below{};
  TimingSummary summary;  // min, max, mean, p50 ... p99.9
};
TimingFigures timing_figures(const Histogram& histogram);

// The whole run's figures, or one target's.
struct SnapshotPart {
  // The run so far.
  std::uint64_t requests = 0, succeeded = 0, failed = 0, bytes = 0;
  std::vector<std::pair<int, std::uint64_t>> statuses;      // (status, count), non-zero, ascending
  std::array<std::uint64_t, kErrorCategoryCount> errors{};  // by ErrorCategory; [0] unused
  TimingFigures total, ttfb, connect;
  std::optional<TimingFigures> wait;  // when the run records waits (paced, or HTTP/2)
  // The second that just ended.
  std::uint64_t second_requests = 0, second_failed = 0, second_bytes = 0;
  TimingSummary second_total;  // its latency
};
SnapshotPart snapshot_part(const IntervalStats& second, const RunStats& so_far);

struct Snapshot {
  std::uint64_t second = 0;  // the second that ended (0-based)
  double elapsed_s = 0;      // since the first request was due: second + 1, or less at the end
  bool last = false;         // the run is over: nothing follows
  std::int64_t unix_ns = 0;  // the wall-clock time (Unix, ns) at elapsed_s
  std::uint64_t in_flight = 0;
  double loop_lag_max_s = 0;  // the worst event-loop lag of any worker in the second
  double target_rate = 0;     // requests per second the schedule asked for (0: as fast as can be)
  SnapshotPart run;
  std::vector<SnapshotPart> targets;  // by target index, when the run breaks down by target
};

}  // namespace ccload::stats
