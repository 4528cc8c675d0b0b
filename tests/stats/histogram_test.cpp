#include "stats/histogram.hpp"

#include <gtest/gtest.h>

#include "stats/alloc_counter.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace ccload::stats {
namespace {

constexpr std::int64_t kMicro = 1'000;
constexpr std::int64_t kMilli = 1'000'000;
constexpr std::int64_t kSecond = 1'000'000'000;
constexpr std::int64_t kHour = 3600 * kSecond;

// Quantiles as parts per 10000, so the exact rank can be computed with integers.
constexpr int kQuantiles[] = {0,    1,    10,   100,  1000, 2500, 3333, 5000,
                              6667, 7000, 9000, 9500, 9900, 9990, 9999, 10000};

// The exact nearest-rank percentile: the value of rank max(1, ceil(q * n)) in sorted order.
std::int64_t exact_quantile(const std::vector<std::int64_t>& sorted, int per10000) {
  const std::uint64_t n = sorted.size();
  std::uint64_t rank = (static_cast<std::uint64_t>(per10000) * n + 9999) / 10000;
  rank = std::max<std::uint64_t>(rank, 1);
  return sorted[rank - 1];
}

Histogram fill(const std::vector<std::int64_t>& samples) {
  Histogram h;
  for (auto v : samples) h.record(v);
  return h;
}

// Checks every quantile of kQuantiles, plus count/min/max/mean, against the sorted samples.
void expect_matches_exact(std::vector<std::int64_t> samples) {
  const Histogram h = fill(samples);
  std::sort(samples.begin(), samples.end());
  ASSERT_EQ(h.count(), samples.size());
  EXPECT_EQ(h.min(), samples.front());
  EXPECT_EQ(h.max(), samples.back());
  long double sum = 0;
  for (auto v : samples) sum += v;
  EXPECT_DOUBLE_EQ(h.mean(), static_cast<double>(sum / samples.size()));
  for (int q : kQuantiles) {
    const std::int64_t expected = exact_quantile(samples, q);
    const std::int64_t actual = h.value_at_quantile(q / 10000.0);
    const double error = std::abs(static_cast<double>(actual - expected));
    EXPECT_LT(error, 0.001 * static_cast<double>(expected) + 1e-9)
        << "q=" << q / 10000.0 << " expected " << expected << " got " << actual;
    EXPECT_GE(actual, samples.front());
    EXPECT_LE(actual, samples.back());
  }
  EXPECT_EQ(h.value_at_quantile(0.0), samples.front());
  EXPECT_EQ(h.value_at_quantile(1.0), samples.back());
}

TEST(Histogram, EmptyReturnsZeros) {
  const Histogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.min(), 0);
  EXPECT_EQ(h.max(), 0);
  EXPECT_EQ(h.mean(), 0.0);
  for (double q : {0.0, 0.5, 0.99, 1.0}) EXPECT_EQ(h.value_at_quantile(q), 0);
}

TEST(Histogram, Uniform) {
  std::mt19937_64 rng(1);
  std::uniform_int_distribution<std::int64_t> dist(kMicro, kSecond);
  std::vector<std::int64_t> samples(100'000);
  for (auto& v : samples) v = dist(rng);
  expect_matches_exact(samples);
}

TEST(Histogram, ExponentialLongTail) {
  std::mt19937_64 rng(2);
  std::exponential_distribution<double> dist(1.0 / (10.0 * kMilli));
  std::vector<std::int64_t> samples(100'000);
  for (auto& v : samples) v = kMicro + static_cast<std::int64_t>(dist(rng));
  expect_matches_exact(samples);
}

TEST(Histogram, ParetoHeavyTail) {
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<std::int64_t> samples(50'000);
  for (auto& v : samples) {
    const double x = 100.0 * kMicro / std::pow(1.0 - u(rng), 1.0 / 1.2);
    v = std::min<std::int64_t>(static_cast<std::int64_t>(x), kHour);
  }
  expect_matches_exact(samples);
}

TEST(Histogram, LogUniformSpanningMicrosecondToHour) {
  std::mt19937_64 rng(4);
  std::uniform_real_distribution<double> e(std::log(double(kMicro)), std::log(double(kHour)));
  std::vector<std::int64_t> samples(100'000);
  for (auto& v : samples) v = static_cast<std::int64_t>(std::exp(e(rng)));
  samples.push_back(kMicro);
  samples.push_back(kHour);
  expect_matches_exact(samples);
}

TEST(Histogram, Constant) {
  expect_matches_exact(std::vector<std::int64_t>(1000, 1234567));
  const Histogram h = fill(std::vector<std::int64_t>(1000, 1234567));
  for (int q : kQuantiles) EXPECT_EQ(h.value_at_quantile(q / 10000.0), 1234567);
}

TEST(Histogram, TinyCounts) {
  expect_matches_exact({5 * kMilli});
  expect_matches_exact({3 * kMilli, 7 * kSecond});
  const Histogram two = fill({3 * kMilli, 7 * kSecond});
  EXPECT_EQ(two.value_at_quantile(0.5), 3 * kMilli);  // rank 1: the smaller value, exactly (clamp)
  EXPECT_NEAR(two.value_at_quantile(0.51), 7 * kSecond, 7 * kSecond / 1000);
}

TEST(Histogram, SmallValuesAreExact) {
  std::vector<std::int64_t> samples;
  for (std::int64_t v = 0; v < 2048; v += 3) samples.push_back(v);
  const Histogram h = fill(samples);
  for (int q : kQuantiles) {
    std::vector<std::int64_t> sorted = samples;
    EXPECT_EQ(h.value_at_quantile(q / 10000.0), exact_quantile(sorted, q));
  }
}

TEST(Histogram, RankIsNotPushedByFloatingPointRounding) {
  // 0.7 * 10 is 7.000000000000001 in double; the nearest rank is still 7.
  std::vector<std::int64_t> samples;
  for (int i = 1; i <= 10; ++i) samples.push_back(i * kMilli);
  const Histogram h = fill(samples);
  EXPECT_NEAR(h.value_at_quantile(0.7), 7 * kMilli, 7 * kMilli / 1000);
  EXPECT_NEAR(h.value_at_quantile(0.3), 3 * kMilli, 3 * kMilli / 1000);
  EXPECT_NEAR(h.value_at_quantile(0.71), 8 * kMilli, 8 * kMilli / 1000);
  // 0.1 is slightly above 1/10 in double: q * n must still give rank i, not i + 1.
  for (int i = 1; i <= 10; ++i) {
    EXPECT_NEAR(h.value_at_quantile(i / 10.0), i * kMilli, i * kMilli / 1000) << i;
  }
  // Adjacent values 1 apart, so the test sees an off-by-one rank; values below 2048 are exact.
  std::vector<std::int64_t> small;
  for (int i = 1; i <= 1000; ++i) small.push_back(i);
  const Histogram hs = fill(small);
  for (int i = 1; i <= 1000; ++i) EXPECT_EQ(hs.value_at_quantile(i / 1000.0), i) << i;
}

TEST(Histogram, NegativeRecordedAsZero) {
  Histogram h;
  h.record(-5);
  h.record(10);
  EXPECT_EQ(h.count(), 2u);
  EXPECT_EQ(h.min(), 0);
  EXPECT_EQ(h.max(), 10);
  EXPECT_DOUBLE_EQ(h.mean(), 5.0);
}

TEST(Histogram, ValuesAboveRangeKeepExactMinMaxMean) {
  const Histogram h = fill({2 * kHour, 3 * kHour, 100 * kHour});
  EXPECT_EQ(h.min(), 2 * kHour);
  EXPECT_EQ(h.max(), 100 * kHour);
  EXPECT_DOUBLE_EQ(h.mean(), 35.0 * kHour);
  EXPECT_EQ(h.value_at_quantile(0), 2 * kHour);
  EXPECT_EQ(h.value_at_quantile(1), 100 * kHour);
  const std::int64_t p50 = h.value_at_quantile(0.5);
  EXPECT_GE(p50, 2 * kHour);
  EXPECT_LE(p50, 100 * kHour);
}

TEST(Histogram, RecordDoesNotAllocate) {
  Histogram h;
  std::mt19937_64 rng(5);
  std::uniform_int_distribution<std::int64_t> dist(-10, 10 * kHour);
  std::vector<std::int64_t> values(10'000);
  for (auto& v : values) v = dist(rng);
  const std::uint64_t before = test::allocation_count();
  for (auto v : values) h.record(v);
  EXPECT_EQ(test::allocation_count(), before);
  EXPECT_EQ(h.count(), values.size());
}

TEST(Histogram, MergeEqualsSingleHistogram) {
  std::mt19937_64 rng(6);
  std::exponential_distribution<double> dist(1.0 / (50.0 * kMilli));
  std::vector<std::int64_t> a(30'000), b(20'000);
  for (auto& v : a) v = static_cast<std::int64_t>(dist(rng));
  for (auto& v : b) v = kMicro + static_cast<std::int64_t>(dist(rng) * 10);
  Histogram merged = fill(a);
  merged.merge(fill(b));
  std::vector<std::int64_t> all = a;
  all.insert(all.end(), b.begin(), b.end());
  const Histogram single = fill(all);
  EXPECT_EQ(merged.count(), single.count());
  EXPECT_EQ(merged.min(), single.min());
  EXPECT_EQ(merged.max(), single.max());
  EXPECT_DOUBLE_EQ(merged.mean(), single.mean());
  for (int q : kQuantiles) {
    EXPECT_EQ(merged.value_at_quantile(q / 10000.0), single.value_at_quantile(q / 10000.0));
  }
  EXPECT_EQ(merged, single);
}

TEST(Histogram, MergeWithEmpty) {
  const Histogram h = fill({5 * kMilli, 9 * kMilli});
  Histogram into;
  into.merge(h);
  EXPECT_EQ(into, h);
  into.merge(Histogram());
  EXPECT_EQ(into, h);
  EXPECT_EQ(into.min(), 5 * kMilli);
}

TEST(Histogram, SerializeRoundTrip) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> e(0.0, std::log(double(10 * kHour)));
  std::vector<std::int64_t> samples(20'000);
  for (auto& v : samples) v = static_cast<std::int64_t>(std::exp(e(rng)));
  for (const Histogram& h : {Histogram(), fill({42}), fill(samples)}) {
    const std::string encoded = h.serialize();
    const Histogram back = Histogram::deserialize(encoded);
    EXPECT_EQ(back, h);
    EXPECT_EQ(back.serialize(), encoded);
    EXPECT_EQ(back.count(), h.count());
    EXPECT_EQ(back.min(), h.min());
    EXPECT_EQ(back.max(), h.max());
    EXPECT_EQ(back.mean(), h.mean());
    for (int q : kQuantiles) {
      EXPECT_EQ(back.value_at_quantile(q / 10000.0), h.value_at_quantile(q / 10000.0));
    }
  }
}

TEST(Histogram, SerializeIsCompactAndVersioned) {
  const std::string encoded = fill({1500, 1500, 3 * kMilli}).serialize();
  EXPECT_EQ(encoded.rfind("h1;3;1500;3000000;", 0), 0u) << encoded;
  EXPECT_LT(encoded.size(), 64u) << encoded;
  EXPECT_EQ(Histogram().serialize(), "h1;0;0;0;0;");
}

TEST(Histogram, DeserializeGarbageThrows) {
  const std::string valid = fill({1500, 1500, 3 * kMilli}).serialize();
  ASSERT_NO_THROW(Histogram::deserialize(valid));
  const std::string bad[] = {
      "",
      "garbage",
      "h2;0;0;0;0;",                        // unknown version
      "h1;0;0;0;0",                         // missing bucket field
      "h1;0;0;0;0;;",                       // extra field
      "h1;x;0;0;0;",                        // non-numeric count
      "h1;-1;0;0;0;",                       // negative count
      "h1;1;5;5;5;",                        // count without buckets
      "h1;0;1;0;0;",                        // empty with a min
      "h1;1;5;5;5;5:2",                     // buckets disagree with count
      "h1;1;5;5;5;5:1,",                    // trailing comma
      "h1;1;5;5;5;5",                       // bucket without count
      "h1;1;5;5;5;5:1:1",                   // malformed bucket
      "h1;1;5;5;5;5:0",                     // empty bucket listed
      "h1;2;5;6;11;6:1,5:1",                // indexes out of order
      "h1;2;5;6;11;5:1,5:1",                // duplicate index
      "h1;1;5;5;5;99999999:1",              // index out of range
      "h1;1;5;5;5;6:1",                     // min/max outside their bucket
      "h1;1;6;5;5;5:1",                     // min > max
      "h1;1;5;5;nan;5:1",                   // non-finite sum
      "h1;1;5;5;-5;5:1",                    // negative sum
      "h1;1; 5;5;5;5:1",                    // stray space
      "h1;18446744073709551616;5;5;5;5:1",  // count overflows
  };
  for (const std::string& text : bad) {
    EXPECT_THROW(Histogram::deserialize(text), std::invalid_argument) << '"' << text << '"';
  }
  // Every truncation of a valid encoding except the full one is rejected or decodes to something
  // that re-encodes to itself (a shorter bucket list may be self-consistent only by accident).
  for (std::size_t n = 0; n < valid.size(); ++n) {
    const std::string prefix = valid.substr(0, n);
    try {
      EXPECT_EQ(Histogram::deserialize(prefix).serialize(), prefix);
    } catch (const std::invalid_argument&) {
    }
  }
}

}  // namespace
}  // namespace ccload::stats

namespace ccload::stats {
namespace {

TEST(HistogramCopies, CopyMoveAndReuseKeepEveryCount) {
  Histogram a;
  for (int i = 1; i <= 1000; ++i) a.record(std::int64_t{i} * 12'345);
  Histogram copy(a);
  EXPECT_EQ(copy, a);
  Histogram assigned;
  assigned.record(5);  // overwritten, not merged
  assigned = a;
  EXPECT_EQ(assigned, a);
  Histogram moved(std::move(copy));
  EXPECT_EQ(moved, a);
  EXPECT_EQ(copy.count(), 0u);  // a moved-from histogram is empty and usable
  copy.record(7);
  EXPECT_EQ(copy.count(), 1u);
  EXPECT_EQ(copy.value_at_quantile(1), 7);
  Histogram target;
  target.record(1'000'000'000);
  target = std::move(moved);
  EXPECT_EQ(target, a);
  moved.record(3);  // holds target's old buckets, cleared
  EXPECT_EQ(moved.count(), 1u);
  EXPECT_EQ(moved.value_at_quantile(0.5), 3);
  EXPECT_EQ(moved.serialize(), "h1;1;3;3;3;3:1");
}

TEST(HistogramCopies, MergeOfDisjointRangesEqualsRecordingEverything) {
  Histogram low, high, all;
  for (int i = 0; i < 500; ++i) {
    low.record(1000 + i);
    high.record(3'000'000'000 + std::int64_t{i} * 1'000'000);
    all.record(1000 + i);
    all.record(3'000'000'000 + std::int64_t{i} * 1'000'000);
  }
  Histogram merged;
  merged.merge(high);
  merged.merge(low);
  EXPECT_EQ(merged, all);
  EXPECT_EQ(merged.serialize(), all.serialize());
  EXPECT_EQ(merged.value_at_quantile(0.5), all.value_at_quantile(0.5));
}

}  // namespace
}  // namespace ccload::stats
