// The generator check and the report's plain sentences about it.

#include "stats/generator.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "stats/merge.hpp"
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

// Loop-lag figures as the judgement sees them: `count` ticks, p99 `p99_ms`.
TimingSummary lag(std::uint64_t count, double p99_ms) {
  TimingSummary t;
  t.count = count;
  t.p50 = 0.00005;
  t.p99 = t.max = p99_ms / 1e3;
  return t;
}

const std::vector<WorkerLoad> kIdle = {{0.1, 10, 0}};      // 1% CPU: a 100 req/s run
const std::vector<WorkerLoad> kBusy = {{9.5, 10, 8}};      // 95% CPU, saturated 80% of it
const std::vector<WorkerLoad> kBursty = {{2.0, 10, 2.5}};  // 20% CPU, saturated 25% of it

TEST(GeneratorCheck, NothingMeasuredIsNoVerdict) {
  const GeneratorCheck none = judge_generator({}, {}, 0);
  EXPECT_FALSE(none.measured);
  EXPECT_EQ(none.verdict, GeneratorVerdict::none);
  EXPECT_EQ(none.quiet, GeneratorQuiet::unmeasured);
  EXPECT_FALSE(check_generator({}, 0.001).limited());
  const GeneratorCheck quiet = check_generator(quiet_load(), 0.001);
  EXPECT_TRUE(quiet.measured);
  EXPECT_FALSE(quiet.limited());
  EXPECT_EQ(quiet.quiet, GeneratorQuiet::lag_small);
  EXPECT_EQ(quiet.loop_lag.count, 1000u);
  EXPECT_EQ(quiet.loop_lag_histogram.count(), 1000u);
}

TEST(GeneratorCheck, BusyWorkerWithALaggingLoopIsSaturated) {
  const GeneratorCheck c = judge_generator(lag(500, 5), kBusy, 0.002);
  EXPECT_EQ(c.verdict, GeneratorVerdict::saturated);
  EXPECT_EQ(c.quiet, GeneratorQuiet::judged);
  EXPECT_DOUBLE_EQ(c.busiest_cpu_share, 0.95);
  EXPECT_DOUBLE_EQ(c.busiest_saturated_share, 0.8);
  ASSERT_TRUE(c.lag_share);
  EXPECT_DOUBLE_EQ(*c.lag_share, 2.5);
  // Saturated in bursts (a fifth of the run and more) with a low average: still ccload's own.
  EXPECT_EQ(judge_generator(lag(500, 5), kBursty, 0.002).verdict, GeneratorVerdict::saturated);
  // The busiest of several workers decides.
  EXPECT_EQ(judge_generator(lag(500, 5), {kIdle[0], kBusy[0]}, 0.002).verdict,
            GeneratorVerdict::saturated);
  // A pinned worker sharing its core with three busy processes: a quarter of a core, and waiting
  // for it the rest of the time. It always had work: saturated, not idle.
  const GeneratorCheck shared = judge_generator(lag(500, 5), {{2.5, 10, 0, 7.5}}, 0.002);
  EXPECT_EQ(shared.verdict, GeneratorVerdict::saturated);
  EXPECT_DOUBLE_EQ(shared.busiest_cpu_share, 0.25);
  EXPECT_DOUBLE_EQ(shared.busiest_busy_share, 1.0);
  // Without the kernel's run-queue delay (waited_s 0) a quarter of a core is not enough to say.
  EXPECT_EQ(judge_generator(lag(500, 5), {{2.5, 10, 0}}, 0.002).verdict, GeneratorVerdict::delayed);
}

TEST(GeneratorCheck, IdleWorkerWokenLateIsDelayed) {
  // The 100 req/s run at 1% CPU: other processes held the thread up.
  const GeneratorCheck c = judge_generator(lag(500, 4), kIdle, 0.002);
  EXPECT_EQ(c.verdict, GeneratorVerdict::delayed);
  EXPECT_EQ(judge_generator(lag(500, 4), {{2.4, 10, 1.9}}, 0.002).verdict,
            GeneratorVerdict::delayed);
  // Idle on a loaded machine: it waited 4 s for a CPU in all, and used little of the rest.
  const GeneratorCheck loaded = judge_generator(lag(500, 4), {{0.1, 10, 0, 4}}, 0.002);
  EXPECT_EQ(loaded.verdict, GeneratorVerdict::delayed);
  EXPECT_NEAR(loaded.busiest_busy_share, 0.1 / 6, 1e-12);
  // Without responses there is nothing to weigh the lag against: judged on the lag alone.
  const GeneratorCheck dead = judge_generator(lag(500, 4), kIdle, 0);
  EXPECT_EQ(dead.verdict, GeneratorVerdict::delayed);
  EXPECT_FALSE(dead.lag_share);
}

TEST(GeneratorCheck, BusyShareIsTheCpuOfTheTimeNotSpentWaitingForOne) {
  EXPECT_DOUBLE_EQ((WorkerLoad{1, 10, 0, 8}).busy_share(), 0.5);
  EXPECT_DOUBLE_EQ((WorkerLoad{1, 10, 0, 0}).busy_share(), 0.1);
  EXPECT_DOUBLE_EQ((WorkerLoad{3, 10, 0, 9}).busy_share(), 1.0) << "capped: clocks differ a little";
  EXPECT_DOUBLE_EQ((WorkerLoad{}).busy_share(), 0.0);
}

TEST(GeneratorCheck, OneLateSampleIsNoVerdict) {
  // The run marked on a single loop-lag sample, and a short run below the minimum.
  for (std::uint64_t count : {std::uint64_t{1}, kMinLagSamples - 1}) {
    for (const auto& workers : {kIdle, kBusy}) {
      const GeneratorCheck c = judge_generator(lag(count, 50), workers, 0.002);
      EXPECT_EQ(c.verdict, GeneratorVerdict::none) << count;
      EXPECT_EQ(c.quiet, GeneratorQuiet::too_few_samples);
    }
  }
  EXPECT_EQ(judge_generator(lag(kMinLagSamples, 50), kIdle, 0.002).verdict,
            GeneratorVerdict::delayed);
}

TEST(GeneratorCheck, ALagUnderItsThresholdIsNoVerdict) {
  // The merged report: 0.36 ms, under the 1 ms threshold, must not be called limited.
  for (const auto& workers : {kIdle, kBusy}) {
    const GeneratorCheck c = judge_generator(lag(5000, 0.36), workers, 0.0001);
    EXPECT_EQ(c.verdict, GeneratorVerdict::none);
    EXPECT_EQ(c.quiet, GeneratorQuiet::lag_small);
    EXPECT_EQ(judge_generator(lag(5000, 1.0), workers, 0.0001).verdict, GeneratorVerdict::none);
  }
}

TEST(GeneratorCheck, ALagFarBelowTheLatenciesIsNoVerdict) {
  // The busy 2-core machine with 20 ms responses: 1.5 ms of lag is 7.5% of them.
  for (const auto& workers : {kIdle, kBusy}) {
    const GeneratorCheck c = judge_generator(lag(5000, 1.5), workers, 0.020);
    EXPECT_EQ(c.verdict, GeneratorVerdict::none);
    EXPECT_EQ(c.quiet, GeneratorQuiet::lag_below_latency);
    EXPECT_DOUBLE_EQ(*c.lag_share, 0.075);
  }
  // A tenth of the p50 and more is worth the warning.
  EXPECT_EQ(judge_generator(lag(5000, 2.5), kIdle, 0.020).verdict, GeneratorVerdict::delayed);
  EXPECT_EQ(judge_generator(lag(5000, 2.5), kBusy, 0.020).verdict, GeneratorVerdict::saturated);
}

TEST(GeneratorCheck, TheVerdictInWords) {
  EXPECT_EQ(verdict_text(judge_generator(lag(500, 5), kBusy, 0.002)),
            "generator-limited: saturated");
  EXPECT_EQ(verdict_text(judge_generator(lag(500, 5), kIdle, 0.002)), "generator-limited: delayed");
  EXPECT_EQ(verdict_text(judge_generator(lag(500, 0.2), kIdle, 0.002)), "not limited");
  EXPECT_EQ(verdict_text(judge_generator(lag(12, 5), kIdle, 0.002)),
            "not limited (too few loop-lag samples to judge: 12 of 100)");
  EXPECT_EQ(verdict_text(judge_generator(lag(500, 1.5), kIdle, 0.020)),
            "not limited (the lag is far below the latencies measured)");
  EXPECT_EQ(to_string(GeneratorVerdict::saturated), "saturated");
  EXPECT_EQ(to_string(GeneratorVerdict::delayed), "delayed");
  EXPECT_EQ(to_string(GeneratorVerdict::none), "none");
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

// The sentences the terminal used to print as notes only are findings, so the JSON has them.
TEST(Findings, HttpTwoRefusalsAServersStreamLimitAndALateAgentAreFindings) {
  RunStats stats;
  Record ok;
  ok.status = 200;
  stats.add(ok);
  RunFacts facts;
  facts.protocol = "HTTP/2";
  facts.http2_refused = 4;
  facts.streams = 5;
  facts.streams_requested = 10;
  facts.start_late_s = 2.5;
  const auto lines = findings(summarize(stats, facts));
  EXPECT_TRUE(any_contains(lines, "did not agree to HTTP/2 (ALPN h2) in 4 TLS handshakes"));
  EXPECT_TRUE(any_contains(lines, "The server allows 5 concurrent streams per connection"));
  EXPECT_TRUE(any_contains(lines, "fewer than --streams 10: 5 were used"));
  EXPECT_TRUE(any_contains(lines, "This agent started 2.500 s after --start-at"));
  facts.protocol = "HTTP/1.1";
  facts.http2_refused = 0;
  facts.streams = 1;
  facts.streams_requested.reset();
  facts.start_late_s = 0.2;
  const auto quiet = findings(summarize(stats, facts));
  EXPECT_FALSE(any_contains(quiet, "HTTP/2"));
  EXPECT_FALSE(any_contains(quiet, "--start-at"));
}

// Which requests the latency covers is said either way, with the count of untimed failures.
TEST(Findings, TheLatencysScopeIsSaidEitherWay) {
  RunStats stats;
  Record ok;
  ok.status = 200;
  stats.add(ok);
  Record timeout;
  timeout.error = ErrorCategory::timeout;
  stats.add(timeout);
  stats.add(timeout);
  RunFacts facts;
  EXPECT_TRUE(any_contains(findings(summarize(stats, facts)),
                           "Latency covers the 1 request that got a response; the 2 that failed "
                           "without one are counted by category, not timed"));
  facts.latency_includes_failures = true;
  EXPECT_TRUE(any_contains(findings(summarize(stats, facts)),
                           "Latency includes failures (--latency-includes-failures): total and "
                           "service time also cover the 2 requests that failed"));
  RunStats all_answered;
  all_answered.add(ok);
  EXPECT_TRUE(any_contains(findings(summarize(all_answered, RunFacts{})),
                           "Latency covers the requests that got a response (here every one did)"));
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

  // Service time here is 1 ms: 5 ms late ticks on 2% of the run matter.
  GeneratorLoad busy = quiet_load();
  for (int i = 0; i < 20; ++i) busy.loop_lag.record(5'000'000);
  busy.workers[0].cpu_s = 9;  // 90% of a core
  busy.workers[0].saturated_s = 7;
  const auto limited = findings(paced_summary(ErrorCategory::connect, busy));
  EXPECT_TRUE(any_contains(limited,
                           "The load generator was saturated (generator-limited: saturated): its "
                           "busiest worker was busy 90% of the time it was not waiting for a CPU "
                           "(90% of a core; over 90% of a core 70% of the run)"));
  EXPECT_TRUE(any_contains(limited, "over 1020 ticks, 500% of the service-time p50 (1.000 ms)"));
  EXPECT_TRUE(any_contains(limited, "more --threads"));
  EXPECT_FALSE(any_contains(limited, "Quiet the machine"));
  EXPECT_TRUE(any_contains(limited, "the generator could not keep up (ccload is the limit"));

  GeneratorLoad late = quiet_load();  // 1% and 2% CPU, late wake-ups
  for (int i = 0; i < 50; ++i) late.loop_lag.record(4'000'000);
  const auto delayed = findings(paced_summary(ErrorCategory::connect, late));
  EXPECT_TRUE(any_contains(delayed, "The load generator was delayed (generator-limited: delayed)"));
  EXPECT_TRUE(any_contains(delayed, "while its busiest worker used only 2% CPU"));
  EXPECT_TRUE(any_contains(delayed, "timings below 4.0"));
  EXPECT_TRUE(any_contains(delayed, "Quiet the machine"));
  EXPECT_FALSE(any_contains(delayed, "more --threads"));
  EXPECT_TRUE(any_contains(delayed, "the generator's event loop was delayed by other processes"));

  // Ever so late, but on 99 ticks: too few to judge.
  GeneratorLoad few = quiet_load();
  few.loop_lag = Histogram();
  for (int i = 0; i < 99; ++i) few.loop_lag.record(40'000'000);  // 99 ticks, 40 ms late
  const auto unjudged = findings(paced_summary(ErrorCategory::connect, few));
  EXPECT_FALSE(any_contains(unjudged, "generator-limited")) << "99 ticks are too few";
}

TEST(Findings, AMergedRunIsJudgedOnItsMergedFigures) {
  // One shard lagged on its own (limited); merged with a quiet one, the whole's lag p99 is under
  // 1 ms, and the merged report must not call it limited.
  GeneratorLoad lagged = quiet_load();
  lagged.loop_lag = Histogram();
  for (int i = 0; i < 80; ++i) lagged.loop_lag.record(50'000);
  for (int i = 0; i < 20; ++i) lagged.loop_lag.record(5'000'000);
  GeneratorLoad quiet = quiet_load();
  for (int i = 0; i < 4000; ++i) quiet.loop_lag.record(50'000);
  RunSummary a = paced_summary(ErrorCategory::connect, lagged);
  RunSummary b = paced_summary(ErrorCategory::connect, quiet);
  a.facts.shard = 1;
  a.facts.shards = b.facts.shards = 2;
  b.facts.shard = 2;
  ASSERT_TRUE(a.generator.limited());
  ASSERT_FALSE(b.generator.limited());
  const RunSummary merged = merge_shards({a, b}, 2);
  EXPECT_EQ(merged.generator.loop_lag.count, 5100u);
  EXPECT_LE(merged.generator.loop_lag.p99, kLagLimit_s);
  EXPECT_FALSE(merged.generator.limited());
  EXPECT_EQ(merged.generator.workers.size(), 4u);
  EXPECT_FALSE(any_contains(findings(merged), "generator-limited"));
  // Two lagging shards stay lagging when merged.
  const RunSummary both = merge_shards({a, a}, 2);
  EXPECT_EQ(both.generator.verdict, GeneratorVerdict::delayed);
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
