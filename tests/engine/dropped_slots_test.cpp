// The dropping rule of SharedRun::take_slot on a simulated clock (explicit time points): a paced
// slot taken at or after end_by is dropped with every slot left in its lane, each counted once.
#include <gtest/gtest.h>

#include <set>

#include "engine/engine.hpp"
#include "engine/worker.hpp"

namespace ccload::engine {
namespace {

using namespace std::chrono_literals;

constexpr Clock::time_point kStart = Clock::time_point{} + 1h;

// A run paced at `rate` for `duration_s` over `urls` (each its own origin when hosts differ),
// planned as the engine plans it: end_by at the end of -z, rate x duration slots.
struct PacedRun {
  core::RunPlan config;
  RunHooks hooks;
  SharedRun run{.config = config, .hooks = hooks};

  PacedRun(std::initializer_list<const char*> urls, double rate, double duration_s) {
    for (const char* url : urls) config.targets.push_back({.url = url});
    run.targets.resize(config.targets.size());
    for (const auto& lane : targets_by_origin(config.targets)) {
      run.origins.emplace_back().lane = lane;
    }
    run.schedule = Schedule::constant(rate, duration_s);
    run.started = kStart;
    run.timetable = Timetable<Clock>(&run.schedule, kStart);
    run.end_by = kStart + std::chrono::duration_cast<Clock::duration>(
                              std::chrono::duration<double>(duration_s));
    run.slot_limit = run.schedule.slot_count();
  }
};

TEST(DroppedSlots, NothingIsDroppedWhileTheRunKeepsUp) {
  PacedRun paced({"http://a/"}, 100, 1);
  std::uint64_t dropped = 0, sent = 0;
  for (std::uint64_t k = 0;; ++k) {
    // Each slot taken at its own due time: always before end_by.
    const auto slot = paced.run.take_slot(paced.run.origins[0], dropped,
                                          paced.run.timetable.due(std::min(k, 99ul)));
    if (!slot) break;
    EXPECT_EQ(slot->slot, k);
    EXPECT_EQ(slot->due, paced.run.timetable.due(k));
    ++sent;
  }
  EXPECT_EQ(sent, 100u);
  EXPECT_EQ(dropped, 0u);
}

TEST(DroppedSlots, ASlotTakenAtTheEndDropsItAndTheRestOfItsLane) {
  PacedRun paced({"http://a/"}, 100, 1);  // slots 0..99, end_by = start + 1 s
  std::uint64_t dropped = 0;
  Origin& origin = paced.run.origins[0];
  // A slow server: only 30 slots were taken before the end (late, but before end_by).
  for (int i = 0; i < 30; ++i) ASSERT_TRUE(paced.run.take_slot(origin, dropped, kStart + 900ms));
  EXPECT_EQ(dropped, 0u);
  // The first take at end_by: slot 30 and the 69 never taken are dropped, none is sent.
  EXPECT_FALSE(paced.run.take_slot(origin, dropped, paced.run.end_by));
  EXPECT_EQ(dropped, 70u);
  // Every later take (other connections) gets nothing and drops nothing more.
  std::uint64_t other = 0;
  EXPECT_FALSE(paced.run.take_slot(origin, other, paced.run.end_by + 5s));
  EXPECT_FALSE(paced.run.take_slot(origin, other, kStart));
  EXPECT_EQ(other, 0u);
}

TEST(DroppedSlots, EveryLaneOfSeveralOriginsAddsUpToTheSchedule) {
  // Targets 0 and 2 on origin a, 1 on b, 3 on c: 4 lanes share 101 slots round robin.
  PacedRun paced({"http://a/1", "http://b/2", "http://a/3", "http://c/4"}, 101, 1);
  ASSERT_EQ(paced.run.slot_limit, 101u);
  std::uint64_t sent = 0, dropped_a = 0, dropped_b = 0;
  std::set<std::uint64_t> seen;
  int turn = 0;
  for (Origin& origin : paced.run.origins) {
    // A different number sent before the end on each origin.
    for (int i = 0; i < 7 * (turn + 1); ++i) {
      if (auto slot = paced.run.take_slot(origin, dropped_a, kStart + 500ms)) {
        EXPECT_TRUE(seen.insert(slot->slot).second) << slot->slot;
        ++sent;
      }
    }
    ++turn;
    // Two connections reach the end: the lane's rest is dropped once.
    EXPECT_FALSE(paced.run.take_slot(origin, dropped_b, paced.run.end_by + 1ms));
    EXPECT_FALSE(paced.run.take_slot(origin, dropped_a, paced.run.end_by + 2ms));
  }
  EXPECT_GT(dropped_a + dropped_b, 0u);
  EXPECT_EQ(sent + dropped_a + dropped_b, 101u) << "each slot sent once or dropped once";
}

TEST(DroppedSlots, AStopDropsNothing) {
  PacedRun paced({"http://a/"}, 100, 1);
  const std::atomic<bool> stop{true};
  paced.hooks.stop = &stop;
  std::uint64_t dropped = 0;
  EXPECT_FALSE(paced.run.take_slot(paced.run.origins[0], dropped, paced.run.end_by + 1s));
  EXPECT_EQ(dropped, 0u) << "a stopped run's unsent slots were never its to drop";
}

TEST(DroppedSlots, TheClosedModelEndsAtEndByWithoutDropping) {
  core::RunPlan config;
  config.targets.push_back({.url = "http://a/"});
  SharedRun run{.config = config};
  run.targets.resize(1);
  run.origins.emplace_back().lane = {0};
  run.slot_limit = UINT64_MAX;
  run.end_by = kStart + 1s;
  std::uint64_t dropped = 0;
  const auto slot = run.take_slot(run.origins[0], dropped, kStart);
  ASSERT_TRUE(slot);
  EXPECT_EQ(slot->due, kStart);
  EXPECT_FALSE(run.take_slot(run.origins[0], dropped, kStart + 1s));
  EXPECT_EQ(dropped, 0u);
}

}  // namespace
}  // namespace ccload::engine
