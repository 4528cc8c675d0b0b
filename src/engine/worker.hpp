#pragma once
// A worker: one thread, one io_context, a fixed share of the run's connections, its own statistics.
// Nothing here is shared with other workers except SharedRun's slot counter and stop flag.

#include <algorithm>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "engine/block_pool.hpp"
#include "engine/engine.hpp"
#include "engine/h2c_refusal.hpp"
#include "engine/loop_monitor.hpp"
#include "engine/schedule.hpp"
#include "engine/second_handoff.hpp"
#include "net/tls.hpp"
#include "net/url.hpp"

namespace ccload::engine {

using Clock = std::chrono::steady_clock;

// A steady-clock span in nanoseconds (the unit of every Record timing).
inline std::int64_t nanoseconds(Clock::duration duration) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(duration).count();
}

struct Http2Request;

// Where connections go: a resolved address (host, port, scheme and TLS name of `where`).
struct Address {
  net::Target where;
  std::vector<boost::asio::ip::tcp::endpoint> endpoints{};  // empty: the host did not resolve
  boost::asio::ssl::context* tls = nullptr;                 // for https: the client context
};

// One origin (scheme, host, port) of the run's targets, with its own connections and slot lane:
// the j-th slot taken on it is run slot (j / T_O) * T + lane[j % T_O], where T is the number of
// targets and lane the indices of this origin's T_O targets (ascending). So request k of the run
// goes to target k mod T whichever origin serves it, and every origin takes its slots in order.
struct Origin {
  Address address;
  std::vector<std::uint32_t> lane;          // indices of this origin's targets, ascending
  std::atomic<std::uint64_t> next_slot{0};  // slots of this lane handed out so far
  unsigned connections = 0;                 // of the run's c
};

// One target of the run, prepared once: its request bytes and the origin that serves it.
struct TargetRoute {
  net::Target where;
  std::string request;                             // the HTTP/1.1 request bytes
  std::shared_ptr<const Http2Request> http2 = {};  // the request as HTTP/2 fields (--http2)
  bool head = false;                               // HEAD: responses carry no body
  std::uint32_t origin = 0;                        // index into SharedRun::origins
};

// A request slot taken by a connection: which request of the run, for which target, due when.
struct DueSlot {
  std::uint64_t slot = 0;  // 0-based; the record's request_id is slot + 1
  std::uint32_t target = 0;
  Clock::time_point due{};  // its scheduled time (paced), else when it was taken
};

// The hooks of a run that has none (tests that drive a SharedRun directly).
inline const RunHooks kNoHooks{};

// What every worker reads during a run. Only the origins' slot counters change (one relaxed
// fetch_add per request, and one exchange when a lane is closed past end_by).
struct SharedRun {
  const core::RunPlan& config;
  const RunHooks& hooks = kNoHooks;
  std::vector<TargetRoute> targets{};  // in the run's order
  std::deque<Origin> origins{};        // distinct origins of the targets, in first-use order
  boost::asio::ssl::context* tls_context = nullptr;  // set when a target is https
  // Set before the workers start.
  std::uint64_t slot_limit = 0;  // slots to hand out: n, or in rate mode with -z, rate x duration
  std::int64_t unix_epoch_offset_ns = 0;  // system_clock minus steady_clock, read once per run
  Clock::time_point started{};            // when slot 0 is due
  Clock::time_point end_by = Clock::time_point::max();  // no request is due from then on
  Schedule schedule{};                                  // paced with --rate or --stages, else not
  Timetable<Clock> timetable{};                         // `schedule` from `started`

  bool stopping() const {
    return hooks.stop != nullptr && hooks.stop->load(std::memory_order_relaxed);
  }

  // The next slot of `origin`'s lane and when it is due, or nothing when its share of n is taken,
  // -z has ended or a stop was requested. Closed model: due `now`. Paced: a slot taken at or after
  // end_by (its time came, but no connection was free to send it before -z or the last stage
  // ended) is dropped, never sent, and so is every slot left in the lane: they are added to
  // `dropped` (the caller's worker's count) and the lane is closed. So every slot of a paced run
  // that reaches end_by is either returned once or counted as dropped once.
  std::optional<DueSlot> take_slot(Origin& origin, std::uint64_t& dropped, Clock::time_point now) {
    if (stopping()) return std::nullopt;
    if (!paced() && now >= end_by) return std::nullopt;
    const std::uint64_t taken = origin.next_slot.fetch_add(1, std::memory_order_relaxed);
    if (taken >= kLaneClosed) return std::nullopt;
    const std::uint64_t lanes = origin.lane.size();
    const std::uint32_t target = origin.lane[taken % lanes];
    const std::uint64_t slot = (taken / lanes) * targets.size() + target;
    if (slot >= slot_limit) return std::nullopt;
    if (!paced()) return DueSlot{slot, target, now};
    if (now >= end_by) {
      dropped += 1 + close_lane(origin);
      return std::nullopt;
    }
    return DueSlot{slot, target, timetable.due(slot)};  // the slot limit keeps it within -z
  }
  std::optional<DueSlot> take_slot(Origin& origin, std::uint64_t& dropped) {
    return take_slot(origin, dropped, Clock::now());
  }

  // Slots of `origin`'s lane below slot_limit that no one has taken, now never to be: the lane
  // is closed (later takes get nothing). 0 when another connection closed it first.
  std::uint64_t close_lane(Origin& origin) {
    const std::uint64_t from = origin.next_slot.exchange(kLaneClosed, std::memory_order_relaxed);
    if (from >= kLaneClosed) return 0;
    const std::uint64_t total = lane_slots(origin);
    return total > from ? total - from : 0;
  }

  // How many of the run's slot_limit slots `origin`'s lane holds: target l's slots are l, l + T,
  // l + 2T, ... (T targets).
  std::uint64_t lane_slots(const Origin& origin) const {
    const std::uint64_t count = targets.size();
    std::uint64_t total = 0;
    for (const std::uint32_t l : origin.lane) {
      if (slot_limit > l) total += (slot_limit - l - 1) / count + 1;
    }
    return total;
  }
  // Origin::next_slot from when its lane is closed (far below where fetch_add could wrap).
  static constexpr std::uint64_t kLaneClosed = std::uint64_t{1} << 62;

  bool paced() const { return schedule.paced(); }
  // How many targets the statistics are kept for one by one: all of a run of 2 to
  // kMaxTargetBreakdown, else none.
  std::size_t breakdown() const {
    return targets.size() > 1 && targets.size() <= kMaxTargetBreakdown ? targets.size() : 0;
  }

  // The TLS client context for https redirect hops to other origins (over HTTP/1.1): the run's
  // (HTTP/1.1 runs), or made on the first such hop of a run without https targets or of an
  // HTTP/2 run (whose context offers only "h2"; loading the trusted certificates is too slow to
  // do for every run that might never need it). Null when it cannot be made (the hop then fails
  // as tls).
  boost::asio::ssl::context* hop_tls_context() {
    if (tls_context != nullptr && !config.http2) return tls_context;
    std::call_once(hop_tls_once, [this] {
      try {
        hop_tls.emplace(net::make_client_context(config.tls));
      } catch (const std::exception&) {
      }
    });
    return hop_tls ? &*hop_tls : nullptr;
  }
  std::once_flag hop_tls_once{};
  std::optional<boost::asio::ssl::context> hop_tls{};
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
  // One connection per entry of `origins` (indices into run.origins); `index`: 0-based, the
  // worker's place among the run's (a script's thread.id is index + 1).
  Worker(SharedRun& run, const std::vector<std::uint32_t>& origins, FinishSignal& signal,
         unsigned index = 0);
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
  // This worker's request script (RunHooks::script), made on its thread before the first
  // request; null without one.
  core::WorkerScript* script() const { return script_.get(); }
  void on_http2_refused() { ++http2_refused_; }
  // Where a connection of `origin` connects: the origin's address, or the one this worker's
  // script gave (core::WorkerScript::address, a scripted run's one origin).
  const Address& address_of(const Origin& origin) const {
    return scripted_address_ ? *scripted_address_ : origin.address;
  }
  // An HTTP/2 server allows only `limit` concurrent streams (SETTINGS_MAX_CONCURRENT_STREAMS),
  // fewer than --streams.
  void on_server_streams(std::uint32_t limit) {
    server_streams_ = server_streams_ ? std::min(*server_streams_, limit) : limit;
  }
  // A fresh h2c connection whose first read was not HTTP/2 (engine/h2c_refusal.hpp).
  void on_h2c_refused(FirstRead first) {
    ++(first == FirstRead::http1_answer ? h2c_http1_answers_ : h2c_closed_silently_);
  }
  void on_connection_done();
  boost::asio::io_context& io() { return io_; }
  // The buffer every plain HTTP/1.1 connection of this worker reads into (Http1Session).
  static constexpr std::size_t kReadBufferSize = 16 * 1024;
  char* read_buffer() { return read_buffer_.get(); }
  // Small blocks for this worker's HTTP/2 sessions (nghttp2's allocations).
  BlockPool& block_pool() { return block_pool_; }
  // Paced slots this worker's connections dropped past end_by (SharedRun::take_slot adds to it).
  std::uint64_t& dropped() { return dropped_; }

  // Read after join().
  const stats::RunStats& stats() const { return stats_; }
  // Per target, by index (empty for a run of one target).
  const std::vector<stats::RunStats>& target_stats() const { return target_stats_; }
  std::vector<Record>& kept() { return kept_; }
  Clock::time_point last_completion() const { return last_completion_; }
  std::uint64_t connections_opened() const { return connections_opened_; }
  const LoopMonitor& monitor() const { return monitor_; }
  std::uint64_t http2_refused() const { return http2_refused_; }
  // The lowest stream limit below --streams an HTTP/2 server announced; none when none was lower.
  std::optional<std::uint32_t> server_streams() const { return server_streams_; }
  std::uint64_t h2c_http1_answers() const { return h2c_http1_answers_; }
  std::uint64_t h2c_closed_silently() const { return h2c_closed_silently_; }
  // Its finished seconds, for the engine's thread (engine/snapshots.hpp).
  SecondHandoff& seconds() { return seconds_; }
  // A lane began a request (its record is made): in flight until on_record.
  void on_request_started() { ++started_; }

 private:
  void run_thread();
  // thread.addr as an Address of the run's origin (its endpoint replaced); none when empty.
  std::optional<Address> scripted_address(const std::string& addr) const;
  void flush_store();
  void flush_failures();
  void schedule_watchdog();
  // The current second is over: its figures join the totals and go to the engine's thread, and
  // second `next` begins.
  void roll_second(std::uint64_t next);
  void finish_seconds();
  void close_second();  // adds the current second to the totals (stats_, target_stats_)
  std::uint64_t second_of(Clock::time_point instant) const;  // of the run, from run_.started

  SharedRun& run_;
  FinishSignal& signal_;
  unsigned index_ = 0;
  std::unique_ptr<core::WorkerScript> script_;
  std::optional<Address> scripted_address_;  // thread.addr, resolved once
  // Only this worker's thread touches its io_context: no locking at all. Other threads talk to it
  // only through force_stop_, which the watchdog reads.
  boost::asio::io_context io_{BOOST_ASIO_CONCURRENCY_HINT_UNSAFE};
  std::unique_ptr<char[]> read_buffer_{new char[kReadBufferSize]};
  BlockPool block_pool_;  // before connections_: destroyed after them
  std::atomic<bool> force_stop_{false};
  boost::asio::steady_timer watchdog_{io_};
  LoopMonitor monitor_{io_};  // loop lag and thread CPU, while connections are active
  Clock::duration tick_;
  std::vector<std::unique_ptr<Connection>> connections_;
  unsigned active_connections_ = 0;
  std::thread thread_;

  stats::RunStats stats_;
  std::vector<stats::RunStats> target_stats_;
  std::vector<Record> kept_;
  std::vector<Record> store_batch_;
  std::vector<Record> failure_batch_;
  Clock::time_point last_failure_flush_{};
  Clock::time_point store_batch_oldest_{};  // when the first record of store_batch_ completed
  Clock::time_point last_completion_{};
  std::uint64_t connections_opened_ = 0;
  std::uint64_t http2_refused_ = 0;
  std::optional<std::uint32_t> server_streams_;
  std::uint64_t h2c_http1_answers_ = 0, h2c_closed_silently_ = 0;
  std::uint64_t dropped_ = 0;
  std::uint64_t started_ = 0;  // requests begun by this worker's lanes
  // Requests are counted in the current second first (one add per request); a finished second
  // is merged into stats_ and target_stats_ once, then handed over.
  SecondHandoff seconds_;
};

}  // namespace ccload::engine
