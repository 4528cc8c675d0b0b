#include "stats/comparison.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "stats/run_stats.hpp"

namespace ccload::stats {
namespace {

// n responses with totals spread evenly over [base, base + spread) ns, `failed` of them 500s.
RunSummary run_of(int n, std::int64_t base, std::int64_t spread, int failed = 0,
                  double duration_s = 1) {
  RunStats stats;
  for (int i = 0; i < n; ++i) {
    Record r;
    r.status = i < failed ? 500 : 200;
    r.total_ns = base + spread * i / n;
    stats.add(r);
  }
  RunFacts facts;
  facts.duration_s = duration_s;
  return summarize(stats, facts);
}

const FigureChange& figure(const RunComparison& c, const std::string& name) {
  for (const auto& f : c.figures) {
    if (f.name == name) return f;
  }
  throw std::logic_error("no figure " + name);
}

TEST(KsTest, ADistributionAgainstItselfDoesNotDiffer) {
  const RunSummary a = run_of(5000, 1'000'000, 4'000'000);
  const KsTest test = ks_test(a.total.histogram, a.total.histogram);
  EXPECT_EQ(test.statistic, 0);
  EXPECT_FALSE(test.differ);
  EXPECT_NEAR(test.critical, 1.628 * std::sqrt(2.0 / 5000), 1e-12);
}

TEST(KsTest, DisjointDistributionsDiffer) {
  const RunSummary a = run_of(1000, 5'000'000, 100'000);
  const RunSummary b = run_of(1000, 25'000'000, 100'000);
  const KsTest test = ks_test(a.total.histogram, b.total.histogram);
  EXPECT_DOUBLE_EQ(test.statistic, 1.0);
  EXPECT_TRUE(test.differ);
}

TEST(KsTest, ASmallShiftWithinNoiseIsNotADifference) {
  // Two samples of 30 from overlapping ranges: the distance stays below the critical value.
  const RunSummary a = run_of(30, 1'000'000, 10'000'000);
  const RunSummary b = run_of(30, 1'500'000, 10'000'000);
  EXPECT_FALSE(ks_test(a.total.histogram, b.total.histogram).differ);
}

TEST(CompareRuns, ARunAgainstItselfIsTheSameOnEveryFigure) {
  const RunSummary a = run_of(2000, 1'000'000, 3'000'000, 20);
  const RunComparison c = compare_runs(a, a, 0.10);
  ASSERT_EQ(c.figures.size(), 7u);
  for (const auto& f : c.figures) EXPECT_EQ(f.verdict, Verdict::same) << f.name;
  EXPECT_FALSE(c.regressed());
}

TEST(CompareRuns, FiveTimesSlowerRegressesEveryLatencyAndTheRate) {
  const RunSummary a = run_of(2000, 5'000'000, 200'000, 0, 1);
  const RunSummary b = run_of(2000, 25'000'000, 200'000, 0, 5);
  const RunComparison c = compare_runs(a, b, 0.10);
  EXPECT_EQ(figure(c, "p50").verdict, Verdict::regressed);
  EXPECT_NEAR(figure(c, "p50").change, 4.0, 0.2);
  EXPECT_EQ(figure(c, "mean").verdict, Verdict::regressed);
  EXPECT_EQ(figure(c, "p99").verdict, Verdict::regressed);
  EXPECT_EQ(figure(c, "rps").verdict, Verdict::regressed);
  EXPECT_EQ(figure(c, "failure rate").verdict, Verdict::same);
  EXPECT_TRUE(c.regressed());
  // And the other way round it is an improvement.
  const RunComparison back = compare_runs(b, a, 0.10);
  EXPECT_EQ(figure(back, "p50").verdict, Verdict::improved);
  EXPECT_FALSE(back.regressed());
}

TEST(CompareRuns, AChangeWithinTheToleranceIsTheSame) {
  const RunSummary a = run_of(5000, 10'000'000, 100'000);
  const RunSummary b = run_of(5000, 10'500'000, 100'000);  // +5%, clearly another distribution
  const RunComparison c = compare_runs(a, b, 0.10);
  EXPECT_TRUE(c.latency.differ);
  EXPECT_EQ(figure(c, "p50").verdict, Verdict::same);
  EXPECT_EQ(compare_runs(a, b, 0.01).figures[0].verdict, Verdict::regressed);
}

TEST(CompareRuns, TailPercentilesOfFewRequestsAreNotJudged) {
  const RunSummary a = run_of(200, 5'000'000, 100'000);
  const RunSummary b = run_of(200, 9'000'000, 100'000);
  const RunComparison c = compare_runs(a, b, 0.10);
  EXPECT_TRUE(figure(c, "p90").judged);   // 20 requests above it
  EXPECT_FALSE(figure(c, "p99").judged);  // 2 requests above it
  EXPECT_EQ(figure(c, "p99").verdict, Verdict::same);
  EXPECT_EQ(figure(c, "p50").verdict, Verdict::regressed);
}

TEST(CompareRuns, MoreFailuresBeyondNoiseRegress) {
  const RunSummary a = run_of(2000, 1'000'000, 100'000, 10);
  const RunSummary b = run_of(2000, 1'000'000, 100'000, 100);
  EXPECT_EQ(figure(compare_runs(a, b, 0.10), "failure rate").verdict, Verdict::regressed);
  const RunSummary c = run_of(2000, 1'000'000, 100'000, 12);  // 10 -> 12 of 2000: noise
  EXPECT_EQ(figure(compare_runs(a, c, 0.10), "failure rate").verdict, Verdict::same);
}

// Three targets, 2000 responses each; the second target's totals start at `second_base` ns.
RunSummary three_targets(std::int64_t second_base) {
  RunSummary whole = run_of(6000, 1'000'000, 1'000'000);
  for (int t = 0; t < 3; ++t) {
    RunSummary own = run_of(2000, t == 1 ? second_base : 1'000'000, 1'000'000);
    own.facts.method = "GET";
    own.facts.url = "http://h/" + std::to_string(t);
    whole.facts.targets.push_back({own.facts.method, own.facts.url});
    whole.targets.push_back(std::move(own));
  }
  whole.facts.method = "GET";
  whole.facts.url = "http://h/0";
  return whole;
}

TEST(Compare, ASlowerTargetIsARegressionEvenWhenTheWholeIsNot) {
  const RunSummary a = three_targets(1'000'000);
  const RunSummary b = three_targets(3'000'000);  // only target 2 got slower (the whole: same)
  const RunComparison c = compare_runs(a, b, 0.10);
  EXPECT_EQ(figure(c, "p50").verdict, Verdict::same) << "the whole's figures are the same";
  ASSERT_EQ(c.targets.size(), 3u);
  EXPECT_EQ(c.targets[1].target, "GET http://h/1");
  EXPECT_EQ(figure(c.targets[1], "p50").verdict, Verdict::regressed);
  EXPECT_FALSE(c.targets[0].regressed());
  EXPECT_FALSE(c.targets[2].regressed());
  EXPECT_TRUE(c.regressed());
  EXPECT_FALSE(compare_runs(a, a, 0.10).regressed());
}

TEST(Compare, RunsOfDifferentTargetsAreComparedAsWholesOnly) {
  const RunSummary a = three_targets(1'000'000);
  RunSummary b = three_targets(3'000'000);
  b.facts.targets[2].url = "http://h/other";
  EXPECT_TRUE(compare_runs(a, b, 0.10).targets.empty());
}

}  // namespace
}  // namespace ccload::stats
