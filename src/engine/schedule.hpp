#pragma once
// When each request of a paced run is due: a constant rate (--rate) or a ramping one (--stages).
// Pacing is computed from the time since the start, never from the previous send, so late sends
// never shift the later ones (no drift). A Schedule is pure arithmetic on offsets from the start;
// Timetable anchors it on a clock given as a template parameter, so pacing is tested on simulated
// time (tests/engine/schedule_test.cpp) and runs on std::chrono::steady_clock.

#include <chrono>
#include <cstdint>
#include <limits>
#include <vector>

#include "core/stage.hpp"

namespace ccload::engine {

using ccload::Stage;

class Schedule {
 public:
  static constexpr std::uint64_t kUnbounded = std::numeric_limits<std::uint64_t>::max();

  // Not paced: requests are due when a connection takes them (closed model).
  Schedule() = default;
  // `rate` requests per second (> 0); with `duration_s` > 0 no slot is due from then on.
  static Schedule constant(double rate, double duration_s);
  // Ramps from `start_rate` through `stages` (each duration > 0, each rate >= 0).
  static Schedule ramp(double start_rate, const std::vector<Stage>& stages);

  // Shard `index` of `count` (a distributed run, --shard i/N): every count-th slot of this
  // schedule from `index` on, so that the shards together keep its one even schedule exactly.
  Schedule shard(unsigned index, unsigned count) const;

  bool paced() const { return !segments_.empty(); }
  // Seconds from the start after which no slot is due; 0 when unbounded.
  double duration_s() const { return duration_s_; }
  // The number of slots due before the end: the integral of the rate over the run, rounded up
  // (slot k is due when the integral reaches k, so slot 0 at the start); kUnbounded without an end.
  std::uint64_t slot_count() const { return slot_count_; }
  // When slot k (0-based, k < slot_count()) is due, in nanoseconds from the start (rounded to the
  // nearest): the time t at which the integral of the rate from 0 to t equals k.
  std::int64_t due_ns(std::uint64_t k) const;
  // The rate (requests per second) t_s seconds after the start; 0 past the end.
  double rate_at(double t_s) const;

 private:
  // A piece of the schedule where the rate is linear: from rate0 at start_s to rate1 at
  // start_s + duration_s (duration_s is infinite for an unbounded constant rate). Slots in
  // [slots_before, slots_before + slots) are due within it (counts as real numbers: integrals).
  struct Segment {
    long double start_s = 0, duration_s = 0, rate0 = 0, rate1 = 0, slots_before = 0, slots = 0;
  };
  std::vector<Segment> segments_;  // built once, before the run; due_ns() never allocates
  double duration_s_ = 0;
  std::uint64_t slot_count_ = 0;
  std::uint64_t shard_index_ = 0, shard_count_ = 1;  // slot k is the whole's slot k N + i
};

// A Schedule anchored at `start` on ClockT (anything with time_point and duration types, such as
// std::chrono::steady_clock or a simulated clock in tests).
template <class ClockT>
class Timetable {
 public:
  using time_point = typename ClockT::time_point;

  Timetable() = default;
  Timetable(const Schedule* schedule, time_point start) : schedule_(schedule), start_(start) {}

  time_point start() const { return start_; }
  // When slot k is due on ClockT. Requires a paced schedule and k < slot_count().
  time_point due(std::uint64_t k) const {
    return start_ + std::chrono::duration_cast<typename ClockT::duration>(
                        std::chrono::nanoseconds(schedule_->due_ns(k)));
  }
  // How long slot k has been due at `now` (zero when it is not due yet).
  typename ClockT::duration late_by(std::uint64_t k, time_point now) const {
    const time_point at = due(k);
    return now > at ? now - at : ClockT::duration::zero();
  }

 private:
  const Schedule* schedule_ = nullptr;
  time_point start_{};
};

}  // namespace ccload::engine
