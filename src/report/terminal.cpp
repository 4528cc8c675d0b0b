#include <fmt/format.h>

#include <ctime>

#include "report/report.hpp"

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

void timing_block(std::ostream& out, std::string_view title, const stats::Histogram& histogram) {
  stats::TimingSummary summary = stats::summarize(histogram);
  out << title << " (seconds):\n";
  if (summary.count == 0) {
    out << "  (no responses)\n\n";
    return;
  }
  seconds_line(out, "Maximum:", summary.max);
  seconds_line(out, "Minimum:", summary.min);
  seconds_line(out, "Average:", summary.mean);
  seconds_line(out, "p50:", summary.p50);
  seconds_line(out, "p90:", summary.p90);
  seconds_line(out, "p95:", summary.p95);
  seconds_line(out, "p99:", summary.p99);
  seconds_line(out, "p99.9:", summary.p999);
  out << "\n";
}

std::string status_text(const Record& record) {
  if (record.error != ErrorCategory::none) return std::string(to_string(record.error));
  return std::to_string(record.status);
}

}  // namespace

std::string utc_text(std::int64_t unix_ns, const char* format) {
  const std::time_t seconds = static_cast<std::time_t>(unix_ns / 1'000'000'000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[64];
  std::strftime(text, sizeof text, format, &tm);
  return text;
}

std::string local_time(std::int64_t unix_ns) {
  std::time_t seconds = static_cast<std::time_t>(unix_ns / 1'000'000'000);
  int millis = static_cast<int>((unix_ns / 1'000'000) % 1000);
  std::tm local{};
  localtime_r(&seconds, &local);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &local);
  return fmt::format("{}.{:03}", text, millis);
}

void print_report(std::ostream& out, const ReportInput& input) {
  const engine::EngineResult& result = *input.result;
  const stats::RunStats& stats = result.stats;
  out << "                    Load Test Results\n";
  counter(out, "Total Requests:", stats.requests);
  counter(out, "Concurrent Requests:", input.concurrency);
  if (input.duration_limit_s > 0) {
    out << fmt::format("{:<28}{:>12.3f}\n", "Duration Limit (seconds):", input.duration_limit_s);
  }
  if (input.rate > 0) {
    out << fmt::format("{:<28}{:>12.1f}\n", "Target Rate (req/s):", input.rate);
  }
  counter(out, "Successful Requests:", stats.succeeded);
  counter(out, "Failed Requests:", stats.failed);
  out << fmt::format("{:<28}{:>12.3f}\n", "Wall Time (seconds):", result.duration_s);
  double rps = result.duration_s > 0 ? static_cast<double>(stats.requests) / result.duration_s : 0;
  out << fmt::format("{:<28}{:>12.1f}\n", "Requests per Second:", rps);
  if (result.interrupted) {
    if (input.requested > 0) {
      out << fmt::format("Interrupted: {} of {} requests completed before Ctrl-C.\n",
                         stats.requests, input.requested);
    } else {
      out << fmt::format(
          "Interrupted: {} requests completed before Ctrl-C, {:.3f} s into {:.3f} s.\n",
          stats.requests, result.duration_s, input.duration_limit_s);
    }
  }
  out << kRule << "\n";
  if (stats.failed > 0) {
    out << fmt::format("{} of {} requests failed (status codes and errors below).\n", stats.failed,
                       stats.requests);
  }
  for (const auto& note : input.notes) out << note << "\n";

  out << "\nStatus Codes\n" << kRule << "\n";
  auto codes = stats.status_counts();
  if (codes.empty()) out << "  (no responses)\n";
  for (const auto& [code, count] : codes) {
    out << fmt::format("  {:<20}{:>18}{}\n", code, count,
                       is_success_status(code) ? "" : "  failed");
  }
  bool any_error = false;
  for (int i = 1; i < kErrorCategoryCount; ++i) any_error = any_error || stats.by_error[i] > 0;
  if (any_error) {
    out << "\nTransport Errors\n" << kRule << "\n";
    for (int i = 1; i < kErrorCategoryCount; ++i) {
      if (stats.by_error[i] == 0) continue;
      out << fmt::format("  {:<20}{:>18}\n", to_string(static_cast<ErrorCategory>(i)),
                         stats.by_error[i]);
    }
  }

  out << "\nPerformance Statistics\n" << kRule << "\n";
  timing_block(out, "Total Response Time", stats.total);
  timing_block(out, "First Byte Time", stats.ttfb);
  timing_block(out, "Last Byte Time", stats.ttlb);
  timing_block(out, "Connect Time", stats.connect);
  out << fmt::format("Connections opened: {}; response bytes: {}\n", result.connections_opened,
                     stats.bytes);

  out << "\nIndividual Request Details\n" << kRule << "\n";
  out << fmt::format("{:<10} | {:<23} | {:<30} | {:<8} | {:<7} | {}\n", "Request ID", "Timestamp",
                     "URL", "Status", "Method", "Response Time");
  std::size_t shown =
      input.all_details ? result.kept.size() : std::min(result.kept.size(), input.detail_rows);
  for (std::size_t i = 0; i < shown; ++i) {
    const Record& record = result.kept[i];
    out << fmt::format("{:<10} | {:<23} | {:<30} | {:<8} | {:<7} | {:.6f}\n", record.request_id,
                       local_time(record.start_unix_ns), input.url, status_text(record),
                       input.method, static_cast<double>(record.total_ns) / 1e9);
  }
  if (stats.requests > shown) {
    out << fmt::format("... {} more requests not shown{}\n", stats.requests - shown,
                       input.all_details ? "" : " (--details shows them all)");
  }
}

}  // namespace ccload::report
