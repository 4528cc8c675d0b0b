#include "report/history_html.hpp"

#include <fmt/format.h>

#include <map>

#include "report/history_text.hpp"
#include "report/html_report.hpp"
#include "report/svg_chart.hpp"
#include "report/time_text.hpp"

namespace ccload::report {

namespace {

// One point of a URL's history as the page shows it: a period or a run.
struct Point {
  std::string label;  // on the chart's x axis: "2026-W09", "#12", "2026-11-24"
  std::string when;   // in the table's first column
  const store::detail::TrendLine* line = nullptr;
  std::optional<std::uint64_t> runs;  // periods only
  std::uint64_t requests = 0, failed = 0;
  std::optional<double> rps;
  double failure_rate() const {
    return requests ? static_cast<double>(failed) / static_cast<double>(requests) : 0.0;
  }
};

constexpr const char* kExtraStyle = R"(<style>
.regressed td{color:#b42318;font-weight:600}
table{font-size:.9rem}th,td{padding:.3rem .4rem;white-space:nowrap}
.empty{background:#f3f5f9;border-radius:8px;padding:.8rem 1rem;margin-top:1.5rem}
h3{font-size:.95rem;margin:1rem 0 .25rem;color:#5a6275;font-weight:600}
</style>
)";

std::string ms(const std::optional<double>& seconds) {
  return seconds ? fmt::format("{:.3f}", *seconds * 1e3) : std::string("–");
}

std::optional<double> in_ms(const std::optional<double>& seconds) {
  return seconds ? std::optional<double>(*seconds * 1e3) : std::nullopt;
}

std::string url_section(const std::string& url, const std::vector<Point>& points,
                        const HistoryPageContext& context) {
  const bool periods = context.period != store::Period::none;
  CategoryChart latency{"latency of " + url, "ms", {}, {}, false, {}, 1, 300};
  CategorySeries p50{"p50", "#0f9d76", {}}, p95{"p95", "#2f6fde", {}}, p99{"p99", "#d9822b", {}};
  CategorySeries failures{"failure rate", "#b42318", {}}, requests{"requests", "#8a91a3", {}};
  for (const Point& p : points) {
    latency.categories.push_back(p.label);
    p50.values.push_back(in_ms(p.line->p50_s));
    p95.values.push_back(in_ms(p.line->p95_s));
    p99.values.push_back(in_ms(p.line->p99_s));
    latency.marked.push_back(p.line->regressed);
    failures.values.push_back(100 * p.failure_rate());
    requests.values.push_back(static_cast<double>(p.requests));
  }
  latency.series = {p50, p95, p99};
  CategoryChart failure_chart{
      "failure rate of " + url, "%", latency.categories, {failures}, false, {}, 0, 150};
  CategoryChart request_chart{
      "requests of " + url, "", latency.categories, {requests}, true, {}, 0, 150};

  std::string html = fmt::format("<h2 class=\"target\">{}</h2>\n", html_escape(url));
  html += "<h3>Total latency: p50, p95, p99</h3>\n" + category_chart(latency);
  html += "<h3>Failure rate</h3>\n" + category_chart(failure_chart);
  html += fmt::format("<h3>Requests per {}</h3>\n", periods ? period_noun(context.period) : "run");
  html += category_chart(request_chart);
  html += fmt::format(
      "<table>\n<tr><th>{}</th>{}<th>requests</th><th>failed</th><th>mean</th><th>p50</th>"
      "<th>p95</th><th>p99</th><th>max</th><th>req/s</th><th>p95 change</th></tr>\n",
      periods ? period_noun(context.period) : "run", periods ? "<th>runs</th>" : "");
  for (const Point& p : points) {
    const auto& l = *p.line;
    std::string trend = l.p95_change ? fmt::format("{:+.0f}%", 100 * *l.p95_change) : "";
    if (l.regressed) trend = "▲ " + trend;  // the row is red too
    html += fmt::format(
        "<tr{}><td>{}</td>{}<td>{}</td><td>{:.2f}%</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
        "<td>{}</td><td>{}</td><td>{}</td></tr>\n",
        l.regressed ? " class=\"regressed\"" : "", html_escape(p.when),
        p.runs ? fmt::format("<td>{}</td>", *p.runs) : "", p.requests, 100 * p.failure_rate(),
        ms(l.mean_s), ms(l.p50_s), ms(l.p95_s), ms(l.p99_s), ms(l.max_s),
        p.rps ? fmt::format("{:.1f}", *p.rps) : "–", trend);
  }
  return html + "</table>\n<p class=\"meta\">Times in milliseconds.</p>\n";
}

// Groups the points by URL, or by targets for the runs of several (each group's points oldest
// first), and writes the page.
std::string page(const std::vector<Point>& newest_first, const HistoryPageContext& context) {
  const bool periods = context.period != store::Period::none;
  std::string html = "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  html += fmt::format("<title>ccload history{}</title>\n",
                      periods ? fmt::format(" per {}", period_noun(context.period)) : "");
  html += kPageStyle;
  html += kExtraStyle;
  html += "</head>\n<body>\n<h1>Load test history</h1>\n";
  html += fmt::format(
      "<p class=\"meta\">{} · {} · ▲ marks a p95 more than {:g}% above the previous {} that the "
      "Kolmogorov-Smirnov test of ccload compare confirms</p>\n",
      periods ? fmt::format("One point per {} and URL", period_noun(context.period))
              : std::string("One point per run"),
      html_escape(context.database), 100 * context.tolerance,
      periods ? period_noun(context.period) : "run");
  if (newest_first.empty()) {
    html += fmt::format(
        "<p class=\"empty\">Nothing recorded yet: {} holds no load test to show. Run one with "
        "<code>ccload run URL</code>.</p>\n",
        html_escape(context.database));
  }
  std::map<std::string, std::vector<Point>> by_url;
  for (auto it = newest_first.rbegin(); it != newest_first.rend(); ++it) {
    by_url[it->line->trend_key()].push_back(*it);
  }
  for (const auto& [url, points] : by_url) html += url_section(url, points, context);
  html += "<footer>ccload history</footer>\n</body>\n</html>\n";
  return html;
}

}  // namespace

std::string history_runs_page(const std::vector<store::detail::RunLine>& newest_first,
                              const HistoryPageContext& context) {
  std::vector<Point> points;
  for (const auto& l : newest_first) {
    Point p;
    p.label = l.run_id ? fmt::format("#{}", l.run_id) : l.day;
    p.when = l.run_id ? fmt::format("{} · {} {}", l.run_id, local_time_s(l.started), l.method)
                      : fmt::format("{} (PyLoad's rows) {}", l.day, l.method);
    p.line = &l;
    p.requests = l.requests;
    p.failed = l.failed;
    p.rps = l.rps;
    points.push_back(std::move(p));
  }
  return page(points, context);
}

std::string history_periods_page(const std::vector<store::detail::PeriodLine>& newest_first,
                                 const HistoryPageContext& context) {
  std::vector<Point> points;
  for (const auto& l : newest_first) {
    Point p;
    p.label = l.period;
    p.when = l.period;
    p.line = &l;
    p.runs = l.runs;
    p.requests = l.requests;
    p.failed = l.failed;
    p.rps = l.rps();
    points.push_back(std::move(p));
  }
  return page(points, context);
}

}  // namespace ccload::report
