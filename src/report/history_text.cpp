#include "report/history_text.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "report/sparkline.hpp"
#include "report/time_text.hpp"

namespace ccload::report {

namespace {

std::string seconds_text(const std::optional<double>& s) {
  return s ? fmt::format("{:.6f}", *s) : std::string("-");
}

std::string figure(const stats::TimingSummary& f, double value) {
  return f.count > 0 ? fmt::format("{:.6f}", value) : std::string("-");
}

}  // namespace

const char* period_noun(store::Period period) {
  return period == store::Period::weekly    ? "week"
         : period == store::Period::monthly ? "month"
                                            : "year";
}

void print_runs(std::ostream& out, const std::vector<store::detail::RunLine>& lines) {
  out << fmt::format("{:>6}  {:<19}  {:<7} {:<40} {:>9} {:>8} {:>10} {:>10} {:>10}\n", "RUN",
                     "STARTED (local)", "METHOD", "URL", "REQUESTS", "FAILED", "REQ/S", "AVG(s)",
                     "P95(s)");
  bool pseudo = false;
  for (const auto& l : lines) {
    // A distributed run is one line under its name; a pseudo-run is PyLoad's rows of a day.
    const std::string id = l.run_id ? std::to_string(l.run_id) : l.pseudo() ? "day" : l.run_name;
    const std::string when = l.pseudo() ? l.day : local_time_s(l.started);
    std::string note;
    if (l.run_id == 0 && !l.pseudo()) {
      note += l.shards_stored < l.shards
                  ? fmt::format("  {} of {} shards", l.shards_stored, l.shards)
                  : fmt::format("  {} shards", l.shards);
    } else if (!l.run_name.empty()) {
      note += l.shards > 1 ? "  " + l.run_name + " shard" : "  " + l.run_name;
    }
    if (l.interrupted) note += "  interrupted";
    if (l.unfinished) note = "  unfinished";
    if (l.thresholds_failed) note += "  thresholds failed";
    if (l.generator_limited) note += "  generator-limited";
    if (!l.protocol.empty() && l.protocol != "HTTP/1.1") note += "  " + l.protocol;
    if (l.fallback_rows > 0) note += fmt::format("  {} rows not stored", l.fallback_rows);
    pseudo = pseudo || l.pseudo();
    // A run of several targets: one line for the whole run, its URL column counting them.
    const std::string url =
        l.targets.size() > 1 ? fmt::format("{} targets", l.targets.size()) : l.url;
    const std::string method = l.targets.size() > 1 ? std::string("-") : l.method;
    out << fmt::format("{:>6}  {:<19}  {:<7} {:<40} {:>9} {:>8} {:>10} {:>10} {:>10}{}\n", id, when,
                       method, url, l.requests, l.failed,
                       l.rps ? fmt::format("{:.1f}", *l.rps) : "-", seconds_text(l.mean_s),
                       seconds_text(l.p95_s), note);
  }
  if (pseudo) {
    out << "(day: requests stored by PyLoad without a run, grouped per day, URL and method)\n";
  }
  for (const auto& l : lines) {
    if (l.fallback_rows == 0) continue;
    out << fmt::format("(run {}: {} rows not stored are in {}; `ccload import {}` stores them)\n",
                       l.run_id, l.fallback_rows, l.fallback_file, l.fallback_file);
  }
}

const char* period_title(store::Period period) {
  return period == store::Period::weekly    ? "WEEK"
         : period == store::Period::monthly ? "MONTH"
                                            : "YEAR";
}

void print_periods(std::ostream& out, const std::vector<store::detail::PeriodLine>& lines,
                   store::Period period, Charset charset, double tolerance) {
  out << fmt::format("{:<8}  {:<40} {:>6} {:>10} {:>8} {:>10} {:>10}  {}\n", period_title(period),
                     "URL", "RUNS", "REQUESTS", "FAILED", "AVG(s)", "P95(s)", "P95 TREND");
  bool any_regression = false;
  for (const auto& l : lines) {
    // The sparkline is padded by hand: a block character is 3 bytes but one column.
    std::string trend = sparkline(l.recent_p95_s, charset);
    trend.append(
        store::detail::kTrendPoints - std::min(store::detail::kTrendPoints, l.recent_p95_s.size()),
        ' ');
    std::string mark;
    if (l.regressed) {
      mark = fmt::format("  regressed (p95 {:+.0f}%)", 100 * l.p95_change.value_or(0));
      any_regression = true;
    }
    out << fmt::format("{:<8}  {:<40} {:>6} {:>10} {:>7.2f}% {:>10} {:>10}  {}{}\n", l.period,
                       l.url, l.runs, l.requests, 100.0 * l.failure_rate(), seconds_text(l.mean_s),
                       seconds_text(l.p95_s), trend, mark);
  }
  if (any_regression) {
    out << fmt::format(
        "(regressed: p95 rose more than {:g}% over the previous {} of the URL, and the latency "
        "distributions differ by the Kolmogorov-Smirnov test of ccload compare)\n",
        100 * tolerance, period_noun(period));
  }
}

void print_run_view(std::ostream& out, const stats::RunSummary& s,
                    const std::vector<store::StoredRequest>& rows, std::uint64_t total) {
  const stats::RunFacts& f = s.facts;
  // A merged distributed run has no id of its own: its name.
  const std::string name =
      s.storage.run_id != 0 || f.run_name.empty() ? std::to_string(s.storage.run_id) : f.run_name;
  const bool several = f.targets.size() > 1;
  if (several) {
    out << fmt::format("Run {}: {} targets\n", name, f.targets.size());
  } else {
    out << fmt::format("Run {}: {} {}\n", name, f.method, f.url);
  }
  out << fmt::format("Started {} (local), n={} c={}, {:.3f} s{}\n", local_time(f.started_unix_ns),
                     f.requested.value_or(0), f.concurrency, f.duration_s,
                     f.cut_short     ? ", cut short"
                     : f.interrupted ? ", interrupted"
                                     : "");
  out << fmt::format("Requests {}, succeeded {}, failed {}, {} bytes, {:.1f} req/s\n", s.requests,
                     s.succeeded, s.failed, s.bytes, s.rps);
  const stats::TimingSummary& t = s.total.figures;
  out << fmt::format("Total (s): min {} avg {} p50 {} p90 {} p95 {} p99 {} max {}\n",
                     figure(t, t.min), figure(t, t.mean), figure(t, t.p50), figure(t, t.p90),
                     figure(t, t.p95), figure(t, t.p99), figure(t, t.max));
  out << fmt::format(
      "First byte (s): avg {} p95 {}; last byte (s): avg {} p95 {}; connect (s): avg {} p95 {}\n",
      figure(s.ttfb.figures, s.ttfb.figures.mean), figure(s.ttfb.figures, s.ttfb.figures.p95),
      figure(s.ttlb.figures, s.ttlb.figures.mean), figure(s.ttlb.figures, s.ttlb.figures.p95),
      figure(s.connect.figures, s.connect.figures.mean),
      figure(s.connect.figures, s.connect.figures.p95));
  std::string statuses, errors;
  for (const auto& [code, count] : s.status_codes) {
    statuses += fmt::format("{}{} x{}", statuses.empty() ? "" : ", ", code, count);
  }
  for (int i = 1; i < kErrorCategoryCount; ++i) {
    const auto n = s.errors[static_cast<std::size_t>(i)];
    if (n == 0) continue;
    errors += fmt::format("{}{} x{}", errors.empty() ? "" : ", ",
                          to_string(static_cast<ErrorCategory>(i)), n);
  }
  out << "Statuses: " << (statuses.empty() ? "none" : statuses)
      << "; transport errors: " << (errors.empty() ? "none" : errors) << "\n";
  if (s.redirected > 0 || f.max_redirects > 0) {
    out << fmt::format("Redirected: {} requests (up to {} hops each)\n", s.redirected,
                       f.max_redirects);
  }
  // Each target (numbered from 1, as the TARGET column of the rows) with its own figures.
  for (std::size_t i = 0; several && i < f.targets.size(); ++i) {
    out << fmt::format("Target {}: {} {}", i + 1, f.targets[i].method, f.targets[i].url);
    if (i < s.targets.size()) {
      const stats::RunSummary& t = s.targets[i];
      out << fmt::format(": requests {}, failed {}, avg {} p95 {} s", t.requests, t.failed,
                         figure(t.total.figures, t.total.figures.mean),
                         figure(t.total.figures, t.total.figures.p95));
    }
    out << "\n";
  }
  for (const auto& v : s.thresholds) {
    out << fmt::format("Threshold {}: {}\n", v.expression, v.passed ? "PASS" : "FAIL");
  }
  for (const auto& note : s.notes) out << note << "\n";
  // The findings, as the run's own report says them (shards missing, a late agent, ...).
  for (const auto& line : stats::findings(s)) out << line << "\n";

  out << fmt::format("\n{:>10}  {:<26}  {:>6}  {:>12} {:>10} {:>10} {:>10} {:>9}  {}{}\n",
                     "REQUEST", "TIMESTAMP (local)", "STATUS", "RESPONSE(s)", "TTFB(s)", "TTLB(s)",
                     "CONNECT(s)", "BYTES", several ? "TARGET  " : "", "ERROR");
  for (const auto& r : rows) {
    out << fmt::format("{:>10}  {:<26}  {:>6}  {:>12} {:>10} {:>10} {:>10} {:>9}  {}{}\n",
                       r.request_id, local_time_s(r.timestamp, true), r.status,
                       seconds_text(r.total_s), seconds_text(r.ttfb_s), seconds_text(r.ttlb_s),
                       seconds_text(r.connect_s), r.bytes,
                       several ? fmt::format("{:>6}  ", r.target + 1) : "", r.error);
  }
  if (rows.size() < total) {
    out << fmt::format("... {} more rows (--limit {} shows them all)\n", total - rows.size(),
                       total);
  }
  if (s.storage.run_id != 0 && !s.storage.stored) {
    out << fmt::format(
        "({} of {} requests reached the database; the rest went to {})\n", total, s.requests,
        s.storage.fallback.empty() ? std::string("a fallback file") : s.storage.fallback);
  }
}

}  // namespace ccload::report
