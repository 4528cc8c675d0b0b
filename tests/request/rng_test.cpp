#include "request/rng.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <set>
#include <vector>

namespace ccload::request {
namespace {

std::vector<std::uint64_t> draws(Rng rng, int count) {
  std::vector<std::uint64_t> out;
  for (int i = 0; i < count; ++i) out.push_back(rng.next());
  return out;
}

TEST(Rng, SameSeedAndStreamGiveTheSameNumbers) {
  EXPECT_EQ(draws(Rng(7, 0), 100), draws(Rng(7, 0), 100));
  EXPECT_EQ(draws(Rng(7, 3), 100), draws(Rng(7, 3), 100));
}

TEST(Rng, SeedsAndStreamsGiveDifferentNumbers) {
  EXPECT_NE(draws(Rng(7, 0), 4), draws(Rng(8, 0), 4));
  EXPECT_NE(draws(Rng(7, 0), 4), draws(Rng(7, 1), 4));
  EXPECT_NE(draws(Rng(0, 0), 4), draws(Rng(0, 1), 4));
  // Worker streams of one seed do not overlap in their first numbers.
  std::set<std::uint64_t> seen;
  for (std::uint64_t stream = 0; stream < 64; ++stream) {
    for (const auto value : draws(Rng(42, stream), 64)) seen.insert(value);
  }
  EXPECT_EQ(seen.size(), 64u * 64u);
}

TEST(Rng, KnownFirstValuesStayTheSameAcrossBuilds) {
  // The seed's meaning must not change between versions (a stored run's --seed repeats it).
  Rng rng(7, 0);
  const std::uint64_t first = rng.next();
  constexpr auto compile_time = [] {
    Rng r(7, 0);
    return r.next();
  }();
  EXPECT_EQ(first, compile_time);
  EXPECT_NE(first, 0u);
}

TEST(Rng, BitsAreBalanced) {
  Rng rng(1, 0);
  int ones[64] = {};
  constexpr int kDraws = 20000;
  for (int i = 0; i < kDraws; ++i) {
    const auto value = rng.next();
    for (int bit = 0; bit < 64; ++bit) ones[bit] += (value >> bit) & 1;
  }
  for (int bit = 0; bit < 64; ++bit) {
    EXPECT_GT(ones[bit], kDraws / 2 - 600) << bit;  // about 8.5 standard deviations
    EXPECT_LT(ones[bit], kDraws / 2 + 600) << bit;
  }
}

TEST(Rng, BelowStaysInRangeAndReachesEveryValue) {
  Rng rng(3, 1);
  for (const std::uint64_t n : {1ULL, 2ULL, 3ULL, 7ULL, 10ULL, 1000ULL}) {
    std::vector<int> counts(n, 0);
    for (std::uint64_t i = 0; i < 200 * n; ++i) {
      const auto value = rng.below(n);
      ASSERT_LT(value, n);
      ++counts[value];
    }
    for (std::uint64_t v = 0; v < n; ++v) EXPECT_GT(counts[v], 0) << n << " " << v;
  }
  const std::uint64_t huge = (std::uint64_t{1} << 63) + 12345;  // rejection happens often here
  for (int i = 0; i < 1000; ++i) ASSERT_LT(rng.below(huge), huge);
}

TEST(Rng, BetweenIncludesBothEnds) {
  Rng rng(5, 2);
  bool low = false, high = false;
  for (int i = 0; i < 1000; ++i) {
    const auto value = rng.between(-2, 2);
    ASSERT_GE(value, -2);
    ASSERT_LE(value, 2);
    low |= value == -2;
    high |= value == 2;
  }
  EXPECT_TRUE(low);
  EXPECT_TRUE(high);
  EXPECT_EQ(rng.between(9, 9), 9);
  constexpr auto kMin = std::numeric_limits<std::int64_t>::min();
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  bool negative = false, positive = false;
  for (int i = 0; i < 100; ++i) {
    const auto value = rng.between(kMin, kMax);
    negative |= value < 0;
    positive |= value > 0;
  }
  EXPECT_TRUE(negative);
  EXPECT_TRUE(positive);
  EXPECT_EQ(rng.between(kMax, kMax), kMax);
  EXPECT_EQ(rng.between(kMin, kMin), kMin);
}

}  // namespace
}  // namespace ccload::request
