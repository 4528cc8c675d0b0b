// The pieces of the history's forms on their own: sparklines and the locale, the category chart,
// the JSON rows and the page of given lines.

#include <gtest/gtest.h>

#include <map>

#include "report/history_html.hpp"
#include "report/history_json.hpp"
#include "report/sparkline.hpp"
#include "report/svg_chart.hpp"
#include "report/time_text.hpp"

namespace ccload::report {
namespace {

TEST(Sparkline, BlocksFromLowestToHighestAndAsciiOtherwise) {
  const std::vector<std::optional<double>> values = {1, 2, std::nullopt, 8, 4.5};
  EXPECT_EQ(sparkline(values, Charset::unicode), "▁▂ █▅");
  EXPECT_EQ(sparkline(values, Charset::ascii), "_. ^-");
  EXPECT_EQ(sparkline({3, 3}, Charset::unicode), "▅▅") << "all equal: the middle";
  EXPECT_EQ(sparkline({}, Charset::ascii), "");
}

TEST(Sparkline, TheLocaleDecidesTheCharacters) {
  auto charset_of = [](std::map<std::string, std::string> env) {
    return terminal_charset([&](const char* name) -> const char* {
      const auto it = env.find(name);
      return it == env.end() ? nullptr : it->second.c_str();
    });
  };
  EXPECT_EQ(charset_of({{"LANG", "en_US.UTF-8"}}), Charset::unicode);
  EXPECT_EQ(charset_of({{"LC_CTYPE", "de_DE.utf8"}, {"LANG", "C"}}), Charset::unicode);
  EXPECT_EQ(charset_of({{"LC_ALL", "C"}, {"LANG", "en_US.UTF-8"}}), Charset::ascii)
      << "LC_ALL wins";
  EXPECT_EQ(charset_of({{"LC_ALL", ""}, {"LANG", "C.UTF-8"}}), Charset::unicode)
      << "an empty variable is unset";
  EXPECT_EQ(charset_of({}), Charset::ascii);
  EXPECT_EQ(charset_of({{"LANG", "POSIX"}}), Charset::ascii);
}

TEST(CategoryChart, PointsMarksAndEscapedLabels) {
  CategoryChart chart;
  chart.label = "latency of http://h/?a=1&b=<2>";
  chart.unit = "ms";
  chart.categories = {"W1", "W2", "W3"};
  chart.series = {{"p50", "#111", {1, 2, 3}}, {"p95", "#222", {2, std::nullopt, 8}}};
  chart.marked = {false, false, true};
  chart.marked_series = 1;
  const std::string svg = category_chart(chart);
  EXPECT_NE(svg.find("aria-label=\"latency of http://h/?a=1&amp;b=&lt;2&gt;\""), std::string::npos);
  EXPECT_NE(svg.find(">10 ms</text>"), std::string::npos) << "the axis top is rounded up: " << svg;
  std::size_t lines = 0;
  for (auto at = svg.find("<polyline"); at != std::string::npos;
       at = svg.find("<polyline", at + 1)) {
    ++lines;
  }
  EXPECT_EQ(lines, 2u);
  EXPECT_NE(svg.find(">W2</text>"), std::string::npos);
  EXPECT_NE(svg.find("<title>W3: p95 regressed</title>"), std::string::npos);
  EXPECT_EQ(svg.find("<title>W1"), std::string::npos);
}

TEST(HistoryPage, AChartPerUrlAndAnEmptyPageThatSaysSo) {
  std::vector<store::detail::PeriodLine> lines(3);
  lines[0].period = "2026-W02";
  lines[0].url = "http://b/";
  lines[1].period = "2026-W02";
  lines[1].url = "http://a/<x>";
  lines[2].period = "2026-W01";
  lines[2].url = "http://a/<x>";
  for (auto& l : lines) {
    l.requests = 10;
    l.p95_s = 0.002;
  }
  lines[1].regressed = true;
  lines[1].p95_change = 0.5;
  const HistoryPageContext context{"load.db", store::Period::weekly, 0.10};
  const std::string page = history_periods_page(lines, context);
  EXPECT_NE(page.find("aria-label=\"latency of http://a/&lt;x&gt;\""), std::string::npos);
  EXPECT_NE(page.find("aria-label=\"latency of http://b/\""), std::string::npos);
  EXPECT_EQ(page.find("<script"), std::string::npos);
  EXPECT_NE(page.find("<tr class=\"regressed\"><td>2026-W02</td><td>"), std::string::npos);
  EXPECT_NE(page.find("<td>▲ +50%</td></tr>"), std::string::npos);
  EXPECT_LT(page.find("http://a/<wbr>&lt;x&gt;</h2>"), page.find("http://b/</h2>"))
      << "URLs in order";

  const std::string empty = history_periods_page({}, context);
  EXPECT_NE(empty.find("Nothing recorded yet: load.db holds no load test"), std::string::npos);
  EXPECT_EQ(empty.find("<svg"), std::string::npos);

  const nlohmann::json json = history_periods_json(lines, store::Period::weekly, 0.10);
  ASSERT_EQ(json["rows"].size(), 3u);
  EXPECT_EQ(json["rows"][1]["regressed"], true);
  EXPECT_TRUE(json["rows"][0]["rps"].is_null()) << "no wall time, no rate";
  EXPECT_TRUE(json["rows"][0]["p50_s"].is_null());
}

// The x positions of the points' markers (cx of their circles), left to right.
std::vector<double> circle_xs(const std::string& svg) {
  std::vector<double> xs;
  for (auto at = svg.find("<circle cx=\""); at != std::string::npos;
       at = svg.find("<circle cx=\"", at + 1)) {
    xs.push_back(std::stod(svg.substr(at + 12)));
  }
  return xs;
}

// On a time axis the points sit in proportion to their time: a week without runs between two
// weeks keeps its space (and its tick and label), it is not squeezed out.
TEST(CategoryChart, PositionsAreProportionalToTimeAndAnEmptyWeekKeepsItsSpace) {
  constexpr double kWeek = 7 * 86400;
  CategoryChart chart;
  chart.categories = {"2026-W01", "2026-W02", "2026-W04"};
  chart.positions = {0, kWeek, 3 * kWeek};
  chart.span = kWeek;
  chart.tick_positions = {0, kWeek, 2 * kWeek, 3 * kWeek};
  chart.tick_labels = {"2026-W01", "2026-W02", "2026-W03", "2026-W04"};
  chart.series = {{"requests", "#111", {10, 20, 30}}};
  const std::string svg = category_chart(chart);
  const std::vector<double> xs = circle_xs(svg);
  ASSERT_EQ(xs.size(), 3u) << svg;
  EXPECT_NEAR((xs[2] - xs[1]) / (xs[1] - xs[0]), 2.0, 0.01) << "two weeks, then one: " << svg;
  EXPECT_NE(svg.find(">2026-W03</text>"), std::string::npos) << "the empty week is labelled";
  std::size_t ticks = 0;
  for (auto at = svg.find("class=\"tick\""); at != std::string::npos;
       at = svg.find("class=\"tick\"", at + 1)) {
    ++ticks;
  }
  EXPECT_EQ(ticks, 4u);

  chart.positions.clear();  // without positions: evenly spaced, as before
  const std::vector<double> even = circle_xs(category_chart(chart));
  ASSERT_EQ(even.size(), 3u);
  EXPECT_NEAR(even[2] - even[1], even[1] - even[0], 0.2);
}

// Curves on one another stay visible: the first series is the widest, the later ones thinner and
// dashed, each with its own marker, drawn over it.
TEST(CategoryChart, OverlappingSeriesAreToldApart) {
  CategoryChart chart;
  chart.categories = {"a", "b"};
  chart.series = {{"p99", "#333", {5, 5}, Marker::diamond},
                  {"p95", "#222", {5, 5}, Marker::square},
                  {"p50", "#111", {5, 5}, Marker::circle}};
  const std::string svg = category_chart(chart);
  const auto first = svg.find("stroke=\"#333\" stroke-width=\"3.5\"");
  const auto second = svg.find("stroke=\"#222\" stroke-width=\"2.25\" stroke-dasharray=\"8 4\"");
  const auto third = svg.find("stroke=\"#111\" stroke-width=\"1.5\" stroke-dasharray=\"2 3\"");
  ASSERT_NE(first, std::string::npos) << svg;
  ASSERT_NE(second, std::string::npos) << svg;
  ASSERT_NE(third, std::string::npos) << svg;
  EXPECT_LT(first, second);
  EXPECT_LT(second, third) << "the thinnest is drawn last, on top";
}

// A weekly history page: the chart's axis has every week from the first to the last, and times
// in the table and on the axis are in a unit that fits them.
TEST(HistoryPage, WeeklyAxisKeepsAWeekWithoutRunsAndTimesFit) {
  std::vector<store::detail::PeriodLine> lines(2);  // newest first
  lines[0].period = "2026-W03";
  lines[1].period = "2026-W01";
  for (auto& l : lines) {
    l.url = "http://a/";
    l.requests = 10;
    l.runs = 1;
    l.p50_s = 16.431186;
    l.p95_s = 0.0125;
  }
  const HistoryPageContext context{"load.db", store::Period::weekly, 0.10};
  const std::string page = history_periods_page(lines, context);
  EXPECT_NE(page.find(">2026-W02</text>"), std::string::npos) << page;
  EXPECT_NE(page.find("<td>16.4 s</td>"), std::string::npos);
  EXPECT_NE(page.find("<td>12.5 ms</td>"), std::string::npos);
  EXPECT_EQ(page.find("16431"), std::string::npos);
  EXPECT_NE(page.find("<div class=\"scroll\"><table>"), std::string::npos) << "the table scrolls";
}

// Every page's style: a table sits in a container that scrolls sideways inside the page, and
// nothing is broken at any character.
TEST(PageStyle, TablesScrollInsideThePageAndNothingBreaksAnywhere) {
  const std::string style = kPageStyle;
  EXPECT_NE(style.find(".scroll,.chart{overflow-x:auto"), std::string::npos) << style;
  EXPECT_EQ(style.find("break-all"), std::string::npos) << style;
  EXPECT_NE(style.find("white-space:nowrap}"), std::string::npos) << "figures never wrap";
  EXPECT_EQ(table_open("class=\"x\""), "<div class=\"scroll\"><table class=\"x\">\n");
  EXPECT_EQ(std::string(kTableClose), "</table></div>\n");
}

// Runs are placed at their start times; runs seconds apart are labelled with their seconds.
TEST(HistoryPage, RunsSitAtTheirTimesAndCloseOnesShowTheirSeconds) {
  std::vector<store::detail::RunLine> lines(3);  // newest first
  const double start = 1'796'227'585;            // 2026-12-02
  lines[0].started = start + 30;
  lines[1].started = start + 10;
  lines[2].started = start;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    lines[i].run_id = static_cast<std::int64_t>(3 - i);
    lines[i].url = "http://a/";
    lines[i].requests = 10;
    lines[i].p50_s = 0.001;
  }
  const HistoryPageContext context{"load.db", store::Period::none, 0.10};
  const std::string page = history_runs_page(lines, context);
  const std::string chart = page.substr(page.find("<svg"), page.find("</svg>") - page.find("<svg"));
  const std::vector<double> xs = circle_xs(chart.substr(chart.find("<polyline")));
  ASSERT_GE(xs.size(), 3u) << chart;
  EXPECT_NEAR((xs[2] - xs[1]) / (xs[1] - xs[0]), 2.0, 0.02) << "10 s, then 20 s: " << chart;
  EXPECT_NE(chart.find(local_text(static_cast<std::int64_t>(start) * 1'000'000'000, "%H:%M:%S")),
            std::string::npos)
      << chart;
}

}  // namespace
}  // namespace ccload::report
