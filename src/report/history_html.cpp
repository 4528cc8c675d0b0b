#include "report/history_html.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <ctime>
#include <map>

#include "report/history_text.hpp"
#include "report/html_report.hpp"
#include "report/svg_chart.hpp"
#include "report/time_text.hpp"

namespace ccload::report {

namespace {

constexpr double kDay = 86400;

// One point of a URL's history as the page shows it: a period or a run.
struct Point {
  std::string label;  // on the chart's x axis: "2026-W09", "2026-03", "2026-11-24", "14:05"
  std::string when;   // in the table's first column
  double at = 0;      // where on the time axis: the run's start, the period's middle (Unix s)
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
h2.target{margin:2.5rem 0 .25rem}
</style>
)";

std::string time_or_dash(const std::optional<double>& seconds) {
  return seconds ? duration_text(*seconds) : std::string("–");
}

// Unix seconds of a UTC calendar day at noon (timegm normalises a day or month out of range).
double utc_noon(int year, int month, int day) {
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = 12;
  return static_cast<double>(timegm(&tm));
}

// The middle of a period named by its key ("2026-W09": ISO week, "2026-03", "2026"), in Unix
// seconds; 0 for a key that is none of those.
double period_middle(const std::string& key, store::Period period) {
  int year = 0, number = 0;
  switch (period) {
    case store::Period::weekly: {
      if (std::sscanf(key.c_str(), "%d-W%d", &year, &number) != 2) return 0;
      // ISO week 1 holds 4 January; its Monday is that day less its weekday (Monday 0).
      const double january_4 = utc_noon(year, 1, 4);
      const auto t = static_cast<std::time_t>(january_4);
      std::tm tm{};
      gmtime_r(&t, &tm);
      const double monday = january_4 - ((tm.tm_wday + 6) % 7) * kDay - 12 * 3600;
      return monday + (number - 1) * 7 * kDay + 3.5 * kDay;
    }
    case store::Period::monthly:
      if (std::sscanf(key.c_str(), "%d-%d", &year, &number) != 2) return 0;
      return (utc_noon(year, number, 1) + utc_noon(year, number + 1, 1)) / 2;
    case store::Period::yearly:
      if (std::sscanf(key.c_str(), "%d", &year) != 1) return 0;
      return (utc_noon(year, 1, 1) + utc_noon(year + 1, 1, 1)) / 2;
    case store::Period::none:
      break;
  }
  return 0;
}

double period_span(store::Period period) {
  switch (period) {
    case store::Period::weekly:
      return 7 * kDay;
    case store::Period::monthly:
      return 30.44 * kDay;
    case store::Period::yearly:
      return 365.25 * kDay;
    case store::Period::none:
      break;
  }
  return 0;
}

// Every period from the one in the middle of `first` to the one of `last` (their middles and
// keys), so that the axis has a tick for a week without runs too.
void period_ticks(double first, double last, store::Period period, std::vector<double>& at,
                  std::vector<std::string>& labels) {
  const auto t = static_cast<std::time_t>(first);
  std::tm tm{};
  gmtime_r(&t, &tm);
  int year = tm.tm_year + 1900, month = tm.tm_mon + 1;
  for (int i = 0; i < 2000; ++i) {  // bounded: 2000 periods at most
    double middle = 0;
    std::string label;
    if (period == store::Period::weekly) {
      middle = first + i * 7 * kDay;
      label = utc_text(static_cast<std::int64_t>(middle) * 1'000'000'000, "%G-W%V");
    } else if (period == store::Period::monthly) {
      label = fmt::format("{:04}-{:02}", year + (month - 1 + i) / 12, (month - 1 + i) % 12 + 1);
      middle = period_middle(label, period);
    } else {
      label = fmt::format("{:04}", year + i);
      middle = period_middle(label, period);
    }
    if (middle > last + kDay) break;
    at.push_back(middle);
    labels.push_back(std::move(label));
  }
}

// Ticks for runs spread over more than a day and a half (none closer: the runs' own labels, their
// times of day, say it): every local midnight from the first run's day to the last's, or every
// Monday's when they span more than three weeks; labelled by the date.
void run_ticks(double first, double last, std::vector<double>& at,
               std::vector<std::string>& labels) {
  if (last - first <= 1.5 * kDay) return;
  const bool weekly = last - first > 21 * kDay;
  const auto t = static_cast<std::time_t>(first);
  std::tm day{};
  localtime_r(&t, &day);
  day.tm_hour = day.tm_min = day.tm_sec = 0;
  day.tm_isdst = -1;
  if (weekly) day.tm_mday -= (day.tm_wday + 6) % 7;  // back to the Monday
  for (int i = 0; i < 2000; ++i) {                   // bounded: 2000 ticks at most
    std::tm tm = day;
    tm.tm_mday += weekly ? 7 * i : i;
    const double midnight = static_cast<double>(std::mktime(&tm));  // normalises tm too
    if (midnight > last) break;
    at.push_back(midnight);
    labels.push_back(local_text(static_cast<std::int64_t>(midnight) * 1'000'000'000, "%Y-%m-%d"));
  }
}

std::string url_section(const std::string& url, const std::vector<Point>& points,
                        const HistoryPageContext& context) {
  const bool periods = context.period != store::Period::none;
  CategoryChart latency{"latency of " + url, "", true, {}, {}, 0, {}, {}, {}, false, {}, 1, 300};
  CategorySeries p99{"p99", "#d9822b", {}, Marker::diamond},
      p95{"p95", "#2f6fde", {}, Marker::square}, p50{"p50", "#0f9d76", {}, Marker::circle};
  CategorySeries failures{"failure rate", "#b42318", {}}, requests{"requests", "#8a91a3", {}};
  for (const Point& p : points) {
    latency.categories.push_back(p.label);
    latency.positions.push_back(p.at);
    p50.values.push_back(p.line->p50_s);
    p95.values.push_back(p.line->p95_s);
    p99.values.push_back(p.line->p99_s);
    latency.marked.push_back(p.line->regressed);
    failures.values.push_back(100 * p.failure_rate());
    requests.values.push_back(static_cast<double>(p.requests));
  }
  // The widest first, the thinner drawn over it: p99, p95 (marked on regression), p50.
  latency.series = {p99, p95, p50};
  if (periods && !points.empty()) {
    latency.span = period_span(context.period);
    period_ticks(points.front().at, points.back().at, context.period, latency.tick_positions,
                 latency.tick_labels);
  } else if (!points.empty()) {
    run_ticks(points.front().at, points.back().at, latency.tick_positions, latency.tick_labels);
  }
  CategoryChart failure_chart = latency;
  failure_chart.label = "failure rate of " + url;
  failure_chart.unit = "%";
  failure_chart.time = false;
  failure_chart.series = {failures};
  failure_chart.marked.clear();
  failure_chart.height = 150;
  CategoryChart request_chart = failure_chart;
  request_chart.label = "requests of " + url;
  request_chart.unit = "";
  request_chart.series = {requests};
  request_chart.bars = true;

  std::string html = fmt::format("<h2 class=\"target\">{}</h2>\n", url_html(url));
  html += "<h3>Total latency: p50, p95, p99</h3>\n" + category_chart(latency);
  html += "<h3>Failure rate</h3>\n" + category_chart(failure_chart);
  html += fmt::format("<h3>Requests per {}</h3>\n", periods ? period_noun(context.period) : "run");
  html += category_chart(request_chart);
  html += table_open();
  html += fmt::format(
      "<tr><th>{}</th>{}<th>requests</th><th>failed</th><th>mean</th><th>p50</th>"
      "<th>p95</th><th>p99</th><th>max</th><th>req/s</th><th>p95 change</th></tr>\n",
      periods ? period_noun(context.period) : "run", periods ? "<th>runs</th>" : "");
  for (const Point& p : points) {
    const auto& l = *p.line;
    std::string trend;
    if (l.p95_change) {  // a change that rounds to none is "0%", never "-0%"
      const double percent = std::round(100 * *l.p95_change);
      trend = percent == 0 ? "0%" : fmt::format("{:+.0f}%", percent);
    }
    if (l.regressed) trend = "▲ " + trend;  // the row is red too
    html += fmt::format(
        "<tr{}><td>{}</td>{}<td>{}</td><td>{:.2f}%</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
        "<td>{}</td><td>{}</td><td>{}</td></tr>\n",
        l.regressed ? " class=\"regressed\"" : "", html_escape(p.when),
        p.runs ? fmt::format("<td>{}</td>", *p.runs) : "", p.requests, 100 * p.failure_rate(),
        time_or_dash(l.mean_s), time_or_dash(l.p50_s), time_or_dash(l.p95_s), time_or_dash(l.p99_s),
        time_or_dash(l.max_s), p.rps ? fmt::format("{:.1f}", *p.rps) : "–", trend);
  }
  return html + kTableClose;
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
  // The x labels: the time of day when every run is within a day and a half (with the seconds
  // within an hour: runs a few seconds apart), else the date.
  double first = 0, last = 0;
  for (const auto& l : newest_first) {
    first = first == 0 ? l.started : std::min(first, l.started);
    last = std::max(last, l.started);
  }
  const char* label_format = last - first < 3600          ? "%H:%M:%S"
                             : last - first <= 1.5 * kDay ? "%H:%M"
                                                          : "%Y-%m-%d";
  std::vector<Point> points;
  for (const auto& l : newest_first) {
    Point p;
    p.at = l.started;
    p.label = local_text(std::llround(l.started * 1e9), label_format);
    if (l.pseudo()) {
      p.when = fmt::format("{} (PyLoad's rows) {}", l.day, l.method);
    } else if (l.run_id == 0) {  // a distributed run, its shards merged
      p.when = fmt::format("{} · {} {} · {} shards", l.run_name, local_time_s(l.started), l.method,
                           l.shards);
    } else {
      p.when =
          fmt::format("{}{} · {} {}", l.run_id, l.run_name.empty() ? "" : " (" + l.run_name + ")",
                      local_time_s(l.started), l.method);
    }
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
    p.at = period_middle(l.period, context.period);
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
