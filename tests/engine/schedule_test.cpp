// The schedule on simulated time: exact slot counts per stage, each slot due where the integral of
// the rate reaches it, and no drift over a long run however late the sender wakes.

#include "engine/schedule.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdint>

namespace ccload::engine {
namespace {

using namespace std::chrono_literals;

// A clock that moves only when a test moves it.
struct SimulatedClock {
  using rep = std::int64_t;
  using period = std::nano;
  using duration = std::chrono::nanoseconds;
  using time_point = std::chrono::time_point<SimulatedClock>;
  static constexpr bool is_steady = true;
  static inline time_point current{};
  static time_point now() { return current; }
};

constexpr std::int64_t kSecond = 1'000'000'000;

// How many slots of `schedule` are due in [from_s, to_s) seconds.
std::uint64_t slots_between(const Schedule& schedule, double from_s, double to_s) {
  std::uint64_t n = 0;
  for (std::uint64_t k = 0; k < schedule.slot_count(); ++k) {
    const std::int64_t due = schedule.due_ns(k);
    if (due >= std::llround(from_s * 1e9) && due < std::llround(to_s * 1e9)) ++n;
  }
  return n;
}

TEST(Schedule, UnpacedByDefault) {
  Schedule schedule;
  EXPECT_FALSE(schedule.paced());
}

TEST(Schedule, ConstantRateDueAtKOverRate) {
  const Schedule schedule = Schedule::constant(50, 0);
  EXPECT_TRUE(schedule.paced());
  EXPECT_EQ(schedule.slot_count(), Schedule::kUnbounded);
  EXPECT_EQ(schedule.duration_s(), 0);
  EXPECT_EQ(schedule.due_ns(0), 0);
  EXPECT_EQ(schedule.due_ns(1), 20'000'000);
  EXPECT_EQ(schedule.due_ns(1'000'000), 20'000 * kSecond);
  EXPECT_EQ(schedule.rate_at(12.5), 50);
}

TEST(Schedule, ConstantRateWithDurationHasCeilRateTimesDurationSlots) {
  EXPECT_EQ(Schedule::constant(3, 1).slot_count(), 3u);
  EXPECT_EQ(Schedule::constant(2.5, 1).slot_count(), 3u) << "slots due at 0, 0.4 and 0.8 s";
  EXPECT_EQ(Schedule::constant(1000, 0.0001).slot_count(), 1u) << "the slot due at the start";
  EXPECT_EQ(Schedule::constant(0.1, 30).slot_count(), 3u) << "0.1 x 30 is 3 up to rounding";
  EXPECT_EQ(Schedule::constant(3, 1).duration_s(), 1);
}

TEST(Schedule, RampOfK6sExampleSendsOneHundredThenFourHundred) {
  // 0 -> 200 req/s over 1 s (100 requests), then 200 req/s for 2 s (400 requests).
  const Schedule schedule = Schedule::ramp(0, {{1, 200}, {2, 200}});
  EXPECT_EQ(schedule.slot_count(), 500u);
  EXPECT_DOUBLE_EQ(schedule.duration_s(), 3);
  EXPECT_EQ(slots_between(schedule, 0, 1), 100u);
  EXPECT_EQ(slots_between(schedule, 1, 3), 400u);
  EXPECT_DOUBLE_EQ(schedule.rate_at(0.5), 100);
  EXPECT_DOUBLE_EQ(schedule.rate_at(2), 200);
  EXPECT_EQ(schedule.rate_at(3), 0) << "past the end";
}

TEST(Schedule, SlotKIsDueWhereTheIntegralOfTheRateReachesK) {
  // Over the first stage the integral is 100 t^2, so slot k is due at sqrt(k / 100) s.
  const Schedule schedule = Schedule::ramp(0, {{1, 200}, {2, 200}});
  for (std::uint64_t k : {1u, 4u, 25u, 49u, 81u, 99u}) {
    EXPECT_EQ(schedule.due_ns(k), std::llround(std::sqrt(static_cast<double>(k) / 100) * 1e9))
        << "slot " << k;
  }
  EXPECT_EQ(schedule.due_ns(25), kSecond / 2);
  // Then 200 per second from 1 s on.
  EXPECT_EQ(schedule.due_ns(100), kSecond);
  EXPECT_EQ(schedule.due_ns(300), 2 * kSecond);
  EXPECT_EQ(schedule.due_ns(499), 3 * kSecond - 5'000'000);
}

TEST(Schedule, ExactSlotsPerStageUpAndDown) {
  // 0 -> 100 over 30 s: 1500; 100 -> 500 over 60 s: 18000; 500 -> 0 over 30 s: 7500.
  const Schedule schedule = Schedule::ramp(0, {{30, 100}, {60, 500}, {30, 0}});
  EXPECT_EQ(schedule.slot_count(), 27'000u);
  EXPECT_EQ(slots_between(schedule, 0, 30), 1'500u);
  EXPECT_EQ(slots_between(schedule, 30, 90), 18'000u);
  EXPECT_EQ(slots_between(schedule, 90, 120), 7'500u);
  std::int64_t previous = -1;
  for (std::uint64_t k = 0; k < schedule.slot_count(); ++k) {
    ASSERT_GT(schedule.due_ns(k), previous) << "slot " << k;
    previous = schedule.due_ns(k);
  }
  EXPECT_LT(previous, 120 * kSecond);
  EXPECT_DOUBLE_EQ(schedule.rate_at(105), 250);
}

TEST(Schedule, StartRateAndFlatStages) {
  const Schedule flat = Schedule::ramp(100, {{10, 100}});
  EXPECT_EQ(flat.slot_count(), 1000u);
  EXPECT_EQ(flat.due_ns(999), 9'990'000'000);
  // A stage at 0 sends nothing; the next ramps up from 0.
  const Schedule pause = Schedule::ramp(10, {{1, 10}, {1, 0}, {1, 0}, {1, 20}});
  EXPECT_EQ(pause.slot_count(), 10u + 5u + 0u + 10u);
  EXPECT_EQ(slots_between(pause, 2, 3), 0u);
  EXPECT_EQ(slots_between(pause, 3, 4), 10u);
  // A fractional integral rounds up: 1.5 requests' worth is two slots (at 0 and sqrt(1/1.5) s).
  EXPECT_EQ(Schedule::ramp(0, {{1, 3}}).slot_count(), 2u);
  EXPECT_EQ(Schedule::ramp(0, {{5, 0}}).slot_count(), 0u);
}

TEST(Timetable, NoDriftOverAnHourWhateverTheWakeUps) {
  // 1000 req/s for an hour, driven by a sender that wakes at irregular, late moments and sends
  // every slot due by then: pacing from the start, not from the previous send, so the count due
  // at any moment is exact and the last slot is due at exactly 3599.999 s.
  const Schedule schedule = Schedule::constant(1000, 3600);
  ASSERT_EQ(schedule.slot_count(), 3'600'000u);
  SimulatedClock::current = SimulatedClock::time_point(123s);
  const Timetable<SimulatedClock> timetable(&schedule, SimulatedClock::now());
  std::uint64_t next = 0;
  std::int64_t worst_late_ns = 0;
  const std::int64_t steps_ns[] = {7'300'000, 1'100'000, 19'900'000, 3'000, 250'000'000};
  std::size_t step = 0;
  while (next < schedule.slot_count()) {
    SimulatedClock::current += std::chrono::nanoseconds(steps_ns[step++ % std::size(steps_ns)]);
    const auto now = SimulatedClock::now();
    while (next < schedule.slot_count() && timetable.due(next) <= now) {
      worst_late_ns = std::max<std::int64_t>(worst_late_ns, timetable.late_by(next, now).count());
      ++next;
    }
    const auto elapsed = (now - timetable.start()).count();
    if (next < schedule.slot_count()) {
      // Due by `now`: every k with k / 1000 s <= elapsed.
      ASSERT_EQ(next, static_cast<std::uint64_t>(elapsed / 1'000'000) + 1) << "at " << elapsed;
    }
  }
  EXPECT_EQ(timetable.due(3'599'999) - timetable.start(),
            std::chrono::nanoseconds(3'599'999'000'000));
  EXPECT_LE(worst_late_ns, 250'000'000) << "a slot is never later than the longest wake-up gap";
  EXPECT_EQ(timetable.late_by(0, timetable.start()), std::chrono::nanoseconds(0));
}

TEST(Timetable, StagesOnSimulatedTimeFollowTheRamp) {
  // --stages 2s:100,2s:300 sampled every 10 ms: each second's count is the integral of the rate.
  const Schedule schedule = Schedule::ramp(0, {{2, 100}, {2, 300}});
  ASSERT_EQ(schedule.slot_count(), 100u + 400u);
  SimulatedClock::current = SimulatedClock::time_point(0s);
  const Timetable<SimulatedClock> timetable(&schedule, SimulatedClock::now());
  std::uint64_t per_second[4] = {};
  std::uint64_t next = 0;
  for (int tick = 1; tick <= 400; ++tick) {
    SimulatedClock::current = SimulatedClock::time_point(tick * 10ms);
    while (next < schedule.slot_count() && timetable.due(next) < SimulatedClock::now()) {
      ++per_second[(timetable.due(next) - timetable.start()) / 1s];
      ++next;
    }
  }
  EXPECT_EQ(next, 500u);
  // 0 -> 50 -> 100 req/s: 25 and 75; 100 -> 200 -> 300 req/s: 150 and 250.
  EXPECT_EQ(per_second[0], 25u);
  EXPECT_EQ(per_second[1], 75u);
  EXPECT_EQ(per_second[2], 150u);
  EXPECT_EQ(per_second[3], 250u);
}

}  // namespace
}  // namespace ccload::engine

namespace ccload::engine {
namespace {

// The shards of a ramp are every N-th slot of it: together exactly the whole, interleaved.
TEST(Schedule, ShardsOfARampInterleaveIntoTheWhole) {
  const Schedule whole = Schedule::ramp(0, {{1.0, 200}, {2.0, 200}});
  ASSERT_EQ(whole.slot_count(), 500u);
  std::vector<std::int64_t> merged;
  std::uint64_t slots = 0;
  for (unsigned i = 0; i < 3; ++i) {
    const Schedule part = whole.shard(i, 3);
    slots += part.slot_count();
    for (std::uint64_t k = 0; k < part.slot_count(); ++k) {
      EXPECT_EQ(part.due_ns(k), whole.due_ns(k * 3 + i));
      merged.push_back(part.due_ns(k));
    }
  }
  EXPECT_EQ(slots, 500u);
  std::sort(merged.begin(), merged.end());
  for (std::uint64_t k = 0; k < 500; ++k) EXPECT_EQ(merged[k], whole.due_ns(k));
}

}  // namespace
}  // namespace ccload::engine
