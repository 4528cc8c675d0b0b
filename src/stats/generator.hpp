#pragma once
// The load generator watching itself (design.md, "The generator watches itself"): how late each
// worker's event loop woke and how busy its thread was. Two causes make a run's figures partly
// measure the machine ccload ran on rather than the server, and the verdict names which:
//   saturated: ccload's own worker was busy (its thread's CPU share high) while its loop lagged;
//   delayed:   the loop woke late while ccload was idle (other processes took the CPU).
// Either is judged only on enough loop-lag samples, and only when the lag matters against the
// latencies the run measured (a lag far below their p50 changes nothing worth a warning).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
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
  // Time the thread was runnable but waited for a CPU (the kernel's run-queue delay,
  // /proc/thread-self/schedstat), seconds; 0 when the kernel does not say.
  double waited_s = 0;
  // The share of the time the CPU was the thread's to use that it used: cpu_s over wall_s less
  // waited_s. About 1 for a worker that always had work (however little CPU a loaded machine gave
  // it), about its CPU share for an idle one. 0 when not watched.
  double busy_share() const;
  bool operator==(const WorkerLoad&) const = default;
};

// A tick counts as saturated when the thread's CPU time covered more than this fraction of it.
inline constexpr double kBusyFraction = 0.90;
// The loop lagged when its lag p99 is above this (seconds) ...
inline constexpr double kLagLimit_s = 0.001;
// ... over at least this many ticks (over every worker: a second of watched loop at 10 ms a tick,
// so that the p99 is not one late wake-up) ...
inline constexpr std::uint64_t kMinLagSamples = 100;
// ... and the lag p99 is at least this fraction of the run's service-time p50 (a lag far below
// the latencies measured changes nothing worth a warning).
inline constexpr double kLagRelevance = 0.10;
// A worker was busy (the lag is ccload's own: saturated) when its busy_share() is at least this,
// or it was saturated (kBusyFraction) for more than kSaturatedShare of the run. Below both, the
// worker was mostly idle and the late wake-ups came from outside: delayed.
inline constexpr double kBusyShare = 0.50;
inline constexpr double kSaturatedShare = 0.20;

struct GeneratorLoad {
  Histogram loop_lag;  // ns: how late each monitor tick woke, over every worker
  std::vector<WorkerLoad> workers;
  bool measured() const { return !workers.empty(); }
};

enum class GeneratorVerdict { none, saturated, delayed };
// "none", "saturated", "delayed" (the JSON's `generator.verdict`).
std::string_view to_string(GeneratorVerdict verdict);

// Why a verdict is none (or `judged` when it is not).
enum class GeneratorQuiet { judged, unmeasured, too_few_samples, lag_small, lag_below_latency };

// "judged", "unmeasured", "too_few_samples", "lag_small", "lag_below_latency" (the JSON's
// `generator.judged_on`).
std::string_view to_string(GeneratorQuiet quiet);

// What the report says about the generator, computed from a GeneratorLoad and the run's
// service-time p50.
struct GeneratorCheck {
  Histogram loop_lag_histogram;     // ns, as in GeneratorLoad (stored with the run)
  TimingSummary loop_lag;           // seconds
  std::vector<WorkerLoad> workers;  // by worker
  bool measured = false;            // false for runs stored before version 4
  GeneratorVerdict verdict = GeneratorVerdict::none;
  GeneratorQuiet quiet = GeneratorQuiet::unmeasured;
  double latency_p50_s = 0;            // the service-time p50 the lag was weighed against
  std::optional<double> lag_share;     // loop-lag p99 / latency_p50_s (none without latencies)
  double busiest_cpu_share = 0;        // the highest cpu_s / wall_s of a worker
  double busiest_busy_share = 0;       // the highest busy_share() of a worker
  double busiest_saturated_share = 0;  // the most saturated worker's saturated_s / wall_s
  bool limited() const { return verdict != GeneratorVerdict::none; }
};

// The judgement, a pure function of its measurements: loop lag (seconds), each worker's load and
// the run's service-time p50 (seconds; 0 when nothing was measured). Fills every field but the
// histogram.
GeneratorCheck judge_generator(const TimingSummary& loop_lag,
                               const std::vector<WorkerLoad>& workers, double latency_p50_s);
// The verdict in the reports' words: "generator-limited: saturated", "generator-limited: delayed",
// "not limited", or "not limited (too few loop-lag samples to judge: 12 of 100)" and the like.
std::string verdict_text(const GeneratorCheck& check);

// judge_generator() over a GeneratorLoad, keeping its histogram.
GeneratorCheck check_generator(const GeneratorLoad& load, double latency_p50_s);

}  // namespace ccload::stats
