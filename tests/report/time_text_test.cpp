// Instants with a fraction are rounded to the digits shown, never truncated: PyLoad's stored
// "1704067200.123" reads back as 1704067200.12299990654 s, which is still .123.

#include "report/time_text.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>

namespace ccload::report {
namespace {

// 2024-01-01T00:00:00Z.
constexpr std::int64_t kNewYearNs = 1'704'067'200'000'000'000;

std::int64_t from_seconds(double seconds) { return std::llround(seconds * 1e9); }

TEST(RoundTime, RoundsHalfUpToTheDigitsAndCarriesIntoTheSecond) {
  EXPECT_EQ(round_time(kNewYearNs + 122'999'999, 3).fraction, 123);
  EXPECT_EQ(round_time(kNewYearNs + 123'499'999, 3).fraction, 123);
  EXPECT_EQ(round_time(kNewYearNs + 123'500'000, 3).fraction, 124);
  const RoundedTime carried = round_time(kNewYearNs + 999'500'000, 3);
  EXPECT_EQ(carried.seconds, 1'704'067'201);
  EXPECT_EQ(carried.fraction, 0);
  const RoundedTime kept = round_time(kNewYearNs + 999'499'999, 3);
  EXPECT_EQ(kept.seconds, 1'704'067'200);
  EXPECT_EQ(kept.fraction, 999);
  EXPECT_EQ(round_time(kNewYearNs + 999'999'500, 6).seconds, 1'704'067'201);
  EXPECT_EQ(round_time(kNewYearNs + 999'999'499, 6).fraction, 999'999);
  const RoundedTime before_1970 = round_time(-1'500'000'001, 0);  // -1.500000001 s
  EXPECT_EQ(before_1970.seconds, -2);
  EXPECT_EQ(before_1970.fraction, 0);
}

TEST(TimeText, ASeedTimestampReadBackAsADoubleKeepsItsMilliseconds) {
  const std::int64_t stored = from_seconds(1704067200.123);
  ASSERT_LT(stored, kNewYearNs + 123'000'000) << "the double is below .123: the case at stake";
  EXPECT_EQ(utc_iso(stored), "2024-01-01T00:00:00.123Z");
  EXPECT_EQ(utc_iso(kNewYearNs + 999'500'000), "2024-01-01T00:00:01.000Z");
  EXPECT_EQ(utc_iso(kNewYearNs + 999'499'999), "2024-01-01T00:00:00.999Z");
  setenv("TZ", "UTC", 1);
  tzset();
  EXPECT_EQ(local_time(stored), "2024-01-01 00:00:00.123");
  EXPECT_EQ(local_time(kNewYearNs - 400'000), "2024-01-01 00:00:00.000") << "rounded up a year";
  EXPECT_EQ(local_time_s(1704067200.123, true), "2024-01-01 00:00:00.123000");
  EXPECT_EQ(local_time_s(1704067200.9999998, true), "2024-01-01 00:00:01.000000");
  EXPECT_EQ(local_time_s(1704067200.9999992, true), "2024-01-01 00:00:00.999999");
  EXPECT_EQ(local_time_s(1704067200.9999998), "2024-01-01 00:00:00") << "whole seconds: a clock";
}

// A duration is written in the unit that fits it, to three significant digits: 16.431186 s is
// "16.4 s", never "16431.186 ms"; the unit is chosen after the rounding.
TEST(DurationText, TheUnitFitsTheValue) {
  EXPECT_EQ(duration_text(16.431186), "16.4 s");
  EXPECT_EQ(duration_text(0.431186), "431 ms");
  EXPECT_EQ(duration_text(0.0125), "12.5 ms");
  EXPECT_EQ(duration_text(0.00125), "1.25 ms");
  EXPECT_EQ(duration_text(0.000850), "850 µs");
  EXPECT_EQ(duration_text(0.0000004), "0.4 µs");
  EXPECT_EQ(duration_text(2.0), "2 s") << "trailing zeros dropped";
  EXPECT_EQ(duration_text(0.99996), "1 s") << "rounded up into the next unit, not \"1000 ms\"";
  EXPECT_EQ(duration_text(0.0009996), "1 ms");
  EXPECT_EQ(duration_text(1234.5), "1235 s") << "past 1000 s whole seconds, no digit lost";
  EXPECT_EQ(duration_text(0), "0 s");
  EXPECT_EQ(duration_text(std::nan("")), "–");
}

}  // namespace
}  // namespace ccload::report
