#include "report/csv_summary.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>

#include "report/time_text.hpp"

namespace ccload::report {

namespace {

constexpr const char* kTimings[] = {"total", "ttfb", "ttlb", "connect", "wait", "service"};
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

std::string optional_number(const std::optional<double>& value) {
  return value ? fmt::format("{}", *value) : "";
}

// The columns up to the timings: the same in this version and the one before the targets.
std::string leading_columns() {
  std::string header =
      "started_utc,url,method,concurrency,requested,duration_limit_s,rate,requests,succeeded,"
      "failed,rps,duration_s,interrupted,bytes";
  for (const char* timing : kTimings) {
    for (const char* figure : kFigures) header += fmt::format(",{}_{}_s", timing, figure);
  }
  return header + ",waited,generator_limited,stages";
}

// The header of ccload before runs had several targets (no redirected, no target column).
std::string previous_header() { return leading_columns(); }

// One row of `s` (the whole run or one target's summary) with `target` in the target column;
// `named` false leaves url and method empty (the whole of a run of several targets).
std::string one_row(const stats::RunSummary& s, const std::string& target, bool named) {
  const stats::RunFacts& facts = s.facts;
  std::string row = fmt::format(
      "{},{},{},{},{},{},{},{},{},{},{:.3f},{:.6f},{},{}", utc_iso(facts.started_unix_ns),
      named ? field(facts.url) : "", named ? field(facts.method) : "", facts.concurrency,
      facts.requested ? std::to_string(*facts.requested) : "",
      optional_number(facts.duration_limit_s), optional_number(facts.rate), s.requests, s.succeeded,
      s.failed, s.rps, facts.duration_s, facts.interrupted ? 1 : 0, s.bytes);
  for (const stats::Timing* timing :
       {&s.total, &s.ttfb, &s.ttlb, &s.connect, &s.wait, &s.service}) {
    const stats::TimingSummary& f = timing->figures;
    for (double value : {f.mean, f.p50, f.p90, f.p95, f.p99, f.p999, f.max}) {
      // No sample (no response, or no connection opened): an empty cell, not a zero.
      row += f.count == 0 ? std::string(",") : fmt::format(",{:.6f}", value);
    }
  }
  // generator_limited: empty for a run stored before the generator was measured.
  row += fmt::format(",{},{},{}", s.waited,
                     s.generator.measured ? (s.generator.limited() ? "1" : "0") : "",
                     field(stages_text(facts.stages)));
  return row + fmt::format(",{},{},{},{}", s.redirected, target, facts.stop_signal, facts.dropped);
}

// The header before stop_signal and dropped (several targets, redirects).
std::string targets_header() { return leading_columns() + ",redirected,target"; }

}  // namespace

std::string csv_header() { return targets_header() + ",stop_signal,dropped"; }

std::vector<std::string> csv_rows(const stats::RunSummary& s) {
  std::vector<std::string> rows{one_row(s, "total", s.targets.empty())};
  for (std::size_t i = 0; i < s.targets.size(); ++i) {
    rows.push_back(one_row(s.targets[i], std::to_string(i + 1), true));
  }
  return rows;
}

std::string csv_row(const stats::RunSummary& s) {
  std::string lines;
  for (const std::string& row : csv_rows(s)) lines += (lines.empty() ? "" : "\n") + row;
  return lines;
}

std::optional<std::string> csv_header_problem(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::file_size(path, ec) == 0 || ec) return std::nullopt;
  std::ifstream existing(path);
  std::string first;
  std::getline(existing, first);
  if (first.rfind("\xEF\xBB\xBF", 0) == 0) first.erase(0, 3);
  if (!first.empty() && first.back() == '\r') first.pop_back();
  if (first == csv_header()) return std::nullopt;
  if (first == previous_header()) {
    return fmt::format(
        "--csv '{}' has the columns of an older ccload (without redirected and target, added for "
        "runs of several targets): rows of this version would not line up under them; give a new "
        "file, or add \",redirected,target\" to its first line and \",,total\" to every other "
        "line",
        path);
  }
  if (first == targets_header()) {
    return fmt::format(
        "--csv '{}' has the columns of an older ccload (without stop_signal and dropped): rows of "
        "this version would not line up under them; give a new file, or add "
        "\",stop_signal,dropped\" to its first line and \",,0\" to every other line",
        path);
  }
  return fmt::format(
      "--csv '{}' holds other data (its first line is not ccload's header, or is from an older "
      "version): give a new file",
      path);
}

}  // namespace ccload::report
