// The generator check and the report's plain sentences about it.

#include "stats/generator.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "stats/run_summary.hpp"

namespace ccload::stats {
namespace {

bool any_contains(const std::vector<std::string>& lines, const std::string& part) {
  return std::any_of(lines.begin(), lines.end(),
                     [&](const std::string& line) { return line.find(part) != std::string::npos; });
}

GeneratorLoad quiet_load() {
  GeneratorLoad load;
  for (int i = 0; i < 1000; ++i) load.loop_lag.record(50'000);  // 50 us
  load.workers = {{0.1, 10, 0}, {0.2, 10, 0.5}};
  return load;
}

TEST(GeneratorCheck, QuietWorkersAreNotLimited) {
  const GeneratorCheck check = check_generator(quiet_load());
  EXPECT_TRUE(check.measured);
  EXPECT_FALSE(check.limited);
  EXPECT_EQ(check.loop_lag.count, 1000u);
  EXPECT_FALSE(check_generator({}).measured);
  EXPECT_FALSE(check_generator({}).limited);
}

TEST(GeneratorCheck, LoopLagP99AboveOneMillisecondIsLimited) {
  GeneratorLoad load = quiet_load();
  for (int i = 0; i < 20; ++i) load.loop_lag.record(5'000'000);  // 2% of ticks 5 ms late
  EXPECT_TRUE(check_generator(load).limited);
}

TEST(GeneratorCheck, SaturatedForMoreThanAFifthOfTheRunIsLimited) {
  GeneratorLoad load = quiet_load();
  load.workers[1].saturated_s = 2.0;  // exactly 20%: not yet
  EXPECT_FALSE(check_generator(load).limited);
  load.workers[1].saturated_s = 2.1;
  EXPECT_TRUE(check_generator(load).limited);
  // A worker watched for 0.2 ms (a run against a dead server) is busy all of it: no verdict.
  load.workers = {{0.0002, 0.0002, 0.0002}};
  EXPECT_FALSE(check_generator(load).limited);
  load.workers = {{0.02, 0.02, 0.02}};
  EXPECT_TRUE(check_generator(load).limited);
}

RunSummary paced_summary(ErrorCategory error, const GeneratorLoad& load) {
  RunStats stats;
  for (int i = 0; i < 100; ++i) {
    Record r;
    r.status = 200;
    r.wait_ns = i < 10 ? 1'000'000'000 : 10'000;
    r.ttlb_ns = r.ttfb_ns = 1'000'000;
    r.total_ns = r.wait_ns + r.ttlb_ns;
    stats.add(r);
  }
  Record failed;
  failed.error = error;
  stats.add(failed);
  RunFacts facts;
  facts.rate = 100;
  facts.duration_s = 2;  // 50.5 req/s against 100
  return summarize(stats, facts, load);
}

TEST(Findings, ClientFailuresAreTheGeneratorsNotTheServers) {
  const auto client = findings(paced_summary(ErrorCategory::client, quiet_load()));
  EXPECT_TRUE(any_contains(client, "1 request failed on the load generator's own machine"));
  EXPECT_TRUE(any_contains(client, "not the server's"));
  const auto refused = findings(paced_summary(ErrorCategory::connect, quiet_load()));
  EXPECT_FALSE(any_contains(refused, "load generator's own machine"));
}

TEST(Findings, WaitsAndAShortRateSayWhy) {
  const RunSummary quiet = paced_summary(ErrorCategory::connect, quiet_load());
  EXPECT_EQ(quiet.waited, 10u);
  EXPECT_EQ(quiet.wait.figures.count, 101u) << "every request, failed ones too";
  EXPECT_EQ(quiet.service.figures.max, 0.001) << "total - wait: what the server took";
  const auto lines = findings(quiet);
  EXPECT_TRUE(any_contains(lines, "10 of 101 requests waited more than 1 ms"));
  EXPECT_TRUE(any_contains(lines,
                           "Achieved 50.5 req/s, 50% of the target 100.0 req/s: every "
                           "connection was busy"));
  EXPECT_TRUE(any_contains(lines, "Total time counts from each request's scheduled time"));
  EXPECT_FALSE(any_contains(lines, "generator-limited"));

  GeneratorLoad busy = quiet_load();
  busy.workers[0].saturated_s = 9;
  const auto limited = findings(paced_summary(ErrorCategory::connect, busy));
  EXPECT_TRUE(any_contains(limited, "The load generator was saturated (generator-limited)"));
  EXPECT_TRUE(any_contains(limited, "more --threads"));
  EXPECT_TRUE(any_contains(limited, "the generator could not keep up (ccload is the limit"));

  GeneratorLoad late = quiet_load();
  for (int i = 0; i < 50; ++i) late.loop_lag.record(4'000'000);  // idle thread, late wake-ups
  const auto held_up = findings(paced_summary(ErrorCategory::connect, late));
  EXPECT_TRUE(any_contains(held_up, "The load generator was held up (generator-limited)"));
  EXPECT_TRUE(any_contains(held_up, "ccload's event loop woke late"));
  EXPECT_FALSE(any_contains(held_up, "more --threads"));
}

TEST(Waits, AClosedModelRecordsNoWaitsPerRequestYetReportsThem) {
  RunStats closed;
  closed.record_waits = false;  // as a worker of an unpaced run sets it
  for (int i = 1; i <= 50; ++i) {
    Record r;
    r.status = 200;
    r.total_ns = r.ttlb_ns = i * 1'000'000;
    closed.add(r);
  }
  EXPECT_EQ(closed.wait.count(), 0u) << "nothing recorded on the hot path";
  RunStats merged;
  merged.merge(closed);
  EXPECT_FALSE(merged.record_waits);
  const RunSummary s = summarize(merged, RunFacts{});
  EXPECT_EQ(s.wait.figures.count, 50u);
  EXPECT_EQ(s.wait.figures.max, 0);
  EXPECT_EQ(s.service.histogram, s.total.histogram) << "nothing waited: service is total";
  EXPECT_EQ(s.waited, 0u);

  Histogram bulk, one_by_one;
  bulk.record(1234, 7);
  for (int i = 0; i < 7; ++i) one_by_one.record(1234);
  EXPECT_EQ(bulk, one_by_one);
}

TEST(Findings, StagesHaveAnAverageTargetRate) {
  RunFacts facts;
  facts.stages = {{1, 200}, {2, 200}};
  EXPECT_DOUBLE_EQ(*target_rate(facts), 500.0 / 3);
  facts.start_rate = 100;
  EXPECT_DOUBLE_EQ(*target_rate(facts), 550.0 / 3);
  EXPECT_FALSE(target_rate(RunFacts{}));
}

}  // namespace
}  // namespace ccload::stats
