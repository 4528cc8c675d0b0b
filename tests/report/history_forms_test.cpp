// The pieces of the history's forms on their own: sparklines and the locale, the category chart,
// the JSON rows and the page of given lines.

#include <gtest/gtest.h>

#include <map>

#include "report/history_html.hpp"
#include "report/history_json.hpp"
#include "report/sparkline.hpp"
#include "report/svg_chart.hpp"

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
  EXPECT_LT(page.find("http://a/&lt;x&gt;</h2>"), page.find("http://b/</h2>")) << "URLs in order";

  const std::string empty = history_periods_page({}, context);
  EXPECT_NE(empty.find("Nothing recorded yet: load.db holds no load test"), std::string::npos);
  EXPECT_EQ(empty.find("<svg"), std::string::npos);

  const nlohmann::json json = history_periods_json(lines, store::Period::weekly, 0.10);
  ASSERT_EQ(json["rows"].size(), 3u);
  EXPECT_EQ(json["rows"][1]["regressed"], true);
  EXPECT_TRUE(json["rows"][0]["rps"].is_null()) << "no wall time, no rate";
  EXPECT_TRUE(json["rows"][0]["p50_s"].is_null());
}

}  // namespace
}  // namespace ccload::report
