// The live view's frames: within the terminal's size, ASCII outside UTF-8, the figures of the
// last second and of the run so far, and bar charts scaled from 0.

#include "report/live_view.hpp"

#include <gtest/gtest.h>

#include "stats/interval.hpp"

namespace ccload::report {
namespace {

stats::Snapshot snapshot_with(int requests) {
  stats::IntervalStats second;
  for (int i = 0; i < requests; ++i) {
    Record r;
    r.status = i % 10 == 0 ? 503 : 200;
    r.total_ns = r.ttfb_ns = r.ttlb_ns = 1'000'000 + i * 1000;
    second.add(r);
  }
  stats::Snapshot s;
  s.elapsed_s = 2;
  s.run = stats::snapshot_part(second, second.stats);
  return s;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& line : lines) text += line + "\n";
  return text;
}

TEST(LiveFrame, ShowsTheSecondAndTheRunAndFitsTheTerminal) {
  const stats::Snapshot s = snapshot_with(100);
  const std::vector<LivePoint> history = {{90, 0.002}, {100, 0.003}};
  LiveRun run{"GET http://t/  c=4  HTTP/1.1", 400, 0};
  const auto lines = live_frame(run, &s, history, 2.0, 70, 40, Charset::unicode);
  const std::string text = joined(lines);
  EXPECT_NE(text.find("100 of 400 requests (25%)"), std::string::npos) << text;
  EXPECT_NE(text.find("Requests/s"), std::string::npos) << text;
  EXPECT_NE(text.find("503 x10"), std::string::npos) << text;
  EXPECT_NE(text.find("Latency, run so far"), std::string::npos) << text;
  EXPECT_LE(lines.size(), 40u);
  for (const auto& line : lines) EXPECT_LE(display_width(line), 70) << line;
  // A small terminal keeps the figures and drops the charts first.
  const auto small = live_frame(run, &s, history, 2.0, 50, 14, Charset::unicode);
  EXPECT_LE(small.size(), 14u);
  EXPECT_NE(joined(small).find("p99"), std::string::npos) << joined(small);
  EXPECT_EQ(joined(small).find("Requests per second, last"), std::string::npos) << joined(small);
}

TEST(LiveFrame, AsciiOutsideUtf8AndADurationBoundRunShowsTimeLeft) {
  const stats::Snapshot s = snapshot_with(10);
  LiveRun run{"t", std::nullopt, 30};
  const std::string text = joined(live_frame(run, &s, {{10, 0.001}}, 12.0, 80, 40, Charset::ascii));
  for (const char c : text) EXPECT_LT(static_cast<unsigned char>(c), 0x80) << text;
  EXPECT_NE(text.find("12.0 s of 30.0 s (40%), 18.0 s left"), std::string::npos) << text;
}

TEST(BarChart, ScalesFromZeroToTheMaximumAndKeepsTheNewest) {
  const auto lines = bar_chart({0, 5, 10}, 2, 10, Charset::ascii);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "  #");  // only the maximum reaches the top row
  EXPECT_EQ(lines[1], " ##");  // half of it fills the bottom row
  EXPECT_EQ(bar_chart({1, 2, 3, 4}, 1, 2, Charset::ascii)[0].size(), 2u);
}

}  // namespace
}  // namespace ccload::report
