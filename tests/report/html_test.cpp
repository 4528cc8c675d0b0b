#include <gtest/gtest.h>

#include "report/report.hpp"

namespace ccload::report {
namespace {

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

engine::EngineResult result_with(int successes, int failures) {
  engine::EngineResult result;
  result.duration_s = 2;
  for (int i = 0; i < successes + failures; ++i) {
    Record record;
    record.status = i < successes ? 200 : 503;
    record.ttfb_ns = 1'000'000 + 1000 * i;
    record.ttlb_ns = record.total_ns = 2'000'000 + 1000 * i;
    result.stats.add(record);
  }
  Record refused;
  refused.error = ErrorCategory::connect;
  result.stats.add(refused);
  return result;
}

TEST(HtmlReport, ShowsTheRunAndEscapesWhatItQuotes) {
  engine::EngineResult result = result_with(8, 2);
  ReportInput input;
  input.url = "http://h/<script>alert('x')</script>?a=1&b=2";
  input.method = "GET";
  input.requested = 11;
  input.concurrency = 2;
  input.result = &result;
  input.notes = {"Every request is stored in load.db (run 3)."};
  const std::string html = html_report(input);

  EXPECT_EQ(html.rfind("<!doctype html>", 0), 0u);
  EXPECT_EQ(html.find("<script"), std::string::npos) << "the URL is escaped";
  EXPECT_NE(html.find("http://h/&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;?a=1&amp;b=2"),
            std::string::npos);
  EXPECT_NE(html.find("<div><b>11</b><span>requests</span></div>"), std::string::npos);
  EXPECT_NE(html.find("<div class=\"bad\"><b>3</b><span>failed</span></div>"), std::string::npos);
  EXPECT_NE(html.find("<tr><td>503 (failed)</td><td>2</td></tr>"), std::string::npos);
  EXPECT_NE(html.find("<tr><td>connect</td><td>1</td></tr>"), std::string::npos);
  EXPECT_NE(html.find("<li>Every request is stored in load.db (run 3).</li>"), std::string::npos);
  EXPECT_EQ(count(html, "<polyline"), 3u) << "total, last byte, first byte";
  EXPECT_EQ(count(html, "<svg"), 1u);
  EXPECT_EQ(html.find("Interrupted"), std::string::npos);
  EXPECT_EQ(count(html, "://"), count(html, "http://h/&lt;script&gt;"))
      << "no address but the target's: nothing is fetched from elsewhere";
}

TEST(HtmlReport, ADurationRunAndAnInterruptedOne) {
  engine::EngineResult result = result_with(3, 0);
  result.interrupted = true;
  ReportInput input;
  input.url = "http://h/";
  input.method = "POST";
  input.duration_limit_s = 30;
  input.rate = 50;
  input.concurrency = 4;
  input.result = &result;
  const std::string html = html_report(input);
  EXPECT_NE(html.find("-z 30 s at 50 requests/s"), std::string::npos);
  EXPECT_NE(html.find("Interrupted by Ctrl-C"), std::string::npos);
}

TEST(HtmlReport, ARunOfSeveralSecondsGetsItsTimeCharts) {
  engine::EngineResult result = result_with(6, 0);
  for (std::size_t second = 0; second < 3; ++second) {
    Record record;
    record.status = 200;
    record.total_ns = 1'000'000;
    result.stats.timeline.add(second, record);
  }
  ReportInput input;
  input.url = "http://h/";
  input.method = "GET";
  input.requested = 6;
  input.result = &result;
  const std::string html = html_report(input);
  EXPECT_EQ(count(html, "<svg"), 3u) << "percentiles, requests per second, latency per second";
  EXPECT_NE(html.find("Requests completed per second"), std::string::npos);
  EXPECT_NE(html.find(">2 s</text>"), std::string::npos);
}

TEST(HtmlReport, NoResponsesDrawsNoCurve) {
  engine::EngineResult result;
  Record refused;
  refused.error = ErrorCategory::connect;
  result.stats.add(refused);
  ReportInput input;
  input.url = "http://h/";
  input.method = "GET";
  input.requested = 1;
  input.result = &result;
  const std::string html = html_report(input);
  EXPECT_EQ(count(html, "<polyline"), 0u);
  EXPECT_NE(html.find("no responses"), std::string::npos);
  EXPECT_NE(html.find("<div><b>–</b><span>ms p99 total</span></div>"), std::string::npos);
}

}  // namespace
}  // namespace ccload::report
