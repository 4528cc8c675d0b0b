#pragma once
// The load generator watching itself (design.md, "The generator watches itself"): how late each
// worker's event loop woke and how busy its thread was. A run where ccload itself was saturated is
// generator-limited: its latencies and rate say as much about ccload as about the server.

#include <cstdint>
#include <string>
#include <vector>

#include "stats/histogram.hpp"
#include "stats/run_stats.hpp"

namespace ccload::stats {

// One worker's thread over the run.
struct WorkerLoad {
  double cpu_s = 0;   // thread CPU time (user + system), seconds
  double wall_s = 0;  // wall time it was watched, seconds
  // Wall time of the monitor's ticks in which the thread was busy more than kBusyFraction of the
  // time, seconds.
  double saturated_s = 0;
  bool operator==(const WorkerLoad&) const = default;
};

// A tick counts as saturated when the thread's CPU time covered more than this fraction of it.
inline constexpr double kBusyFraction = 0.90;
// A run is generator-limited when the loop-lag p99 is above this (seconds) ...
inline constexpr double kLagLimit_s = 0.001;
// ... or some worker was saturated for more than this fraction of its wall time, when it was
// watched for at least kMinWatched_s (two monitor ticks: over a run of a fraction of a millisecond,
// against a dead server say, any thread is busy all the time, which says nothing).
inline constexpr double kSaturatedShare = 0.20;
inline constexpr double kMinWatched_s = 0.02;

struct GeneratorLoad {
  Histogram loop_lag;  // ns: how late each monitor tick woke, over every worker
  std::vector<WorkerLoad> workers;
  bool measured() const { return !workers.empty(); }
};

// What the report says about the generator, computed from a GeneratorLoad.
struct GeneratorCheck {
  Histogram loop_lag_histogram;     // ns, as in GeneratorLoad (stored with the run)
  TimingSummary loop_lag;           // seconds
  std::vector<WorkerLoad> workers;  // by worker
  bool measured = false;            // false for runs stored before version 4
  bool limited = false;
};

GeneratorCheck check_generator(const GeneratorLoad& load);
// Whether figures such as these mark a generator-limited run (see the constants above).
bool generator_limited(const TimingSummary& loop_lag, const std::vector<WorkerLoad>& workers);

}  // namespace ccload::stats
