#include "report/terminal.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "report/time_text.hpp"

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
  if (!facts.stages.empty()) {
    out << fmt::format("{:<28}{:>12}\n", "Stages (s:req/s):", stages_text(facts.stages));
    if (facts.start_rate) {
      out << fmt::format("{:<28}{:>12.1f}\n", "Start Rate (req/s):", *facts.start_rate);
    }
  }
  counter(out, "Successful Requests:", s.succeeded);
  counter(out, "Failed Requests:", s.failed);
  out << fmt::format("{:<28}{:>12.3f}\n", "Wall Time (seconds):", facts.duration_s);
  out << fmt::format("{:<28}{:>12.1f}\n", "Requests per Second:", s.rps);
  if (facts.interrupted) {
    if (facts.requested) {
      out << fmt::format("Interrupted: {} of {} requests completed before Ctrl-C.\n", s.requests,
                         *facts.requested);
    } else {
      out << fmt::format(
          "Interrupted: {} requests completed before Ctrl-C, {:.3f} s into {:.3f} s.\n", s.requests,
          facts.duration_s, facts.duration_limit_s.value_or(0));
    }
  }
  out << kRule << "\n";
  if (s.failed > 0) {
    out << fmt::format("{} of {} requests failed (status codes and errors below).\n", s.failed,
                       s.requests);
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
  out << fmt::format(
      "Generator: event-loop lag p50 {:.3f} ms, p99 {:.3f} ms; CPU per worker {}; {}\n",
      g.loop_lag.p50 * 1e3, g.loop_lag.p99 * 1e3, cpu,
      g.limited ? "generator-limited" : "not limited");
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
    }
  }
}

void details(std::ostream& out, const stats::RunSummary& s) {
  out << "\nIndividual Request Details\n" << kRule << "\n";
  out << fmt::format("{:<10} | {:<23} | {:<30} | {:<8} | {:<7} | {}\n", "Request ID", "Timestamp",
                     "URL", "Status", "Method", "Response Time");
  for (const auto& row : s.details) {
    out << fmt::format("{:<10} | {:<23} | {:<30} | {:<8} | {:<7} | {:.6f}\n", row.request_id,
                       local_time(row.start_unix_ns), row.url,
                       row.error.empty() ? std::to_string(row.status) : row.error, row.method,
                       row.total_s);
  }
  if (s.requests > s.details.size()) {
    out << fmt::format("... {} more requests not shown{}\n", s.requests - s.details.size(),
                       s.all_details ? "" : " (--details shows them all)");
  }
}

}  // namespace

void print_report(std::ostream& out, const stats::RunSummary& s) {
  header(out, s);
  counts(out, s);
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
  out << fmt::format("Connections opened: {}; response bytes: {}\n", s.facts.connections_opened,
                     s.bytes);
  details(out, s);
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
