#pragma once
// A worker: one thread, one io_context, a fixed share of the run's connections, its own statistics.
// Nothing here is shared with other workers except SharedRun's slot counter and stop flag.

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "engine/engine.hpp"
#include "engine/loop_monitor.hpp"
#include "engine/schedule.hpp"

namespace ccload::engine {

using Clock = std::chrono::steady_clock;

// What every worker reads during a run. Only next_slot changes (one relaxed fetch_add per request).
struct Http2Request;

struct SharedRun {
  const EngineConfig& config;
  std::string request;                                      // the request bytes, built once
  std::vector<boost::asio::ip::tcp::endpoint> endpoints{};  // empty: the host did not resolve
  boost::asio::ssl::context* tls_context = nullptr;         // set for https
  bool head_request = false;                                // responses carry no body
  std::atomic<std::uint64_t> next_slot{0};                  // request slots handed out so far
  // Set before the workers start.
  std::uint64_t slot_limit = 0;  // slots to hand out: n, or in rate mode with -z, rate x duration
  std::int64_t unix_epoch_offset_ns = 0;  // system_clock minus steady_clock, read once per run
  Clock::time_point started{};            // when slot 0 is due
  Clock::time_point end_by = Clock::time_point::max();  // no request is due from then on
  Schedule schedule{};                                  // paced with --rate or --stages, else not
  Timetable<Clock> timetable{};                         // `schedule` from `started`
  std::shared_ptr<const Http2Request> http2_request = {};  // the request as HTTP/2 fields

  bool stopping() const {
    return config.stop != nullptr && config.stop->load(std::memory_order_relaxed);
  }

  // The next request slot (0-based), or nothing when all n are taken or a stop was requested.
  std::optional<std::uint64_t> take_slot() {
    if (stopping()) return std::nullopt;
    std::uint64_t slot = next_slot.fetch_add(1, std::memory_order_relaxed);
    if (slot >= slot_limit) return std::nullopt;
    return slot;
  }

  bool paced() const { return schedule.paced(); }
  // When `slot` is due in a paced run (to the nearest nanosecond).
  Clock::time_point scheduled(std::uint64_t slot) const { return timetable.due(slot); }
};

// Tells the engine's thread that a worker has finished.
struct FinishSignal {
  std::mutex mutex;
  std::condition_variable changed;
  unsigned finished = 0;
};

class Connection;

class Worker {
 public:
  Worker(SharedRun& run, unsigned connections, FinishSignal& signal);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  void start();       // spawns the thread
  void force_stop();  // abandons requests in flight within one watchdog tick (thread-safe)
  void join();

  // Called by this worker's connections, on this worker's thread. `finished` is when the
  // request completed (or failed).
  void on_record(Record&& record, Clock::time_point finished);
  // Unix time in nanoseconds of a steady-clock instant: one clock read per request, not two.
  std::int64_t unix_ns(Clock::time_point instant) const {
    return run_.unix_epoch_offset_ns +
           std::chrono::duration_cast<std::chrono::nanoseconds>(instant.time_since_epoch()).count();
  }
  void on_connection_opened() { ++connections_opened_; }
  void on_http2_refused() { ++http2_refused_; }
  void on_connection_done();
  boost::asio::io_context& io() { return io_; }

  // Read after join().
  const stats::RunStats& stats() const { return stats_; }
  std::vector<Record>& kept() { return kept_; }
  Clock::time_point last_completion() const { return last_completion_; }
  std::uint64_t connections_opened() const { return connections_opened_; }
  const LoopMonitor& monitor() const { return monitor_; }
  std::uint64_t http2_refused() const { return http2_refused_; }
  // Any thread, any time: the counts as of this worker's last watchdog tick.
  std::uint64_t published_completed() const {
    return published_completed_.load(std::memory_order_relaxed);
  }
  std::uint64_t published_failed() const {
    return published_failed_.load(std::memory_order_relaxed);
  }

 private:
  void run_thread();
  void flush_store();
  void flush_failures();
  void schedule_watchdog();

  SharedRun& run_;
  FinishSignal& signal_;
  // Only this worker's thread touches its io_context: no locking at all. Other threads talk to it
  // only through force_stop_, which the watchdog reads.
  boost::asio::io_context io_{BOOST_ASIO_CONCURRENCY_HINT_UNSAFE};
  std::atomic<bool> force_stop_{false};
  boost::asio::steady_timer watchdog_{io_};
  LoopMonitor monitor_{io_};  // loop lag and thread CPU, while connections are active
  Clock::duration tick_;
  std::vector<std::unique_ptr<Connection>> connections_;
  unsigned active_connections_ = 0;
  std::thread thread_;

  stats::RunStats stats_;
  std::vector<Record> kept_;
  std::vector<Record> store_batch_;
  std::vector<Record> failure_batch_;
  Clock::time_point last_failure_flush_{};
  Clock::time_point last_completion_{};
  std::uint64_t connections_opened_ = 0;
  std::uint64_t http2_refused_ = 0;
  // The counts as of the last watchdog tick, for the progress line.
  std::atomic<std::uint64_t> published_completed_{0}, published_failed_{0};
};

}  // namespace ccload::engine
