// The --html report: one self-contained page (inline CSS and SVG, no script, nothing fetched).

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <vector>

#include "report/html_report.hpp"
#include "report/html_report_charts.hpp"
#include "report/svg_chart.hpp"
#include "report/terminal.hpp"
#include "report/time_text.hpp"
#include "stats/run_end.hpp"

namespace ccload::report {

std::string html_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string url_html(std::string_view url) {
  std::string out;
  for (std::size_t i = 0; i < url.size(); ++i) {
    out += html_escape(url.substr(i, 1));
    const char c = url[i];
    const bool in_scheme_slashes =
        c == '/' && ((i >= 1 && url[i - 1] == ':') || (i >= 2 && url.substr(i - 2, 2) == ":/"));
    const bool separator = c == '/' || c == '?' || c == '&' || c == '=';
    if (separator && !in_scheme_slashes && i + 1 < url.size()) out += "<wbr>";
  }
  return out;
}

namespace {

using detail::Curve;
using detail::curves_top_ms;
using detail::percentile_chart;
using detail::timeline_section;

std::string timing_row(const char* name, const stats::TimingSummary& s) {
  if (s.count == 0) return fmt::format("<tr><th>{}</th><td colspan=\"9\">none</td></tr>\n", name);
  return fmt::format(
      "<tr><th>{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
      "<td>{}</td><td>{}</td><td>{}</td></tr>\n",
      name, s.count, duration_text(s.min), duration_text(s.mean), duration_text(s.p50),
      duration_text(s.p90), duration_text(s.p95), duration_text(s.p99), duration_text(s.p999),
      duration_text(s.max));
}

std::array<Curve, 3> curves_of(const stats::RunSummary& s) {
  return {Curve{"total", "#2f6fde", &s.total.histogram},
          Curve{"last byte", "#0f9d76", &s.ttlb.histogram},
          Curve{"first byte", "#d9822b", &s.ttfb.histogram}};
}

// The page's own rules for the targets section (after kPageStyle, which the history page shares):
// method and URL left-aligned, URLs in monospace; a URL wraps only after a '/' (and '?', '&', '=')
// and keeps at least 14 characters a line; the figures never wrap (the table scrolls instead).
constexpr const char* kTargetsStyle =
    "<style>\n.targets .text{text-align:left}"
    ".targets td.url,h3.target{font-family:ui-monospace,monospace}"
    ".targets td.url{min-width:14ch;white-space:normal}"
    "h3.target{font-size:1rem;margin:1.5rem 0 .25rem;overflow-wrap:anywhere}\n</style>\n";

std::string time_cell(const stats::TimingSummary& figures, double value) {
  return figures.count == 0 ? std::string("–") : duration_text(value);
}

// A run of several targets: the table (one row per target, in the run's order: its counts, rate
// and total response time) and each target's latency-by-percentile chart, headed by its method
// and URL, all on the same latency axis. Empty for a run of one target.
std::string targets_section(const stats::RunSummary& s) {
  if (s.targets.empty()) return "";
  std::string html = fmt::format(
      "<h2>Targets</h2>\n<p class=\"meta\">Requests went to the {} targets in turn; latency is "
      "the total response time.</p>\n",
      s.targets.size());
  html += table_open("class=\"targets\"");
  html +=
      "<tr><th>#</th><th class=\"text\">method</th>"
      "<th class=\"text\">URL</th>"
      "<th>requests</th><th>failed</th><th>requests/s</th><th>mean</th><th>p50</th><th>p95</th>"
      "<th>p99</th></tr>\n";
  for (std::size_t i = 0; i < s.targets.size(); ++i) {
    const stats::RunSummary& t = s.targets[i];
    const stats::TimingSummary& f = t.total.figures;
    html += fmt::format(
        "<tr><td>{}</td><td class=\"text\">{}</td><td class=\"text url\">{}</td><td>{}</td>"
        "<td>{}</td><td>{:.1f}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
        i + 1, html_escape(t.facts.method), url_html(t.facts.url), t.requests, t.failed, t.rps,
        time_cell(f, f.mean), time_cell(f, f.p50), time_cell(f, f.p95), time_cell(f, f.p99));
  }
  html += kTableClose;
  double shared_top_ms = 0;  // one latency axis for every target's chart: they compare at a glance
  for (const auto& t : s.targets)
    shared_top_ms = std::max(shared_top_ms, curves_top_ms(curves_of(t)));
  for (std::size_t i = 0; i < s.targets.size(); ++i) {
    const stats::RunSummary& t = s.targets[i];
    const std::string name = html_escape(t.facts.method + " " + t.facts.url);
    html += fmt::format("<h3 class=\"target\">{}. {} {}</h3>\n", i + 1, html_escape(t.facts.method),
                        url_html(t.facts.url));
    if (t.total.histogram.count() == 0) {
      html += "<p class=\"meta\">No responses.</p>\n";
      continue;
    }
    html += percentile_chart(curves_of(t), "latency by percentile: " + name, shared_top_ms);
  }
  return html;
}

// How long the run was bound and how fast, as its options said: "-n 1000 at 50 requests/s",
// "-z 30 s" or "--stages ...". Not yet HTML-escaped.
std::string bound_text(const stats::RunFacts& facts) {
  std::string bound = facts.requested
                          ? fmt::format("-n {}", *facts.requested)
                          : fmt::format("-z {:g} s", facts.duration_limit_s.value_or(0));
  if (facts.rate) bound += fmt::format(" at {:g} requests/s", *facts.rate);
  if (!facts.stages.empty()) {
    bound = fmt::format("--stages {}", stages_text(facts.stages));
    if (facts.start_rate) bound += fmt::format(" from {:g} requests/s", *facts.start_rate);
  }
  return bound;
}

// The page from its doctype to the lines under its heading: the run's target (the first of several
// and how many more), when it started, its bounds, and why it ended early if it did.
std::string page_head(const stats::RunSummary& s) {
  const stats::RunFacts& facts = s.facts;
  const std::string bound = bound_text(facts);

  // What the run went to: its target, or the first of its several and how many more.
  std::string more;
  if (!s.targets.empty()) {
    more = fmt::format(" and {} more target{}", s.targets.size() - 1,
                       s.targets.size() == 2 ? "" : "s");
  }
  const std::string target = html_escape(facts.method + " " + facts.url) + more;
  std::string html = "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  html += fmt::format("<title>ccload: {}</title>\n", target);
  html += kPageStyle;
  if (!s.targets.empty()) html += kTargetsStyle;
  html += "</head>\n<body>\n<h1>Load test results</h1>\n";
  html += fmt::format("<p class=\"target\">{} {}{}</p>\n", html_escape(facts.method),
                      url_html(facts.url), more);
  const std::string depth =
      facts.pipeline > 1 ? fmt::format(" · --pipeline {}", facts.pipeline) : std::string();
  html += fmt::format("<p class=\"meta\">Started {} · {} · -c {}{} · {:.3f} s wall time</p>\n",
                      utc_text(facts.started_unix_ns, "%Y-%m-%d %H:%M:%S UTC"), html_escape(bound),
                      facts.concurrency, depth, facts.duration_s);
  if (auto early = stats::early_end_sentence(s)) {
    html += fmt::format("<p class=\"interrupted\">{}</p>\n", html_escape(*early));
  }
  return html;
}

// The headline cards (requests, succeeded, failed, dropped if any, requests/s, p99 total) and the
// sentence on followed redirects, if any were.
std::string summary_cards(const stats::RunSummary& s) {
  const stats::RunFacts& facts = s.facts;
  std::string html = "<section class=\"cards\">\n";
  html += fmt::format("<div><b>{}</b><span>requests</span></div>\n", s.requests);
  html += fmt::format("<div><b>{}</b><span>succeeded</span></div>\n", s.succeeded);
  html += fmt::format("<div{}><b>{}</b><span>failed</span></div>\n",
                      s.failed > 0 ? " class=\"bad\"" : "", s.failed);
  if (facts.dropped > 0) {
    html += fmt::format("<div class=\"bad\"><b>{}</b><span>dropped</span></div>\n", facts.dropped);
  }
  html += fmt::format("<div><b>{:.1f}</b><span>requests/s</span></div>\n", s.rps);
  html += fmt::format(
      "<div><b>{}</b><span>p99 total</span></div>\n",
      s.total.figures.count > 0 ? duration_text(s.total.figures.p99) : std::string("–"));
  html += "</section>\n";
  if (s.redirected > 0) {
    html += fmt::format("<p>{} {} followed redirects{}.</p>\n", s.redirected,
                        s.redirected == 1 ? "request" : "requests",
                        facts.max_redirects > 0
                            ? fmt::format(" (up to {} hop{} each)", facts.max_redirects,
                                          facts.max_redirects == 1 ? "" : "s")
                            : std::string());
  }
  return html;
}

// The --fail-on verdicts, one row each; empty when the run had none.
std::string thresholds_section(const stats::RunSummary& s) {
  if (s.thresholds.empty()) return "";
  std::string html = "<h2>Thresholds</h2>\n" + table_open() +
                     "<tr><th>threshold</th><th>measured</th><th>verdict</th></tr>\n";
  for (const auto& v : s.thresholds) {
    // The terminal's figures (more digits than duration_text: a verdict near its bound stays
    // legible), with the page's "µs" for the terminal's ASCII "us".
    std::string measured = v.measured ? html_escape(value_text(*v.measured, v.unit)) : "no sample";
    if (measured.size() > 3 && measured.compare(measured.size() - 3, 3, " us") == 0) {
      measured.replace(measured.size() - 2, 2, "µs");
    }
    html += fmt::format("<tr class=\"{}\"><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                        v.passed ? "pass" : "fail", html_escape(v.expression), measured,
                        v.passed ? "PASS" : "FAIL");
  }
  html += kTableClose;
  return html;
}

// The run's latency chart and the table of its timings (wait and service too when paced), and
// when paced, how many requests waited for a free connection.
std::string latency_section(const stats::RunSummary& s) {
  std::string html = "<h2>Latency by percentile</h2>\n";
  html += percentile_chart(curves_of(s), "latency by percentile");
  html += table_open() +
          "<tr><th>timing</th><th>count</th><th>min</th><th>mean</th><th>p50</th>"
          "<th>p90</th><th>p95</th><th>p99</th><th>p99.9</th><th>max</th></tr>\n";
  html += timing_row("total", s.total.figures);
  html += timing_row("first byte", s.ttfb.figures);
  html += timing_row("last byte", s.ttlb.figures);
  html += timing_row("connect", s.connect.figures);
  if (s.paced()) {
    html += timing_row("wait (scheduled &rarr; sent)", s.wait.figures);
    html += timing_row("service (sent &rarr; last byte)", s.service.figures);
  }
  html += kTableClose;
  if (s.paced()) {
    html +=
        fmt::format("<p>{} requests waited more than 1 ms for a free connection.</p>\n", s.waited);
  }
  return html;
}

// The generator's own health (event-loop lag, CPU per worker, its verdict); empty when it was
// not measured.
std::string generator_section(const stats::RunSummary& s) {
  if (!s.generator.measured) return "";
  std::string cpu;
  for (const auto& w : s.generator.workers) {
    if (!cpu.empty()) cpu += ", ";
    cpu += fmt::format("{:.0f}%", w.wall_s > 0 ? w.cpu_s / w.wall_s * 100 : 0.0);
  }
  return fmt::format(
      "<h2>The generator</h2>\n<p>Event-loop lag p50 {}, p99 {} over {} "
      "ticks{}; CPU per worker {}; {}.</p>\n",
      duration_text(s.generator.loop_lag.p50), duration_text(s.generator.loop_lag.p99),
      s.generator.loop_lag.count,
      s.generator.lag_share
          ? fmt::format(", {:.0f}% of the service-time p50", *s.generator.lag_share * 100)
          : "",
      cpu,
      s.generator.limited() ? "<b>" + stats::verdict_text(s.generator) + "</b>"
                            : stats::verdict_text(s.generator));
}

// The status codes table (always there: "no responses" when empty) and the transport errors
// table, by category with TLS broken down by reason, when there were any.
std::string outcomes_section(const stats::RunSummary& s) {
  std::string html =
      "<h2>Status codes</h2>\n" + table_open() + "<tr><th>status</th><th>requests</th></tr>\n";
  if (s.status_codes.empty()) html += "<tr><td>no responses</td><td></td></tr>\n";
  for (const auto& [code, count] : s.status_codes) {
    html += fmt::format("<tr><td>{}{}</td><td>{}</td></tr>\n", code,
                        is_success_status(code) ? "" : " (failed)", count);
  }
  html += kTableClose;
  if (std::any_of(s.errors.begin() + 1, s.errors.end(), [](auto n) { return n > 0; })) {
    html += "<h2>Transport errors</h2>\n" + table_open() +
            "<tr><th>category</th><th>requests</th></tr>\n";
    for (int i = 1; i < kErrorCategoryCount; ++i) {
      const auto n = s.errors[static_cast<std::size_t>(i)];
      if (n == 0) continue;
      html += fmt::format("<tr><td>{}</td><td>{}</td></tr>\n",
                          to_string(static_cast<ErrorCategory>(i)), n);
      if (static_cast<ErrorCategory>(i) != ErrorCategory::tls) continue;
      for (int r = 0; r < kTlsReasonCount; ++r) {
        const auto m = s.tls_reasons[static_cast<std::size_t>(r)];
        if (m == 0) continue;
        html += fmt::format("<tr><td>tls: {}</td><td>{}</td></tr>\n",
                            to_string(static_cast<TlsReason>(r)), m);
      }
    }
    html += kTableClose;
  }
  return html;
}

// The --check tallies, one row each; empty when the run had none.
std::string checks_section(const stats::RunSummary& s) {
  if (s.checks.empty()) return "";
  std::string html = "<h2>Checks</h2>\n" + table_open() +
                     "<tr><th>check</th><th>passed</th><th>failed</th><th>share passed</th></tr>\n";
  for (const stats::CheckTally& c : s.checks) {
    html += fmt::format("<tr class=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{:.2f}%</td></tr>\n",
                        c.failed == 0 ? "pass" : "fail", html_escape(c.expression), c.passed,
                        c.failed, 100 * c.pass_rate());
  }
  html += kTableClose;
  return html;
}

// The findings, then the run's notes, as one list; then the footer and the end of the page.
std::string page_foot(const stats::RunSummary& s) {
  std::string html;
  const std::vector<std::string> findings = stats::findings(s);
  if (!s.notes.empty() || !findings.empty()) {
    html += "<h2>Notes</h2>\n<ul>\n";
    for (const auto& line : findings) html += "<li>" + html_escape(line) + "</li>\n";
    for (const auto& note : s.notes) html += "<li>" + html_escape(note) + "</li>\n";
    html += "</ul>\n";
  }
  html += fmt::format(
      "<footer>ccload · {} connections opened · {} response body "
      "bytes</footer>\n</body>\n</html>\n",
      s.facts.connections_opened, s.bytes);
  return html;
}

}  // namespace

std::string html_report(const stats::RunSummary& s) {
  std::string html = page_head(s);
  html += summary_cards(s);
  html += thresholds_section(s);
  html += latency_section(s);
  html += targets_section(s);
  html += generator_section(s);
  html += timeline_section(s.timeline, s.facts.duration_s);
  html += outcomes_section(s);
  html += checks_section(s);
  html += page_foot(s);
  return html;
}

}  // namespace ccload::report
