// mark_trends: the regression mark needs a p95 rise beyond the tolerance AND distributions that
// the Kolmogorov-Smirnov test tells apart; each URL is judged against its own previous line.

#include <gtest/gtest.h>

#include "stats/histogram.hpp"
#include "store/history_data.hpp"

namespace ccload::store::detail {
namespace {

// A line of `url` whose total times are `count` values evenly spread over [low_ms, high_ms].
TrendLine line_of(const std::string& url, int count, double low_ms, double high_ms) {
  TrendLine line;
  line.url = url;
  stats::Histogram total;
  for (int i = 0; i < count; ++i) {
    const double ms = low_ms + (high_ms - low_ms) * i / std::max(1, count - 1);
    total.record(static_cast<std::int64_t>(ms * 1e6));
  }
  line.p95_s = static_cast<double>(total.value_at_quantile(0.95)) / 1e9;
  line.total_histogram = total.serialize();
  return line;
}

TEST(MarkTrends, ARiseBeyondTheToleranceThatTheTestConfirmsIsARegression) {
  TrendLine a1 = line_of("a", 500, 10, 20), b1 = line_of("b", 500, 1, 2);
  TrendLine a2 = line_of("a", 500, 20, 40);  // doubled
  TrendLine b2 = line_of("b", 500, 1, 2.1);  // +5%: within the tolerance
  mark_trends({&a1, &b1, &a2, &b2}, 0.10);
  EXPECT_FALSE(a1.regressed);
  EXPECT_FALSE(a1.p95_change.has_value()) << "nothing before the first line";
  EXPECT_TRUE(a2.regressed);
  EXPECT_NEAR(*a2.p95_change, 1.0, 2e-3);
  EXPECT_FALSE(b2.regressed);
  EXPECT_NEAR(*b2.p95_change, 0.05, 3e-3);
  mark_trends({&a1, &b1, &a2, &b2}, 1.5);
  EXPECT_FALSE(a2.regressed) << "a rise under a 150% tolerance";
}

TEST(MarkTrends, ARiseThatTheTestCannotTellFromNoiseIsNoRegression) {
  // Three requests whose p95 is 30% above the previous line's: too few to differ by the KS test.
  TrendLine before = line_of("a", 500, 10, 20);
  TrendLine after = line_of("a", 3, 12, 26);
  mark_trends({&before, &after}, 0.10);
  ASSERT_TRUE(after.p95_change.has_value());
  EXPECT_GT(*after.p95_change, 0.10);
  EXPECT_FALSE(after.regressed);
}

TEST(MarkTrends, ADamagedHistogramMarksNothing) {
  TrendLine before = line_of("a", 500, 10, 20);
  TrendLine after = line_of("a", 500, 20, 40);
  after.total_histogram = "not a histogram";
  mark_trends({&before, &after}, 0.10);
  EXPECT_NEAR(*after.p95_change, 1.0, 2e-3);
  EXPECT_FALSE(after.regressed);
}

TEST(MarkTrends, RecentP95IsTheLastPointsOfTheUrlOldestFirst) {
  std::vector<TrendLine> lines;
  for (int i = 0; i < 12; ++i) lines.push_back(line_of("a", 100, 1 + i, 2 + i));
  lines.push_back(TrendLine{});  // a line without a response
  lines.back().url = "a";
  std::vector<TrendLine*> order;
  for (auto& l : lines) order.push_back(&l);
  mark_trends(order, 0.10);
  EXPECT_EQ(lines[0].recent_p95_s.size(), 1u);
  const auto& last = lines.back().recent_p95_s;
  ASSERT_EQ(last.size(), kTrendPoints);
  EXPECT_EQ(last.front(), lines[5].p95_s);
  EXPECT_EQ(last[kTrendPoints - 2], lines[11].p95_s);
  EXPECT_FALSE(last.back().has_value());
  EXPECT_FALSE(lines.back().p95_change.has_value());
}

}  // namespace
}  // namespace ccload::store::detail
