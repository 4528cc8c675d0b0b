#pragma once
// What was measured in one second of a run: the requests that completed in it, whole and per
// target. A worker fills one per second (add() never allocates); merged over workers it is the
// run's second, which feeds the live view, the metrics outputs and the run's timeline alike.

#include <cstdint>
#include <vector>

#include "core/record.hpp"
#include "stats/run_stats.hpp"
#include "stats/timeline.hpp"

namespace ccload::stats {

struct IntervalStats {
  RunStats stats;    // the second's requests (its timeline stays empty)
  SecondStats line;  // the second's line of the run's timeline

  void add(const Record& record) {
    stats.add(record);
    line.add(record);
  }
  void merge(const IntervalStats& other) {
    stats.merge(other.stats);
    line.merge(other.line);
  }
  void clear() {
    stats.clear();
    line = {};
  }
};

// One second of the run as one worker (or, merged, the whole run) measured it.
struct RunSecond {
  std::uint64_t second = 0;  // 0-based, counted from when the run's first request was due
  IntervalStats all;
  std::vector<IntervalStats> targets;  // by target index; empty without a per-target breakdown
  std::int64_t loop_lag_max_ns = 0;    // the worst event-loop lag seen in the second
  std::uint64_t in_flight = 0;         // requests sent and not yet completed, at its end

  // The figures of `other` (of the same second) added: lag by maximum, the rest summed.
  void merge(const RunSecond& other);
  // Empty again, for reuse (keeps the targets' count and the flags of every RunStats).
  void clear();
};

}  // namespace ccload::stats
