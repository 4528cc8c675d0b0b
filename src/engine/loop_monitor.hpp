#pragma once
// A worker watching itself: a timer every kInterval on the worker's io_context measures how late
// the event loop wakes (loop lag) and samples the thread's CPU time, so a run where ccload was the
// bottleneck can say so. Lives on the worker's thread; nothing here is shared.

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <utility>

#include "stats/generator.hpp"

namespace ccload::engine {

class LoopMonitor {
 public:
  static constexpr std::chrono::milliseconds kInterval{10};

  explicit LoopMonitor(boost::asio::io_context& io) : timer_(io) {}

  // On the worker's thread, when its loop starts.
  void start();
  // On the worker's thread: the last partial tick is counted and the timer cancelled, so the
  // io_context can run out of work.
  void stop();

  // Read after stop().
  const stats::Histogram& lag() const { return lag_; }
  // The worst lag (ns) since the last call; on the worker's thread.
  std::int64_t take_max_lag() { return std::exchange(max_lag_ns_, 0); }
  const stats::WorkerLoad& load() const { return load_; }

 private:
  void arm();
  // Accounts for the time since the last sample (wall and this thread's CPU).
  void sample(std::chrono::steady_clock::time_point now);

  boost::asio::steady_timer timer_;
  bool running_ = false;
  std::chrono::steady_clock::time_point started_{}, last_wall_{};
  std::int64_t started_cpu_ns_ = 0, last_cpu_ns_ = 0;
  std::int64_t started_delay_ns_ = -1;
  stats::Histogram lag_;  // ns
  std::int64_t max_lag_ns_ = 0;
  stats::WorkerLoad load_;
};

// This thread's CPU time (user + system) in nanoseconds.
std::int64_t thread_cpu_ns();
// This thread's time runnable but waiting for a CPU, in nanoseconds (the run-queue delay of
// /proc/thread-self/schedstat); -1 when the kernel does not say.
std::int64_t thread_run_delay_ns();

}  // namespace ccload::engine
