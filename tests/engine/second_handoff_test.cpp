// SecondHandoff: a worker's seconds reach the engine's thread once each, in order, with their
// figures, while both threads run (ThreadSanitizer runs this too); the watermark never runs ahead
// of what can be drained.

#include "engine/second_handoff.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace ccload::engine {
namespace {

Record ok() {
  Record r;
  r.status = 200;
  r.total_ns = r.ttfb_ns = r.ttlb_ns = 1000;
  return r;
}

TEST(SecondHandoff, EverySecondArrivesOnceInOrderWithItsFigures) {
  constexpr std::uint64_t kSeconds = 2000;
  SecondHandoff handoff(2);
  handoff.begin(false, false);
  std::thread worker([&handoff] {
    for (std::uint64_t s = 0; s < kSeconds; ++s) {
      // Second s holds s % 7 requests, the even ones for target 0, the odd for target 1.
      for (std::uint64_t i = 0; i < s % 7; ++i) {
        handoff.current().all.add(ok());
        handoff.current().targets[i % 2].add(ok());
      }
      if (s + 1 < kSeconds) handoff.roll(s + 1);
    }
    handoff.finish();
  });
  std::vector<std::uint64_t> seen;
  std::uint64_t requests = 0, target_one = 0;
  bool finished = false;
  while (!finished) {
    const std::uint64_t watermark = handoff.watermark();
    handoff.drain([&](const stats::RunSecond& second) {
      seen.push_back(second.second);
      EXPECT_EQ(second.all.stats.requests, second.second % 7);
      EXPECT_FALSE(second.all.stats.record_waits);
      requests += second.all.stats.requests;
      target_one += second.targets[1].stats.requests;
    });
    // Every second below the watermark read before the drain has been drained.
    if (watermark != SecondHandoff::kFinished && watermark > 0) {
      ASSERT_FALSE(seen.empty());
      EXPECT_GE(seen.back() + 1, watermark);
    }
    finished = watermark == SecondHandoff::kFinished;
  }
  worker.join();
  handoff.drain([&](const stats::RunSecond& second) { seen.push_back(second.second); });
  ASSERT_EQ(seen.size(), kSeconds);
  for (std::uint64_t s = 0; s < kSeconds; ++s) EXPECT_EQ(seen[s], s);
  std::uint64_t expected = 0, expected_one = 0;
  for (std::uint64_t s = 0; s < kSeconds; ++s) {
    expected += s % 7;
    expected_one += (s % 7) / 2;
  }
  EXPECT_EQ(requests, expected);
  EXPECT_EQ(target_one, expected_one);
}

}  // namespace
}  // namespace ccload::engine
