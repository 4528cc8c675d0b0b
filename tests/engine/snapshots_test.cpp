// The run's seconds as the engine sends them on (RunHooks::on_second): one snapshot per second,
// in order, the last one final, and the same figures as the run's totals and its timeline.

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "engine/engine.hpp"
#include "server/target_server.hpp"

namespace ccload::engine {
namespace {

TEST(Snapshots, EverySecondOnceInOrderAndTheLastEqualsTheTotals) {
  server::ServeConfig serve;
  serve.port = 0;
  serve.threads = 1;
  server::TargetServer server(serve);
  core::RunPlan plan;
  plan.targets = {{.url = server.base_url() + "/get"}, {.url = server.base_url() + "/status/503"}};
  plan.rate = 300;
  plan.duration_s = 2.5;
  plan.concurrency = 4;
  plan.threads = 2;
  std::vector<std::shared_ptr<const stats::Snapshot>> seen;
  RunHooks hooks;
  hooks.on_second = [&seen](std::shared_ptr<const stats::Snapshot> s) {
    seen.push_back(std::move(s));
  };
  const EngineResult result = run_load(plan, hooks);

  ASSERT_GE(seen.size(), 3u);
  for (std::size_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i]->second, i);
    EXPECT_EQ(seen[i]->last, i + 1 == seen.size());
    if (i > 0) {
      EXPECT_GE(seen[i]->run.requests, seen[i - 1]->run.requests);
    }
  }
  const stats::Snapshot& last = *seen.back();
  EXPECT_EQ(last.run.requests, result.stats.requests);
  EXPECT_EQ(last.run.failed, result.stats.failed);
  EXPECT_EQ(last.run.total.count, result.stats.total.count());
  EXPECT_NEAR(last.elapsed_s, result.duration_s, 1e-9);
  EXPECT_DOUBLE_EQ(seen.front()->target_rate, 300);
  // Per target: /get succeeded, /status/503 failed, half each.
  ASSERT_EQ(last.targets.size(), 2u);
  EXPECT_EQ(last.targets[0].failed, 0u);
  EXPECT_EQ(last.targets[1].failed, last.targets[1].requests);
  EXPECT_EQ(last.targets[0].requests + last.targets[1].requests, result.stats.requests);
  // The second's counts add up to the run's, and so does the stored timeline.
  std::uint64_t per_second = 0;
  for (const auto& s : seen) per_second += s->run.second_requests;
  EXPECT_EQ(per_second, result.stats.requests);
  std::uint64_t timeline = 0;
  for (const auto& s : result.stats.timeline.seconds()) timeline += s.requests;
  EXPECT_EQ(timeline, result.stats.requests);
  ASSERT_EQ(result.target_stats.size(), 2u);
  std::uint64_t failing = 0;
  for (const auto& s : result.target_stats[1].timeline.seconds()) failing += s.failed;
  EXPECT_EQ(failing, result.target_stats[1].requests);
  EXPECT_EQ(result.stats.requests, 750u);  // 300/s for 2.5 s, every slot sent
}

}  // namespace
}  // namespace ccload::engine
