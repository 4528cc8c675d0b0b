#include <gtest/gtest.h>

#include "report/html_report.hpp"
#include "summary_fixture.hpp"

namespace ccload::report {
namespace {

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

TEST(HtmlReport, ShowsTheRunAndEscapesWhatItQuotes) {
  stats::RunFacts facts = test::facts_of("http://h/<script>alert('x')</script>?a=1&b=2");
  facts.requested = 11;
  stats::RunSummary summary = stats::summarize(test::stats_with(8, 2), facts);
  summary.notes = {"Every request is stored in load.db (run 3)."};
  const std::string html = html_report(summary);

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
  EXPECT_NE(html.find("<p class=\"target\">GET http://h/<wbr>&lt;script&gt;alert(&#39;x&#39;)&lt;/"
                      "<wbr>script&gt;?<wbr>a=<wbr>1&amp;<wbr>b=<wbr>2</p>"),
            std::string::npos)
      << "the heading's URL may wrap at its separators";
  EXPECT_EQ(count(html, "://"),
            count(html, "http://h/&lt;script&gt;") + count(html, "http://h/<wbr>&lt;script&gt;"))
      << "no address but the target's: nothing is fetched from elsewhere";
}

TEST(HtmlReport, ADurationRunAndAnInterruptedOne) {
  stats::RunFacts facts = test::facts_of("http://h/", "POST");
  facts.interrupted = true;
  facts.stop_signal = "SIGTERM";
  facts.duration_limit_s = 30;
  facts.rate = 50;
  facts.dropped = 17;
  const std::string html = html_report(stats::summarize(test::stats_with(3, 0), facts));
  EXPECT_NE(html.find("-z 30 s at 50 requests/s"), std::string::npos);
  EXPECT_NE(html.find("Interrupted by SIGTERM: 4 requests completed, 2.000 s into 30.000 s."),
            std::string::npos);
  EXPECT_EQ(html.find("Ctrl-C"), std::string::npos);
  EXPECT_NE(html.find("<b>17</b><span>dropped</span>"), std::string::npos);
  EXPECT_NE(html.find("Dropped 17 requests"), std::string::npos) << "the sentence, in the notes";
}

TEST(HtmlReport, ARunOfSeveralSecondsGetsItsTimeCharts) {
  stats::RunStats stats = test::stats_with(6, 0);
  for (std::size_t second = 0; second < 3; ++second) {
    Record record;
    record.status = 200;
    record.total_ns = 1'000'000;
    stats.timeline.add(second, record);
  }
  stats::RunFacts facts = test::facts_of();
  facts.requested = 6;
  facts.duration_s = 3;
  const std::string html = html_report(stats::summarize(stats, facts));
  EXPECT_EQ(count(html, "<svg"), 3u) << "percentiles, requests per second, latency per second";
  EXPECT_NE(html.find("Requests completed per second"), std::string::npos);
  EXPECT_NE(html.find(">2 s</text>"), std::string::npos);
}

// Responses in one second only (a 1.5 s delay in a 3 s run): the latency-per-second lines have one
// point each, which a polyline does not draw; a dot shows it. Its axis is in seconds.
TEST(HtmlReport, ALatencyOfOneSecondOnlyIsADot) {
  stats::RunStats stats;
  for (std::size_t second = 0; second < 3; ++second) {
    Record record;
    record.status = 200;
    record.total_ns = 1'500'000'000;
    if (second != 1) record.error = ErrorCategory::connect;  // no response that second
    stats.timeline.add(second, record);
    stats.add(record);
  }
  stats::RunFacts facts = test::facts_of();
  facts.requested = 3;
  facts.duration_s = 3;
  const std::string html = html_report(stats::summarize(stats, facts));
  const auto at = html.find("aria-label=\"total latency per second\"");
  ASSERT_NE(at, std::string::npos);
  const std::string chart = html.substr(at, html.find("</svg>", at) - at);
  EXPECT_EQ(count(chart, "<circle"), 2u) << "max and mean: " << chart;
  EXPECT_NE(chart.find(">1.5 s</text>"), std::string::npos) << chart;
}

// A threshold's measured time keeps the terminal's digits, with the page's µs; the table scrolls.
TEST(HtmlReport, ThresholdsKeepTheirDigitsInThePagesUnits) {
  stats::RunFacts facts = test::facts_of();
  facts.requested = 10;
  stats::RunSummary summary = stats::summarize(test::stats_with(10, 0), facts);
  summary.thresholds = {{"p95<10us", "s", 0.0002833, 1e-5, false}, {"p99<1s", "s", 0.458, 1, true}};
  const std::string html = html_report(summary);
  EXPECT_NE(html.find("<h2>Thresholds</h2>\n<div class=\"scroll\"><table>"), std::string::npos);
  EXPECT_NE(html.find("<td>p95&lt;10us</td><td>283.3 µs</td><td>FAIL</td>"), std::string::npos)
      << html;
  EXPECT_NE(html.find("<td>p99&lt;1s</td><td>458.000 ms</td><td>PASS</td>"), std::string::npos);
}

TEST(HtmlReport, NoResponsesDrawsNoCurve) {
  stats::RunStats stats;
  Record refused;
  refused.error = ErrorCategory::connect;
  stats.add(refused);
  stats::RunFacts facts = test::facts_of();
  facts.requested = 1;
  const std::string html = html_report(stats::summarize(stats, facts));
  EXPECT_EQ(count(html, "<polyline"), 0u);
  EXPECT_NE(html.find("no responses"), std::string::npos);
  EXPECT_NE(html.find("<div><b>–</b><span>p99 total</span></div>"), std::string::npos);
}

// The last second of a run that ended part-way into it is scaled to a whole second (dashed), not
// drawn as a drop; a sliver of a second is left out.
TEST(HtmlReport, APartialLastSecondIsScaledOrLeftOut) {
  stats::RunStats stats;
  for (std::size_t second = 0; second < 3; ++second) {
    for (int i = 0; i < (second < 2 ? 100 : 50); ++i) {
      Record record;
      record.status = 200;
      record.total_ns = 1'000'000;
      stats.timeline.add(second, record);
      stats.add(record);
    }
  }
  stats::RunFacts facts = test::facts_of();
  facts.duration_s = 2.5;  // the third second ran half way: 50 requests are 100 per second
  std::string html = html_report(stats::summarize(stats, facts));
  EXPECT_NE(html.find("class=\"partial\""), std::string::npos);
  EXPECT_NE(html.find("scaled to a whole second"), std::string::npos);
  facts.duration_s = 2.05;
  html = html_report(stats::summarize(stats, facts));
  EXPECT_EQ(html.find("class=\"partial\""), std::string::npos);
  EXPECT_NE(html.find("are left out of these charts"), std::string::npos);
  facts.duration_s = 3;
  html = html_report(stats::summarize(stats, facts));
  EXPECT_EQ(html.find("class=\"partial\""), std::string::npos);
  EXPECT_EQ(html.find("partial"), std::string::npos);
}

}  // namespace
}  // namespace ccload::report
