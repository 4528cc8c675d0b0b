#include <fmt/format.h>

#include "report/report.hpp"

namespace ccload::report {

namespace {

constexpr const char* kTimings[] = {"total", "ttfb", "ttlb", "connect"};
constexpr const char* kFigures[] = {"mean", "p50", "p90", "p95", "p99", "p999", "max"};

// RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled.
std::string field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + '"';
}

std::string utc(std::int64_t unix_ns) {
  return fmt::format("{}.{:03}Z", utc_text(unix_ns, "%Y-%m-%dT%H:%M:%S"),
                     (unix_ns / 1'000'000) % 1000);
}

std::string optional_number(double value) { return value > 0 ? fmt::format("{}", value) : ""; }

}  // namespace

std::string csv_header() {
  std::string header =
      "started_utc,url,method,concurrency,requested,duration_limit_s,rate,requests,succeeded,"
      "failed,rps,duration_s,interrupted,bytes";
  for (const char* timing : kTimings) {
    for (const char* figure : kFigures) header += fmt::format(",{}_{}_s", timing, figure);
  }
  return header;
}

std::string csv_row(const ReportInput& input) {
  const engine::EngineResult& result = *input.result;
  const stats::RunStats& stats = result.stats;
  const double rps =
      result.duration_s > 0 ? static_cast<double>(stats.requests) / result.duration_s : 0;
  std::string row =
      fmt::format("{},{},{},{},{},{},{},{},{},{},{:.3f},{:.6f},{},{}", utc(result.started_unix_ns),
                  field(input.url), field(input.method), input.concurrency,
                  input.requested > 0 ? std::to_string(input.requested) : "",
                  optional_number(input.duration_limit_s), optional_number(input.rate),
                  stats.requests, stats.succeeded, stats.failed, rps, result.duration_s,
                  result.interrupted ? 1 : 0, stats.bytes);
  for (const stats::Histogram* histogram :
       {&stats.total, &stats.ttfb, &stats.ttlb, &stats.connect}) {
    const stats::TimingSummary s = stats::summarize(*histogram);
    for (double value : {s.mean, s.p50, s.p90, s.p95, s.p99, s.p999, s.max}) {
      // No sample (no response, or no connection opened): an empty cell, not a zero.
      row += s.count == 0 ? std::string(",") : fmt::format(",{:.6f}", value);
    }
  }
  return row;
}

}  // namespace ccload::report
