#include "stats/thresholds.hpp"

#include <gtest/gtest.h>

#include "stats/run_stats.hpp"

namespace ccload::stats {
namespace {

// 100 requests: 97 answered 200 in 1..97 ms, 2 answered 503, 1 timed out; a 4 s run (25 req/s).
RunSummary sample_run() {
  RunStats stats;
  for (int i = 1; i <= 100; ++i) {
    Record r;
    if (i == 100) {
      r.error = ErrorCategory::timeout;
    } else {
      r.status = i <= 97 ? 200 : 503;
      r.total_ns = std::int64_t{i} * 1'000'000;
      r.ttfb_ns = std::int64_t{i} * 500'000;
      r.ttlb_ns = r.total_ns;
      r.connect_ns = i <= 4 ? 2'000'000 : 0;
    }
    stats.add(r);
  }
  RunFacts facts;
  facts.duration_s = 4;
  return summarize(stats, facts);
}

struct Case {
  const char* expression;
  bool passes;
  double measured;
  const char* unit;
};

class ThresholdCase : public ::testing::TestWithParam<Case> {};

TEST_P(ThresholdCase, IsMeasuredAndJudged) {
  const Case& c = GetParam();
  const ThresholdVerdict v = evaluate(parse_threshold(c.expression), sample_run());
  EXPECT_EQ(v.expression, c.expression);
  ASSERT_TRUE(v.measured.has_value()) << c.expression;
  EXPECT_NEAR(*v.measured, c.measured, 1e-4 * std::max(1.0, c.measured)) << c.expression;
  EXPECT_EQ(v.unit, c.unit) << c.expression;
  EXPECT_EQ(v.passed, c.passes) << c.expression << " measured " << *v.measured;
}

// p95 of 99 responses (1..99 ms) is the 95th value: 95 ms (within the histogram's 0.1%).
INSTANTIATE_TEST_SUITE_P(
    EveryOperatorAndUnit, ThresholdCase,
    ::testing::Values(
        Case{"p95<200ms", true, 0.095, "s"}, Case{"p95<90ms", false, 0.095, "s"},
        Case{"p95<=95.1ms", true, 0.095, "s"}, Case{"p95>=96ms", false, 0.095, "s"},
        Case{"p50>40ms", true, 0.050, "s"}, Case{"p50>1s", false, 0.050, "s"},
        Case{"p99.9<=1s", true, 0.099, "s"}, Case{"max<99000us", false, 0.099, "s"},
        Case{"min==0.001s", true, 0.001, "s"}, Case{"min!=1ms", false, 0.001, "s"},
        Case{"ttfb.p50<30ms", true, 0.025, "s"}, Case{"ttlb.max<=99ms", true, 0.099, "s"},
        Case{"connect.mean<3ms", true, 0.002, "s"}, Case{"mean<100ms", true, 0.050, "s"},
        Case{"total.p75<80ms", true, 0.075, "s"}, Case{"errors<1%", false, 3, "%"},
        Case{"errors<=3%", true, 3, "%"}, Case{"failed<=10", true, 3, ""},
        Case{"failed==0", false, 3, ""}, Case{"succeeded>=97", true, 97, ""},
        Case{"requests==100", true, 100, ""}, Case{"rps>=1000", false, 25, "req/s"},
        Case{"rps>20", true, 25, "req/s"}, Case{"status.5xx==0", false, 2, ""},
        Case{"status.503<=2", true, 2, ""}, Case{"status.2xx>=97%", true, 97, "%"},
        Case{"error.timeout==1", true, 1, ""}, Case{"error.connect>0", false, 0, ""}));

TEST(Thresholds, SeveralSeparatedByCommasAndSpaces) {
  const auto list = parse_thresholds(" p95 < 200ms , errors<1%,rps>=10");
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].expression, "p95 < 200ms");
  EXPECT_DOUBLE_EQ(list[0].limit, 0.2);
  EXPECT_EQ(list[1].figure, "errors");
  EXPECT_EQ(list[2].op, Operator::greater_equal);
}

TEST(Thresholds, ALatencyWithoutResponsesFails) {
  RunStats stats;
  Record refused;
  refused.error = ErrorCategory::connect;
  stats.add(refused);
  const ThresholdVerdict v = evaluate(parse_threshold("p99<1s"), summarize(stats, RunFacts{}));
  EXPECT_FALSE(v.measured.has_value());
  EXPECT_FALSE(v.passed);
}

class BadThreshold : public ::testing::TestWithParam<const char*> {};

TEST_P(BadThreshold, IsOneLineWithTheFigures) {
  try {
    parse_thresholds(GetParam());
    FAIL() << GetParam() << " was accepted";
  } catch (const ThresholdError& error) {
    const std::string message = error.what();
    EXPECT_EQ(message.find('\n'), std::string::npos);
    EXPECT_NE(message.find(std::string("--fail-on '")), std::string::npos) << message;
    EXPECT_NE(message.find("figures:"), std::string::npos) << message;
  }
}

INSTANTIATE_TEST_SUITE_P(Rejected, BadThreshold,
                         ::testing::Values("p95", "p95<", "p95<200", "p95<200kg", "latency<1s",
                                           "p95=>1s", "errors<1s", "rps>1ms", "status.6x<1",
                                           "error.bogus==0", "errors<101%", "<1ms", "p95<-1ms",
                                           "p101<1s", "p95<1ms,", "", "checks<1s", "checks>101%",
                                           "check.0>=1", "check.65>=1", "check.x>=1"));

// --check's tallies: `checks` is every evaluation (passes over passes and failures of every
// check), `check.N` the N-th check's (1-based); a count without %, a share with it. A run whose
// responses were never checked has no sample: the threshold fails.
TEST(Thresholds, ChecksAndCheckNMeasurePasses) {
  RunSummary s = sample_run();
  s.checks = {{"status==200", 97, 3}, {"body~ok", 50, 50}};
  const auto measured = [&](const char* expression) {
    const ThresholdVerdict v = evaluate(parse_threshold(expression), s);
    EXPECT_TRUE(v.measured) << expression;
    return v.measured.value_or(-1);
  };
  EXPECT_DOUBLE_EQ(measured("checks>=99%"), 73.5);
  EXPECT_DOUBLE_EQ(measured("check.1>=97%"), 97);
  EXPECT_DOUBLE_EQ(measured("check.2>=10"), 50);
  EXPECT_TRUE(evaluate(parse_threshold("check.1>=97%"), s).passed);
  EXPECT_FALSE(evaluate(parse_threshold("checks>=99%"), s).passed);
  s.checks = {{"status==200", 0, 0}};
  EXPECT_FALSE(evaluate(parse_threshold("checks>=1%"), s).measured);
}

}  // namespace
}  // namespace ccload::stats

namespace ccload::stats {
namespace {

// Found by the thresholds fuzzer: an expression with a line break made a two-line error.
TEST(Thresholds, AnErrorStaysOneLineWhateverTheInput) {
  try {
    parse_thresholds(
        std::string("p95Yb\xff\xff\xff\n\xb7"
                    "2`\0\0\0s",
                    16));
    FAIL() << "accepted";
  } catch (const ThresholdError& error) {
    const std::string message = error.what();
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    EXPECT_NE(message.find("\\x0a"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace ccload::stats
