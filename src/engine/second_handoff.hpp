#pragma once
// How a worker hands its finished seconds to the engine's thread without a lock: two
// single-producer single-consumer queues of RunSecond buffers. The worker fills one buffer and,
// when its second is over, pushes it (ready) and takes a cleared one (spare); the engine's thread
// pops the ready ones, merges them and pushes them back cleared. A buffer is made only when no
// spare is left (the engine's thread fell seconds behind): a running worker does not allocate.

#include <atomic>
#include <boost/lockfree/spsc_queue.hpp>
#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

#include "stats/interval.hpp"

namespace ccload::engine {

class SecondHandoff {
 public:
  // `targets`: the per-target breakdown's size (0 for none).
  explicit SecondHandoff(std::size_t targets);
  ~SecondHandoff();
  SecondHandoff(const SecondHandoff&) = delete;
  SecondHandoff& operator=(const SecondHandoff&) = delete;

  // The worker's side (one thread). Before the first second: the RunStats flags
  // `record_waits` and `latency_includes_failures` as the worker's totals have them.
  void begin(bool record_waits, bool latency_includes_failures);
  stats::RunSecond& current() { return *current_; }
  // The current second is over: it is handed over and `next` (> current().second) begins.
  void roll(std::uint64_t next);
  // The worker is done: the current second is handed over, and every later second is complete
  // as far as this worker is concerned.
  void finish();

  // The engine's side (one thread). Calls f(const RunSecond&) for each handed-over second, in
  // order, then takes the buffer back.
  template <class F>
  void drain(F&& f) {
    stats::RunSecond* second = nullptr;
    while (ready_.pop(second)) {
      f(static_cast<const stats::RunSecond&>(*second));
      second->clear();
      (void)spare_.push(second);  // when full, the buffer rests unused in owned_
    }
  }
  // Every second below this one has been handed over (read it before drain(): a second pushed
  // before the watermark moved is then drained too).
  std::uint64_t watermark() const { return watermark_.load(std::memory_order_acquire); }
  static constexpr std::uint64_t kFinished = std::numeric_limits<std::uint64_t>::max();

 private:
  stats::RunSecond* make();  // on the worker's thread (or in the constructor)
  void hand_over();
  void set_flags(stats::RunSecond& second) const;

  static constexpr std::size_t kCapacity = 64;  // buffers in flight at most (64 s behind)
  boost::lockfree::spsc_queue<stats::RunSecond*, boost::lockfree::capacity<kCapacity>> ready_,
      spare_;
  stats::RunSecond* current_;
  std::vector<std::unique_ptr<stats::RunSecond>> owned_;  // every buffer made
  std::size_t targets_;
  bool record_waits_ = true, latency_includes_failures_ = false;
  std::atomic<std::uint64_t> watermark_{0};
};

}  // namespace ccload::engine
