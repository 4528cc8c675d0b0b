#include "report/terminal.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <vector>

#include "report/time_text.hpp"
#include "stats/run_end.hpp"

namespace ccload::report {

namespace {

constexpr const char* kRule = "------------------------------------------------------------";

// The seed's counter lines: label left, value right-aligned to column 40.
void counter(std::ostream& out, std::string_view label, std::uint64_t value) {
  out << fmt::format("{:<28}{:>12}\n", label, value);
}

void seconds_line(std::ostream& out, std::string_view label, double value) {
  out << fmt::format("  {:<20}{:>18.6f}\n", label, value);
}

void timing_block(std::ostream& out, std::string_view title, const stats::TimingSummary& figures) {
  out << title << " (seconds):\n";
  if (figures.count == 0) {
    out << "  (no responses)\n\n";
    return;
  }
  seconds_line(out, "Maximum:", figures.max);
  seconds_line(out, "Minimum:", figures.min);
  seconds_line(out, "Average:", figures.mean);
  seconds_line(out, "p50:", figures.p50);
  seconds_line(out, "p90:", figures.p90);
  seconds_line(out, "p95:", figures.p95);
  seconds_line(out, "p99:", figures.p99);
  seconds_line(out, "p99.9:", figures.p999);
  out << "\n";
}

void header(std::ostream& out, const stats::RunSummary& s) {
  const stats::RunFacts& facts = s.facts;
  out << "                    Load Test Results\n";
  counter(out, "Total Requests:", s.requests);
  counter(out, "Concurrent Requests:", facts.concurrency);
  if (facts.duration_limit_s) {
    out << fmt::format("{:<28}{:>12.3f}\n", "Duration Limit (seconds):", *facts.duration_limit_s);
  }
  if (facts.rate) out << fmt::format("{:<28}{:>12.1f}\n", "Target Rate (req/s):", *facts.rate);
  if (facts.protocol != "HTTP/1.1") {  // the seed's layout for the default protocol
    out << fmt::format("{:<28}{:>12}\n", "Protocol:", facts.protocol);
    out << fmt::format("{:<28}{:>12}\n", "Streams per Connection:", facts.streams);
  }
  if (facts.pipeline > 1) {
    out << fmt::format("{:<28}{:>12}\n", "Pipeline Depth:", facts.pipeline);
  }
  if (!facts.stages.empty()) {
    out << fmt::format("{:<28}{:>12}\n", "Stages (s:req/s):", stages_text(facts.stages));
    if (facts.start_rate) {
      out << fmt::format("{:<28}{:>12.1f}\n", "Start Rate (req/s):", *facts.start_rate);
    }
  }
  if (facts.seed) {  // a run with templates or a data file: what repeats it
    out << fmt::format("{:<28}{:>12}\n", "Seed:", *facts.seed);
    if (!facts.data_file.empty()) {
      out << fmt::format("Data File: {} ({} bytes, {} order, SHA-256 {})\n", facts.data_file,
                         facts.data_bytes, facts.data_order, facts.data_sha256);
    }
  }
  if (!facts.script.empty()) {
    std::string args;
    for (const std::string& arg : facts.script_args) args += fmt::format(" {}", arg);
    out << fmt::format("Script: {} (SHA-256 {}){}\n", facts.script, facts.script_sha256,
                       args.empty() ? std::string() : fmt::format(" --{}", args));
  }
  counter(out, "Successful Requests:", s.succeeded);
  counter(out, "Failed Requests:", s.failed);
  out << fmt::format("{:<28}{:>12.3f}\n", "Wall Time (seconds):", facts.duration_s);
  out << fmt::format("{:<28}{:>12.1f}\n", "Requests per Second:", s.rps);
  if (facts.dropped > 0) counter(out, "Dropped Requests:", facts.dropped);
  if (auto early = stats::early_end_sentence(s)) out << *early << "\n";
  out << kRule << "\n";
  if (s.failed > 0) {
    out << fmt::format("{} of {} requests failed (status codes and errors below).\n", s.failed,
                       s.requests);
  }
  if (s.redirected > 0) {
    out << fmt::format("Redirected:  {} {} followed redirects", s.redirected,
                       s.redirected == 1 ? "request" : "requests");
    if (facts.max_redirects > 0) {
      out << fmt::format(" (up to {} {} each)", facts.max_redirects,
                         facts.max_redirects == 1 ? "hop" : "hops");
    }
    out << ".\n";
  }
  for (const auto& note : s.notes) out << note << "\n";
  for (const auto& line : stats::findings(s)) out << line << "\n";
}

// One line on the generator itself: loop lag and CPU per worker, and the verdict.
void generator_line(std::ostream& out, const stats::GeneratorCheck& g) {
  if (!g.measured) return;
  std::string cpu;
  for (const auto& w : g.workers) {
    if (!cpu.empty()) cpu += ", ";
    cpu += fmt::format("{:.0f}%", w.wall_s > 0 ? w.cpu_s / w.wall_s * 100 : 0.0);
  }
  const std::string share =
      g.lag_share ? fmt::format(", {:.0f}% of the service-time p50", *g.lag_share * 100) : "";
  out << fmt::format(
      "Generator: event-loop lag p50 {:.3f} ms, p99 {:.3f} ms over {} ticks{}; CPU per worker {}; "
      "{}\n",
      g.loop_lag.p50 * 1e3, g.loop_lag.p99 * 1e3, g.loop_lag.count, share, cpu,
      stats::verdict_text(g));
}

void counts(std::ostream& out, const stats::RunSummary& s) {
  out << "\nStatus Codes\n" << kRule << "\n";
  if (s.status_codes.empty()) out << "  (no responses)\n";
  for (const auto& [code, count] : s.status_codes) {
    out << fmt::format("  {:<20}{:>18}{}\n", code, count,
                       is_success_status(code) ? "" : "  failed");
  }
  if (std::any_of(s.errors.begin() + 1, s.errors.end(), [](auto n) { return n > 0; })) {
    out << "\nTransport Errors\n" << kRule << "\n";
    for (int i = 1; i < kErrorCategoryCount; ++i) {
      const auto n = s.errors[static_cast<std::size_t>(i)];
      if (n > 0)
        out << fmt::format("  {:<20}{:>18}\n", to_string(static_cast<ErrorCategory>(i)), n);
      if (n > 0 && static_cast<ErrorCategory>(i) == ErrorCategory::tls) {
        for (int r = 0; r < kTlsReasonCount; ++r) {
          const auto m = s.tls_reasons[static_cast<std::size_t>(r)];
          if (m > 0)
            out << fmt::format("    {:<18}{:>18}\n", to_string(static_cast<TlsReason>(r)), m);
        }
      }
    }
  }
}

// A URL cut to at most `width` (> 15) bytes: its start and its end (the last path segment, the
// query) around "...", never inside a UTF-8 sequence. The start keeps the scheme and host whole
// when that leaves at least 12 bytes of the end; else the two halves are as long.
std::string cut_url(const std::string& url, std::size_t width) {
  if (url.size() <= width) return url;
  constexpr std::string_view kCut = "...";
  constexpr std::size_t kMinimumTail = 12;
  const std::size_t budget = width - kCut.size();
  const std::size_t scheme = url.find("://");
  const std::size_t path =
      scheme == std::string::npos ? std::string::npos : url.find('/', scheme + 3);
  std::size_t head = budget / 2;
  if (path != std::string::npos && path + 1 + kMinimumTail <= budget) {
    head = std::max(head, path + 1);
  }
  std::size_t tail_start = url.size() - (budget - head);
  auto continuation = [&](std::size_t at) {
    return (static_cast<unsigned char>(url[at]) & 0xC0) == 0x80;
  };
  while (head > 0 && continuation(head)) --head;
  while (tail_start < url.size() && continuation(tail_start)) ++tail_start;
  return url.substr(0, head) + std::string(kCut) + url.substr(tail_start);
}

std::string ms_cell(const stats::TimingSummary& figures, double value) {
  return figures.count == 0 ? std::string("-") : fmt::format("{:.3f}", value * 1e3);
}

// A run of several targets: one row per target, in the run's order, with its counts, its rate and
// its total response time; URLs longer than kUrlWidth are cut in the middle. Every column is as
// wide as its widest cell (text left-aligned, numbers right-aligned), two spaces apart.
void targets_table(std::ostream& out, const stats::RunSummary& s) {
  if (s.targets.empty()) return;
  constexpr std::size_t kUrlWidth = 40;
  constexpr std::size_t kColumns = 10, kTextColumns[] = {1, 2};  // method, URL
  using Row = std::array<std::string, kColumns>;
  std::vector<Row> rows{
      {"#", "Method", "URL", "Requests", "Failed", "Req/s", "Mean", "p50", "p95", "p99"}};
  for (std::size_t i = 0; i < s.targets.size(); ++i) {
    const stats::RunSummary& t = s.targets[i];
    const stats::TimingSummary& f = t.total.figures;
    rows.push_back({std::to_string(i + 1), t.facts.method, cut_url(t.facts.url, kUrlWidth),
                    std::to_string(t.requests), std::to_string(t.failed),
                    fmt::format("{:.1f}", t.rps), ms_cell(f, f.mean), ms_cell(f, f.p50),
                    ms_cell(f, f.p95), ms_cell(f, f.p99)});
  }
  std::array<std::size_t, kColumns> widths{};
  for (const Row& row : rows) {
    for (std::size_t c = 0; c < kColumns; ++c) widths[c] = std::max(widths[c], row[c].size());
  }
  out << fmt::format("\nTargets ({} in turn; total response time in milliseconds)\n",
                     s.targets.size())
      << kRule << "\n";
  for (const Row& row : rows) {
    std::string line;
    for (std::size_t c = 0; c < kColumns; ++c) {
      const bool text =
          std::find(std::begin(kTextColumns), std::end(kTextColumns), c) != std::end(kTextColumns);
      if (c > 0) line += "  ";
      line += text ? fmt::format("{:<{}}", row[c], widths[c])
                   : fmt::format("{:>{}}", row[c], widths[c]);
    }
    out << line << "\n";
  }
}

void details(std::ostream& out, const stats::RunSummary& s) {
  out << "\nIndividual Request Details\n" << kRule << "\n";
  // The URL column is as wide as the longest URL shown (at least 30, as the seed's table).
  std::size_t url_width = 30;
  for (const auto& row : s.details) url_width = std::max(url_width, row.url.size());
  out << fmt::format("{:<10} | {:<23} | {:<{}} | {:<8} | {:<7} | {}\n", "Request ID", "Timestamp",
                     "URL", url_width, "Status", "Method", "Response Time");
  for (const auto& row : s.details) {
    out << fmt::format("{:<10} | {:<23} | {:<{}} | {:<8} | {:<7} | {:.6f}\n", row.request_id,
                       local_time(row.start_unix_ns), row.url, url_width,
                       row.error.empty() ? std::to_string(row.status) : row.error, row.method,
                       row.total_s);
  }
  if (s.requests > s.details.size()) {
    out << fmt::format("... {} more requests not shown{}\n", s.requests - s.details.size(),
                       s.all_details ? "" : " (--details shows them all)");
  }
}

}  // namespace

// --check, k6's way: a mark, the expression, the share that passed and the counts.
void checks_block(std::ostream& out, const stats::RunSummary& s) {
  if (s.checks.empty()) return;
  out << "\nChecks\n" << kRule << "\n";
  for (const stats::CheckTally& c : s.checks) {
    out << fmt::format("  {} {:<30} {:>6.2f}%  {} passed, {} failed\n",
                       c.failed == 0 ? "\u2713" : "\u2717", c.expression, 100 * c.pass_rate(),
                       c.passed, c.failed);
  }
}

std::string result_line(const stats::RunSummary& s) {
  const double share =
      s.requests > 0 ? 100.0 * static_cast<double>(s.failed) / static_cast<double>(s.requests) : 0;
  std::string line =
      fmt::format("Result: {} requests in {:.1f} s ({:.1f} req/s), {} failed ({:.2f}%)", s.requests,
                  s.facts.duration_s, s.rps, s.failed, share);
  if (s.total.figures.count > 0) line += ", p99 " + value_text(s.total.figures.p99, "s");
  if (s.facts.interrupted) line += "; stopped before its end";
  return line;
}

void print_report(std::ostream& out, const stats::RunSummary& s, ReportLayout layout) {
  if (layout.verdicts_last) {
    details(out, s);
    out << "\n";
  }
  header(out, s);
  counts(out, s);
  checks_block(out, s);
  out << "\nPerformance Statistics\n" << kRule << "\n";
  timing_block(out, "Total Response Time", s.total.figures);
  timing_block(out, "First Byte Time", s.ttfb.figures);
  timing_block(out, "Last Byte Time", s.ttlb.figures);
  timing_block(out, "Connect Time", s.connect.figures);
  if (s.paced()) {
    timing_block(out, "Wait Time, scheduled -> sent", s.wait.figures);
    timing_block(out, "Service Time, sent -> last byte", s.service.figures);
    out << fmt::format("Requests that waited more than 1 ms: {}\n", s.waited);
  }
  generator_line(out, s.generator);
  out << fmt::format("Connections opened: {}; response body bytes: {}\n",
                     s.facts.connections_opened, s.bytes);
  targets_table(out, s);
  if (layout.verdicts_last) {
    out << "\n" << result_line(s) << "\n";
  } else {
    details(out, s);
  }
}

std::string value_text(double value, const std::string& unit) {
  if (unit == "s") {
    if (value < 1e-3) return fmt::format("{:.1f} us", value * 1e6);
    if (value < 1) return fmt::format("{:.3f} ms", value * 1e3);
    return fmt::format("{:.3f} s", value);
  }
  if (unit == "%") return fmt::format("{:.2f}%", value);
  if (unit == "req/s") return fmt::format("{:.1f} req/s", value);
  return fmt::format("{:g}", value);
}

void print_thresholds(std::ostream& out, const std::vector<stats::ThresholdVerdict>& verdicts) {
  if (verdicts.empty()) return;
  out << "\nThresholds\n" << kRule << "\n";
  for (const auto& v : verdicts) {
    out << fmt::format("  {:<28} {:>16}  {}\n", v.expression,
                       v.measured ? value_text(*v.measured, v.unit) : "no sample",
                       v.passed ? "PASS" : "FAIL");
  }
}

}  // namespace ccload::report
